"""``newsaudit reaudit RUN_DIR [--config FILE] [--json OUT]``: what the current rules
would change in a stored run (:mod:`audit.reaudit`)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run_dir", metavar="RUN_DIR", type=Path, help="output/<run-id> directory")
    parser.add_argument("--config", help="audit config TOML merged over the defaults (the rules to compare)")
    parser.add_argument("--json", metavar="OUT", help="also write the diff as JSON to OUT ('-': stdout)")


def run(args: argparse.Namespace) -> int:
    from audit.config import ConfigError, load_config
    from audit.reaudit import format_diff, reaudit

    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"newsaudit: {exc}", file=sys.stderr)
        return 2
    try:
        diff = reaudit(args.run_dir, config, args.config)
    except FileNotFoundError as exc:
        print(f"newsaudit reaudit: {exc}", file=sys.stderr)
        return 2
    text = json.dumps(diff, ensure_ascii=False, indent=2) + "\n"
    if args.json == "-":
        sys.stdout.write(text)
    else:
        print(format_diff(diff))
        if args.json:
            Path(args.json).write_text(text, encoding="utf-8")
    return 0
