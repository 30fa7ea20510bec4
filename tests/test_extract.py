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
    assert article.published == "2026-02-11T07:30:00+07:00"  # the declared time and zone are kept
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


# Trafilatura 2.x drops an element repeating the one before it (text over 50 chars) even
# with deduplicate=False; extraction puts the copy back so AQ201 can see it.
PASTED = {
    "id": (
        "Pemerintah kota membuka tiga posko pengungsian di kelurahan pesisir sejak Selasa pagi, "
        "kata juru bicara pemerintah daerah kepada wartawan.",
        "Kepala badan penanggulangan bencana mengatakan air laut naik hingga setengah meter dan "
        "merendam lebih dari dua ribu rumah warga di pesisir utara.",
        "Warga berharap tanggul laut yang dijanjikan pemerintah pusat segera selesai dibangun "
        "sebelum musim hujan berikutnya tiba.",
    ),
    "en": (
        "The council opened three shelters in the coastal wards on Tuesday morning after the "
        "overnight tide breached the old sea wall, a spokesman said.",
        "The head of the disaster agency said the water rose by half a metre and flooded more "
        "than two thousand homes along the northern shore.",
        "Residents said they hoped the new sea wall promised by the national government would be "
        "finished before the next rainy season.",
    ),
    "vi": (
        "Chính quyền thành phố đã mở ba điểm sơ tán tại các phường ven biển từ sáng thứ Ba sau khi "
        "triều cường tràn qua đê cũ, người phát ngôn cho biết.",
        "Trưởng ban phòng chống thiên tai cho biết nước dâng cao nửa mét và làm ngập hơn hai nghìn "
        "ngôi nhà dọc bờ biển phía bắc của thành phố.",
        "Người dân mong rằng con đê biển mới mà chính phủ hứa xây dựng sẽ hoàn thành trước mùa mưa "
        "năm sau để họ không phải sơ tán thêm lần nào nữa.",
    ),
}


def _page(body: str, container: bool = True) -> bytes:
    head = "<html><head><meta charset='utf-8'><title>Banjir rob</title></head><body>"
    if container:
        return f"{head}<article><h1>Banjir rob di pesisir</h1>{body}</article></body></html>".encode()
    nav = "<div class='nav'><a href='/'>Beranda</a></div>"
    return f"{head}{nav}<h1>Banjir rob di pesisir</h1>{body}</body></html>".encode()


@pytest.mark.parametrize("lang", sorted(PASTED))
@pytest.mark.parametrize(
    "layout",
    [
        "<p>{a}</p><p>{b}</p><p>{b}</p><p>{c}</p>",
        "<div><p>{a}</p></div><div><p>{b}</p></div><div><p>{b}</p></div><div><p>{c}</p></div>",
        "<p>{a}</p><p>{b}</p><div class='ad-slot'></div><p>{b}</p><p>{c}</p>",
    ],
)
def test_a_paragraph_pasted_twice_in_a_row_keeps_both_copies(lang, layout):
    from audit.config import load_config
    from audit.engine import audit_article

    a, b, c = PASTED[lang]
    article = extract_article(_page(layout.format(a=a, b=b, c=c))).article
    texts = [blk.text for blk in article.blocks if blk.kind == "paragraph"]
    assert texts == [a, b, b, c]
    second = [blk.index for blk in article.blocks if blk.text == b][1]
    flagged = [f for f in audit_article(article, load_config()).findings if f.rule == "AQ201"]
    assert [(f.block, f.evidence) for f in flagged] == [(second, b)]


@pytest.mark.parametrize(
    ("layout", "kind"),
    [
        ("<p>{a}</p><p>{b}</p><p>{b}</p><p>{b}</p><p>{c}</p>", "paragraph"),
        ("<p>{a}</p><h2>{b}</h2><h2>{b}</h2><p>{c}</p>", "heading"),
        ("<p>{a}</p><blockquote>{b}</blockquote><blockquote>{b}</blockquote><p>{c}</p>", "quote"),
    ],
)
def test_pasted_copies_come_back_as_the_same_kind(layout, kind):
    a, b, c = PASTED["en"]
    article = extract_article(_page(layout.format(a=a, b=b, c=c))).article
    copies = [blk for blk in article.blocks if blk.text == b]
    assert [blk.kind for blk in copies] == [kind] * layout.count("{b}</")
    assert [blk.index for blk in copies] == list(range(copies[0].index, copies[0].index + len(copies)))


