"""``newsaudit serve-demo [--port P]``: serve the bundled demo news site until Ctrl-C."""

from __future__ import annotations

import argparse
import sys
import threading

from crawler.demo.server import DEFAULT_PORT, DemoServer, DemoServerError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port on 127.0.0.1 (default {DEFAULT_PORT})"
    )


def run(args: argparse.Namespace) -> int:
    server = DemoServer(port=args.port)
    try:
        server.start()
    except DemoServerError as exc:
        print(f"newsaudit serve-demo: {exc}", file=sys.stderr)
        return 2
    print(
        f"demo news site on {server.base_url}/ (robots.txt, sitemap.xml, rss.xml); Ctrl-C to stop", flush=True
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print("stopping", file=sys.stderr)
    finally:
        server.stop()
    return 0
