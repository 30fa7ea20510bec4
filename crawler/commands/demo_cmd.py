"""``newsaudit demo [--port P]``: serve the demo site, crawl and audit it, stop the server.

The site is served on 127.0.0.1:8808 by default so URLs stay stable between runs;
with another ``--port`` the demo config's URLs are moved to that port.
"""

from __future__ import annotations

import argparse
import sys

from crawler.demo.server import DEFAULT_PORT, DemoServer, DemoServerError
from crawler.runner import add_crawl_options, apply_overrides
from crawler.siteconfig import SiteConfigError, load


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port on 127.0.0.1 (default {DEFAULT_PORT})"
    )
    parser.add_argument(
        "--config", metavar="FILE", help="site config to crawl with (default: the demo config)"
    )
    add_crawl_options(parser)


def run(args: argparse.Namespace) -> int:
    try:
        config = apply_overrides(load(config=args.config) if args.config else load("demo"), args)
    except (SiteConfigError, ValueError) as exc:
        print(f"newsaudit demo: {exc}", file=sys.stderr)
        return 2
    server = DemoServer(port=args.port)
    try:
        server.start()
    except DemoServerError as exc:
        print(f"newsaudit demo: {exc}", file=sys.stderr)
        return 2
    try:
        print(f"serving the demo site on {server.base_url}/")
        from crawler.runner import crawl

        return crawl(config.with_origin(server.base_url), args)
    finally:
        server.stop()
        print("demo server stopped")
