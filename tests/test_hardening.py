"""Hardening units (issue 6): Retry-After and Crawl-delay middlewares, trap detection,
charset decoding, hostile URLs, failure reasons, safe output paths and safe defaults.
The end-to-end proof is tests/test_faults.py; these pin each piece on its own."""

from __future__ import annotations

import codecs
import subprocess
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from urllib.parse import urlsplit

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.robotstxt import ProtegoRobotParser
from scrapy.settings import Settings
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.conf import build_component_list
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from audit.charset import binary_reason, decode_html
from audit.output import OutputError, new_run_id, run_directory
from crawler.items import OutcomeItem, PageItem
from crawler.middlewares import (
    CrawlDelayMiddleware,
    RetryAfterMiddleware,
    StayOnSiteMiddleware,
    parse_retry_after,
)
from crawler.settings import MAX_DOMAIN_CONCURRENCY, apply_site_settings, site_settings
from crawler.siteconfig import SiteConfigError, from_mapping, load, resolve_site
from crawler.spiders.news import NewsSpider, describe_failure
from crawler.traps import TrapDetector, structural_trap, url_shape
from crawler.urls import normalize
from tests.paths import CLI, ROOT

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
THAI = "ตลาดน้ำดำเนินสะดวกเป็นตลาดน้ำที่มีชื่อเสียงที่สุดแห่งหนึ่งของประเทศไทย"


def finish(coro):
    """Drive a coroutine that must not wait (Retry-After 0): return its value."""
    try:
        coro.send(None)
    except StopIteration as stop:
        return stop.value
    coro.close()
    raise AssertionError("the middleware waited although Retry-After was 0")


# -- Retry-After ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (b"120", 120.0),
        ("0", 0.0),
        (format_datetime(NOW + timedelta(seconds=90), usegmt=True), 90.0),
        (format_datetime(NOW - timedelta(days=1), usegmt=True), 0.0),  # in the past: retry now
        (b"soon", None),
        (b"-5", None),
        (b"", None),
        (None, None),
    ],
)
def test_parse_retry_after(header, seconds):
    assert parse_retry_after(header, now=NOW) == seconds


def retry_middleware(**settings):
    crawler = get_crawler(Spider, settings_dict=settings)
    crawler.spider = Spider.from_crawler(crawler, name="t")
    return crawler, RetryAfterMiddleware.from_crawler(crawler)


def reply(status: int, url: str = "https://b.example/a.html", **headers: str) -> tuple[Request, Response]:
    request = Request(url)
    return request, Response(url, status=status, headers=headers, request=request)


def test_429_with_retry_after_is_retried_and_counted():
    crawler, mw = retry_middleware()
    request, response = reply(429, **{"Retry-After": "0"})
    retried = finish(mw.process_response(request, response))
    assert isinstance(retried, Request) and retried.meta["retry_times"] == 1
    assert crawler.stats.get_value("newsaudit/retry_after/honoured") == 1


def test_retry_after_over_the_cap_is_a_failure_not_a_wait():
    crawler, mw = retry_middleware(NEWSAUDIT_RETRY_AFTER_MAX=30)
    request, response = reply(429, **{"Retry-After": "3600"})
    assert finish(mw.process_response(request, response)) is response
    assert crawler.stats.get_value("newsaudit/retry_after/refused") == 1
    # ... which the spider then records with the header quoted.
    outcome, reason, detail, status = describe_failure(Failure(HttpError(response)))
    assert (outcome, reason, status) == ("failed", "http_429", 429)
    assert "Retry-After: 3600" in detail


def test_other_statuses_keep_scrapys_retry_behaviour():
    _, mw = retry_middleware()
    request, response = reply(500)
    assert isinstance(finish(mw.process_response(request, response)), Request)
    request, response = reply(429)  # no Retry-After: an ordinary retry
    assert isinstance(finish(mw.process_response(request, response)), Request)
    request, response = reply(404, **{"Retry-After": "1"})
    assert finish(mw.process_response(request, response)) is response
    request = Request("https://b.example/a.html", meta={"dont_retry": True})
    response = Response(request.url, status=429, headers={"Retry-After": "0"}, request=request)
    assert finish(mw.process_response(request, response)) is response


