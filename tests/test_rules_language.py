"""language_mixing (AQ6xx): a block in another language than the article."""

from __future__ import annotations

import json
import random

from audit import language as lang
from audit.config import load_config
from audit.engine import audit_article
from audit.model import Article, Block
from tests.paths import shared_path

ONLY = load_config(override={"rules": {"select": ["AQ6"]}})

TL = [
    "Nagsimula na ang paghahanda ng lokal na pamahalaan para sa darating na bagyo ngayong linggo.",
    "Ayon sa mga opisyal, handa na ang mga evacuation center sa bawat barangay ng bayan.",
    "Pinayuhan din ang mga mangingisda na huwag munang pumalaot habang masama ang panahon.",
    "Nakahanda rin ang mga rescue team at mga sasakyan para sa posibleng paglikas ng mga residente.",
]
EN_PARAGRAPH = (
    "The central bank kept its benchmark rate unchanged on Thursday, citing slower growth in exports "
    "and a weaker outlook for household spending."
)


def article(blocks: list[tuple[str, str | None]], language: str) -> Article:
    built = tuple(Block(i, "paragraph", text, language=code) for i, (text, code) in enumerate(blocks))
    return Article(url=None, title="Test", blocks=built, language=language)


def findings(art: Article) -> list[tuple[str, str, str]]:
    return [(f.type, f.rule, f.evidence) for f in audit_article(art, ONLY).findings]


def test_english_paragraph_in_tagalog_article_is_flagged() -> None:
    art = article([(TL[0], "tl"), (TL[1], "tl"), (EN_PARAGRAPH, "en"), (TL[2], "tl"), (TL[3], "tl")], "tl")
    assert findings(art) == [("language_mixing", "AQ601", EN_PARAGRAPH)]
    assert "English" in audit_article(art, ONLY).findings[0].message


def test_vietnamese_paragraph_in_indonesian_article_is_flagged() -> None:
    vi = (
        "Ủy ban nhân dân thành phố đã phê duyệt kế hoạch nâng cấp hệ thống thoát nước "
        "tại các quận trung tâm trước mùa mưa năm nay."
    )
    idn = [
        "Pemerintah kota mulai memperbaiki saluran air di sejumlah kawasan padat penduduk.",
        "Warga berharap perbaikan itu selesai sebelum musim hujan tiba bulan depan.",
        "Dinas pekerjaan umum menyiapkan puluhan pekerja untuk mempercepat proyek tersebut.",
    ]
    art = article([(idn[0], "id"), (vi, "vi"), (idn[1], "id"), (idn[2], "id")], "id")
    assert findings(art) == [("language_mixing", "AQ601", vi)]


def test_english_paragraph_in_thai_article_is_flagged() -> None:
    th = [
        "กรมอุตุนิยมวิทยาประกาศเตือนประชาชนให้ระวังฝนตกหนักในหลายจังหวัดทางภาคเหนือ",
        "เจ้าหน้าที่ท้องถิ่นเตรียมเครื่องสูบน้ำและกระสอบทรายไว้ในพื้นที่เสี่ยงน้ำท่วม",
        "โรงเรียนบางแห่งประกาศหยุดการเรียนการสอนชั่วคราวเพื่อความปลอดภัยของนักเรียน",
    ]
    art = article([(th[0], "th"), (th[1], "th"), (EN_PARAGRAPH, "en"), (th[2], "th")], "th")
    assert findings(art) == [("language_mixing", "AQ601", EN_PARAGRAPH)]


def test_malay_block_in_indonesian_article_is_one_family() -> None:
    ms = "Kerajaan negeri akan menyalurkan bantuan tambahan kepada mangsa banjir di kawasan pedalaman minggu ini."
    idn = "Pemerintah daerah menyiapkan bantuan tambahan untuk korban banjir di wilayah pedalaman pekan ini."
    assert findings(article([(idn, "id"), (ms, "ms"), (idn + " Lagi.", "id")], "id")) == []


def test_short_blocks_are_not_judged() -> None:
    art = article(
        [(TL[0], "tl"), ("Photo: Reuters file", None), ("Read the full statement.", "en"), (TL[1], "tl")],
        "tl",
    )
    assert findings(art) == []


