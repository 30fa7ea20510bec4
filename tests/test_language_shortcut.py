"""The function-word shortcut (language.clearly_in) that spares langdetect calls
must only vouch for blocks that are plainly in the language."""

from __future__ import annotations

import pytest

from audit import language
from audit.extract import extract_article
from tests.test_language_detect import PARAGRAPHS

# English written around "at" and "may", which Tagalog uses as function words too.
ENGLISH_AT_MAY = [
    "Fans may queue at the stadium at six, and tickets may sell out at once at the box office at the "
    "arena, the promoter said at a briefing.",
    "Families may collect relief packs at the gym at eight or at the chapel at ten, and volunteers may "
    "help at both sites at any time.",
]

INDONESIAN = (
    "Menurut dia, warga yang tinggal di dekat pasar itu akan meminta dewan kota untuk membatasi musik yang "
    "terlalu keras pada malam hari karena mereka tidak bisa tidur."
)
VIETNAMESE = (
    "Chính quyền thành phố đã mở ba điểm sơ tán tại các phường ven biển từ sáng thứ Ba sau khi triều "
    "cường tràn qua đê cũ, người phát ngôn cho biết."
)


@pytest.mark.parametrize("text", ENGLISH_AT_MAY)
def test_english_full_of_at_and_may_is_not_clearly_tagalog(text):
    assert not language.clearly_in(text, "tl")
    assert language.detect(text)[0] == "en"


@pytest.mark.parametrize("text", ENGLISH_AT_MAY)
def test_such_a_paragraph_in_a_tagalog_article_is_tagged_english(text):
    tl = PARAGRAPHS["tl"]
    body = f"<p>{tl[0]}</p><p>{tl[1]}</p><p>{text}</p><p>{tl[2]}</p>"
    html = f"<html><head><title>Baha</title></head><body><article><h1>Baha sa bayan</h1>{body}</article></body></html>"
    article = extract_article(html.encode(), language_hint="tl").article
    assert article.language == "tl"
    assert [b.language for b in article.blocks if b.kind == "paragraph"] == ["tl", "tl", "en", "tl"]


@pytest.mark.parametrize(
    ("lang", "text"),
    [(lang, p) for lang in ("tl", "en") for p in PARAGRAPHS[lang]] + [("id", INDONESIAN), ("vi", VIETNAMESE)],
)
def test_plain_paragraphs_still_take_the_shortcut(lang, text):
    assert language.clearly_in(text, lang)


def test_the_shortcut_never_vouches_for_another_language():
    for lang, paragraphs in PARAGRAPHS.items():
        for other in ("id", "ms", "tl", "en", "vi"):
            if language.family(other) != language.family(lang):
                assert not any(language.clearly_in(p, other) for p in paragraphs), (lang, other)


def test_distinctive_words_share_nothing_across_families():
    lists = language._distinctive_words_by_language()
    assert "at" not in lists["tl"] and "may" not in lists["tl"]
    assert {"ang", "ng", "mga"} <= lists["tl"]
    assert "yang" in lists["id"] and "yang" in lists["ms"]  # one family


def test_plain_news_sentences_with_few_function_words_are_clear() -> None:
    # A reporter's sentence has fewer function words than a novel's; one in eight
    # distinctive ones is enough when no other language's words rival them.
    en = "Two United States soldiers were killed when their helicopter crashed near Kandahar, the military said."
    id_ = "Dua anggota militer Amerika Serikat tewas dalam kecelakaan helikopter di Afghanistan, kata pejabat setempat."
    assert language.clearly_in(en, "en")
    assert language.clearly_in(id_, "id")
    assert not language.clearly_in(id_, "en") and not language.clearly_in(en, "id")


# A Portuguese story (no lexicon of ours): its own frequent words stand in for one.
PORTUGUESE = [
    "A prefeitura de Lisboa anunciou que as obras no metro vão começar em março, e que as estações da "
    "linha verde vão fechar durante as obras.",
    "Os moradores da zona disseram que as obras no metro vão trazer mais trânsito para as ruas da cidade "
    "durante o verão.",
    "A prefeitura garantiu que as estações da linha verde vão reabrir antes do inverno e que os "
    "autocarros vão substituir o metro.",
    "Segundo a prefeitura, a linha verde do metro transporta todos os dias milhares de passageiros "
    "entre as estações do centro.",
]


def test_a_block_in_the_articles_language_without_a_lexicon_reads_like_the_article():
    body = "\n".join(PORTUGUESE)
    vocabulary = language.article_vocabulary(body, "pt")
    assert {"obras", "metro", "vão"} <= vocabulary
    assert "the" not in vocabulary and "and" not in vocabulary  # another family's function words
    block = "Na linha verde, as obras da prefeitura no metro vão fechar as estações durante o verão inteiro."
    assert language.reads_like_article(block, "pt", vocabulary, "LATIN")


def test_a_foreign_block_does_not_read_like_the_article_english_in_portuguese_and_russian():
    body = "\n".join(PORTUGUESE)
    vocabulary = language.article_vocabulary(body, "pt")
    english = "The city said the works on the metro would start in March and that the green line would close."
    assert not language.reads_like_article(english, "pt", vocabulary, "LATIN")
    # Another script is never the article's, whatever words it repeats.
    russian = "Мэрия Лиссабона объявила, что работы в метро начнутся в марте и продлятся всё лето."
    assert not language.reads_like_article(russian, "pt", vocabulary | {"мэрия", "метро"}, "LATIN")
    assert not language.reads_like_article("Too short to judge", "pt", vocabulary, "LATIN")
    assert not language.reads_like_article(PORTUGUESE[0], None, vocabulary, "LATIN")