def test_retries_are_still_bounded_by_retry_times():
    _, mw = retry_middleware(RETRY_TIMES=1)
    request = Request("https://b.example/a.html", meta={"retry_times": 1})
    response = Response(request.url, status=503, headers={"Retry-After": "0"}, request=request)
    assert finish(mw.process_response(request, response)) is response


def test_requests_and_redirects_stay_on_the_site():
    crawler = get_crawler(Spider)
    crawler.spider = Spider.from_crawler(crawler, name="t", allowed_domains=["b.example"])
    mw = StayOnSiteMiddleware.from_crawler(crawler)
    assert mw.process_request(Request("https://b.example/a.html", dont_filter=True)) is None
    assert mw.process_request(Request("https://www.b.example/a.html")) is None
    for url in ("http://169.254.169.254/latest/meta-data/", "https://evil.example/", "http://127.0.0.1/"):
        redirected = Request(url, dont_filter=True, meta={"redirect_urls": ["https://b.example/a.html"]})
        with pytest.raises(IgnoreRequest, match="Filtered offsite request"):
            mw.process_request(redirected)
    redirect = Failure(IgnoreRequest("Filtered offsite request to 'evil.example' (redirected from x)"))
    assert describe_failure(redirect)[:2] == ("filtered", "offsite_redirect")
    assert describe_failure(Failure(IgnoreRequest("Filtered offsite request to 'x'")))[:2] == (
        "filtered",
        "offsite",
    )


# -- Crawl-delay ------------------------------------------------------------------------


class _Slot:
    def __init__(self) -> None:
        self.delay = 0.0


class _Downloader:
    def __init__(self) -> None:
        self.slots = {"news.example": _Slot()}

    def get_slot_key(self, request: Request) -> str:
        return urlsplit(request.url).hostname or ""


class _Engine:
    def __init__(self) -> None:
        self.downloader = _Downloader()


def crawl_delay_middleware(robots: bytes, **settings):
    crawler = get_crawler(
        Spider, settings_dict={"USER_AGENT": "newsaudit/0.1 (+https://x.example)", **settings}
    )
    crawler.engine = _Engine()
    mw = CrawlDelayMiddleware.from_crawler(crawler)
    request = Request("https://news.example/a.html")
    mw.robots_parsed(robotparser=ProtegoRobotParser(robots, None), request=request)
    return crawler, mw, request, crawler.engine.downloader.slots["news.example"]


def test_crawl_delay_sets_and_keeps_the_slot_delay():
    crawler, mw, request, slot = crawl_delay_middleware(b"User-agent: *\nCrawl-delay: 2.5\nDisallow: /x/\n")
    assert slot.delay == 2.5
    slot.delay = 0.4  # AutoThrottle lowering it after a fast response
    mw.process_response(request, Response(request.url, request=request))
    assert slot.delay == 2.5
    slot.delay = 7.0  # a longer delay (AutoThrottle backing off) is left alone
    mw.process_request(request)
    assert slot.delay == 7.0
    assert crawler.stats.get_value("newsaudit/crawl_delay") == 2.5


def test_crawl_delay_is_capped_and_agent_specific():
    _, _, _, slot = crawl_delay_middleware(
        b"User-agent: *\nCrawl-delay: 86400\n", NEWSAUDIT_MAX_CRAWL_DELAY=30
    )
    assert slot.delay == 30
    _, _, _, slot = crawl_delay_middleware(
        b"User-agent: otherbot\nCrawl-delay: 9\n\nUser-agent: *\nDisallow:\n"
    )
    assert slot.delay == 0.0
    _, _, _, slot = crawl_delay_middleware(b"User-agent: newsaudit\nCrawl-delay: 4\n")
    assert slot.delay == 4


# -- traps ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://b.example/kalender/2031/05/", "trap_calendar"),
        ("https://b.example/arsip?tanggal=2031-05-01", "trap_calendar"),
        ("https://b.example/archive/1850/", "trap_calendar"),
        ("https://b.example/a/b/a/b/a/c/", "trap_repeated_path"),
        ("https://b.example/" + "/".join(f"s{i}" for i in range(20)) + "/", "trap_deep_path"),
        ("https://b.example/?q=" + "x" * 3000, "trap_long_url"),
        ("https://b.example/2026/11/29/banjir-jakarta.html", None),
        ("https://b.example/berita?page=2099", None),  # deep pagination is not a date
        ("https://b.example/kalender/2026/05/", None),
    ],
)
def test_structural_traps(url, reason):
    found = structural_trap(url, now=NOW)
    assert (found[0] if found else None) == reason
    if found:
        assert found[1]  # every reason comes with a detail


