"""The generic, config-driven ``news`` spider.

``scrapy crawl news -a site=NAME`` (or ``-a config=FILE``) crawls any site described
by a TOML file in ``crawler/sites/``. It discovers article URLs from sitemaps (news
sitemaps included), RSS/Atom feeds and listing pages with their pagination; every URL
is normalised first, and each discovered article URL is registered in the run's
:class:`~crawler.state.Ledger`, so it is fetched once and ends in exactly one outcome.
Pages are handed to the pipeline as :class:`~crawler.items.PageItem`; every URL that
yields no page (HTTP error, robots.txt, non-HTML, limits...) as an
:class:`~crawler.items.OutcomeItem` with its reason.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from lxml import etree
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from twisted.python.failure import Failure

from audit.charset import binary_reason, decode_html
from audit.records import now_iso
from crawler import robotslog, siteconfig
from crawler.items import OutcomeItem, PageItem
from crawler.settings import apply_site_settings
from crawler.siteconfig import SiteConfig
from crawler.state import Ledger, MemoryStore, StateStore, open_store
from crawler.traps import TrapDetector
from crawler.urls import UrlRules, normalize

ARTICLE_LD_TYPES = {
    "newsarticle",
    "article",
    "reportagenews",
    "blogposting",
    "analysisnewsarticle",
    "opinionnewsarticle",
}
_HTML_TYPES = (b"text/html", b"application/xhtml+xml")
MAX_SITEMAP_BYTES = 50 * 1024 * 1024


def is_html(response: Response) -> bool:
    """HTML by Content-Type (or, without one, by Scrapy's sniffing)."""
    ctype = (response.headers.get(b"Content-Type") or b"").split(b";")[0].strip().lower()
    if ctype:
        return ctype in _HTML_TYPES
    return isinstance(response, HtmlResponse)


def article_signals(response: TextResponse) -> list[str]:
    """Why a page looks like a single article (empty: it does not)."""
    signals = []
    og_type = (response.xpath("//meta[@property='og:type']/@content").get() or "").strip().lower()
    if og_type == "article":
        signals.append("og:type=article")
    for raw in response.xpath("//script[@type='application/ld+json']/text()").getall():
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):  # broken or hostile (deeply nested) JSON-LD
            continue
        for node in data if isinstance(data, list) else [data]:
            kind = node.get("@type") if isinstance(node, dict) else None
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and k.lower() in ARTICLE_LD_TYPES for k in kinds):
                signals.append("json-ld")
    if len(response.xpath("//article")) == 1 and len(response.xpath("//article//p")) >= 2:
        signals.append("<article>")
    return signals


def canonical_link(response: TextResponse) -> str | None:
    href = response.xpath("//link[@rel='canonical']/@href").get()
    return normalize(href, base=response.url) if href else None


def feed_links(body: bytes) -> list[str]:
    """Item links of an RSS 2.0, RSS 1.0 or Atom feed (malformed XML is recovered)."""
    root = etree.fromstring(
        body, parser=etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    )
    if root is None:
        return []
    links: list[str] = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        local = etree.QName(el).localname
        parent = el.getparent()
        parent_local = (
            etree.QName(parent).localname if parent is not None and isinstance(parent.tag, str) else ""
        )
        if local != "link" or parent_local not in ("item", "entry"):
            continue
        href = el.get("href")
        if href is not None:  # Atom: <link rel="alternate" href=...>
            if el.get("rel", "alternate") == "alternate":
                links.append(href.strip())
        elif el.text and el.text.strip():
            links.append(el.text.strip())
    return links


def sitemap_entries(body: bytes) -> tuple[str, list[str]]:
    """(``"sitemapindex"`` or ``"urlset"``, locations) of a sitemap, news sitemaps included."""
    if body[:2] == b"\x1f\x8b":
        body = gunzip(body, max_size=MAX_SITEMAP_BYTES)
    sitemap = Sitemap(body)
    return sitemap.type or "", [entry["loc"] for entry in sitemap if entry.get("loc")]


