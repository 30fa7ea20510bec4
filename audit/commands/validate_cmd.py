"""``newsaudit validate FILE_OR_RUN_DIR...``: check feed files against our schemas, line by line.

For downstream archives: every invalid line is reported with its line number and
the validation error, and the exit code says whether anything was wrong. A run
directory is checked whole: each of its files against its schema, and ``run.json``'s
counts must add up (``discovered`` is the sum of the outcome counts).
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


#: The files of a run directory that have a schema, in the order they are checked.
RUN_FILES = ("articles.jsonl", "failures.jsonl", "run.json", "feed.json")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE_OR_RUN_DIR")
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


def counts_problems(run_json: Path) -> list[str]:
    """``run.json``'s counts must add up: every discovered URL ends in one counted state."""
    try:
        counts = json.loads(run_json.read_text(encoding="utf-8")).get("counts")
    except (OSError, ValueError, AttributeError):
        return []  # unreadable or not an object: the schema check reports it
    if not isinstance(counts, dict) or not all(isinstance(v, int) for v in counts.values()):
        return []
    total = sum(v for k, v in counts.items() if k != "discovered")
    if counts.get("discovered") != total:
        return [
            f"{run_json}:1: counts/discovered is {counts.get('discovered')}, the outcomes add up to {total}"
        ]
    return []


def _expand(names: list[str]) -> list[tuple[Path, bool]]:
    """(file, whether it came from a run directory: its schema is then its name's)."""
    paths: list[tuple[Path, bool]] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            paths.extend((path / f, True) for f in RUN_FILES if (path / f).is_file())
        else:
            paths.append((path, False))
    return paths


def run(args: argparse.Namespace) -> int:
    bad = 0
    for name in args.files:
        if Path(name).is_dir() and not any((Path(name) / f).is_file() for f in RUN_FILES):
            print(f"{name}: a directory with none of {', '.join(RUN_FILES)}", file=sys.stderr)
            bad += 1
    for path, in_run_dir in _expand(args.files):
        schema_name = _schema_for(path, None if in_run_dir else args.schema)
        try:
            load_schema(schema_name)
            count, problems = validate_file(path, schema_name)
            if path.name == "run.json" and schema_name == "run":
                problems += counts_problems(path)
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