def test_article_urls_may_carry_any_year():
    detector = TrapDetector(now=NOW)
    assert detector.check_article("https://b.example/sejarah/1965-peristiwa.html") is None
    assert detector.check_article("https://b.example/2031/01/01/a.html") is None
    assert detector.check_article("https://b.example/x/x/x/a.html")[0] == "trap_repeated_path"


def test_listing_shapes_share_a_budget():
    assert url_shape("https://b.example/list?page=17&utm=x") == url_shape(
        "https://b.example/list?page=18&utm=y"
    )
    assert url_shape("https://b.example/list/page/3/") != url_shape("https://b.example/other/page/3/")
    detector = TrapDetector(max_per_shape=3, now=NOW)
    results = [detector.check_listing(f"https://b.example/list?page={i}") for i in range(1, 6)]
    assert results[:3] == [None, None, None]
    assert [r[0] for r in results[3:]] == ["trap_pattern_overflow"] * 2
    assert detector.check_listing("https://b.example/other/") is None


# -- charsets and binary bodies -----------------------------------------------------------


def html_doc(text: str, head: str = "") -> str:
    return f"<html><head>{head}<title>t</title></head><body><p>{text}</p></body></html>"


@pytest.mark.parametrize(
    ("body", "content_type", "language", "expected", "how"),
    [
        (html_doc(THAI).encode("tis-620"), "text/html; charset=TIS-620", "en", THAI, "header"),
        (html_doc(THAI, '<meta charset="tis-620">').encode("tis-620"), "text/html", "en", THAI, "meta"),
        (html_doc(THAI).encode("tis-620"), "text/html", "th", THAI, "language"),
        (
            html_doc("São Tomé café").encode("latin-1"),
            "text/html; charset=utf-8",
            "en",
            "São Tomé café",
            "language",
        ),
        (html_doc("“smart” — €5").encode("cp1252"), "text/html", "id", "“smart” — €5", "language"),
        (html_doc("Hà Nội").encode() + b"\xff", "text/html; charset=utf-8", "vi", "Hà Nội", "utf-8-lossy"),
        (codecs.BOM_UTF16_LE + html_doc("Hà Nội").encode("utf-16-le"), "text/html", "vi", "Hà Nội", "bom"),
        (html_doc("plain").encode(), None, None, "plain", "utf-8"),
    ],
)
def test_decode_html(body, content_type, language, expected, how):
    text, _, found_how = decode_html(body, content_type, language)
    assert expected in text
    assert found_how == how


def test_decode_html_never_raises_on_junk():
    text, encoding, how = decode_html(bytes(range(256)) * 4, "text/html; charset=x-bogus", "en")
    assert isinstance(text, str) and how in ("language", "lossy")


@pytest.mark.parametrize(
    ("body", "binary"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, True),
        (b"%PDF-1.7\n...", True),
        (b"\x1f\x8b\x08\x00" + b"\x00" * 20, True),
        (bytes(range(32)) * 40, True),
        (b"<html><body><p>Halo</p></body></html>", False),
        (codecs.BOM_UTF16_LE + "<p>x</p>".encode("utf-16-le"), False),
        (html_doc(THAI).encode("tis-620"), False),
    ],
)
def test_binary_reason(body, binary):
    assert (binary_reason(body) is not None) == binary


# -- hostile URLs -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "href",
    ["http://[::1", "http://b.example:99999/a", "http://exa mple.com/", "http://\x00/", "http://a..b/",
     "javascript:alert(1)", "data:text/html,<script>", "vbscript:x", "http:///x"],
)  # fmt: skip
def test_hostile_links_are_not_urls(href):
    assert normalize(href, base="https://b.example/") is None


def test_unicode_paths_and_hosts_normalise_to_one_ascii_url():
    raw = normalize("http://127.0.0.1:8809/a/ข่าว.html#top")
    encoded = normalize("http://127.0.0.1:8809/a/%E0%B8%82%E0%B9%88%E0%B8%B2%E0%B8%A7.html?utm_source=x")
    assert raw == encoded and raw.isascii()
    assert normalize("http://ข่าว.example/").startswith("http://xn--")
    assert normalize("http://[::1]:8080/a") == "http://[::1]:8080/a"


