"""``newsaudit serve-demo [--port P]``: serve the bundled demo news site until Ctrl-C."""

from __future__ import annotations

import argparse

from crawler.commands.serving import add_port_option, serve_until_interrupted
from crawler.demo.server import DEFAULT_PORT, DemoServer


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_port_option(parser, DEFAULT_PORT)


def run(args: argparse.Namespace) -> int:
    banner = "demo news site (robots.txt, sitemap.xml, rss.xml)"
    return serve_until_interrupted(DemoServer(port=args.port), "serve-demo", banner)
