"""``newsaudit crawl NAME | --config FILE``: crawl a configured site and audit every article."""

from __future__ import annotations

import argparse
import sys

from crawler.runner import add_crawl_options, apply_overrides
from crawler.siteconfig import SiteConfigError, load


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("site", nargs="?", metavar="NAME", help="a site in crawler/sites/NAME.toml")
    parser.add_argument("--config", metavar="FILE", help="a site config TOML file anywhere")
    add_crawl_options(parser)
    parser.add_argument(
        "--workers",
        metavar="N",
        help="extraction/audit processes: 'auto' (one per core, the default) or a number; 0 runs them "
        "inline on the crawler's thread",
    )
    parser.add_argument(
        "--redis",
        metavar="URL",
        help="distributed mode: share the frontier with other workers through scrapy-redis "
        "(redis://HOST:PORT/DB); run the same command on every worker",
    )
    parser.add_argument(
        "--redis-flush",
        action="store_true",
        help="with --redis: first delete the site's shared queue, dupefilter and claims (a new crawl; "
        "run it on one worker only)",
    )


def run(args: argparse.Namespace) -> int:
    try:
        config = apply_overrides(load(args.site, args.config), args)
    except (SiteConfigError, ValueError) as exc:
        print(f"newsaudit crawl: {exc}", file=sys.stderr)
        return 2
    if args.workers is not None:
        from crawler.pool import resolve_workers

        try:
            resolve_workers(args.workers)
        except ValueError as exc:
            print(f"newsaudit crawl: --workers: {exc}", file=sys.stderr)
            return 2
    if args.redis:
        from crawler.distributed import RedisUnavailable, check_redis, flush_site, redact

        try:
            check_redis(args.redis)  # before any request: a clear error, nothing fetched
            if args.redis_flush:
                removed = flush_site(args.redis, config.name)
                print(f"flushed {removed} Redis keys of site {config.name} at {redact(args.redis)}")
        except RedisUnavailable as exc:
            print(f"newsaudit crawl: {exc}", file=sys.stderr)
            return 2
    elif args.redis_flush:
        print("newsaudit crawl: --redis-flush needs --redis URL", file=sys.stderr)
        return 2
    from crawler.runner import crawl

    return crawl(config, args)