def test_taglish_block_detected_as_english_is_not_flagged() -> None:
    taglish = (
        "Sabi ng coach, hindi pa raw fully recovered ang kanyang injury kaya limited muna ang "
        "kanyang minutes sa game mamaya, pero excited na siya na makabalik sa court."
    )
    art = article([(TL[0], "tl"), (taglish, "en"), (TL[1], "tl"), (TL[2], "tl")], "tl")
    assert findings(art) == []


def test_english_heavy_tagalog_article_is_bilingual_not_mixed() -> None:
    en2 = "Officials said the evacuation centers in every village are ready for families who need shelter tonight."
    art = article([(TL[0], "tl"), (EN_PARAGRAPH, "en"), (TL[1], "tl"), (en2, "en"), (TL[2], "tl")], "tl")
    assert findings(art) == []


def test_foreign_quote_inside_article_language_sentence_is_not_flagged() -> None:
    quoted = (
        '"We will rebuild every classroom damaged by the flood before the school year starts," '
        "ayon kay Mayor Santos sa kanyang pahayag sa mga residente ng bayan."
    )
    art = article([(TL[0], "tl"), (quoted, "en"), (TL[1], "tl"), (TL[2], "tl")], "tl")
    assert findings(art) == []


def test_embedded_post_is_not_flagged() -> None:
    tweet = (
        "What a night at the stadium, thank you to every fan who came out to support the team "
        "pic.twitter.com/AbCdEf123 — Team Account (@team) May 3, 2024"
    )
    art = article([(TL[0], "tl"), (tweet, "en"), (TL[1], "tl"), (TL[2], "tl")], "tl")
    assert findings(art) == []


def test_real_articles_are_rarely_flagged() -> None:
    """Real SEA articles (../shared/corpus_text) through the same per-block detection
    as extraction: almost none should read as mixed."""
    root = shared_path("corpus_text")
    rows = [json.loads(line) for line in (root / "manifest.jsonl").open(encoding="utf-8")]
    rng = random.Random(7)
    sample = [
        r
        for code in ("id", "ms", "tl", "vi", "th")
        for r in rng.sample([x for x in rows if x["language"] == code], 12)
    ]
    flagged = 0
    for row in sample:
        data = json.loads((root / row["path"]).read_text(encoding="utf-8"))
        paragraphs = [p for p in data["paragraphs"] if p.strip()]
        found = lang.detect("\n".join(paragraphs))
        home = lang.resolve(found[0] if found else None, data["language"])
        blocks = []
        for i, text in enumerate(paragraphs):
            d = lang.detect(text)
            blocks.append(Block(i, "paragraph", text, language=lang.resolve(d[0], home) if d else None))
        flagged += bool(
            audit_article(Article(None, data.get("title"), tuple(blocks), language=home), ONLY).findings
        )
    assert flagged <= len(sample) * 0.05, f"{flagged} of {len(sample)} real articles flagged as mixed"


def test_articles_in_languages_langdetect_cannot_read_are_not_judged() -> None:
    icelandic = (
        "Dómari í Madrid hafnaði bótakröfu félagsins og taldi að samtökin mættu tala opinberlega um málið."
    )
    art = article([(icelandic, "no"), (icelandic + " Aftur.", "sv"), (EN_PARAGRAPH, "en")], "is")
    assert findings(art) == []


def test_foreign_passage_glued_into_a_paragraph_is_flagged() -> None:
    merged = (
        "The council met on Monday to discuss the new budget for the coming year. "
        "Members agreed that the roads and the schools need more money than before. "
        "Die Regierung hat am Dienstag einen neuen Plan für den Ausbau der Schulen vorgestellt. "
        "Nach Angaben des Ministeriums sollen die Arbeiten noch in diesem Jahr beginnen und bis zum Winter "
        "abgeschlossen sein. "
        "The mayor said a final vote is expected before the end of the month."
    )
    en = [
        EN_PARAGRAPH,
        "Officials said the evacuation centers in every village are ready for families tonight.",
    ]
    art = article([(en[0], "en"), (merged, "en"), (en[1], "en")], "en")
    result = audit_article(art, ONLY)
    assert [(f.type, f.rule, f.evidence) for f in result.findings] == [("language_mixing", "AQ602", merged)]
    assert "German" in result.findings[0].message


