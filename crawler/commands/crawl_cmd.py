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


def run(args: argparse.Namespace) -> int:
    try:
        config = apply_overrides(load(args.site, args.config), args)
    except (SiteConfigError, ValueError) as exc:
        print(f"newsaudit crawl: {exc}", file=sys.stderr)
        return 2
    from crawler.runner import crawl

    return crawl(config, args)