@pytest.mark.parametrize(
    ("body", "copies"),
    [
        # a copy's own blocks (a list item's paragraph) do not separate it from the next copy
        ("<ul><li><p>{b}</p></li><li><p>{b}</p></li><li><p>{b}</p></li></ul>", 3),
        ("<ul><li><div><p>{b}</p></div></li><li><div><p>{b}</p></div></li></ul>", 2),
        # the same kind of wrapper, not the same wrapper
        ("<div class='x'><p>{b}</p></div><div class='x'><p>{b}</p></div>", 2),
        # another block in between: not a run
        ("<p>{b}</p><p>{c}</p><p>{b}</p>", 1),
        ("<ul><li><p>{b}</p><p>{c}</p></li><li><p>{b}</p></li></ul>", 1),
    ],
)
def test_a_run_of_copies_is_found_across_nested_blocks(body, copies):
    from lxml import html as lxml_html

    from audit.page_repeats import restore_repeats

    a, b, c = PASTED["en"]
    tree = lxml_html.document_fromstring(
        f"<html><body><p>{a}</p>{body.format(b=b, c=c)}<p>{c}</p></body></html>"
    )
    raw = [("paragraph", a, None), ("list_item", b, None), ("paragraph", c, None)]
    assert restore_repeats(tree, raw) == raw[:2] + [raw[1]] * (copies - 1) + raw[2:]


def test_a_responsive_twin_in_another_wrapper_is_not_put_back():
    # The same lead in a desktop and a mobile wrapper is shown once: not a pasted repeat.
    a, b, c = PASTED["id"]
    body = f"<div class='lead d-none d-md-block'><p>{a}</p></div><div class='lead-mobile d-md-none'><p>{a}</p></div><p>{b}</p><p>{c}</p>"
    article = extract_article(_page(body)).article
    assert [blk.text for blk in article.blocks].count(a) == 1


@pytest.mark.parametrize(
    "layout",
    [
        # an excerpt printed above a body that opens with the same lead
        "<p>{a}</p><p>{a}</p><p>{b}</p><p>{c}</p>",
        # a closing line the template adds after the editor's own
        "<p>{a}</p><p>{b}</p><p>{c}</p><p>{c}</p>",
        # a citation line that is mostly a link
        "<p>{a}</p>" + "<p>Harian Kota, <a href='/r/1'>{b}</a>, 3 Maret 2024</p>" * 2 + "<p>{c}</p>",
    ],
)
def test_template_repeats_at_the_edges_and_link_lines_are_not_put_back(layout):
    a, b, c = PASTED["id"]
    article = extract_article(_page(layout.format(a=a, b=b, c=c))).article
    texts = [blk.text for blk in article.blocks]
    assert all(texts.count(t) <= 1 for t in texts)


CLOSING = {
    "id": "Pemerintah daerah menyiapkan dapur umum dan layanan kesehatan bagi warga yang mengungsi.",
    "en": "The council said it would open a fourth shelter if the water rose again over the weekend.",
    "vi": "Chính quyền cho biết sẽ mở thêm điểm sơ tán thứ tư nếu nước tiếp tục dâng vào cuối tuần.",
}


def _bare_page(body: str) -> bytes:
    """Paragraphs straight under ``<body>``: no container Trafilatura's main pass knows."""
    return _page(body, container=False)


@pytest.mark.parametrize("lang", sorted(PASTED))
def test_a_copy_pasted_further_down_that_the_extraction_lost_is_put_back_and_flagged(lang):
    from audit.config import default_config
    from audit.engine import audit_article

    a, b, c = PASTED[lang]
    d = CLOSING[lang]
    page = _bare_page("".join(f"<p>{t}</p>" for t in (a, b, c, b, d)))
    article = extract_article(page, language_hint=lang).article
    assert [blk.text for blk in article.blocks if blk.kind == "paragraph"] == [a, b, c, b, d]
    found = audit_article(article, default_config()).findings
    assert [(f.rule, f.evidence) for f in found if f.type == "duplicate_paragraph"] == [("AQ201", b)]


