"""``newsaudit memory stats|prune|rebuild PATH``: look after a site memory file (stats and
prune also take the Redis URL of the memory a distributed crawl shares)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from audit.config import ConfigError, load_config
from audit.memory.backend import Store, is_redis, open_store
from audit.memory.judge import replay
from audit.memory.store import MemoryStore, MemoryStoreError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    stats = sub.add_parser(
        "stats", help="what the memory holds: articles per site, paragraphs, band rows, bytes"
    )
    stats.add_argument("path", metavar="PATH")
    stats.add_argument("--json", action="store_true", help="print the numbers as JSON")
    prune = sub.add_parser("prune", help="forget the articles first seen before a date")
    prune.add_argument("path", metavar="PATH")
    prune.add_argument("--before", required=True, metavar="DATE", help="ISO date or time, e.g. 2025-01-01")
    rebuild = sub.add_parser(
        "rebuild", help="re-judge every article from the stored signatures into a fresh, compact file"
    )
    rebuild.add_argument("path", metavar="PATH")
    rebuild.add_argument("--config", help="audit config TOML whose [thresholds.memory] to apply")


def _existing(path: str) -> Store:
    if not is_redis(path) and not Path(path).is_file():
        raise MemoryStoreError(f"no memory at {path}")
    return open_store(path)


def _size(size: object) -> str:
    return "size shared with the rest of its Redis" if size is None else f"{size} bytes"


def run(args: argparse.Namespace) -> int:
    try:
        if args.action == "stats":
            with _existing(args.path) as store:
                numbers = store.stats()
            if args.json:
                print(json.dumps(numbers, ensure_ascii=False, indent=2))
            else:
                print(f"{numbers['path']}: {numbers['articles']} articles ({numbers['duplicates']} copies), "
                      f"{numbers['paragraphs']} paragraphs in {numbers['clusters']} clusters, "
                      f"{numbers['band_rows']} band rows, {_size(numbers['bytes'])}; oldest {numbers['oldest']}")  # fmt: skip
                for site, count in numbers["sites"].items():  # type: ignore[union-attr]
                    print(f"  {site}: {count}")
            return 0
        if args.action == "prune":
            with _existing(args.path) as store:
                gone = store.prune(args.before)
                left = store.count()
            print(f"forgot {gone} articles first seen before {args.before}; {left} remain")
            return 0
        if is_redis(args.path):
            raise MemoryStoreError(
                "rebuild works on a memory file; a memory in Redis is pruned in place (newsaudit memory prune)"
            )
        config = load_config(args.config)
        fresh = Path(f"{args.path}.rebuild")
        fresh.unlink(missing_ok=True)
        with _existing(args.path) as source, MemoryStore(fresh) as target:
            assert isinstance(source, MemoryStore)  # a file (Redis was refused above)
            count = replay(source, target, config)
        for suffix in ("-wal", "-shm"):
            Path(f"{args.path}{suffix}").unlink(missing_ok=True)
        os.replace(fresh, args.path)
        print(f"rebuilt {args.path}: {count} articles re-judged")
        return 0
    except (MemoryStoreError, ConfigError) as exc:
        print(f"newsaudit memory: {exc}", file=sys.stderr)
        return 2
