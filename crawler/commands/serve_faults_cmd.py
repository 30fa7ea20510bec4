"""``newsaudit serve-faults [--port P]``: serve the fault-injection site until Ctrl-C.

Crawl it from another terminal with ``newsaudit crawl faults`` (the bundled
``crawler/sites/faults.toml`` points at the default port) to watch each hostile case
end in its recorded outcome.
"""

from __future__ import annotations

import argparse
import errno
import sys
import threading

from crawler.faultsite import CASES, DEFAULT_PORT, FaultServer


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port on 127.0.0.1 (default {DEFAULT_PORT})"
    )
    parser.add_argument("--list", action="store_true", help="list the hostile cases and exit")


def run(args: argparse.Namespace) -> int:
    if args.list:
        for case in CASES:
            expected = f"{case.outcome}" + (f" ({case.reason})" if case.reason else "")
            print(f"{case.name:<22} {expected:<36} {case.description}")
        return 0
    server = FaultServer(port=args.port)
    try:
        server.start()
    except OSError as exc:
        why = f"port {args.port} is already in use" if exc.errno == errno.EADDRINUSE else exc.strerror
        print(f"newsaudit serve-faults: cannot serve on 127.0.0.1:{args.port}: {why}", file=sys.stderr)
        return 2
    print(
        f"fault-injection site ({len(CASES)} hostile cases) on {server.base_url}/; Ctrl-C to stop", flush=True
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print("stopping", file=sys.stderr)
    finally:
        server.stop()
    return 0
