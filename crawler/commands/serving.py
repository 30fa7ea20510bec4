"""Shared by the commands that serve a bundled site on loopback until Ctrl-C."""

from __future__ import annotations

import argparse
import sys
import threading

from crawler.loopback import LoopbackServer, ServerError


def add_port_option(parser: argparse.ArgumentParser, default: int) -> None:
    parser.add_argument("--port", type=int, default=default, help=f"port on 127.0.0.1 (default {default})")


def start_or_explain(server: LoopbackServer, command: str) -> bool:
    """Start ``server``; on failure (a busy port) print why and return False."""
    try:
        server.start()
    except ServerError as exc:
        print(f"newsaudit {command}: {exc}", file=sys.stderr)
        return False
    return True


def serve_until_interrupted(server: LoopbackServer, command: str, banner: str) -> int:
    """Serve until Ctrl-C. Exit code 2 when the server cannot start."""
    if not start_or_explain(server, command):
        return 2
    print(f"{banner} on {server.base_url}/; Ctrl-C to stop", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print("stopping", file=sys.stderr)
    finally:
        server.stop()
    return 0
