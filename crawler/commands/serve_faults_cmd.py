"""``newsaudit serve-faults [--port P]``: serve the fault-injection site until Ctrl-C.

Crawl it from another terminal with ``newsaudit crawl faults`` (the bundled
``crawler/sites/faults.toml`` points at the default port) to watch each hostile case
end in its recorded outcome.
"""

from __future__ import annotations

import argparse

from crawler.commands.serving import add_port_option, serve_until_interrupted
from crawler.faultsite import CASES, DEFAULT_PORT, FaultServer


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_port_option(parser, DEFAULT_PORT)
    parser.add_argument("--list", action="store_true", help="list the hostile cases and exit")


def run(args: argparse.Namespace) -> int:
    if args.list:
        for case in CASES:
            expected = f"{case.outcome}" + (f" ({case.reason})" if case.reason else "")
            print(f"{case.name:<22} {expected:<36} {case.description}")
        return 0
    banner = f"fault-injection site ({len(CASES)} hostile cases)"
    return serve_until_interrupted(FaultServer(port=args.port), "serve-faults", banner)
