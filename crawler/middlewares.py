"""Downloader middlewares that make the crawler polite to servers that ask for it.

Scrapy 2.19 reads neither ``Retry-After`` (its ``RetryMiddleware`` retries a 429 at
once) nor robots.txt ``Crawl-delay`` (its robots middleware only answers allowed or
not). A regional news server that says "slow down" must be obeyed, but a hostile one
must not be able to stall the crawl, so both waits are capped:

* :class:`RetryAfterMiddleware` replaces ``RetryMiddleware``. A 429 or 503 carrying
  ``Retry-After`` (seconds or an HTTP date) is retried after that wait (the retry
  waits, other requests go on; ``RETRY_TIMES`` still bounds the attempts). A wait longer than ``NEWSAUDIT_RETRY_AFTER_MAX`` is not retried at all: the
  response becomes a ``http_429`` failure whose detail quotes the header.
* :class:`StayOnSiteMiddleware` refuses any request outside the spider's
  ``allowed_domains``, redirects included: Scrapy's own offsite filter lets
  ``dont_filter`` requests through, so a redirect could otherwise take the crawler to
  another host (or to an internal address such as a cloud metadata endpoint).
* :class:`CrawlDelayMiddleware` reads ``Crawl-delay`` for our User-Agent once
  robots.txt is parsed and keeps the host's slot delay at least that long (capped by
  ``NEWSAUDIT_MAX_CRAWL_DELAY``), even when AutoThrottle would lower it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy import signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached

from crawler.urls import host_allowed

logger = logging.getLogger(__name__)

RETRY_AFTER_STATUSES = frozenset({429, 503})


def parse_retry_after(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date); None if unusable."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return float(int(text))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


async def _sleep(seconds: float) -> None:
    """Wait without blocking the reactor (works with every Twisted reactor)."""
    if seconds <= 0:
        return
    from twisted.internet import reactor
    from twisted.internet.task import deferLater

    await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))


def _slot(crawler: Any, request: Request) -> Any:
    """The download slot ``request`` uses, if it exists yet."""
    engine = getattr(crawler, "engine", None)
    downloader = getattr(engine, "downloader", None)
    if downloader is None:
        return None
    return downloader.slots.get(downloader.get_slot_key(request))


class RetryAfterMiddleware(RetryMiddleware):
    """``RetryMiddleware`` that honours ``Retry-After`` on 429/503, within a cap."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.max_wait = settings.getfloat("NEWSAUDIT_RETRY_AFTER_MAX", 60.0)

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if (
            response.status not in RETRY_AFTER_STATUSES
            or response.status not in self.retry_http_codes
            or request.meta.get("dont_retry", False)
        ):
            return super().process_response(request, response)
        wait = parse_retry_after(response.headers.get(b"Retry-After"))
        stats = self.crawler.stats
        if wait is None:
            return super().process_response(request, response)
        if wait > self.max_wait:
            stats.inc_value("newsaudit/retry_after/refused")
            logger.warning(
                "%s asks to retry after %.0fs (cap %.0fs): not retried", request.url, wait, self.max_wait
            )
            return response
        retry = self._retry(request, f"{response.status} Retry-After {wait:g}s")
        if retry is None:
            return response
        stats.inc_value("newsaudit/retry_after/honoured")
        stats.max_value("newsaudit/retry_after/max_wait", wait)
        logger.info("%s: HTTP %d, retrying after %gs (Retry-After)", request.url, response.status, wait)
        await _sleep(wait)
        return retry


class CrawlDelayMiddleware:
    """Keep each host's download slot delay at least its robots.txt ``Crawl-delay``."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.max_delay = crawler.settings.getfloat("NEWSAUDIT_MAX_CRAWL_DELAY", 30.0)
        self.user_agent = crawler.settings.get("ROBOTSTXT_USER_AGENT") or crawler.settings.get("USER_AGENT")
        self.delays: dict[str, float] = {}  # download slot key -> delay
        crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlDelayMiddleware:
        return cls(crawler)

    def robots_parsed(self, robotparser: Any, request: Request) -> None:
        try:
            delay = robotparser.crawl_delay(self.user_agent)
        except Exception:  # noqa: BLE001 - a parser quirk must not stop the crawl
            logger.warning("could not read Crawl-delay for %s", request.url, exc_info=True)
            return
        if not delay or delay <= 0:
            return
        host = urlparse_cached(request).hostname or ""
        capped = min(float(delay), self.max_delay)
        if capped < delay:
            logger.warning("%s: Crawl-delay %gs capped to %gs", host, delay, capped)
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        self.delays[key] = capped
        self.crawler.stats.max_value("newsaudit/crawl_delay", capped)
        logger.info("%s: honouring robots.txt Crawl-delay %gs", host, capped)
        self.enforce(request)

    def enforce(self, request: Request) -> None:
        if not self.delays:
            return
        slot = _slot(self.crawler, request)
        key = self.crawler.engine.downloader.get_slot_key(request)
        wanted = self.delays.get(key)
        if slot is not None and wanted is not None and slot.delay < wanted:
            slot.delay = wanted

    def process_request(self, request: Request) -> None:
        self.enforce(request)

    def process_response(self, request: Request, response: Response) -> Response:
        self.enforce(request)  # AutoThrottle may just have lowered the delay
        return response


class StayOnSiteMiddleware:
    """Every request, redirects included, stays on the site's allowed domains."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> StayOnSiteMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        domains = getattr(self.crawler.spider, "allowed_domains", None)
        if not domains or host_allowed(request.url, domains):
            return
        host = urlparse_cached(request).hostname or ""
        self.crawler.stats.inc_value("newsaudit/offsite_refused")
        via = request.meta.get("redirect_urls") or []
        detail = f" (redirected from {via[0]})" if via else ""
        raise IgnoreRequest(f"Filtered offsite request to {host!r}{detail}")