@pytest.mark.parametrize(
    "layout",
    [
        # the same text in a sidebar teaser: another container
        "<p>{a}</p><p>{b}</p><p>{c}</p><p>{d}</p><aside><p>{b}</p></aside>",
        # a source line that is mostly a link, listed twice
        "<p>{a}</p><p>Sumber: <a href='/r/1'>{b}</a></p><p>{c}</p><p>Sumber: <a href='/r/1'>{b}</a></p><p>{d}</p>",
    ],
)
def test_a_repeat_in_another_container_or_of_link_text_is_not_put_back(layout):
    a, b, c = PASTED["id"]
    article = extract_article(_bare_page(layout.format(a=a, b=b, c=c, d=CLOSING["id"]))).article
    texts = [blk.text for blk in article.blocks]
    assert all(texts.count(t) <= 1 for t in texts)


def test_copies_the_extraction_kept_are_not_doubled():
    from lxml import html as lxml_html

    from audit.page_repeats import restore_separated_copies

    a, b, c = PASTED["en"]
    d = CLOSING["en"]
    tree = lxml_html.document_fromstring(
        "<html><body>" + "".join(f"<p>{t}</p>" for t in (a, b, c, b, d)) + "</body></html>"
    )
    raw = [("paragraph", t, None) for t in (a, b, c, b, d)]
    assert restore_separated_copies(tree, raw) == raw
    # the neighbours of the lost copy not side by side in the extraction: its place is unknown
    shuffled = [("paragraph", t, None) for t in (a, b, d, c)]
    assert restore_separated_copies(tree, shuffled) == shuffled


@pytest.mark.parametrize(
    ("headline", "paragraphs"),
    [
        (
            "Harga beras di Jakarta naik menjelang Lebaran",
            (
                "Harga beras medium di pasar tradisional Jakarta naik dua ribu rupiah per kilogram pekan ini.",
                "Pedagang mengatakan pasokan dari Karawang berkurang karena panen mundur dua minggu.",
                "Pemerintah berjanji menyalurkan beras cadangan ke pasar-pasar induk mulai Senin.",
            ),
        ),
        (
            "Mahigit limang libong pamilya lumikas sa Marikina",
            (
                "Umabot na sa mahigit limang libong pamilya ang lumikas matapos ang malakas na pag-ulan.",
                "Ayon sa lokal na pamahalaan, itinaas na sa ikatlong alarma ang babala sa ilog.",
                "Namahagi ng pagkain at kumot ang mga boluntaryo sa mga evacuation center.",
            ),
        ),
    ],
)
def test_a_body_heading_repeating_the_headline_that_the_extraction_lost_is_put_back(headline, paragraphs):
    from lxml import html as lxml_html

    from audit.page_repeats import restore_headline_headings

    a, b, c = paragraphs
    page = (
        f"<html><body><h1>{headline}</h1><p>{a}</p><h2>{headline}</h2><p>{b}</p>"
        f"<h3>Latar belakang</h3><p>{c}</p><aside><h3>{headline}</h3></aside></body></html>"
    )
    tree = lxml_html.document_fromstring(page)
    raw = [("paragraph", a, None), ("paragraph", b, None), ("paragraph", c, None)]
    # Put back where the page has it (before the block its next element became);
    # another heading, and a copy with no extracted block after it, are not.
    assert restore_headline_headings(tree, raw, [headline]) == [raw[0], ("heading", headline, 2), *raw[1:]]
    # Kept by the extraction: nothing is added.
    kept = [raw[0], ("heading", headline, 2), *raw[1:]]
    assert restore_headline_headings(tree, kept, [headline]) == kept
    # A heading that does not repeat the headline is never added.
    assert restore_headline_headings(tree, raw, ["Another story altogether"]) == raw