def test_a_single_foreign_phrase_in_a_paragraph_is_not_a_passage() -> None:
    text = (
        "The council met on Monday to discuss the new budget for the coming year. "
        "One member joked that the plan was, as the Germans say, alles in Ordnung. "
        "Members agreed that the roads and the schools need more money than before. "
        "The mayor said a final vote is expected before the end of the month."
    )
    assert findings(article([(EN_PARAGRAPH, "en"), (text, "en")], "en")) == []


def test_words_tagalog_shares_with_english_do_not_make_english_tagalog() -> None:
    # "at" and "may" are Tagalog function words, but English ones too: an English
    # paragraph full of them is still English in a Tagalog article.
    at_may = (
        "Residents may be asked to pay a fine if they are caught at the beach at night, and officials "
        "may also close the area at short notice when the tide is high."
    )
    art = article([(TL[0], "tl"), (TL[1], "tl"), (at_may, "en"), (TL[2], "tl"), (TL[3], "tl")], "tl")
    assert findings(art) == [("language_mixing", "AQ601", at_may)]
    # A Malay article: "di" and "ke" are not English words, so Malay-heavy text stays Malay.
    ms_mixed = (
        "Menurut jurucakap polis, the suspect was detained di sebuah rumah ke utara bandar itu dan "
        "sedang disiasat lanjut oleh pihak berkuasa negeri."
    )
    ms = [
        "Polis menahan seorang lelaki berhubung kes samun di Johor Bahru semalam.",
        "Suspek berusia 30 tahun itu ditahan selepas aduan dibuat oleh mangsa.",
        "Kes disiasat mengikut Seksyen 392 Kanun Keseksaan.",
    ]
    art = article([(ms[0], "ms"), (ms_mixed, "en"), (ms[1], "ms"), (ms[2], "ms")], "ms")
    assert findings(art) == []


# Paragraphs langdetect was unsure of (Block.language is None): names and borrowed
# terms dilute the n-grams, or the language has no profile (Icelandic).
TL_WITH_TEAM_NAMES = (
    "Ang mga koponan na magbabalik sa karera ngayong taon ay ang Giant Racing Team ng Australia, "
    "ang Cycling Team ng Brazil at ang Infinite Cycling Team ng Thailand, ayon sa mga tagapag-ayos "
    "na nagsabing handa na ang lahat ng ruta para sa unang yugto sa susunod na linggo."
)
ICELANDIC = (
    "Þriðji vitnisburðurinn skýrist af því að upphaflega höfðuðu samtökin tvö mál gegn ríkinu, "
    "og dómurinn féllst á kröfur þeirra í báðum málunum síðastliðið haust eftir langa málsmeðferð."
)
EN = [
    "The city council approved a new budget for road repairs on Tuesday after a long debate.",
    "Officials said the work would begin in the northern districts before the rainy season.",
    "Residents have complained for years about potholes on the main roads into the centre.",
    "The mayor said contractors would be fined if the repairs were not finished on time.",
]


def test_unsure_block_with_another_languages_words_is_flagged_tagalog_in_english() -> None:
    art = article(
        [(EN[0], "en"), (EN[1], "en"), (TL_WITH_TEAM_NAMES, None), (EN[2], "en"), (EN[3], "en")], "en"
    )
    found = audit_article(art, ONLY).findings
    assert [(f.rule, f.evidence) for f in found] == [("AQ601", TL_WITH_TEAM_NAMES)]
    assert "Tagalog" in found[0].message


