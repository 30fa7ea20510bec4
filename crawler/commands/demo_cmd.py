"""``newsaudit demo [--port P]``: serve the demo site, crawl and audit it, stop the server.

The site is served on 127.0.0.1:8808 by default so URLs stay stable between runs;
with another ``--port`` the demo config's URLs are moved to that port.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from audit.output import new_run_id
from crawler.commands.serving import add_port_option, start_or_explain
from crawler.demo.server import DEFAULT_PORT, DemoServer
from crawler.runner import add_crawl_options, apply_overrides
from crawler.siteconfig import SiteConfigError, load


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_port_option(parser, DEFAULT_PORT)
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
    if not start_or_explain(server, "demo"):
        return 2
    args.run_id = args.run_id or new_run_id(config.name)
    try:
        print(f"serving the demo site on {server.base_url}/")
        from crawler.runner import crawl

        code = crawl(config.with_origin(server.base_url), args)
    finally:
        server.stop()
        print("demo server stopped")
    report = Path(args.output_dir) / args.run_id / "report.html"
    if report.is_file():
        print(f"report: {report}")
    return code
