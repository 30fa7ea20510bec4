"""``newsaudit audit [--json] [--jobs N] [--out DIR] INPUT...``: audit pages, URLs and archives.

Inputs are expanded by :mod:`audit.sources` (files, URLs, WARC/WACZ, folders, ``-``,
``@FILE``); each page or archived capture gets exactly one record, in input order,
whatever ``--jobs`` is (:mod:`audit.batch`). ``--out`` also writes a run directory
like a crawl's (:mod:`audit.runwriter`).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from audit import sources
from audit.batch import Settings, audit_pages
from audit.config import ConfigError, load_config
from audit.memory.session import SiteMemory
from audit.memory.store import MemoryStoreError
from audit.output import OutputError
from audit.records import json_line
from audit.runwriter import RunWriter
from audit.workers import cpu_count


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="a saved page (.html, .html.gz), a URL, a .warc/.warc.gz/.wacz archive, a folder, "
        "'-' (a list of paths or URLs on stdin) or @FILE (the same list in a file)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON record per input")
    parser.add_argument("--config", help="audit config TOML merged over the defaults")
    parser.add_argument("--language", help="language hint (e.g. ms) when detection is ambiguous")
    parser.add_argument(
        "--allow-private", action="store_true", help="allow URLs on private, loopback or link-local addresses"
    )
    parser.add_argument(
        "--jobs", type=int, default=None, metavar="N",
        help="worker processes (default: one per core; 1 runs in this process)",
    )  # fmt: skip
    parser.add_argument(
        "--out",
        metavar="DIR",
        help="also write a run directory (articles.jsonl, failures.jsonl, run.json...) under DIR",
    )
    parser.add_argument("--no-report", action="store_true", help="with --out: skip report.html")
    parser.add_argument(
        "--memory",
        metavar="PATH",
        help="site memory file (SQLite): judge each input against the pages remembered before it (template "
        "lines, paragraphs pasted from other articles, duplicate bodies), then remember it; created when "
        "missing. ':memory:' keeps it for this run only. Without it every input is audited alone",
    )


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
        config = load_config(args.config)  # a bad config is a usage error before any work
    except ConfigError as exc:
        print(f"newsaudit: {exc}", file=sys.stderr)
        return 2
    if args.jobs is not None and args.jobs < 1:
        print("newsaudit: --jobs must be at least 1", file=sys.stderr)
        return 2
    memory = None
    if args.memory:
        try:
            memory = SiteMemory(args.memory, config)
        except MemoryStoreError as exc:
            print(f"newsaudit: {exc}", file=sys.stderr)
            return 2
    try:
        return _audit_all(args, memory)
    except MemoryStoreError as exc:
        print(f"newsaudit: {exc}", file=sys.stderr)
        return 2
    finally:
        if memory is not None:
            memory.close()


def _audit_all(args: argparse.Namespace, memory: SiteMemory | None) -> int:
    writer = None
    if args.out:
        try:
            writer = RunWriter(args.out, config=args.config)
        except OutputError as exc:
            print(f"newsaudit: {exc}", file=sys.stderr)
            return 1
    settings = Settings(
        language=args.language,
        allow_private=args.allow_private,
        site=writer.site if writer else None,
        run_id=writer.run_id if writer else None,
    )
    jobs = args.jobs or cpu_count()
    total = failed = 0
    for outcome in audit_pages(sources.pages(args.inputs), settings, jobs, args.config, memory):
        total += 1
        failed += outcome.failure is not None
        if writer is not None:
            writer.add(outcome)
        if args.json:
            sys.stdout.write(json_line(outcome.record))
        else:
            print(format_summary(outcome.record))
        sys.stdout.flush()
    if writer is not None:
        summary = writer.close(report=not args.no_report)
        print(f"newsaudit: wrote {writer.path} ({summary['counts']})", file=sys.stderr)
    return 1 if failed == total else 0
