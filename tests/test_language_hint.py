"""The page's own declared language refines detection (Malay is not Indonesian)."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from audit import language
from audit.extract import extract_article
from tests.paths import CLI, PAGES

MALAY_PAGE = PAGES / "ms_pasar_malam.html"

INDONESIAN_BODY = (
    "<h1>Pemerintah Kota Perpanjang Jam Operasional Pasar Malam</h1>"
    "<p>Pemerintah kota memutuskan pada hari Selasa untuk memperpanjang jam operasional pasar malam di "
    "kawasan kota lama hingga tengah malam mulai bulan depan.</p>"
    "<p>Para pedagang sudah meminta perubahan itu selama dua tahun karena sebagian besar wisatawan baru "
    "datang setelah makan malam ketika udara sudah sejuk.</p>"
    "<p>Dinas pariwisata memperkirakan perpanjangan jam itu akan menambah pendapatan pedagang hingga "
    "seperlima selama musim liburan sekolah.</p>"
)


def _page(head: str, html_attrs: str = "", body: str = INDONESIAN_BODY) -> bytes:
    return (
        f"<html{html_attrs}><head><meta charset='utf-8'><title>Pasar malam</title>{head}</head>"
        f"<body><article>{body}</article></body></html>"
    ).encode()


def _malay_body() -> str:
    html = MALAY_PAGE.read_text(encoding="utf-8")
    return html[html.index("<h1>") : html.index("</article>")]


@pytest.mark.parametrize(
    ("html_attrs", "head"),
    [
        (" lang='ms'", ""),
        (" lang='ms-MY'", ""),
        (" lang='en-US'", "<meta property='og:locale' content='ms_MY'>"),
        ("", "<meta http-equiv='Content-Language' content='ms'>"),
        ("", "<meta name='language' content='zsm'>"),
    ],
)
def test_a_page_declaring_malay_is_malay(html_attrs, head):
    article = extract_article(_page(head, html_attrs, _malay_body())).article
    assert article.language == "ms"
    assert {b.language for b in article.blocks if len(b.text) > 80} == {"ms"}


def test_cli_audit_reads_the_pages_lang():
    # `newsaudit audit page.html` has no hint of its own: the page's lang is used.
    out = subprocess.run([str(CLI), "audit", "--json", str(MALAY_PAGE)], capture_output=True, text=True)
    record = json.loads(next(line for line in out.stdout.splitlines() if line.startswith("{")))
    assert record["language"] == "ms"


@pytest.mark.parametrize(
    ("html_attrs", "head", "expected"),
    [
        # a template's wrong default is not believed over the text
        (" lang='en-US'", "", "id"),
        (" lang='th'", "", "id"),
        (" lang='id-ID'", "", "id"),
        ("", "", "id"),
    ],
)
def test_a_declared_language_outside_the_detected_family_is_ignored(html_attrs, head, expected):
    assert extract_article(_page(head, html_attrs)).article.language == expected


def test_the_callers_hint_wins_over_the_page():
    article = extract_article(_page("", " lang='ms'"), language_hint="id").article
    assert article.language == "id"


@pytest.mark.parametrize(
    ("tag", "code"),
    [("ms-MY", "ms"), ("ms_MY", "ms"), ("fil-PH", "tl"), ("in", "id"), ("VI", "vi"), ("th-TH", "th")],
)
def test_from_tag(tag, code):
    assert language.from_tag(tag) == code


@pytest.mark.parametrize("tag", [None, "", "x", "en US", "Bahasa Melayu", "12"])
def test_from_tag_rejects_what_is_not_a_tag(tag):
    assert language.from_tag(tag) is None


def test_page_hint_needs_a_detection():
    assert language.page_hint(["ms"], None) is None
    assert language.page_hint(["en-US", "ms_MY"], "id") == "ms"
    assert language.page_hint(["en-US"], "id") is None


# Bodies of the kind the declaration check reads (written for these tests).
_DECLARED_BODIES = {
    "en": (
        "The city council voted on Tuesday to keep the night market open until midnight, and the "
        "traders who had asked for the change for two years said that it would bring them more of "
        "the tourists who arrive after dinner when the air is cool."
    ),
    "tl": (
        "Nagpasya ang konseho ng lungsod noong Martes na panatilihing bukas ang palengke sa gabi "
        "hanggang hatinggabi, at sinabi ng mga tindero na matagal na nilang hinihiling ang pagbabago "
        "dahil karamihan ng mga turista ay dumarating pagkatapos ng hapunan."
    ),
    "vi": (
        "Hội đồng thành phố đã quyết định vào thứ Ba sẽ cho chợ đêm mở cửa đến nửa đêm, và các tiểu "
        "thương cho biết họ đã đề nghị thay đổi này trong hai năm vì phần lớn du khách chỉ đến sau "
        "bữa tối khi trời đã mát."
    ),
    "id": re.sub(r"<[^>]+>", " ", INDONESIAN_BODY),
}


@pytest.mark.parametrize(("code", "tag"), [("en", "en-US"), ("tl", "fil-PH"), ("vi", "vi"), ("id", "id_ID")])
def test_a_declaration_the_body_bears_out_is_the_language(code, tag):
    assert language.confirmed_declaration(_DECLARED_BODIES[code], [tag]) == code


@pytest.mark.parametrize(("code", "tag"), [("id", "en-US"), ("tl", "en"), ("en", "vi"), ("vi", "id")])
def test_a_declaration_the_body_contradicts_is_not_believed(code, tag):
    # A template's default lang="en" on an Indonesian page: langdetect decides instead.
    assert language.confirmed_declaration(_DECLARED_BODIES[code], [tag]) is None


def test_only_the_most_authoritative_tag_is_checked():
    # <html lang="en"> is wrong and og:locale is right: not confirmed, langdetect decides.
    assert language.confirmed_declaration(_DECLARED_BODIES["id"], ["en", "id_ID"]) is None
    assert language.confirmed_declaration(_DECLARED_BODIES["id"], ["", "id"]) == "id"


def test_a_language_without_a_lexicon_is_left_to_langdetect():
    portuguese = (
        "A câmara municipal decidiu na terça-feira manter o mercado noturno aberto até a meia-noite, "
        "e os comerciantes disseram que pediam a mudança havia dois anos."
    )
    assert language.confirmed_declaration(portuguese, ["pt-BR"]) is None
    assert language.confirmed_declaration(_DECLARED_BODIES["en"], []) is None


def test_a_confirmed_declaration_spares_the_article_level_langdetect(monkeypatch):
    calls: list[str] = []
    real_detect = language.detect

    def counting_detect(text: str, *args, **kwargs):
        calls.append(text)
        return real_detect(text, *args, **kwargs)

    monkeypatch.setattr(language, "detect", counting_detect)
    declared = extract_article(_page("", " lang='id'")).article
    assert declared.language == "id"
    assert not any("\n" in text for text in calls)  # the joined body was never sent to langdetect
    undeclared = extract_article(_page("")).article
    assert undeclared.language == "id"
    assert any("\n" in text for text in calls)
