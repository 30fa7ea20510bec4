"""A hostile news site for fault-injection tests, served on 127.0.0.1.

Every way a regional news server misbehaves is one :class:`FaultCase`: slow pages
and timeouts, 500s that recover on retry, 429/503 with ``Retry-After``, redirect
loops and long chains, oversized pages and a gzip bomb, binary bodies labelled
``text/html``, mislabelled charsets (Windows-1252, Latin-1 served as UTF-8, Thai
TIS-620), truncated and malformed markup, empty pages, calendar and pagination
traps, tracking-parameter and fragment duplicates, canonical links, robots.txt
rules with ``Crawl-delay``, and internationalised URLs.

Each case says what the crawler must conclude (``outcome`` and ``reason``), so the
accounting test can check every URL against it. Article cases are reached from the
home page, the sitemap and the paginated listing; trap cases are listing pages.
``FaultServer(port=0).start()`` serves the site on a free loopback port and logs
every request (path, User-Agent, hit number per path).
"""

from __future__ import annotations

import codecs
import gzip
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import formatdate
from functools import cache
from html import escape
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, quote, unquote, urlsplit

from crawler.loopback import HOST, LoopbackServer, RecordingHTTPServer

DEFAULT_PORT = 8809
#: Bigger than the crawler's DOWNLOAD_MAXSIZE (8 MiB), by a margin.
OVERSIZE_BYTES = 9 * 1024 * 1024
#: What the gzip bomb inflates to (it is ~64 KiB on the wire).
BOMB_BYTES = 64 * 1024 * 1024
SLOW_SECONDS = 0.3  # below the test config's timeout
HANG_SECONDS = 6.0  # above it
CRAWL_DELAY = "0.05"
THAI_TITLE = "ตลาดน้ำดำเนินสะดวกคึกคักรับนักท่องเที่ยว"
THAI_PATH = "/a/ข่าว-ตลาดน้ำ.html"
VI_PATH = "/a/tin-tức-hà-nội.html"
DISALLOWED = "/a/private/"

# Real text in the languages of the region; each page combines a title, one sentence of
# its own and three of these, so no two pages share a content hash.
PARAGRAPHS = (
    "The provincial water authority said on Tuesday that the new treatment plant would "
    "serve about forty thousand households once the last pipes are laid in March.",
    "Residents of the riverside district have complained for years about brown tap water "
    "during the monsoon, when the old intake draws silt from the swollen river.",
    "Engineers from the authority told a public meeting that the plant filters water "
    "through sand beds before it is disinfected and pumped to two hilltop reservoirs.",
    "A market vendor who has sold vegetables near the pier for two decades said she "
    "would believe the promise only when her grandchildren could drink from the tap.",
    "The council approved the budget after a long debate about whether the contract "
    "should have gone to a local firm rather than a consortium from the capital.",
    "Opposition members asked for the tender documents to be published, and the "
    "mayor agreed to put them on the council website before the end of the month.",
    "Fishermen downstream worry that the discharge from the plant will change the "
    "water in the estuary, where they catch the prawns that supply the night market.",
    "An environmental group said it would monitor the estuary every fortnight and "
    "share its measurements with the fishermen's cooperative and the press.",
)
THAI_PARAGRAPHS = (
    "ตลาดน้ำดำเนินสะดวกเป็นตลาดน้ำที่มีชื่อเสียงที่สุดแห่งหนึ่งของประเทศไทย "
    "พ่อค้าแม่ค้าพายเรือขายผลไม้ อาหาร และของที่ระลึกแก่นักท่องเที่ยวตั้งแต่เช้าตรู่",
    "ผู้ประกอบการในตลาดกล่าวว่าจำนวนนักท่องเที่ยวเพิ่มขึ้นอย่างต่อเนื่องหลังจากที่จังหวัดปรับปรุงท่าเรือ "
    "และถนนทางเข้าตลาดเมื่อปีที่แล้ว ทำให้การเดินทางสะดวกกว่าเดิมมาก",
    "เจ้าหน้าที่เทศบาลขอให้นักท่องเที่ยวช่วยกันรักษาความสะอาดของลำคลอง และงดทิ้งขยะลงในน้ำ เพื่อให้ตลาดน้ำแห่งนี้อยู่คู่ชุมชนต่อไปอีกนาน",
)
VI_PARAGRAPHS = (
    "Mưa lớn kéo dài từ đêm qua khiến nhiều tuyến phố ở Hà Nội ngập sâu, giao thông "
    "ùn tắc nghiêm trọng vào giờ cao điểm buổi sáng.",
    "Công ty thoát nước thành phố cho biết đã huy động hàng trăm công nhân và máy bơm "
    "để xử lý các điểm ngập trên đường Nguyễn Trãi và phố Huế.",
    "Người dân được khuyến cáo hạn chế ra đường khi không cần thiết và theo dõi "
    "thông báo thời tiết trong những ngày tới.",
)


