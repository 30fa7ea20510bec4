"""End to end: our full pipeline against a bare Scrapy spider, on the same site.

One generated loopback site (``crawler.demo.bulk``, default 2,000 article pages, served
from its own process) is crawled three ways, each in a fresh process:

- **bare**: a Scrapy ``SitemapSpider`` that only fetches the sitemap's pages;
- **pool**: the pipeline's worker pool alone, extracting and auditing the same pages
  (no crawling), i.e. the CPU ceiling of the pipeline;
- **full**: ``newsaudit``'s crawl: the ``news`` spider, extraction and audit in the
  process pool, schema validation, feed files and SQLite state.

Same politeness for bare and full (delay 0, 16 concurrent requests, robots.txt
obeyed). Throughput is measured from the first response to the last page done; the
three are measured ``--rounds`` times (default 2), interleaved, keeping the best of each.
Target: full >= 0.8 x min(bare, pool).
Run: ``.venv/bin/python bench/crawl.py [--pages 2000]``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import bulk_site, crawl_child, load_average, run_child  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--workers", default="auto", help="pool workers for the full crawl (default: cores)")
    parser.add_argument(
        "--rounds", type=int, default=2, help="measure each side this many times, interleaved; keep the best"
    )
    args = parser.parse_args()
    print(f"site: {args.pages} generated article pages on 127.0.0.1 (server in its own process)")
    print(f"load average before: {load_average()}")
    workers = [] if args.workers == "auto" else ["--workers", args.workers]
    bares, pools, fulls = [], [], []
    with bulk_site(args.pages) as site:
        # Interleaved rounds, best of each: other load on the machine only ever slows a side.
        for _ in range(args.rounds):
            bares.append(crawl_child("bare", site.config))
            pools.append(
                run_child("bench/cpu_pool.py", "--pages", str(args.pages), "--pool-only", "--json", *workers)
            )
            fulls.append(crawl_child("full", site.config, args.workers))
    bare = max(bares, key=lambda r: r["pages_per_second"])
    pool = max(pools, key=lambda r: r["pool_pages_per_second"])
    full = max(fulls, key=lambda r: r["pages_per_second"])
    print(f"load average after : {load_average()}")
    assert full["counts"]["articles"] == args.pages, full["counts"]
    bare_rate, pool_rate, full_rate = (
        bare["pages_per_second"],
        pool["pool_pages_per_second"],
        full["pages_per_second"],
    )
    ceiling = min(bare_rate, pool_rate)
    print(f"bare Scrapy fetch only       : {bare_rate:8.1f} pages/s  ({bare['pages']} pages)")
    print(f"pipeline pool, extract+audit : {pool_rate:8.1f} pages/s  ({pool['workers']} workers)")
    print(
        f"newsaudit full crawl         : {full_rate:8.1f} pages/s  ({full['counts']['articles']} articles, "
        f"wall {full['wall_seconds']:.1f}s incl. start-up and report)"
    )
    print(f"full / bare                  : {full_rate / bare_rate:.2f}")
    print(f"full / pool                  : {full_rate / pool_rate:.2f}")
    print(f"full / min(bare, pool)       : {full_rate / ceiling:.2f}  (target >= 0.8)")


if __name__ == "__main__":
    main()
