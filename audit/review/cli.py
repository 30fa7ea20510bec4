"""``newsaudit serve [--port P] [--db PATH] [RUN_DIR...]``: the editors' review app.

Bound to 127.0.0.1 unless ``--host`` says otherwise; without RUN_DIR it serves
every run under ``output/``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from audit.review.store import DEFAULT_DB


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "run_dirs", nargs="*", metavar="RUN_DIR", type=Path, help="runs to serve (default: output/*)"
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port",
        type=int,
        default=8810,
        help="port (default 8810, beside serve-demo 8808 and serve-faults 8809)",
    )
    parser.add_argument("--db", type=Path, default=DEFAULT_DB, help=f"decision store (default {DEFAULT_DB})")
    parser.add_argument(
        "--output", type=Path, default=Path("output"), help="where to find runs without RUN_DIR"
    )


def run(args: argparse.Namespace) -> int:
    from werkzeug.serving import make_server

    from audit.report.rundir import is_run_dir
    from audit.review.app import create_app

    missing = [str(p) for p in args.run_dirs if not is_run_dir(p)]
    if missing:
        print(f"newsaudit serve: not a run directory: {', '.join(missing)}", file=sys.stderr)
        return 2
    if not 0 <= args.port <= 65535:
        print("newsaudit serve: --port must be 0-65535", file=sys.stderr)
        return 2
    extra_hosts = [] if args.host in ("127.0.0.1", "localhost", "::1") else [args.host]
    app = create_app(args.run_dirs, args.db, output_root=args.output, extra_hosts=extra_hosts)
    try:
        server = make_server(args.host, args.port, app, threaded=True)
    except OSError as exc:
        print(f"newsaudit serve: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(
        f"Serving the review app on http://{host}:{server.server_port}/ (decisions in {args.db})", flush=True
    )
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0