@dataclass
class Reply:
    """What the server sends for one request."""

    status: int = 200
    body: bytes = b""
    content_type: str | None = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)
    delay: float = 0.0
    #: Send the headers with this Content-Length but only ``body``, then hang up.
    declared_length: int | None = None
    #: No Content-Length: stream the body and close the connection.
    stream: bool = False


@dataclass(frozen=True)
class FaultCase:
    """One hostile behaviour; ``path`` is an article candidate unless ``listing``."""

    name: str
    path: str
    description: str
    outcome: str  # the terminal state the crawler must reach (run.json key)
    reason: str | None  # its reason code (None for an emitted article)
    listing: bool = False
    #: Where the article is published when that is not ``path`` (a redirect target).
    published: str | None = None


def _page(title: str, own: str, pick: int, *, lang: str = "en", head: str = "", extra: str = "") -> str:
    paragraphs = {"th": THAI_PARAGRAPHS, "vi": VI_PARAGRAPHS}.get(lang, PARAGRAPHS)
    chosen = [paragraphs[(pick + i) % len(paragraphs)] for i in range(3)]
    body = "".join(f"<p>{escape(p)}</p>\n" for p in [own, *chosen])
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head>{head}<title>{escape(title)} | Fault Gazette</title>\n'
        f'<meta property="og:type" content="article"></head>\n<body><header><a href="/">Fault Gazette</a>'
        f"</header>\n<main><article><h1>{escape(title)}</h1>\n{body}{extra}</article></main>\n"
        "<footer>Fault Gazette, a test site for crawler faults.</footer></body></html>\n"
    )


def _article(title: str, own: str, pick: int, **kwargs: str) -> Reply:
    return Reply(body=_page(title, own, pick, **kwargs).encode("utf-8"))


@cache
def _gzip_bomb() -> bytes:
    # Compressed once per process: 64 MiB of spaces inside an HTML shell is ~64 KiB gzipped.
    shell = b"<html><body><p>" + b" " * BOMB_BYTES + b"</p></body></html>"
    return gzip.compress(shell, compresslevel=9, mtime=0)


