"""``newsaudit report RUN_DIR...``: (re)generate a run's self-contained HTML report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run_dirs", nargs="+", metavar="RUN_DIR", type=Path, help="output/<run-id> directory")
    parser.add_argument(
        "--review-db",
        type=Path,
        help="show the editors' decisions from this review store (e.g. output/review.sqlite3) beside each finding",
    )


def run(args: argparse.Namespace) -> int:
    from audit.report import build_report

    status = 0
    for run_dir in args.run_dirs:
        try:
            path = build_report(run_dir, review_db=args.review_db)
        except (FileNotFoundError, OSError) as exc:
            print(f"newsaudit report: {exc}", file=sys.stderr)
            status = 1
            continue
        print(path)
    return status
