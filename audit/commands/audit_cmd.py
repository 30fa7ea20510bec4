"""``newsaudit audit [--json] FILE_OR_URL...``: audit saved pages or URLs."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from audit.config import ConfigError, load_config
from audit.engine import audit_article
from audit.extract import extract_article
from audit.inputs import is_url, read_input
from audit.memory.session import SiteMemory
from audit.memory.store import MemoryStoreError
from audit.model import ExtractionFailure
from audit.records import audit_record, failed_audit_record, json_line


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="FILE_OR_URL")
    parser.add_argument("--json", action="store_true", help="print one JSON record per input")
    parser.add_argument("--config", help="audit config TOML merged over the defaults")
    parser.add_argument("--language", help="language hint (e.g. ms) when detection is ambiguous")
    parser.add_argument(
        "--allow-private", action="store_true", help="allow URLs on private, loopback or link-local addresses"
    )
    parser.add_argument(
        "--memory",
        metavar="PATH",
        help="site memory file (SQLite): judge each input against the pages remembered before it (template "
        "lines, paragraphs pasted from other articles, duplicate bodies), then remember it; created when "
        "missing. ':memory:' keeps it for this run only. Without it every input is audited alone",
    )


def audit_one(
    value: str, config: Any, language: str | None, allow_private: bool, memory: SiteMemory | None = None
) -> dict[str, Any]:
    data = read_input(value, allow_private=allow_private)
    url = value if is_url(value) else None
    if isinstance(data, ExtractionFailure):
        return failed_audit_record(value, url, data)
    extraction = extract_article(data, url=url, language_hint=language, source=value)
    if extraction.failure is not None:
        return failed_audit_record(value, url, extraction.failure)
    assert extraction.article is not None
    if memory is not None:
        return audit_record(memory.audit(extraction.article, config), source=value)
    return audit_record(audit_article(extraction.article, config), source=value)


def format_summary(record: dict[str, Any]) -> str:
    """A readable per-article summary: every finding with its evidence and why."""
    lines = [f"== {record['source']}"]
    if "failure" in record:
        lines.append(f"   FAILED ({record['failure']['reason']}): {record['failure']['detail']}")
        return "\n".join(lines)
    lines.append(
        f"   title: {record.get('headline') or record.get('title')}\n"
        f"   language: {record.get('language')}  published: {record.get('published')}  "
        f"author: {record.get('author')}  blocks: {len(record['blocks'])}  score: {record['score']}/100"
    )
    if record.get("duplicate_of"):
        lines.append(f"   duplicate of: {record['duplicate_of']}")
    if not record["findings"]:
        lines.append("   no findings")
    for f in record["findings"]:
        where = f"block {f['block']}" if f.get("block") is not None else "article"
        evidence = f["evidence"] if len(f["evidence"]) <= 200 else f["evidence"][:197] + "..."
        lines.append(f"   {f['rule']} {f['severity']:<7} {f['type']} ({where})")
        lines.append(f"       why: {f['message']}")
        if f.get("origin_url"):
            lines.append(f"       from: {f['origin_url']}")
        lines.append(f'       evidence: "{evidence}"')
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"newsaudit: {exc}", file=sys.stderr)
        return 2
    memory = None
    if args.memory:
        try:
            memory = SiteMemory(args.memory, config)
        except MemoryStoreError as exc:
            print(f"newsaudit: {exc}", file=sys.stderr)
            return 2
    try:
        return _audit_all(args, config, memory)
    except MemoryStoreError as exc:
        print(f"newsaudit: {exc}", file=sys.stderr)
        return 2
    finally:
        if memory is not None:
            memory.close()


def _audit_all(args: argparse.Namespace, config: Any, memory: SiteMemory | None) -> int:
    failed = 0
    for value in args.inputs:
        record = audit_one(value, config, args.language, args.allow_private, memory)
        failed += "failure" in record
        if args.json:
            sys.stdout.write(json_line(record))
        else:
            print(format_summary(record))
        sys.stdout.flush()
    return 1 if failed == len(args.inputs) else 0