@cache
def _oversize() -> bytes:
    filler = ("<p>" + PARAGRAPHS[0] + "</p>\n").encode()
    return (
        b"<html><body><article>" + filler * (OVERSIZE_BYTES // len(filler) + 1) + b"</article></body></html>"
    )


def _binary_noise() -> bytes:
    rng = random.Random(6)  # seeded: the same bytes every run
    return bytes(rng.randrange(256) for _ in range(4096))


# The cases. Paths of article cases all match the test config's allow pattern (/a/...html).
CASES: tuple[FaultCase, ...] = (
    FaultCase("clean", "/a/clean.html", "a well-formed article (the control)", "articles", None),
    FaultCase("slow", "/a/slow.html", f"answers after {SLOW_SECONDS}s, inside the timeout", "articles", None),
    FaultCase("timeout", "/a/timeout.html", f"answers after {HANG_SECONDS}s, beyond the timeout", "failed", "timeout"),
    FaultCase("flaky_500", "/a/flaky-500.html", "HTTP 500 twice, then the article", "articles", None),
    FaultCase("always_500", "/a/always-500.html", "HTTP 500 on every attempt", "failed", "http_500"),
    FaultCase("not_found", "/a/gone.html", "HTTP 404", "failed", "http_404"),
    FaultCase("retry_after", "/a/retry-after.html", "429 with Retry-After: 1, then the article", "articles", None),
    FaultCase(
        "retry_after_date", "/a/retry-after-date.html", "503 with an HTTP-date Retry-After, then the article",
        "articles", None,
    ),
    FaultCase(
        "retry_after_long", "/a/retry-after-long.html", "429 with Retry-After: 3600 (over the cap)",
        "failed", "http_429",
    ),
    FaultCase("redirect_loop", "/a/loop-a.html", "302 to loop-b, which 302s back", "failed", "redirect_loop"),
    FaultCase(
        "redirect_chain", "/a/chain.html", "a chain of 8 redirects (cap: 5)", "failed", "too_many_redirects"
    ),
    FaultCase(
        "redirect_short", "/a/moved.html", "3 redirects to the article's new URL (published there)",
        "articles", None, published="/a/new-home.html",
    ),
    FaultCase("refresh_loop", "/a/refresh.html", "a <meta refresh> to itself", "failed", "redirect_loop"),
    FaultCase(
        "redirect_offsite", "/a/elsewhere.html", "a 302 to another host", "filtered", "offsite_redirect"
    ),
    FaultCase(
        "redirect_link_local", "/a/metadata.html", "a 302 to a cloud metadata address (169.254.169.254)",
        "filtered", "offsite_redirect",
    ),
    FaultCase("redirect_no_location", "/a/lost.html", "HTTP 302 without a Location header", "failed", "http_302"),
    FaultCase("too_large", "/a/huge.html", "9 MiB with Content-Length (cap: 8 MiB)", "failed", "too_large"),
    FaultCase(
        "too_large_streamed", "/a/huge-streamed.html", "9 MiB streamed without Content-Length",
        "failed", "too_large",
    ),
    FaultCase("gzip_bomb", "/a/bomb.html", "64 KiB of gzip that inflates to 64 MiB", "failed", "too_large"),
    FaultCase("binary_png", "/a/photo.html", "a PNG image labelled text/html", "failed", "binary_content"),
    FaultCase("binary_noise", "/a/noise.html", "random bytes labelled text/html", "failed", "binary_content"),
    FaultCase("not_html", "/a/report.html", "a PDF with its own Content-Type", "failed", "not_html"),
    FaultCase("no_content_type", "/a/untyped.html", "an article with no Content-Type header", "articles", None),
    FaultCase("utf16_bom", "/a/utf16.html", "UTF-16 with a byte-order mark, no charset label", "articles", None),
    FaultCase("cp1252", "/a/cp1252.html", "Windows-1252, correctly labelled", "articles", None),
    FaultCase("cp1252_unlabelled", "/a/cp1252-bare.html", "Windows-1252 with no charset anywhere", "articles", None),
    FaultCase("latin1_as_utf8", "/a/latin1-as-utf8.html", "ISO-8859-1 bytes served as charset=utf-8", "articles", None),
    FaultCase("tis620", "/th/tis620.html", "Thai TIS-620, labelled in the header", "articles", None),
    FaultCase("tis620_meta", "/th/tis620-meta.html", "Thai TIS-620, labelled only in <meta>", "articles", None),
    FaultCase("tis620_unlabelled", "/th/tis620-bare.html", "Thai TIS-620 with no label at all", "articles", None),
    FaultCase("utf8_stray_bytes", "/a/stray-bytes.html", "Vietnamese UTF-8 with stray invalid bytes", "articles", None),
    FaultCase("control_chars", "/a/control.html", "control characters and a lone surrogate entity", "articles", None),
    FaultCase("script_text", "/a/script-text.html", "article text that is HTML/JS source", "articles", None),
    FaultCase("jsonld_bomb", "/a/jsonld.html", "JSON-LD nested 50,000 levels deep", "articles", None),
    FaultCase("deep_nesting", "/a/nested.html", "5,000 nested <div>s (libxml2 keeps 255 levels)", "articles", None),
    FaultCase("truncated_markup", "/a/truncated.html", "HTML cut off mid-tag (complete response)", "articles", None),
    FaultCase("malformed", "/a/malformed.html", "unclosed and misnested tags", "articles", None),
    FaultCase(
        "truncated_transfer", "/a/cut.html", "Content-Length larger than the body, then hang up",
        "failed", "connection_lost",
    ),
    FaultCase("empty", "/a/empty.html", "HTTP 200 with an empty body", "failed", "empty_body"),
    FaultCase("blank", "/a/blank.html", "HTTP 200 with only whitespace", "failed", "empty_body"),
    FaultCase("tracking_duplicates", "/a/tracked.html", "linked with utm_*, fbclid and #fragments", "articles", None),
    FaultCase("canonical_print", "/a/print/story.html", "print version whose canonical is the story", "duplicates", "canonical_duplicate"),
    FaultCase("canonical_target", "/a/story.html", "the story a print version points to", "articles", None),
    FaultCase("canonical_offsite", "/a/syndicated.html", "canonical link to another site (ignored)", "articles", None),
    FaultCase("robots_disallowed", DISALLOWED + "secret.html", "disallowed by robots.txt", "disallowed", "robots_disallowed"),
    FaultCase("idn_thai_path", quote(THAI_PATH), "a Thai path, linked raw and percent-encoded", "articles", None),
    FaultCase("idn_vietnamese_path", quote(VI_PATH), "a Vietnamese path with diacritics", "articles", None),
    FaultCase("idn_offsite_host", "http://ข่าว.example/a/x.html", "an IDN host in the sitemap (offsite)", "filtered", "offsite"),
    FaultCase("long_url", "/a/" + "x" * 2100 + ".html", "a 2100-character article URL", "filtered", "trap_long_url"),
    FaultCase("calendar_trap", "/calendar/", "a calendar linking next year forever", "filtered", "trap_calendar", listing=True),
    FaultCase("pagination_trap", "/list", "pagination linking 59 pages ahead forever", "filtered", "trap_pattern_overflow", listing=True),
    FaultCase("repeated_path_trap", "/section/", "a relative link that nests /section/ forever", "filtered", "trap_repeated_path", listing=True),
    FaultCase("depth_trap", "/calendar/", "the calendar's past runs into the depth cap", "filtered", "depth_limit", listing=True),
)  # fmt: skip


def case(name: str) -> FaultCase:
    return next(c for c in CASES if c.name == name)


def _links(base_path: str = "") -> str:
    """The home page's links: every article case, duplicates and hostile hrefs included."""
    hrefs = [
        c.path for c in CASES if not c.listing and c.path.startswith("/") and c.name != "canonical_target"
    ]
    hrefs += [
        "/a/tracked.html?utm_source=newsletter&utm_medium=email",
        "/a/tracked.html#comments",
        "/a/tracked.html?fbclid=IwAR0abc&utm_campaign=x#top",
        "/a/clean.html?gclid=xyz",
        THAI_PATH,  # raw Unicode; the case path is its percent-encoded form
        VI_PATH,
        f"/calendar/{datetime.now(UTC).year}/",
        "/list?page=1",
        "/section/",
        "/missing-listing/",
        "javascript:alert(document.cookie)",
        "mailto:editor@example.org",
        "http://[::1/broken",
        "http://127.0.0.1:99999/a/bad-port.html",
        "data:text/html,<script>alert(1)</script>",
        "http://exa mple.com/a/space.html",
        "",
    ]
    return "\n".join(f'<li><a href="{escape(h, quote=True)}">{escape(h[:60])}</a></li>' for h in hrefs)


def _listing(title: str, links: list[str]) -> Reply:
    items = "".join(f'<li><a href="{escape(h, quote=True)}">{escape(h)}</a></li>' for h in links)
    return Reply(
        body=f"<html><head><title>{escape(title)}</title></head><body><h1>{escape(title)}</h1><ul>{items}</ul></body></html>".encode()
    )


class FaultSite:
    """Routes for one served instance; ``hits`` counts requests per path (for retries)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._hits: dict[str, int] = {}
        self._lock = threading.Lock()

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base_url + path

    def hit(self, path: str) -> int:
        with self._lock:
            self._hits[path] = self._hits.get(path, 0) + 1
            return self._hits[path]

    def render(self, raw_path: str) -> Reply:  # noqa: C901, PLR0911, PLR0912 - one route table
        parts = urlsplit(raw_path)
        path = unquote(parts.path)
        query = parse_qs(parts.query)
        n = self.hit(path)
        if path == "/":
            return Reply(
                body=(
                    "<html><head><title>Fault Gazette</title></head><body><h1>Fault Gazette</h1>"
                    f"<ul>{_links()}</ul></body></html>"
                ).encode()
            )
        if path == "/robots.txt":
            body = f"User-agent: *\nCrawl-delay: {CRAWL_DELAY}\nDisallow: {DISALLOWED}\n"
            return Reply(body=body.encode(), content_type="text/plain")
        if path == "/sitemap.xml":
            locs = [self.url(quote(THAI_PATH)), self.url("/a/clean.html?utm_source=sitemap"),
                    self.url("/a/story.html"), case("idn_offsite_host").path, self.url("/a/tracked.html")]  # fmt: skip
            entries = "".join(f"<url><loc>{escape(loc)}</loc></url>" for loc in locs)
            xml = f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
            return Reply(body=xml.encode(), content_type="application/xml")
        if path == "/feed.xml":  # RSS cut off mid-item: the links before the cut still count
            items = "".join(
                f"<item><title>{t}</title><link>{escape(self.url(h))}</link></item>"
                for t, h in [
                    ("Tracked", "/a/tracked.html?utm_source=rss&utm_medium=feed"),
                    ("Slow", "/a/slow.html"),
                ]
            )
            rss = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Fault Gazette</title>{items}<item><title>Cut'
            return Reply(body=rss.encode(), content_type="application/rss+xml")
        if path == "/broken-sitemap.xml":
            return Reply(
                body=b"<html><body>this is not a sitemap</body></html>", content_type="application/xml"
            )
        # -- traps ----------------------------------------------------------------------
        if path.startswith("/calendar/"):
            try:
                year = int(path.strip("/").split("/")[1])
            except (IndexError, ValueError):
                year = 2026
            return _listing(f"Archive {year}", [f"/calendar/{year - 1}/", f"/calendar/{year + 1}/"])
        if path == "/list":
            page = int((query.get("page") or ["1"])[0]) if (query.get("page") or ["1"])[0].isdigit() else 1
            ahead = [f"/list?page={p}" for p in range(page + 1, page + 60)]
            return _listing(
                f"Latest news, page {page}",
                ["/a/clean.html?utm_source=list", f"/a/tracked.html#p{page}", *ahead],
            )
        if path.startswith("/section/"):
            return _listing("Section", ["section/", "/a/clean.html"])
        # -- articles -------------------------------------------------------------------
        return self.render_article(path, n)

    def render_article(self, path: str, n: int) -> Reply:  # noqa: C901, PLR0911, PLR0912
        own = f"This report was filed for the page at {path} and checks one crawler fault."
        if path == "/a/clean.html":
            return _article("Water plant to open in March", own, 0)
        if path == "/a/slow.html":
            reply = _article("Slow server, patient crawler", own, 1)
            reply.delay = SLOW_SECONDS
            return reply
        if path == "/a/timeout.html":
            reply = _article("This page never arrives in time", own, 2)
            reply.delay = HANG_SECONDS
            return reply
        if path == "/a/flaky-500.html":
            if n <= 2:
                return Reply(500, b"<html><body>Internal Server Error</body></html>")
            return _article("Council approves budget after retries", own, 3)
        if path == "/a/always-500.html":
            return Reply(500, b"<html><body>Internal Server Error</body></html>")
        if path == "/a/retry-after.html":
            if n == 1:
                return Reply(
                    429, b"<html><body>Too Many Requests</body></html>", headers=[("Retry-After", "1")]
                )
            return _article("Fishermen wait for the estuary data", own, 4)
        if path == "/a/retry-after-date.html":
            if n == 1:
                when = formatdate(time.time() + 1, usegmt=True)
                return Reply(
                    503, b"<html><body>Service Unavailable</body></html>", headers=[("Retry-After", when)]
                )
            return _article("Tender documents published online", own, 5)
        if path == "/a/retry-after-long.html":
            return Reply(
                429, b"<html><body>Too Many Requests</body></html>", headers=[("Retry-After", "3600")]
            )
        if path in ("/a/loop-a.html", "/a/loop-b.html"):
            target = "/a/loop-b.html" if path.endswith("a.html") else "/a/loop-a.html"
            return Reply(302, b"", headers=[("Location", target)])
        if path == "/a/chain.html" or path.startswith("/r/"):
            step = 0 if path == "/a/chain.html" else int(path.split("/")[2])
            return Reply(302, b"", headers=[("Location", f"/r/{step + 1}/")])
        if path in ("/a/moved.html", "/a/moved-1.html", "/a/moved-2.html"):
            nxt = {"/a/moved.html": "/a/moved-1.html", "/a/moved-1.html": "/a/moved-2.html"}.get(
                path, "/a/new-home.html"
            )
            return Reply(301, b"", headers=[("Location", self.url(nxt))])
        if path == "/a/new-home.html":
            return _article("Market vendor doubts the promise", own, 6)
        if path == "/a/refresh.html":
            head = '<meta http-equiv="refresh" content="0; url=/a/refresh.html">'
            return Reply(body=f"<html><head>{head}</head><body>Redirecting</body></html>".encode())
        if path == "/a/elsewhere.html":
            return Reply(302, b"", headers=[("Location", "http://other-news.example/a/elsewhere.html")])
        if path == "/a/metadata.html":
            return Reply(302, b"", headers=[("Location", "http://169.254.169.254/latest/meta-data/")])
        if path == "/a/lost.html":
            return Reply(302, b"<html><body>Found (somewhere)</body></html>")
        if path == "/a/untyped.html":
            reply = _article("Ferry operator adds a night crossing", own, 5)
            reply.content_type = None
            return reply
        if path == "/a/utf16.html":
            page = _page("Typhoon shelter “Kai Tak” reopens", own, 6)
            return Reply(body=codecs.BOM_UTF16_LE + page.encode("utf-16-le"), content_type="text/html")
        if path == "/a/huge.html":
            return Reply(body=_oversize())
        if path == "/a/huge-streamed.html":
            return Reply(body=_oversize(), stream=True)
        if path == "/a/bomb.html":
            return Reply(body=_gzip_bomb(), headers=[("Content-Encoding", "gzip")])
        if path == "/a/photo.html":
            png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x02\x00\x00\x00"
            return Reply(body=png + bytes(range(256)) * 8, content_type="text/html")
        if path == "/a/noise.html":
            return Reply(body=_binary_noise(), content_type="text/html; charset=utf-8")
        if path == "/a/report.html":
            return Reply(
                body=b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n", content_type="application/pdf"
            )
        if path == "/a/cp1252.html":
            page = _page(
                "Caf\u00e9 owners \u201cdelighted\u201d by the new pier",
                own + " \u20ac2 million \u2014 na\u00efve.",
                7,
            )
            return Reply(body=page.encode("cp1252"), content_type="text/html; charset=windows-1252")
        if path == "/a/cp1252-bare.html":
            page = _page("Cr\u00e8me br\u00fbl\u00e9e stall \u201cwins\u201d the night market prize", own, 0)
            return Reply(body=page.encode("cp1252"), content_type="text/html")
        if path == "/a/latin1-as-utf8.html":
            page = _page("S\u00e3o Tom\u00e9 delegation visits the caf\u00e9 cooperative", own, 1)
            return Reply(body=page.encode("iso-8859-1"), content_type="text/html; charset=utf-8")
        if path == "/th/tis620.html":
            page = _page(THAI_TITLE, "รายงานนี้ส่งด้วยรหัสอักขระ TIS-620 และประกาศไว้ในส่วนหัว HTTP", 0, lang="th")
            return Reply(body=page.encode("tis-620"), content_type="text/html; charset=TIS-620")
        if path == "/th/tis620-meta.html":
            page = _page(
                "ท่าเรือใหม่เปิดให้บริการแล้ว", "รายงานนี้ประกาศรหัสอักขระไว้ในแท็ก meta เท่านั้น", 1,
                lang="th", head='<meta charset="tis-620">',
            )  # fmt: skip
            return Reply(body=page.encode("tis-620"), content_type="text/html")
        if path == "/th/tis620-bare.html":
            page = _page("เทศบาลรณรงค์รักษาความสะอาดลำคลอง", "รายงานนี้ไม่มีการประกาศรหัสอักขระเลย", 2, lang="th")
            return Reply(body=page.encode("tis-620"), content_type="text/html")
        if path == "/a/stray-bytes.html":
            page = _page(
                "Hà Nội ngập sâu sau mưa lớn", "Bài viết này có vài byte lỗi chen giữa văn bản.", 0, lang="vi"
            )
            data = page.encode("utf-8").replace(
                "ùn tắc".encode(), "ùn ".encode() + b"\xff\xfe" + "tắc".encode()
            )
            return Reply(body=data)
        if path == "/a/control.html":
            extra = "<p>Control characters \x01\x02\x07\x1b[31m and a lone surrogate &#xD800; sit in this line.</p>"
            return _article("Control characters in the copy", own, 2, extra=extra)
        if path == "/a/script-text.html":
            extra = (
                "<p>Readers wrote &lt;script&gt;alert(document.cookie)&lt;/script&gt; and "
                "&lt;img src=x onerror=alert(1)&gt; into the comment form, which printed them as text.</p>"
            )
            return _article("Comment form prints code as text", own, 3, extra=extra)
        if path == "/a/jsonld.html":
            head = '<script type="application/ld+json">' + "[" * 50000 + "]" * 50000 + "</script>"
            return _article("Structured data nested beyond reason", own, 1, head=head)
        if path == "/a/nested.html":
            extra = "<div>" * 5000 + "<p>The deepest paragraph still reaches the feed.</p>" + "</div>" * 5000
            return _article("Layout nested five thousand levels deep", own, 2, extra=extra)
        if path == "/a/truncated.html":
            page = _page("Flood barrier contract signed", own, 4)
            return Reply(body=page.encode()[: page.encode().index(b"</article>") - 40])
        if path == "/a/malformed.html":
            extra = "<p>Unclosed <b>bold <i>italic <div><p>nested</span> stray </td></tr> <p><p>end"
            page = _page("Harbour dredging resumes", own, 5, extra=extra).replace("</article></main>", "")
            return Reply(body=page.encode())
        if path == "/a/cut.html":
            body = _page("This story is cut off in transit", own, 6).encode()
            return Reply(body=body[:600], declared_length=len(body))
        if path == "/a/empty.html":
            return Reply(body=b"")
        if path == "/a/blank.html":
            return Reply(body=b" \n\t\r\n  ")
        if path == "/a/tracked.html":
            return _article("Environmental group to monitor the estuary", own, 7)
        if path == "/a/print/story.html":
            head = f'<link rel="canonical" href="{self.url("/a/story.html")}">'
            return _article("Pier reopens after repairs (print)", own, 0, head=head)
        if path == "/a/story.html":
            head = f'<link rel="canonical" href="{self.url("/a/story.html")}">'
            return _article("Pier reopens after repairs", own + " Canonical copy.", 0, head=head)
        if path == "/a/syndicated.html":
            head = '<link rel="canonical" href="https://other-news.example/2026/pier.html">'
            return _article("Syndicated: ferry timetable changes", own, 1, head=head)
        if path == THAI_PATH:
            return _article(THAI_TITLE + " (เส้นทาง URL ภาษาไทย)", "หน้านี้มีที่อยู่ URL เป็นภาษาไทย", 2, lang="th")
        if path == VI_PATH:
            return _article(
                "Tin tức Hà Nội: đường ngập", "Trang này có địa chỉ URL tiếng Việt có dấu.", 1, lang="vi"
            )
        if path.startswith(DISALLOWED):
            return _article("A page robots.txt forbids", own, 3)
        return Reply(404, b"<html><body><h1>Not found</h1></body></html>")


@dataclass(frozen=True)
class LoggedRequest:
    path: str
    user_agent: str
    hit: int


class _Handler(BaseHTTPRequestHandler):
    server: RecordingHTTPServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802
        site = self.server.site
        reply = site.render(self.path)
        self.server.log(
            LoggedRequest(
                self.path,
                self.headers.get("User-Agent", ""),
                site._hits.get(unquote(urlsplit(self.path).path), 0),
            )
        )
        if reply.delay:
            time.sleep(reply.delay)
        self.send_response(reply.status)
        if reply.content_type:
            self.send_header("Content-Type", reply.content_type)
        for key, value in reply.headers:
            self.send_header(key, value)
        if reply.stream:
            self.send_header("Connection", "close")
            self.close_connection = True
        else:
            self.send_header("Content-Length", str(reply.declared_length or len(reply.body)))
        if reply.declared_length is not None:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        try:
            if reply.stream:
                for i in range(0, len(reply.body), 65536):
                    self.wfile.write(reply.body[i : i + 65536])
            else:
                self.wfile.write(reply.body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the crawler hung up (a cap or a timeout): expected

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class FaultServer(LoopbackServer[FaultSite]):
    """``FaultServer(port=0).start()``: the fault site on a free loopback port."""

    handler = _Handler
    thread_name = "newsaudit-faults"

    def __init__(self, port: int = DEFAULT_PORT, host: str = HOST) -> None:
        super().__init__(port, host)

    def make_site(self, base_url: str) -> FaultSite:
        return FaultSite(base_url)