_ERROR_REASONS = {
    "DNSLookupError": "dns_error",
    "CannotResolveHostError": "dns_error",
    "TimeoutError": "timeout",
    "TCPTimedOutError": "timeout",
    "DownloadTimeoutError": "timeout",
    "ConnectionRefusedError": "connection_refused",
    "DownloadConnectionRefusedError": "connection_refused",
    "CancelledError": "download_cancelled",  # e.g. the body exceeded DOWNLOAD_MAXSIZE
    "DownloadCancelledError": "download_cancelled",
    "ConnectionLost": "connection_lost",
    "ConnectionDone": "connection_lost",
    "ResponseNeverReceived": "connection_lost",
    "ResponseDataLossError": "connection_lost",
    "DownloadFailedError": "download_failed",
}


def describe_failure(failure: Failure) -> tuple[str, str, str, int | None]:
    """(outcome, reason code, detail, HTTP status) for a failed request."""
    if failure.check(HttpError):
        response = failure.value.response
        status = response.status
        detail = f"HTTP {status} after retries"
        retry_after = response.headers.get(b"Retry-After")
        if retry_after:
            detail += f" (Retry-After: {retry_after.decode('latin-1')[:64]})"
        return "failed", f"http_{status}", detail, status
    if failure.check(IgnoreRequest):
        message = str(failure.value)
        if "robots.txt" in message:
            return "disallowed", "robots_disallowed", message, None
        if "max redirections" in message:
            return "failed", *_redirect_failure(failure.request.meta), None  # type: ignore[attr-defined]
        if message.startswith("Filtered offsite request"):  # crawler.middlewares.StayOnSiteMiddleware
            reason = "offsite_redirect" if "redirected from" in message else "offsite"
            return "filtered", reason, message, None
        if "DOWNLOAD_MAXSIZE" in message:  # HttpCompressionMiddleware: a decompression bomb
            return "failed", "too_large", message, None
        return "failed", "ignored", message or "request ignored by a middleware", None
    # By class name: Twisted's errors (Scrapy < 2.19) and Scrapy's own (2.19+) alike.
    name = failure.type.__name__ if failure.type else "Error"
    message = failure.getErrorMessage()
    if "larger than download max size" in message:  # Content-Length announced too much
        return "failed", "too_large", f"{name}: {message}", None
    if name in ("CancelledError", "DownloadCancelledError") and not message:
        # Scrapy's HTTP handler cancels silently once the streamed body passes DOWNLOAD_MAXSIZE.
        return "failed", "too_large", f"{name}: the body grew past DOWNLOAD_MAXSIZE while downloading", None
    reason = _ERROR_REASONS.get(name)
    if reason is not None:
        return "failed", reason, f"{name}: {failure.getErrorMessage()}", None
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
    return "failed", snake, f"{name}: {failure.getErrorMessage()}", None


