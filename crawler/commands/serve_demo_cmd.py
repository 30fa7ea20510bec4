"""``newsaudit serve-demo [--port P] [--variant V]``: serve the bundled demo news site until Ctrl-C."""

from __future__ import annotations

import argparse

from crawler.commands.serving import add_port_option, serve_until_interrupted
from crawler.demo.server import DEFAULT_PORT, DemoServer
from crawler.demo.site import VARIANTS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_port_option(parser, DEFAULT_PORT)
    parser.add_argument(
        "--variant",
        choices=VARIANTS,
        default="normal",
        help="template-change: article pages redesigned (no dates, the body in another container), "
        "to see drift alerts",
    )


def run(args: argparse.Namespace) -> int:
    banner = "demo news site (robots.txt, sitemap.xml, rss.xml)"
    if args.variant != "normal":
        banner += f", variant {args.variant}"
    return serve_until_interrupted(DemoServer(port=args.port, variant=args.variant), "serve-demo", banner)