# -- failure reasons --------------------------------------------------------------------


def redirect_failure(chain: list[str]) -> Failure:
    failure = Failure(IgnoreRequest("max redirections reached"))
    failure.request = Request(chain[-1], meta={"redirect_urls": chain})
    return failure


def test_redirect_loops_and_long_chains_are_told_apart():
    loop = redirect_failure(["https://b.example/a", "https://b.example/b", "https://b.example/a#x"])
    assert describe_failure(loop)[1] == "redirect_loop"
    chain = redirect_failure([f"https://b.example/r/{i}" for i in range(6)])
    outcome, reason, detail, _ = describe_failure(chain)
    assert (outcome, reason) == ("failed", "too_many_redirects") and "->" in detail


def test_size_cap_failures_are_too_large():
    from scrapy.exceptions import DownloadCancelledError

    assert describe_failure(Failure(DownloadCancelledError()))[1] == "too_large"
    message = "Expected to receive 9 bytes which is larger than download max size (8) in request <GET x>."
    assert describe_failure(Failure(DownloadCancelledError(message)))[1] == "too_large"
    bomb = IgnoreRequest("Ignored response <200 x> because its body ... exceeded DOWNLOAD_MAXSIZE (8 B)")
    assert describe_failure(Failure(bomb))[1] == "too_large"


# -- the spider's accounting of what it does not fetch -------------------------------------------


def make_spider(**overrides) -> NewsSpider:
    crawler = get_crawler(NewsSpider)
    return NewsSpider.from_crawler(crawler, site_config=load("demo").with_overrides(**overrides))


def test_skipped_listing_pages_are_filtered_with_reasons():
    spider = make_spider(max_depth=1)
    (deep,) = spider.schedule_listing("http://127.0.0.1:8808/id/nasional/page/9/", hops=2)
    assert isinstance(deep, OutcomeItem) and (deep.outcome, deep.reason) == ("filtered", "depth_limit")
    (trap,) = spider.schedule_listing("http://127.0.0.1:8808/kalender/2099/01/", hops=1)
    assert (trap.outcome, trap.reason) == ("filtered", "trap_calendar")
    assert spider.ledger.is_pending(deep.url) and spider.ledger.is_pending(trap.url)
    assert list(spider.schedule_listing(deep.url, hops=2)) == []  # once only


def test_binary_and_mislabelled_pages_in_the_spider():
    spider = make_spider()
    url = "http://127.0.0.1:8808/id/nasional/foto.html"
    request = Request(url, meta={"kind": "article", "hops": 1, "ledger_url": url})
    spider.ledger.discover(url)
    png = HtmlResponse(
        url, body=b"\x89PNG\r\n\x1a\n" + bytes(300), headers={"Content-Type": "text/html"}, request=request
    )
    (outcome,) = spider.parse_page(png)
    assert (outcome.outcome, outcome.reason) == ("failed", "binary_content")

    url2 = "http://127.0.0.1:8808/id/nasional/kafe.html"
    request = Request(url2, meta={"kind": "article", "hops": 1, "ledger_url": url2})
    spider.ledger.discover(url2)
    text = "Pemilik kafé di São Tomé “senang” dengan dermaga baru."
    body = (
        '<html><head><meta property="og:type" content="article"></head><body><article><h1>Kafé</h1>'
        f"<p>{text}</p><p>{text}</p></article></body></html>"
    ).encode("cp1252")
    response = HtmlResponse(
        url2, body=body, headers={"Content-Type": "text/html; charset=utf-8"}, request=request
    )
    pages = [o for o in spider.parse_page(response) if isinstance(o, PageItem)]
    assert len(pages) == 1 and text in pages[0].body and "\ufffd" not in pages[0].body


# -- safe outputs -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "site", ["../../etc", "/etc/passwd", "..", "a/../../b", "~root", "C:\\Windows", "ok\x00"]
)
def test_hostile_site_names_cannot_leave_the_output_directory(tmp_path, site):
    run_id = new_run_id(site)
    assert "/" not in run_id and "\\" not in run_id and ".." not in run_id
    target = run_directory(tmp_path / "out", run_id)
    assert target.parent == (tmp_path / "out").resolve()