def _redirect_failure(meta: dict[str, Any]) -> tuple[str, str]:
    """Tell a redirect loop from a merely long chain (both exceed REDIRECT_MAX_TIMES)."""
    chain = list(meta.get("redirect_urls", []))
    normalized = [normalize(u) or u for u in chain]
    shown = " -> ".join(chain[:4]) + (" -> ..." if len(chain) > 4 else "")
    if len(set(normalized)) < len(normalized):
        return "redirect_loop", f"redirects back to a URL it already visited: {shown}"
    return "too_many_redirects", f"more than {len(chain) - 1} redirects: {shown}"


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(
        self,
        site: str | None = None,
        config: str | None = None,
        site_config: SiteConfig | None = None,
        max_pages: int | str | None = None,
        max_depth: int | str | None = None,
        origin: str | None = None,
        **kwargs: Any,
    ) -> None:
        cfg = site_config or siteconfig.load(site, config)
        if origin:  # ``-a origin=http://127.0.0.1:PORT``: the same site served elsewhere (demo, Scrapyd)
            cfg = cfg.with_origin(origin)
        cfg = cfg.with_overrides(
            max_pages=int(max_pages) if max_pages not in (None, "") else None,
            max_depth=int(max_depth) if max_depth not in (None, "") else None,
        )
        super().__init__(**kwargs)
        self.cfg = cfg
        self.allowed_domains = [d.split(":")[0] for d in cfg.allowed_domains]
        self.rules = UrlRules(cfg)
        self.ledger = Ledger()
        # Cross-run memory (ETag, Last-Modified, content hash per URL): from_crawler opens the
        # store the settings name (SQLite beside the output by default).
        self.store: StateStore = MemoryStore()
        self.conditional = True  # send If-None-Match / If-Modified-Since (off with --full)
        self.pages_scheduled = 0
        self.listings_seen: set[str] = set()
        self.feeds_seen: set[str] = set()
        self.traps = TrapDetector()
        self.sources: Counter[str] = Counter()
        self.source_failures: list[dict[str, Any]] = []

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        robotslog.install()
        if crawler.settings.frozen:  # e.g. a test crawler; Scrapy normally freezes them after this
            spider.logger.warning("settings already frozen; site politeness settings not applied")
        else:
            apply_site_settings(crawler.settings, spider.cfg)
        spider.traps = TrapDetector(crawler.settings.getint("NEWSAUDIT_TRAP_MAX_PER_SHAPE", 50))
        spider.store = open_store(crawler.settings, spider.cfg.name)
        spider.conditional = not crawler.settings.getbool("NEWSAUDIT_FULL")
        return spider

    def conditional_headers(self, url: str) -> dict[str, str]:
        """Validators from the last run, so an unchanged page costs a 304 and no body."""
        if not self.conditional:
            return {}
        previous = self.store.previous(url)
        if previous is None:
            return {}
        headers = {}
        if previous.etag:
            headers["If-None-Match"] = previous.etag
        if previous.last_modified:
            headers["If-Modified-Since"] = previous.last_modified
        return headers

    # -- discovery ------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        for url in (*self.cfg.sitemaps, *self.cfg.news_sitemaps):
            yield scrapy.Request(
                url, callback=self.parse_sitemap, errback=self.on_error, meta={"kind": "sitemap"}
            )
        if not (self.cfg.sitemaps or self.cfg.news_sitemaps):
            # No sitemap configured: the site's robots.txt names its own (RFC 9309 "Sitemap:").
            for url in robots_urls(self.cfg.start_urls):
                yield scrapy.Request(
                    url, callback=self.parse_robots, errback=self.on_error, meta={"kind": "robots"}
                )
        for url in self.cfg.feeds:
            yield self.feed_request(url)
        for url in self.cfg.start_urls:
            for out in self.schedule_listing(normalize(url) or url, hops=0):
                yield out

    def schedule_listing(self, url: str, hops: int) -> Iterator[Any]:
        if url in self.listings_seen:
            return  # Scrapy's dupefilter would drop it too, but it must not spend the page budget
        self.listings_seen.add(url)
        # A listing page that is not fetched is accounted like an article candidate, with
        # its reason: an endless calendar or pagination must not vanish from the counts.
        skip: tuple[str, str] | None = None
        if hops > self.cfg.max_depth:
            self.sources["listing_depth_limit"] += 1
            skip = ("depth_limit", f"listing page {hops} hops away > max_depth {self.cfg.max_depth}")
        elif self.pages_scheduled >= self.cfg.max_pages:
            self.sources["listing_page_limit"] += 1
            skip = ("page_limit", f"listing page not fetched: max_pages {self.cfg.max_pages} reached")
        else:
            skip = self.traps.check_listing(url)
            if skip is not None:
                self.sources["listing_trap"] += 1
        if skip is not None:
            if self.ledger.discover(url):
                self.crawler.stats.inc_value("newsaudit/discovered")
                yield OutcomeItem(url, "filtered", *skip)
            return
        self.pages_scheduled += 1
        yield scrapy.Request(
            url, callback=self.parse_page, errback=self.on_error, meta={"kind": "listing", "hops": hops}
        )

    def schedule_article(self, url: str, hops: int, via: str) -> Iterator[Any]:
        """Register an article candidate and fetch it, or record why it is not fetched."""
        if not self.ledger.discover(url):
            return  # already discovered (or the canonical of a fetched page): fetch once
        self.crawler.stats.inc_value("newsaudit/discovered")
        trap = self.traps.check_article(url)
        if not self.rules.in_scope(url):
            yield OutcomeItem(url, "filtered", "offsite", f"host not in allowed_domains (found in {via})")
        elif trap is not None:
            yield OutcomeItem(url, "filtered", *trap)
        elif self.rules.denied(url):
            yield OutcomeItem(url, "filtered", "denied_pattern", f"matches a deny pattern (found in {via})")
        elif hops > self.cfg.max_depth:
            yield OutcomeItem(url, "filtered", "depth_limit", f"{hops} hops > max_depth {self.cfg.max_depth}")
        elif self.pages_scheduled >= self.cfg.max_pages:
            yield OutcomeItem(url, "filtered", "page_limit", f"max_pages {self.cfg.max_pages} reached")
        else:
            self.pages_scheduled += 1
            headers = self.conditional_headers(url)
            meta: dict[str, Any] = {"kind": "article", "hops": hops, "ledger_url": url}
            if headers:
                meta["handle_httpstatus_list"] = [304]
            yield scrapy.Request(
                url,
                callback=self.parse_page,
                errback=self.on_error,
                headers=headers or None,
                meta=meta,
                dont_filter=True,  # the ledger already guarantees one fetch per URL
            )

    def follow(self, url: str | None, hops: int, via: str) -> Iterator[Any]:
        """Route a link found on a listing page, sitemap or feed."""
        if url is None or not self.rules.in_scope(url):
            return  # other sites' links are not this site's articles (sitemap/feed entries are counted)
        if self.rules.article_url(url):
            yield from self.schedule_article(url, hops, via)
        elif self.rules.listing_url(url) and not self.ledger.knows(url):
            yield from self.schedule_listing(url, hops)

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        try:
            kind, locs = sitemap_entries(response.body)
        except Exception as exc:  # noqa: BLE001 - a broken sitemap is a recorded source failure
            self.source_failed(response.url, "sitemap", "bad_sitemap", f"{type(exc).__name__}: {exc}")
            return
        if kind not in ("sitemapindex", "urlset"):
            self.source_failed(response.url, "sitemap", "bad_sitemap", f"root element is {kind or 'missing'}")
            return
        self.sources["sitemap"] += 1
        for loc in locs:
            url = normalize(loc, base=response.url)
            if url is None:
                continue
            if kind == "sitemapindex":
                if self.rules.in_scope(url):
                    yield scrapy.Request(
                        url, self.parse_sitemap, errback=self.on_error, meta={"kind": "sitemap"}
                    )
                else:
                    self.sources["sitemap_offsite"] += 1
            else:
                yield from self.schedule_article(url, hops=1, via=response.url)

    def feed_request(self, url: str) -> scrapy.Request:
        self.feeds_seen.add(url)
        return scrapy.Request(url, callback=self.parse_feed, errback=self.on_error, meta={"kind": "feed"})

    def parse_robots(self, response: Response) -> Iterator[Any]:
        """Sitemaps a robots.txt lists, fetched like configured ones; a robots.txt
        without any (or none at all: its failure is the robots log line) adds nothing."""
        if response.status != 200:
            return
        found = [normalize(u, base=response.url) for u in sitemap_urls_from_robots(response.body)]
        self.sources["robots_sitemaps"] += len(found)
        for url in dict.fromkeys(u for u in found if u):
            yield scrapy.Request(
                url, callback=self.parse_sitemap, errback=self.on_error, meta={"kind": "sitemap"}
            )

    def discover_feeds(self, response: TextResponse) -> Iterator[Any]:
        """Feeds a start page announces (``<link rel="alternate" type="application/rss+xml">``),
        when the config lists none: each is read once, like a configured feed."""
        if self.cfg.feeds:
            return
        for href in response.xpath(_FEED_LINKS).getall():
            url = normalize(href, base=response.url)
            if url and url not in self.feeds_seen:
                self.sources["feeds_discovered"] += 1
                yield self.feed_request(url)

    def parse_feed(self, response: Response) -> Iterator[Any]:
        try:
            links = feed_links(response.body)
        except Exception as exc:  # noqa: BLE001
            self.source_failed(response.url, "feed", "bad_feed", f"{type(exc).__name__}: {exc}")
            return
        if not links:
            self.source_failed(response.url, "feed", "bad_feed", "no item links in the feed")
            return
        self.sources["feed"] += 1
        for link in links:
            url = normalize(link, base=response.url)
            if url is not None:
                yield from self.schedule_article(url, hops=1, via=response.url)

    # -- pages ----------------------------------------------------------------------

    def parse_page(self, response: Response) -> Iterator[Any]:
        """An article candidate or a listing page: decide which, then act on it."""
        kind = response.meta.get("kind", "listing")
        hops = int(response.meta.get("hops", 0))
        requested = response.meta.get("ledger_url") or normalize(response.request.url) or response.request.url
        if kind == "listing" and self.ledger.knows(requested):
            return
        if response.status == 304 and kind == "article":  # answer to our conditional request
            yield OutcomeItem(
                requested, "unchanged", "not_modified", "HTTP 304 to a conditional request", http_status=304
            )
            return
        if not is_html(response) and kind == "listing":
            self.sources["listing_not_html"] += (
                1  # a feed, image or PDF linked from a listing: not an article
            )
            return
        if not is_html(response):
            ctype = (response.headers.get(b"Content-Type") or b"(none)").decode("latin-1")
            yield from self.fail(requested, "not_html", f"Content-Type {ctype}", response.status)
            return
        if not response.body.strip():
            yield from self.fail(requested, "empty_body", "the response body is empty", response.status)
            return
        binary = binary_reason(response.body)
        if binary is not None:
            if kind == "listing":
                self.sources["listing_binary"] += 1
            else:
                yield from self.fail(
                    requested, "binary_content", f"labelled HTML but {binary}", response.status
                )
            return
        assert isinstance(response, TextResponse)
        response = self.redecode(response, requested)
        if kind == "article" and self.rules.article_url(requested):
            # Its URL already says article: skip parsing the page for article markup
            # here on the reactor thread (the pool parses it anyway).
            yield from self.emit_page(response, requested)
            return
        signals = article_signals(response)
        if kind == "listing" and not signals:
            self.sources["listing"] += 1
            if hops == 0:
                yield from self.discover_feeds(response)
            for href in response.xpath("//a/@href | //link[@rel='next']/@href").getall():
                yield from self.follow(normalize(href, base=response.url), hops + 1, response.url)
            return
        if kind == "listing":  # a page reached through a listing turned out to be an article
            self.ledger.discover(requested)
            self.crawler.stats.inc_value("newsaudit/discovered")
        elif not signals and not self.rules.article_url(requested):
            yield OutcomeItem(
                requested, "filtered", "not_article", "no article markup and no article URL pattern"
            )
            return
        yield from self.emit_page(response, requested)

    def redecode(self, response: TextResponse, url: str) -> TextResponse:
        """The response decoded by :func:`audit.charset.decode_html` when Scrapy's
        header-first decoding would have produced replacement characters or mojibake."""
        ctype = response.headers.get(b"Content-Type")
        text, encoding, how = decode_html(
            response.body, ctype.decode("latin-1") if ctype else None, self.cfg.language_for(url)
        )
        if how in ("header", "bom") or encoding == response.encoding:
            return response
        self.crawler.stats.inc_value(f"newsaudit/charset/{how}")
        self.logger.info("%s: decoded as %s (%s), not %s", url, encoding, how, response.encoding)
        return response.replace(body=text.encode("utf-8"), encoding="utf-8")

    def emit_page(self, response: TextResponse, requested: str) -> Iterator[Any]:
        """Publish the page under its canonical URL, fetching that URL itself when it differs.

        A page whose ``rel=canonical`` names another in-scope URL (a print or AMP
        version, a tracking variant the normaliser missed) is a duplicate of it; the
        canonical URL is scheduled instead, so which copy is emitted never depends on
        the order responses arrive in. A redirect target is the page itself: it is
        published under its final URL.
        """
        final = normalize(response.url) or requested
        canonical = canonical_link(response)
        if canonical and canonical not in (final, requested) and self.trust_canonical(canonical):
            known = self.ledger.knows(canonical)
            detail = f"canonical URL {canonical} is {'already discovered' if known else 'fetched instead'}"
            yield OutcomeItem(requested, "duplicates", "canonical_duplicate", detail, stage="extract")
            if not known:
                yield from self.schedule_article(canonical, int(response.meta.get("hops", 0)), via=requested)
            return
        publish = final
        if publish != requested:
            if self.ledger.knows(publish):
                detail = f"redirected to {publish}, already discovered"
                yield OutcomeItem(requested, "duplicates", "redirect_duplicate", detail, stage="extract")
                return
            self.ledger.alias(publish, of=requested)
        yield PageItem(
            url=requested,
            article_url=publish,
            body=response.text,
            http_status=response.status,
            fetched_at=now_iso(),
            language_hint=self.cfg.language_for(publish),
            etag=_header(response, b"ETag"),
            last_modified=_header(response, b"Last-Modified"),
        )

    def trust_canonical(self, canonical: str) -> bool:
        """A canonical link is followed only to an in-scope URL that could be an article:
        some sites point every page's canonical at the home page."""
        if not self.rules.in_scope(canonical) or self.rules.denied(canonical):
            return False
        return self.rules.article_url(canonical) or not self.rules.allow

    # -- failures -------------------------------------------------------------------

    def fail(self, url: str, reason: str, detail: str, status: int | None) -> Iterator[OutcomeItem]:
        if not self.ledger.is_pending(url):
            if not self.ledger.discover(url):
                return  # already accounted for
            self.crawler.stats.inc_value("newsaudit/discovered")
        yield OutcomeItem(url, "failed", reason, detail, http_status=status)

    def source_failed(self, url: str, kind: str, reason: str, detail: str) -> None:
        self.sources[f"{kind}_failed"] += 1
        self.source_failures.append({"url": url, "kind": kind, "reason": reason, "detail": detail})
        self.logger.warning("%s %s failed: %s (%s)", kind, url, reason, detail)

    def on_error(self, failure: Failure) -> Iterable[Any]:
        request = failure.request  # type: ignore[attr-defined]
        kind = request.meta.get("kind", "listing")
        outcome, reason, detail, status = describe_failure(failure)
        if kind == "robots":
            return []  # robotslog already wrote its one line; discovery goes on without it
        if kind in ("sitemap", "feed"):
            self.source_failed(request.url, kind, reason, detail)
            return []
        url = request.meta.get("ledger_url") or normalize(request.url) or request.url
        if not self.ledger.is_pending(url):
            if not self.ledger.discover(url):
                return []  # already accounted for
            self.crawler.stats.inc_value("newsaudit/discovered")
        return [OutcomeItem(url, outcome, reason, detail, http_status=status)]


_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")
_FEED_LINKS = "//link[contains(concat(' ', normalize-space(@rel), ' '), ' alternate ')][{}]/@href".format(
    " or ".join(f"starts-with(normalize-space(@type), '{t}')" for t in _FEED_TYPES)
)


def robots_urls(start_urls: Iterable[str]) -> list[str]:
    """``/robots.txt`` of each start URL's origin, once each, in order."""
    out: dict[str, None] = {}
    for url in start_urls:
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc:
            out[f"{parts.scheme}://{parts.netloc}/robots.txt"] = None
    return list(out)


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
