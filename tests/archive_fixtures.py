"""Web archives written with warcio for the archive tests: four news pages we wrote
(Indonesian, Tagalog, Vietnamese, English) and every kind of record an archive
holds, including the damaged ones."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

_PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="{charset}"><title>{title} - Kabar Nusantara</title>
</head><body><nav><a href="/">Beranda</a></nav><article><h1>{title}</h1>
<p class="byline">{author}</p>{paras}</article><footer>Kabar Nusantara</footer></body></html>"""

PAGES: dict[str, tuple[str, str, str, list[str]]] = {
    "id": (
        "Nelayan Demak Beralih ke Rumput Laut Setelah Abrasi Menggerus Tambak",
        "Oleh Siti Rahmawati",
        "https://kabar.example/id/ekonomi/nelayan-demak-rumput-laut.html",
        [
            "Puluhan nelayan di pesisir Demak, Jawa Tengah, mulai membudidayakan rumput laut setelah abrasi "
            "menggerus tambak udang yang selama dua dekade menjadi sumber penghasilan mereka.",
            "Kelompok tani Sumber Rejeki kini mengelola tali-tali bibit di perairan dangkal dekat muara. "
            "Mereka memanen setiap empat puluh lima hari dan menjual hasilnya kepada pengepul dari Semarang.",
            "Ketua kelompok, Pak Darsono, mengatakan modal awal budidaya jauh lebih kecil daripada membangun "
            "kembali tanggul tambak yang terus jebol setiap musim hujan datang.",
            "Dinas kelautan setempat berjanji memberikan pelatihan pengeringan agar harga jual rumput laut "
            "tidak jatuh ketika panen raya tiba bersamaan di seluruh desa pesisir.",
        ],
    ),
    "tl": (
        "Mga Magsasaka sa Nueva Ecija, Sumubok ng Palay na Kayang Tiisin ang Tagtuyot",
        "Ni Maria Santos",
        "https://kabar.example/tl/balita/palay-tagtuyot-nueva-ecija.html",
        [
            "Sinimulan ng mga magsasaka sa Nueva Ecija ang pagtatanim ng bagong uri ng palay na kayang "
            "tiisin ang mahabang tagtuyot, matapos ang dalawang sunod na taon ng mahinang ani.",
            "Ayon sa kooperatiba ng bayan ng Talavera, mas maikli ang panahon ng paglaki ng binhing ito kaya "
            "naaani na ito bago pa dumating ang pinakamainit na buwan ng taon.",
            "Sinabi ni Mang Ernesto, isang magsasaka sa loob ng tatlumpung taon, na mas kaunti ang tubig na "
            "kailangan ng bagong palay at hindi na sila umaasa nang husto sa patubig.",
            "Nangako ang tanggapan ng agrikultura ng lalawigan na magbibigay ng libreng binhi sa susunod na "
            "taniman sa mga kasapi ng kooperatiba na dumalo sa mga pagsasanay.",
        ],
    ),
    "vi": (
        "Nông dân Bến Tre chuyển sang trồng lúa chịu mặn sau mùa hạn kéo dài",
        "Nguyễn Văn An",
        "https://kabar.example/vi/kinh-te/lua-chiu-man-ben-tre.html",
        [
            "Nhiều hộ nông dân ở Bến Tre đã chuyển sang trồng giống lúa chịu mặn sau khi nước biển xâm nhập "
            "sâu vào các kênh rạch trong mùa khô năm nay.",
            "Hợp tác xã nông nghiệp ở huyện Ba Tri cho biết giống lúa mới có thể sinh trưởng trên những cánh "
            "đồng mà trước đây bị bỏ hoang vì đất nhiễm mặn quá nặng.",
            "Ông Trần Văn Bình, một nông dân có hơn hai mươi năm kinh nghiệm, nói rằng vụ vừa rồi gia đình "
            "ông đã thu hoạch được gần bằng sản lượng của những năm trước khi hạn mặn xảy ra.",
            "Chính quyền tỉnh dự kiến mở rộng mô hình này sang các xã ven biển khác trong vụ đông xuân tới, "
            "đồng thời hỗ trợ nông dân xây dựng hệ thống trữ nước ngọt.",
        ],
    ),
    "en": (
        "Penang Ferry Operators Add Night Crossings as Bridge Repairs Begin",
        "By James Lim",
        "https://kabar.example/en/transport/penang-ferry-night-crossings.html",
        [
            "Ferry operators in Penang will run crossings until midnight from next week, as lane closures "
            "for repairs on the older of the island's two bridges begin to slow evening traffic.",
            "The state transport office said the extra sailings would leave every forty minutes from the "
            "Butterworth terminal, beside the jetty’s new café, and that fares would not change.",
            "Commuters who work late shifts at the industrial zone in Bayan Lepas welcomed the change, saying "
            "the queues on the bridge had added almost an hour to their journey home.",
            "The repairs, which include replacing expansion joints and resurfacing the deck, are expected "
            "to last until the end of the school holidays, according to the bridge operator.",
        ],
    ),
}