def test_unsure_block_in_no_language_we_know_is_flagged_when_the_page_is_settled() -> None:
    art = article([(EN[0], "en"), (EN[1], "en"), (ICELANDIC, None), (EN[2], "en"), (EN[3], "en")], "en")
    found = audit_article(art, ONLY).findings
    assert [(f.rule, f.evidence) for f in found] == [("AQ601", ICELANDIC)]
    assert "could not be determined" in found[0].message
    # The same block on a page whose detected blocks disagree with its language
    # (the article language itself is in doubt) says nothing.
    doubtful = article([(TL[0], "tl"), (TL[1], "tl"), (ICELANDIC, None), (EN[2], "en")], "en")
    assert findings(doubtful) == []


def test_unsure_block_in_the_articles_language_is_left_alone_english_and_tagalog() -> None:
    unsure_en = (
        "Jirong Cui of the Ministry of Transport, the Road Safety Board and the City Engineering Office "
        "attended the hearing, which was broadcast live on the council's channel and on the radio."
    )
    art = article([(EN[0], "en"), (EN[1], "en"), (unsure_en, None), (EN[2], "en"), (EN[3], "en")], "en")
    assert findings(art) == []
    unsure_tl = (
        "Sinabi ni Mayor Santos na ang Metro Manila Development Authority at ang Department of Public "
        "Works and Highways ang mangunguna sa paglilinis ng mga kanal bago dumating ang tag-ulan."
    )
    assert findings(article([(TL[0], "tl"), (TL[1], "tl"), (unsure_tl, None), (TL[2], "tl")], "tl")) == []


def test_a_citation_labelled_with_its_language_is_not_mixing_german_and_indonesian() -> None:
    de = [
        "Der Stadtrat hat am Dienstag nach langer Debatte einen neuen Haushalt für Straßenreparaturen beschlossen.",
        "Die Arbeiten sollen nach Angaben der Verwaltung noch vor dem Winter in den nördlichen Bezirken beginnen.",
        "Anwohner beklagen sich seit Jahren über Schlaglöcher auf den Hauptstraßen in das Zentrum der Stadt.",
    ]
    cited = (
        "foxnews.com: Venezuelan tanker evades the US Coast Guard as Russia sends a submarine to escort "
        "the vessel, officials say (Englisch)"
    )
    assert findings(article([(de[0], "de"), (cited, "en"), (de[1], "de"), (de[2], "de")], "de")) == []
    uncited = cited.removesuffix(" (Englisch)")
    assert findings(article([(de[0], "de"), (uncited, "en"), (de[1], "de"), (de[2], "de")], "de")) == [
        ("language_mixing", "AQ601", uncited)
    ]
    idn = [
        "Pemerintah kota mulai memperbaiki saluran air di sejumlah kawasan padat penduduk.",
        "Warga berharap perbaikan itu selesai sebelum musim hujan tiba bulan depan.",
        "Dinas pekerjaan umum menyiapkan puluhan pekerja untuk mempercepat proyek tersebut.",
    ]
    cited_id = EN_PARAGRAPH + " (Bahasa Inggris)"
    assert findings(article([(idn[0], "id"), (cited_id, "en"), (idn[1], "id"), (idn[2], "id")], "id")) == []


def test_off_topic_and_language_mixing_judge_unsure_blocks_by_the_same_configuration() -> None:
    from audit.config import load_config as load
    from audit.rules.language import UnsureBlockLimits, unsure_block_language

    art = article(
        [(EN[0], "en"), (EN[1], "en"), (TL_WITH_TEAM_NAMES, None), (EN[2], "en"), (EN[3], "en")], "en"
    )
    block = art.blocks[2]
    assert unsure_block_language(block, art, UnsureBlockLimits.from_config(ONLY)) == "tl"
    strict = load(override={"thresholds": {"language_mixing": {"min_letters": 400}}})
    assert unsure_block_language(block, art, UnsureBlockLimits.from_config(strict)) is None
    # ...so with that configuration neither rule sets the block aside: AQ601 does not
    # flag it, and the off-topic rule judges it like any paragraph.
    both = load(
        override={
            "rules": {"select": ["AQ3", "AQ6"]},
            "thresholds": {"language_mixing": {"min_letters": 400}},
        }
    )
    assert [f.rule for f in audit_article(art, both).findings if f.rule.startswith("AQ6")] == []
