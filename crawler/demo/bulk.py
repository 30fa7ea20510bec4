"""A generated news site of any size, for benchmarks and the distributed-crawl test.

``BulkSite(base_url, articles=20_000)`` renders N distinct article pages (in Indonesian,
English, Malay and Vietnamese) on the fly from article number and a fixed seed, so it
costs no memory per page and serves the same bytes on every run. It is discoverable
the way real news sites are: ``robots.txt`` names a sitemap index, which lists
sitemaps of at most 1,000 article URLs each, and the home page links to the latest
stories. Some articles carry defects (a repeated headline, a duplicated paragraph) so
the auditor does real work.

``BulkServer`` serves it on 127.0.0.1 from a thread, counting every request per path;
``python -m crawler.demo.bulk --articles N [--port P]`` serves it from its own process
(benchmarks keep the server's CPU out of the crawler's interpreter).
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from html import escape
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape as xml_escape

from crawler.demo.site import Response
from crawler.loopback import HOST, LoopbackServer, RecordingHTTPServer

SITEMAP_SIZE = 1000
LANGUAGES = ("id", "en", "ms", "vi")

# Per language: sections, then per topic a headline pattern and sentence patterns.
# Slots: {place} {person} {n} {m} {year}. Every article fills them from its own seed.
_TEXT: dict[str, dict[str, object]] = {
    "id": {
        "places": ["Semarang", "Palembang", "Kupang", "Pontianak", "Manado", "Jambi", "Mataram", "Ambon"],
        "people": ["Sutrisno", "Rahmawati", "Hendra Wijaya", "Siti Aminah", "Yohanes Lado", "Nur Aini"],
        "topics": {
            "banjir": (
                "Banjir rendam {n} desa di {place}, warga mengungsi",
                [
                    "Hujan deras sejak Senin malam membuat sungai di {place} meluap dan merendam {n} desa.",
                    "Badan Penanggulangan Bencana Daerah mencatat {m} keluarga mengungsi ke balai desa dan masjid.",
                    "Ketinggian air di permukiman warga mencapai satu meter pada Selasa pagi.",
                    "Kepala pelaksana BPBD {person} mengatakan petugas sudah mendirikan dapur umum di tiga titik.",
                    "Warga berharap pemerintah segera memperbaiki tanggul yang jebol sejak banjir tahun {year}.",
                    "Sekolah di kawasan terdampak meliburkan siswa sampai air benar-benar surut.",
                    "Petani mengeluhkan sawah yang baru ditanami padi ikut terendam lumpur.",
                    "Relawan membagikan air bersih, selimut, dan obat-obatan kepada para pengungsi.",
                    "Dinas kesehatan menyiagakan tenaga medis untuk mencegah penyakit kulit dan diare.",
                ],
            ),
            "pasar": (
                "Harga cabai di {place} naik, pedagang pasar mengeluh sepi pembeli",
                [
                    "Harga cabai rawit di pasar tradisional {place} naik menjadi Rp{n}.000 per kilogram pekan ini.",
                    "Pedagang menyebut pasokan dari daerah sentra berkurang karena cuaca buruk.",
                    "Seorang pedagang, {person}, mengaku omzetnya turun karena pembeli mengurangi belanja.",
                    "Ibu rumah tangga memilih membeli cabai dalam jumlah kecil atau beralih ke cabai kering.",
                    "Dinas perdagangan berjanji menggelar operasi pasar dalam waktu dekat.",
                    "Menurut data dinas perdagangan, harga bawang merah juga naik {m} persen dibanding bulan lalu.",
                    "Para pedagang berharap harga kembali normal menjelang akhir tahun {year}.",
                    "Pengelola pasar menambah jam buka agar warga tidak berdesakan pada pagi hari.",
                ],
            ),
        },
        "sections": {"banjir": "daerah", "pasar": "ekonomi"},
    },
    "en": {
        "places": ["Davao", "Cebu", "Penang", "Kuching", "Chiang Mai", "Da Nang", "Surabaya", "Iloilo"],
        "people": ["Maria Santos", "David Tan", "Priya Nair", "James Lim", "Ana Reyes", "Kevin Ong"],
        "topics": {
            "transport": (
                "New bus line links {n} districts of {place} to the airport",
                [
                    "A new bus line opened on Monday linking {n} districts of {place} with the airport.",
                    "The city transport office said the buses will run every fifteen minutes from dawn until midnight.",
                    "Commuters welcomed the service but asked for more shelters along the route.",
                    "Transport chief {person} said the fleet of {m} electric buses was bought with a city bond.",
                    "Taxi drivers worry that the cheaper fares will take away their airport passengers.",
                    "The route replaces an older line that was suspended during road works in {year}.",
                    "Officials plan to add a night service if ridership grows over the next six months.",
                    "Passengers can pay with a stored-value card or a mobile wallet on board.",
                ],
            ),
            "schools": (
                "Schools in {place} reopen after repairs to {n} classrooms",
                [
                    "Public schools in {place} reopened this week after repairs to {n} classrooms damaged by storms.",
                    "Parents lined up at the gates early on Monday as pupils returned to class.",
                    "Principal {person} said the roofs and windows were fixed before the rainy season.",
                    "The education office said {m} teachers had volunteered to help clean the buildings.",
                    "Some pupils still share textbooks because deliveries were delayed by flooding in {year}.",
                    "Local businesses donated desks, fans and water filters to the affected schools.",
                    "The city council will review school safety standards at its next session.",
                    "Teachers plan extra lessons on Saturdays so pupils can catch up before exams.",
                ],
            ),
        },
        "sections": {"transport": "city", "schools": "education"},
    },
    "ms": {
        "places": ["Ipoh", "Kuantan", "Kota Bharu", "Melaka", "Seremban", "Alor Setar", "Miri", "Sandakan"],
        "people": [
            "Ahmad Faizal",
            "Nurul Huda",
            "Lim Wei Ming",
            "Siti Zulaikha",
            "Ravi Kumar",
            "Aminah Yusof",
        ],
        "topics": {
            "jalan": (
                "Kerja menaik taraf jalan di {place} siap {n} minggu lebih awal",
                [
                    "Kerja menaik taraf jalan utama di {place} siap {n} minggu lebih awal daripada jadual.",
                    "Jurutera daerah {person} berkata laluan baharu itu kini mempunyai lampu jalan dan longkang yang lebih besar.",
                    "Penduduk berkata kesesakan pada waktu pagi sudah berkurangan sejak lorong tambahan dibuka.",
                    "Majlis perbandaran memperuntukkan {m} juta ringgit untuk projek tersebut.",
                    "Peniaga di sepanjang jalan itu berharap lebih ramai pelanggan singgah selepas kerja siap.",
                    "Jalan lama itu kerap dinaiki air setiap kali hujan lebat sejak tahun {year}.",
                    "Pihak berkuasa mengingatkan pemandu supaya mematuhi had laju di kawasan sekolah.",
                    "Laluan pejalan kaki turut dibina untuk kegunaan pelajar dan warga emas.",
                ],
            ),
            "nelayan": (
                "Nelayan di {place} terima bantuan enjin bot baharu",
                [
                    "Seramai {n} nelayan di {place} menerima enjin bot baharu daripada jabatan perikanan.",
                    "Pengarah jabatan, {person}, berkata bantuan itu membantu nelayan kecil menjimatkan minyak.",
                    "Nelayan berkata enjin lama mereka sering rosak ketika berada jauh di tengah laut.",
                    "Setiap penerima juga diberi jaket keselamatan dan latihan penyelenggaraan enjin.",
                    "Hasil tangkapan dijangka meningkat selepas musim tengkujuh berakhir.",
                    "Program yang sama telah membantu {m} keluarga nelayan sejak tahun {year}.",
                    "Persatuan nelayan meminta lebih banyak jeti dibaiki di kampung-kampung pesisir.",
                ],
            ),
        },
        "sections": {"jalan": "tempatan", "nelayan": "ekonomi"},
    },
    "vi": {
        "places": ["Huế", "Cần Thơ", "Hải Phòng", "Nha Trang", "Vinh", "Quy Nhơn", "Đà Lạt", "Buôn Ma Thuột"],
        "people": ["Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Tuấn", "Phạm Thu Hà", "Võ Quốc Huy"],
        "topics": {
            "nongnghiep": (
                "Nông dân {place} thu hoạch lúa sớm để tránh mưa lớn",
                [
                    "Nông dân ở {place} đang khẩn trương thu hoạch {n} héc-ta lúa trước khi mưa lớn kéo đến.",
                    "Cán bộ khuyến nông {person} cho biết năng suất năm nay cao hơn vụ trước.",
                    "Nhiều hộ gia đình thuê máy gặt để kịp mang lúa về phơi trong những ngày nắng.",
                    "Thương lái đến tận ruộng để thu mua với giá ổn định.",
                    "Chính quyền địa phương đã chuẩn bị {m} máy bơm để tiêu nước cho các cánh đồng trũng.",
                    "Người dân vẫn nhớ trận lũ năm {year} làm mất trắng cả vụ mùa.",
                    "Hợp tác xã hướng dẫn bà con bảo quản lúa giống cho vụ sau.",
                ],
            ),
            "giaothong": (
                "Cầu mới ở {place} thông xe, rút ngắn {n} phút di chuyển",
                [
                    "Cây cầu mới ở {place} chính thức thông xe sáng thứ Hai, rút ngắn {n} phút di chuyển.",
                    "Giám đốc sở giao thông {person} cho biết công trình hoàn thành đúng tiến độ.",
                    "Người dân hai bên bờ sông không còn phải chờ phà vào giờ cao điểm.",
                    "Cầu dài {m} mét và có làn đường riêng cho xe máy.",
                    "Các cửa hàng gần chân cầu kỳ vọng lượng khách sẽ tăng trong dịp cuối năm.",
                    "Dự án được khởi công từ năm {year} sau nhiều năm người dân kiến nghị.",
                    "Lực lượng cảnh sát giao thông sẽ điều tiết xe trong tuần đầu tiên.",
                ],
            ),
        },
        "sections": {"nongnghiep": "kinh-te", "giaothong": "xa-hoi"},
    },
}


class BulkSite:
    """N generated articles under ``base_url``; :meth:`render` is a pure function of the path."""

    def __init__(self, base_url: str, articles: int = 2000, seed: int = 7) -> None:
        if articles < 1:
            raise ValueError("a bulk site needs at least one article")
        self.base = base_url.rstrip("/")
        self.count = articles
        self.seed = seed

    # -- what the crawler should find ------------------------------------------------

    def url(self, path: str) -> str:
        return self.base + path

    def article_path(self, i: int) -> str:
        lang = LANGUAGES[i % len(LANGUAGES)]
        spec = _TEXT[lang]
        topic = sorted(spec["topics"])[(i // len(LANGUAGES)) % 2]  # type: ignore[arg-type]
        section = spec["sections"][topic]  # type: ignore[index]
        return f"/{lang}/{section}/{topic}-{i:06d}.html"

    def article_paths(self) -> list[str]:
        return [self.article_path(i) for i in range(self.count)]

    def article_urls(self) -> set[str]:
        return {self.url(p) for p in self.article_paths()}

    # -- rendering ---------------------------------------------------------------------

    def render(self, path: str) -> Response:
        if path == "/robots.txt":
            text = f"User-agent: *\nAllow: /\n\nSitemap: {self.url('/sitemap.xml')}\n"
            return Response(200, "text/plain; charset=utf-8", text.encode())
        if path == "/":
            return self._html(self.home())
        if path == "/sitemap.xml":
            return self._xml(self.sitemap_index())
        if path.startswith("/sitemaps/") and path.endswith(".xml"):
            try:
                part = int(path[len("/sitemaps/") : -len(".xml")])
            except ValueError:
                part = -1
            if 0 <= part < self.sitemap_parts:
                return self._xml(self.sitemap(part))
        index = self.article_index(path)
        if index is not None:
            return self._html(self.article(index))
        return Response(404, "text/html; charset=utf-8", b"<html><body><h1>Not found</h1></body></html>")

    @property
    def sitemap_parts(self) -> int:
        return (self.count + SITEMAP_SIZE - 1) // SITEMAP_SIZE

    def article_index(self, path: str) -> int | None:
        stem = path.rsplit("-", 1)[-1]
        if not stem.endswith(".html") or not stem[:-5].isdigit():
            return None
        i = int(stem[:-5])
        return i if 0 <= i < self.count and self.article_path(i) == path else None

    def sitemap_index(self) -> str:
        items = "".join(
            f"<sitemap><loc>{self.url(f'/sitemaps/{k}.xml')}</loc></sitemap>\n"
            for k in range(self.sitemap_parts)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{items}</sitemapindex>\n'
        )

    def sitemap(self, part: int) -> str:
        start, stop = part * SITEMAP_SIZE, min(self.count, (part + 1) * SITEMAP_SIZE)
        items = "".join(
            f"<url><loc>{xml_escape(self.url(self.article_path(i)))}</loc></url>\n"
            for i in range(start, stop)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{items}</urlset>\n'
        )

    def home(self) -> str:
        latest = range(self.count - 1, max(-1, self.count - 21), -1)
        links = "\n".join(
            f'<li><a href="{self.article_path(i)}">{escape(self.headline(i))}</a></li>' for i in latest
        )
        return _page("id", "Kabar Nusantara", f"<main><h1>Berita terbaru</h1><ul>{links}</ul></main>")

    def _fill(self, rng: random.Random, lang: str, i: int) -> dict[str, object]:
        spec = _TEXT[lang]
        return {
            "place": rng.choice(spec["places"]),  # type: ignore[arg-type]
            "person": rng.choice(spec["people"]),  # type: ignore[arg-type]
            "n": 3 + i % 97,
            "m": 11 + rng.randrange(900),
            "year": 2015 + rng.randrange(9),
        }

    def _spec(self, i: int) -> tuple[str, str, str, list[str], random.Random, dict[str, object]]:
        lang = LANGUAGES[i % len(LANGUAGES)]
        topics = _TEXT[lang]["topics"]
        topic = sorted(topics)[(i // len(LANGUAGES)) % 2]  # type: ignore[arg-type]
        headline, sentences = topics[topic]  # type: ignore[index]
        rng = random.Random(self.seed * 1_000_003 + i)
        return lang, topic, headline, list(sentences), rng, self._fill(rng, lang, i)

    def headline(self, i: int) -> str:
        _, _, headline, _, _, slots = self._spec(i)
        return headline.format(**slots)

    def article(self, i: int) -> str:
        lang, _, headline, sentences, rng, slots = self._spec(i)
        title = headline.format(**slots)
        rng.shuffle(sentences)
        # Every sentence of the topic once, in an order of its own, 2-3 to a paragraph.
        paragraphs: list[str] = []
        while sentences:
            take = 2 if len(sentences) in (2, 4) else rng.randint(2, 3)
            paragraphs.append(" ".join(s.format(**slots) for s in sentences[:take]))
            del sentences[:take]
        paragraphs[0] = f"{slots['place']} ({i}) - {paragraphs[0]}"
        blocks = [f"<p>{escape(p)}</p>" for p in paragraphs]
        kind = i % 10
        if kind == 3:  # the headline repeated as a subheading
            blocks.insert(2, f"<h3>{escape(title)}</h3>")
        elif kind == 7:  # a paragraph printed twice
            blocks.append(blocks[1])
        date = f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}"
        author = str(slots["person"])
        head = (
            f'<meta property="og:type" content="article">\n<meta name="author" content="{escape(author)}">\n'
            f'<meta property="article:published_time" content="{date}T08:00:00+07:00">\n'
            f'<link rel="canonical" href="{self.url(self.article_path(i))}">\n'
        )
        body = (
            f"<main><article><h1>{escape(title)}</h1>\n"
            f'<p class="byline">{escape(author)} · <time datetime="{date}">{date}</time></p>\n'
            + "\n".join(blocks)
            + "\n</article>\n"
            + self.related(i)
            + "</main>"
        )
        return _page(lang, title, body, head)

    def related(self, i: int) -> str:
        """Links to other stories, as news pages carry them (page weight, not content)."""
        others = [(i * 7919 + k * 104_729) % self.count for k in range(1, 9)]
        links = "".join(
            f'<li><a href="{self.article_path(j)}">{escape(self.headline(j))}</a></li>'
            for j in others
            if j != i
        )
        return f'<aside class="related"><h2>Baca juga</h2><ul>{links}</ul></aside>\n'

    @staticmethod
    def _html(text: str) -> Response:
        return Response(200, "text/html; charset=utf-8", text.encode("utf-8"))

    @staticmethod
    def _xml(text: str) -> Response:
        return Response(200, "application/xml; charset=utf-8", text.encode("utf-8"))


def _page(lang: str, title: str, body: str, head: str = "") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)} - Kabar Nusantara</title>\n{head}</head>\n<body>\n"
        '<header><a href="/">Kabar Nusantara</a><nav>'
        + " | ".join(f'<a href="/{lang}/">{lang.upper()}</a>' for lang in LANGUAGES)
        + "</nav></header>\n"
        f"{body}\n<footer><p>Kabar Nusantara: generated test site; every story is fictional.</p></footer>\n"
        "</body>\n</html>\n"
    )


def site_config_toml(base_url: str, articles: int, name: str = "bulk", **polite: object) -> str:
    """A site config (TOML) that crawls every article of a :class:`BulkSite` at ``base_url``."""
    host = urlsplit(base_url).hostname or "127.0.0.1"
    politeness = {"delay": 0.0, "concurrency": 16, "autothrottle": False, "timeout": 30, **polite}
    lines = [
        f'name = "{name}"',
        f'allowed_domains = ["{host}"]',
        'language = "id"',
        f'start_urls = ["{base_url}/"]',
        f'sitemaps = ["{base_url}/sitemap.xml"]',
        "",
        "[language_by_path]",
        *(f'"/{lang}/" = "{lang}"' for lang in LANGUAGES),
        "",
        "[urls]",
        "allow = ['^https?://[^/]+/(id|en|ms|vi)/[a-z-]+/[a-z]+-[0-9]+\\.html$']",
        "listing = ['^https?://[^/]+/$']",
        "",
        "[limits]",
        f"max_pages = {articles + 10}",
        "max_depth = 3",
        "",
        "[politeness]",
        *(f"{k} = {str(v).lower() if isinstance(v, bool) else v}" for k, v in politeness.items()),
    ]
    return "\n".join(lines) + "\n"


class _Handler(BaseHTTPRequestHandler):
    server: RecordingHTTPServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        path = urlsplit(self.path).path or "/"
        response = self.server.site.render(path)
        self.server.log(path)
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class BulkServer(LoopbackServer[BulkSite]):
    """Serve a :class:`BulkSite` on 127.0.0.1 from a daemon thread; a context manager."""

    handler = _Handler
    thread_name = "bulk-site"

    def __init__(self, articles: int = 2000, port: int = 0, host: str = HOST, seed: int = 7) -> None:
        super().__init__(port, host)
        self.articles, self.seed = articles, seed

    def make_site(self, base_url: str) -> BulkSite:
        return BulkSite(base_url, self.articles, self.seed)

    @property
    def requests(self) -> Counter[str]:  # type: ignore[override]
        """Requests served so far, per path (a copy)."""
        return Counter(super().requests)


def main(argv: list[str] | None = None) -> int:
    """Serve a bulk site until stdin closes (or Ctrl-C); print its base URL first."""
    parser = argparse.ArgumentParser(description="Serve a generated news site on 127.0.0.1.")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--config-out", type=Path, help="also write a site config for it here")
    args = parser.parse_args(argv)
    server = BulkServer(args.articles, args.port).start()
    if args.config_out:
        args.config_out.write_text(site_config_toml(server.base_url, args.articles), encoding="utf-8")
    print(server.base_url, flush=True)
    try:
        sys.stdin.read()  # the parent closes our stdin (or exits) to stop us
    except KeyboardInterrupt:
        pass
    finally:
        total = sum(server.requests.values())
        server.stop()
        print(f"served {total} requests", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