def page_html(lang: str, charset: str = "utf-8") -> bytes:
    title, author, _url, paras = PAGES[lang]
    html = _PAGE.format(
        lang=lang, charset=charset, title=title, author=author, paras="".join(f"<p>{p}</p>" for p in paras)
    )
    return html.encode(charset)


def _response(writer: WARCWriter, url: str, body: bytes, ctype: str, status: str = "200 OK"):
    http = StatusAndHeaders(
        status, [("Content-Type", ctype), ("Content-Length", str(len(body)))], protocol="HTTP/1.1"
    )
    return writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http)


#: What each input record of :func:`write_warc` must become, in order.
EXPECTED = ["id", "tl", "vi", "en", "warc_revisit", "not_html", "http_404", "truncated_record"]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(200)


def write_warc(path: Path, gz: bool = False, truncate: bool = True) -> Path:
    """warcinfo, a request, four HTML responses (the English one in windows-1252,
    labelled only in the header), a revisit, a PNG, a 404 and (``truncate``) a last
    response cut short."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz, warc_version="1.1")
    writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests"}))
    for lang in ("id", "tl", "vi", "en"):
        url = PAGES[lang][2]
        if lang == "en":  # labelled only by the HTTP header, as a crawl would have seen it
            body = page_html(lang, "cp1252").replace(b'<meta charset="cp1252">', b"")
            resp = _response(writer, url, body, "text/html; charset=windows-1252")
        else:
            resp = _response(writer, url, page_html(lang), "text/html; charset=utf-8")
        req_http = StatusAndHeaders("GET / HTTP/1.1", [("Host", "kabar.example")], is_http_request=True)
        req = writer.create_warc_record(
            url, "request", payload=io.BytesIO(b""), http_headers=req_http,
            warc_headers_dict={"WARC-Concurrent-To": resp.rec_headers.get_header("WARC-Record-ID")},
        )  # fmt: skip
        writer.write_record(resp)
        writer.write_record(req)
    first = PAGES["id"][2]
    revisit = writer.create_revisit_record(
        first, digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", refers_to_uri=first,
        refers_to_date="2026-11-01T00:00:00Z",
    )  # fmt: skip
    writer.write_record(revisit)
    writer.write_record(_response(writer, "https://kabar.example/img/peta.png", PNG, "image/png"))
    missing = b"<html><body><h1>Tidak ditemukan</h1></body></html>"
    writer.write_record(
        _response(writer, "https://kabar.example/id/hilang.html", missing, "text/html", "404 Not Found")
    )
    data = buf.getvalue()
    if truncate:
        last = io.BytesIO()
        tail = WARCWriter(last, gzip=gz, warc_version="1.1")
        tail.write_record(_response(tail, "https://kabar.example/en/cut.html", page_html("en"), "text/html"))
        data += last.getvalue()[: len(last.getvalue()) // 2]
    path.write_bytes(data)
    return path


def corrupt_gzip(path: Path) -> Path:
    """A .warc.gz whose deflate stream is broken in its first record."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    record = _response(writer, PAGES["en"][2], page_html("en"), "text/html")
    # Fixed ID and date: the same compressed bytes, so the same damage, in every run (a
    # random record ID once let the garbled deflate stream decode into a bad record).
    record.rec_headers.replace_header("WARC-Record-ID", "<urn:uuid:00000000-0000-4000-8000-000000000001>")
    record.rec_headers.replace_header("WARC-Date", "2026-11-01T00:00:00Z")
    writer.write_record(record)
    data = buf.getvalue()
    path.write_bytes(data[:30] + b"\xff" * 40 + data[70:])
    return path


def write_wacz(path: Path, warc: Path) -> Path:
    with zipfile.ZipFile(path, "w") as wacz:
        wacz.write(warc, f"archive/{warc.name}")
        wacz.writestr("datapackage.json", '{"profile": "data-package", "resources": []}')
        wacz.writestr("pages/pages.jsonl", '{"format": "json-pages-1.0"}\n')
    return path


def gz_page(path: Path, lang: str) -> Path:
    path.write_bytes(gzip.compress(page_html(lang)))
    return path
