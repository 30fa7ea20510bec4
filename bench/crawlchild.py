"""One benchmark crawl in this process (run by bench/harness.py, one crawl per process).

``python -m bench.crawlchild full CONFIG``: the ``news`` spider with the project's
settings and pipeline (crawl, extract, audit, validate, write).
``python -m bench.crawlchild bare CONFIG``: a bare Scrapy ``SitemapSpider`` that only
fetches the same sitemap's pages, with the same politeness settings.
Prints one JSON line of timings.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["full", "bare"])
    parser.add_argument("config")
    parser.add_argument("--workers", default="auto")
    parser.add_argument("-s", dest="settings", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args()

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess
    from scrapy.spiders import SitemapSpider
    from scrapy.utils.project import get_project_settings

    from crawler import siteconfig
    from crawler.items import PageItem
    from crawler.settings import site_settings
    from crawler.spiders.news import NewsSpider

    cfg = siteconfig.load(config=args.config)
    settings = get_project_settings()
    settings.set("LOG_LEVEL", "ERROR")
    tmp = tempfile.mkdtemp(prefix="newsaudit-bench-out-")
    settings.set("NEWSAUDIT_OUTPUT_DIR", tmp)
    settings.set("NEWSAUDIT_WORKERS", args.workers)
    for pair in args.settings:
        name, _, value = pair.partition("=")
        settings.set(name, value, priority="cmdline")
    marks: dict[str, Any] = {"first": None, "last": None, "pages": 0}

    def seen(*_: Any, **__: Any) -> None:
        if marks["first"] is None:
            marks["first"] = time.perf_counter()

    def done() -> None:
        marks["pages"] += 1
        marks["last"] = time.perf_counter()
        marks["last_epoch"] = time.time()

    class BareSpider(SitemapSpider):
        """Fetches every page the sitemap lists; does nothing with it."""

        name = "bare"

        def __init__(self, **kwargs: Any) -> None:
            self.sitemap_urls = list(cfg.sitemaps)
            super().__init__(**kwargs)

        def parse(self, response: Any) -> None:
            done()

    if args.mode == "bare":
        for key, value in site_settings(cfg).items():
            settings.set(key, value, priority="spider")
        settings.set("ITEM_PIPELINES", {})
    process = CrawlerProcess(settings)
    if args.mode == "bare":
        crawler = process.create_crawler(BareSpider)
    else:
        crawler = process.create_crawler(NewsSpider)

        def scraped(item: Any, **_: Any) -> None:
            if isinstance(item, PageItem):
                done()

        crawler.signals.connect(scraped, signal=signals.item_scraped)
    crawler.signals.connect(seen, signal=signals.response_received)
    wall = time.perf_counter()
    if args.mode == "bare":
        process.crawl(crawler)
    else:
        process.crawl(crawler, site_config=cfg)
    process.start()
    wall = time.perf_counter() - wall
    window = (marks["last"] or 0) - (marks["first"] or 0)
    result = {
        "mode": args.mode,
        "pages": marks["pages"],
        "window_seconds": window,
        "pages_per_second": marks["pages"] / window if window > 0 else 0.0,
        "wall_seconds": wall,
        "last_page_epoch": marks.get("last_epoch"),
        "output": tmp,
    }
    if args.mode == "full":
        (run_dir,) = [p for p in Path(tmp).iterdir() if p.is_dir()]  # state.sqlite sits beside it
        summary = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
        result["counts"] = summary["counts"]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
