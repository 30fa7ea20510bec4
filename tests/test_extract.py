"""Extraction: HTML -> ordered blocks with levels, metadata and languages; failures never raise."""

from __future__ import annotations

import gzip

import pytest

from audit.extract import MAX_HTML_BYTES, extract_article
from audit.inputs import read_file
from tests.paths import PAGES, shared_path


def _article(name: str, **kw):
    extraction = extract_article((PAGES / name).read_bytes(), **kw)
    assert extraction.failure is None, extraction.failure
    return extraction.article


def test_blocks_keep_order_kinds_and_heading_levels():
    article = _article("id_banjir_defects.html")
    kinds = [(b.kind, b.level) for b in article.blocks[:4]]
    assert kinds == [("heading", 2), ("heading", 3), ("paragraph", None), ("paragraph", None)]
    assert article.blocks[0].text == "Air Laut Masuk ke Permukiman"
    assert [b.index for b in article.blocks] == list(range(len(article.blocks)))
    # navigation and the sidebar are not article text
    assert not any("Terpopuler" in b.text or "Beranda" in b.text for b in article.blocks)


def test_metadata_headline_title_author_date_canonical():
    article = _article("id_banjir_defects.html")
    assert article.headline == "Banjir Rob Rendam Pesisir Semarang, Ribuan Warga Mengungsi"
    assert article.html_title.endswith("2026 - Kabar Pesisir")
    assert article.author == "Rina Kartika"
    assert article.published == "2026-02-11"
    assert article.site_name == "Kabar Pesisir"
    assert article.canonical_url == "https://kabarpesisir.example/2026/02/banjir-rob-semarang"


@pytest.mark.parametrize(
    ("name", "language"),
    [("id_banjir_defects.html", "id"), ("en_clean_harbour.html", "en"), ("th_clean_market.html", "th")],
)
def test_language_per_article_and_block(name, language):
    article = _article(name)
    assert article.language == language
    long_blocks = [b for b in article.blocks if len(b.text) > 80]
    assert long_blocks and all(b.language == language for b in long_blocks)


def test_malay_hint_is_kept_when_langdetect_says_indonesian():
    article = _article("id_banjir_defects.html", language_hint="ms")
    assert article.language == "ms"


def test_extraction_is_deterministic():
    data = (PAGES / "id_banjir_defects.html").read_bytes()
    assert extract_article(data) == extract_article(data)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty_body"),
        (b"   \n\t ", "empty_body"),
        ((PAGES / "binary.png.html").read_bytes(), "binary_content"),
        (b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "no_article_text"),
        (b"<html" + b" " * (MAX_HTML_BYTES + 1), "too_large"),
    ],
)
def test_bad_input_is_a_failure_with_a_reason(data, reason):
    extraction = extract_article(data)
    assert extraction.article is None
    assert extraction.failure.reason == reason
    assert extraction.failure.detail


def test_malformed_html_still_extracts():
    html = (PAGES / "en_clean_harbour.html").read_text(encoding="utf-8")
    broken = html.replace("</p>", "").replace("</article>", "").replace("</body>", "")[:-200]
    extraction = extract_article(broken)
    assert extraction.article is not None
    assert "ferry terminal" in extraction.article.text


def test_windows_1252_declared_charset_is_decoded():
    html = (
        "<html><head><meta charset='windows-1252'><title>Caf\u00e9 owners</title></head><body><article>"
        "<h1>Caf\u00e9 owners welcome the new terminal</h1>"
        + "<p>The caf\u00e9 owners on the promenade said the opening week was their busiest in years, "
        "and several hired extra staff to cope with the crowds at the new ferry terminal.</p>"
        * 3
        + "</article></body></html>"
    ).encode("cp1252")
    article = extract_article(html).article
    assert "caf\u00e9" in article.text


def test_gzip_input_is_read(tmp_path):
    path = tmp_path / "page.html.gz"
    path.write_bytes(gzip.compress((PAGES / "en_clean_harbour.html").read_bytes()))
    data = read_file(str(path))
    assert isinstance(data, bytes) and data.startswith(b"<!DOCTYPE html>")


def test_seed_extraction_keeps_pasted_headings():
    seed = shared_path("seed", "asean_beritaburung.html")
    article = extract_article(seed.read_bytes()).article
    headings = [b for b in article.blocks if b.kind == "heading"]
    pasted = [b for b in headings if b.text.startswith("Sekretaris Jenderal ASEAN Dr. Kao Kim Hourn Bertemu")]
    assert [b.level for b in pasted] == [3, 3]
    assert article.language == "id"


def test_each_paragraph_of_a_blockquote_is_its_own_block():
    # Joining a quote's paragraphs glued sentences together ("...sembilan?Warga")
    # and hid a repeated paragraph inside a longer block.
    asked = "Siapa yang mau berjualan kalau pembeli baru datang jam sembilan?"
    repeated = (
        "Warga yang tinggal di atas pasar mengatakan mereka akan meminta dewan membatasi musik yang "
        "diperkeras setelah pukul sepuluh malam."
    )
    body = (
        "<p>Dewan kota Penang memutuskan pada hari Selasa untuk memperpanjang jam operasional pasar malam di "
        "Lebuh Chulia hingga tengah malam mulai bulan depan.</p>"
        "<p>Para pedagang telah meminta perubahan itu selama dua tahun, dengan alasan sebagian besar wisatawan "
        "baru datang setelah makan malam ketika udara sudah sejuk.</p>"
        f"<blockquote><p>{asked}</p><p>{repeated}</p></blockquote>"
        "<p>Dinas pariwisata memperkirakan perpanjangan jam itu akan menambah pendapatan pedagang hingga "
        f"seperlima pada musim liburan.</p><p>{repeated}</p>"
    )
    html = f"<html><head><title>Pasar malam</title></head><body><article><h1>Pasar malam</h1>{body}</article></body></html>"
    article = extract_article(html.encode(), language_hint="id").article
    quotes = [b.text for b in article.blocks if b.kind == "quote"]
    assert quotes == [asked, repeated]
    assert [b.text for b in article.blocks].count(repeated) == 2
