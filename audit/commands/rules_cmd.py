"""``newsaudit rules``: list every rule with its code, symbol, type, severity and purpose."""

from __future__ import annotations

import argparse
import json

from audit.registry import all_rules


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the rules as JSON")


def run(args: argparse.Namespace) -> int:
    rules = all_rules()
    if args.json:
        fields = ("code", "symbol", "type", "severity", "description")
        print(json.dumps([{f: getattr(r, f) for f in fields} for r in rules], indent=2, ensure_ascii=False))
        return 0
    for rule in rules:
        print(f"{rule.code}  {rule.symbol:<32} {rule.type:<20} {rule.severity:<8} {rule.description}")
    return 0
