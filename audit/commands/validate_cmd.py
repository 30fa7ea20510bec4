"""``newsaudit validate FILE...``: check feed files against our schemas, line by line.

For downstream archives: every invalid line is reported with its line number and
the validation error, and the exit code says whether anything was wrong.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from audit.schema import errors, load_schema

#: Which schema a file holds, by its name (``--schema`` overrides).
SCHEMA_BY_FILENAME = {
    "articles.jsonl": "article",
    "failures.jsonl": "failure",
    "run.json": "run",
    "feed.json": "json-feed",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument(
        "--schema",
        help="schema name (e.g. article, failure, audit-report); inferred from the file name by default",
    )


def _schema_for(path: Path, override: str | None) -> str:
    if override:
        return override
    if path.name in SCHEMA_BY_FILENAME:
        return SCHEMA_BY_FILENAME[path.name]
    return "audit-report"


def _documents(path: Path) -> list[tuple[int, str]]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return [(1, text)]
    return [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]


def validate_file(path: Path, schema_name: str) -> tuple[int, list[str]]:
    """Return (documents checked, problems as ``file:line: message``)."""
    problems: list[str] = []
    docs = _documents(path)
    for lineno, raw in docs:
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as exc:
            problems.append(f"{path}:{lineno}: not JSON: {exc.msg} (column {exc.colno})")
            continue
        problems.extend(f"{path}:{lineno}: {message}" for message in errors(schema_name, record))
    return len(docs), problems


def run(args: argparse.Namespace) -> int:
    bad = 0
    for name in args.files:
        path = Path(name)
        schema_name = _schema_for(path, args.schema)
        try:
            load_schema(schema_name)
            count, problems = validate_file(path, schema_name)
        except (OSError, UnicodeDecodeError) as exc:
            print(f"{path}: cannot read: {exc}", file=sys.stderr)
            bad += 1
            continue
        except KeyError as exc:
            print(f"{path}: {exc.args[0]}", file=sys.stderr)
            bad += 1
            continue
        for problem in problems:
            print(problem)
        status = "ok" if not problems else f"{len(problems)} problem(s)"
        print(f"{path}: {count} record(s) checked against {schema_name}: {status}", file=sys.stderr)
        bad += bool(problems)
    return 1 if bad else 0