@pytest.mark.parametrize("run_id", ["../escape", "..", ".", "a/b", "/abs", "a\\b", ""])
def test_run_ids_that_would_escape_are_refused(tmp_path, run_id):
    with pytest.raises(OutputError):
        run_directory(tmp_path / "out", run_id)
    assert not (tmp_path / "escape").exists()


@pytest.mark.parametrize("site", ["../../etc", "a/b", "..", "/abs", "demo"])
def test_lock_files_named_after_sites_stay_in_the_state_directory(tmp_path, site):
    from crawler.lock import lock_path

    path = lock_path(tmp_path, site)
    assert path.parent == tmp_path and path.resolve().parent == tmp_path.resolve()
    assert path.name.startswith(".newsaudit-") and "/" not in path.name


def test_a_symlinked_run_directory_cannot_point_outside(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (out / "evil").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(OutputError):
        run_directory(out, "evil")


@pytest.mark.parametrize("name", ["../../etc", "/etc", "Demo", "a b", "x" * 65])
def test_hostile_site_names_are_rejected_by_the_config_and_the_loader(name):
    data = {
        "name": name,
        "allowed_domains": ["b.example"],
        "language": "id",
        "start_urls": ["https://b.example/"],
    }
    with pytest.raises(SiteConfigError, match="/name"):
        from_mapping(data, "hostile.toml")
    with pytest.raises(SiteConfigError):
        resolve_site(name)


def test_crawl_cli_refuses_an_escaping_run_id(tmp_path):
    proc = subprocess.run(
        [str(CLI), "crawl", "demo", "--output-dir", str(tmp_path / "out"), "--run-id", "../../escape"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 2 and "run id" in proc.stderr
    assert not (tmp_path / "escape").exists() and not (ROOT.parent / "escape").exists()


# -- safe defaults ----------------------------------------------------------------------


def project_settings() -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    return settings


def test_safe_defaults():
    settings = project_settings()
    assert settings.getbool("ROBOTSTXT_OBEY") is True
    assert "newsaudit" in settings["USER_AGENT"] and "(+https://" in settings["USER_AGENT"]
    assert 0 < settings.getfloat("DOWNLOAD_TIMEOUT") <= 60
    assert 0 < settings.getint("DOWNLOAD_WARNSIZE") < settings.getint("DOWNLOAD_MAXSIZE") <= 64 * 1024 * 1024
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 4
    assert settings.getfloat("DOWNLOAD_DELAY") > 0 and settings.getbool("AUTOTHROTTLE_ENABLED")
    assert 0 < settings.getint("REDIRECT_MAX_TIMES") <= 10
    assert settings.getint("RETRY_TIMES") <= 3
    assert 0 < settings.getfloat("NEWSAUDIT_RETRY_AFTER_MAX") <= 300
    assert 0 < settings.getfloat("NEWSAUDIT_MAX_CRAWL_DELAY") <= 300
    assert settings.getbool("COOKIES_ENABLED") is False
    middlewares = build_component_list(settings.getwithbase("DOWNLOADER_MIDDLEWARES"))
    assert "crawler.middlewares.RetryAfterMiddleware" in middlewares
    assert "crawler.middlewares.CrawlDelayMiddleware" in middlewares
    assert "crawler.middlewares.StayOnSiteMiddleware" in middlewares
    assert "scrapy.downloadermiddlewares.retry.RetryMiddleware" not in middlewares
    assert "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware" in middlewares


def test_site_settings_keep_the_caps_and_name_the_contact():
    config = load("demo").with_overrides(concurrency=64, user_agent_contact="https://redaksi.example/bot")
    settings = project_settings()
    apply_site_settings(settings, config)
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == MAX_DOMAIN_CONCURRENCY
    assert settings["USER_AGENT"] == "newsaudit/0.1 (+https://redaksi.example/bot)"
    assert settings.getbool("ROBOTSTXT_OBEY") is True  # no site config can switch robots.txt off
    assert "ROBOTSTXT_OBEY" not in site_settings(config)
    assert settings.getfloat("DOWNLOAD_TIMEOUT") == config.timeout
