"""Scrapy settings for the newsaudit project (``scrapy.cfg`` points here).

These are the polite, bounded defaults for any site. The ``news`` spider overrides
the per-site ones (delay, concurrency, limits, User-Agent contact) from the site's
TOML config in :func:`apply_site_settings`; ``-s NAME=VALUE`` on the command line
still wins over both.
"""

from __future__ import annotations

from typing import Any

from crawler.siteconfig import DEFAULT_CONTACT, SiteConfig

BOT_NAME = "newsaudit"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
# `scrapy crawl` exits with the run's health code, like `newsaudit crawl`.
COMMANDS_MODULE = "crawler.scrapy_commands"

USER_AGENT = f"newsaudit/0.1 (+{DEFAULT_CONTACT})"
ROBOTSTXT_OBEY = True

# Politeness: few parallel requests per site, a delay, and AutoThrottle adapting to latency.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
#: However a site config is written, no more parallel requests than this to one host.
MAX_DOMAIN_CONCURRENCY = 8
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# Transient errors are retried; permanent ones (404, 410) become failure records.
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [408, 429, 500, 502, 503, 504, 522, 524]
# Giving up is an expected outcome (a failure record with its reason), not an error.
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"
# Scrapy ignores Retry-After and robots.txt Crawl-delay; these middlewares honour both,
# each wait capped so a hostile server cannot stall the crawl (crawler/middlewares.py).
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.StayOnSiteMiddleware": 55,
    "crawler.middlewares.RetryAfterMiddleware": 550,
    "crawler.middlewares.CrawlDelayMiddleware": 560,
}
NEWSAUDIT_RETRY_AFTER_MAX = 60.0  # seconds; a longer Retry-After is a failure, not a wait
NEWSAUDIT_MAX_CRAWL_DELAY = 30.0  # seconds; a longer Crawl-delay is capped (and logged)

# Caps: no page may hang a worker or exhaust memory (matches audit.extract.MAX_HTML_BYTES).
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
# Endless URL spaces (calendars, pagination): listing pages per URL shape (crawler/traps.py).
NEWSAUDIT_TRAP_MAX_PER_SHAPE = 50

# Backstops; the spider enforces the site's exact limits itself so it can account for
# every URL it does not fetch (see NewsSpider.schedule_article).
DEPTH_LIMIT = 6
CLOSESPIDER_PAGECOUNT = 0

COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
HTTPERROR_ALLOW_ALL = False
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

ITEM_PIPELINES = {"crawler.pipelines.AuditPipeline": 300}

# newsaudit's own settings.
NEWSAUDIT_OUTPUT_DIR = "output"
NEWSAUDIT_RUN_ID = None  # None: a fresh timestamped id per run
# Extraction + audit run in a process pool off the reactor: "auto" is one worker per
# core, 0 runs them inline on the reactor thread. At most NEWSAUDIT_POOL_BACKLOG pages
# (0: 4 per worker) wait in or for the pool; past that the pipeline applies backpressure.
NEWSAUDIT_WORKERS = "auto"
# An article response yields one item; Scrapy starts CONCURRENT_ITEMS asyncio tasks per
# response regardless, and the default 100 costs more reactor time than fetching the page.
CONCURRENT_ITEMS = 8
# Responses waiting for the pool each hold a parsed tree; past this many body bytes in the
# scraper, Scrapy stops starting downloads (the default 5 MB is thousands of small pages).
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 1_000_000
NEWSAUDIT_POOL_BACKLOG = 0
# Distributed mode (``--redis URL``): workers share the frontier through scrapy-redis and
# close once the shared queue has been empty, with nothing in flight anywhere, this long.
NEWSAUDIT_REDIS_URL = None
NEWSAUDIT_REDIS_IDLE_CLOSE = 5.0
# Incremental runs: per-URL validators, content hash and version in SQLite, by default
# <NEWSAUDIT_OUTPUT_DIR>/state.sqlite ("memory" keeps nothing between runs). NEWSAUDIT_FULL
# re-fetches without conditional requests and re-emits unchanged articles.
NEWSAUDIT_STATE = "sqlite"
NEWSAUDIT_STATE_PATH = None
NEWSAUDIT_FULL = False
# Site memory (audit/memory): every emitted page is judged against the pages remembered
# before it (site template, paragraphs pasted from other articles, duplicate bodies), in
# <NEWSAUDIT_OUTPUT_DIR>/memory.sqlite unless NEWSAUDIT_MEMORY_PATH says otherwise
# (``--memory PATH``, ``--no-memory``). A memory that cannot be opened is logged and the
# crawl goes on without it.
NEWSAUDIT_MEMORY = True
NEWSAUDIT_MEMORY_PATH = None
# Archive every request/response pair to <run-dir>/<run-id>.warc.gz (``--warc``).
NEWSAUDIT_WARC = False
EXTENSIONS = {"crawler.warc.WarcExtension": 500}


def site_settings(config: SiteConfig) -> dict[str, Any]:
    """The Scrapy settings a site config implies."""
    # Sitemap indexes add up to two hops before an article; the backstop leaves room.
    depth_backstop = config.max_depth + 3
    # Listing pages, sitemaps and feeds also count as responses; the spider's own budget
    # is exact, this only stops a runaway crawl.
    page_backstop = (
        config.max_pages * 2 + len(config.sitemaps) + len(config.news_sitemaps) + len(config.feeds) + 20
    )
    return {
        "USER_AGENT": f"newsaudit/0.1 (+{config.user_agent_contact})",
        "DOWNLOAD_DELAY": config.delay,
        "CONCURRENT_REQUESTS_PER_DOMAIN": min(config.concurrency, MAX_DOMAIN_CONCURRENCY),
        "AUTOTHROTTLE_ENABLED": config.autothrottle,
        "AUTOTHROTTLE_START_DELAY": config.delay,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(min(config.concurrency, MAX_DOMAIN_CONCURRENCY)),
        "DOWNLOAD_TIMEOUT": config.timeout,
        "DEPTH_LIMIT": depth_backstop,
        "CLOSESPIDER_PAGECOUNT": page_backstop,
    }


def apply_site_settings(settings: Any, config: SiteConfig) -> None:
    """Set the site's settings at ``spider`` priority (before Scrapy freezes them)."""
    for key, value in site_settings(config).items():
        settings.set(key, value, priority="spider")
    redis_url = settings.get("NEWSAUDIT_REDIS_URL")
    if redis_url:  # distributed mode: the frontier lives in Redis (crawler/distributed.py)
        from crawler.distributed import redis_settings

        idle = settings.getfloat("NEWSAUDIT_REDIS_IDLE_CLOSE", 5.0)
        for key, value in redis_settings(redis_url, config.name, idle).items():
            settings.set(key, value, priority="spider")
