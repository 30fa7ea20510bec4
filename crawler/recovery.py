"""Bring the state up to date after a crashed run, before a new run starts.

The pipeline appends a record to ``articles.jsonl``, syncs it to disk, and only then
advances the state. A run killed between the two leaves records the state has not
seen; were they ignored, the next run would emit those articles a second time. So a
run still marked ``running`` in the state (its lock is free, so it is dead) is
*replayed*: its feed files lose a torn last line, if any, every complete record is
applied to the state, its ``feed.json`` is written and it is marked ``crashed``. A
run stopped by an output error (disk full) is replayed the same way: the records it
did write are on disk, even if the state never heard of them.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from crawler.jsonfeed import read_records, write_feed
from crawler.state import RunRow, StateStore

logger = logging.getLogger(__name__)

FEED_FILES = ("articles.jsonl", "rejects.jsonl", "failures.jsonl")


@dataclass(frozen=True)
class Recovered:
    run_id: str
    run_dir: Path
    replayed: int  # records the state had not seen yet
    records: int  # complete records in the crashed run's articles.jsonl
    truncated: dict[str, int]  # file -> bytes of a torn last line removed


def repair_tail(path: Path) -> int:
    """Cut a torn last line (no final newline) off a JSON Lines file; bytes removed."""
    if not path.is_file():
        return 0
    size = path.stat().st_size
    if size == 0:
        return 0
    with path.open("rb+") as handle:
        handle.seek(size - 1)
        if handle.read(1) == b"\n":
            return 0
        # Walk back to the last newline (records are small; read in blocks).
        end = size
        while end > 0:
            start = max(0, end - 65536)
            handle.seek(start)
            block = handle.read(end - start)
            cut = block.rfind(b"\n")
            if cut >= 0:
                keep = start + cut + 1
                break
            end = start
        else:
            keep = 0
        handle.truncate(keep)
        handle.flush()
        os.fsync(handle.fileno())
    return size - keep


def replay(store: StateStore, run: RunRow) -> Recovered:
    run_dir = Path(run.run_dir)
    truncated = {name: n for name in FEED_FILES if (n := repair_tail(run_dir / name))}
    replayed = records = 0
    for record in read_records(run_dir / "articles.jsonl"):
        records += 1
        url, version = record.get("url"), record.get("version")
        if not isinstance(url, str) or not isinstance(version, int) or not record.get("content_hash"):
            continue
        known = store.previous(url)
        if known is not None and known.version >= version:
            continue
        findings = Counter(f.get("type") for f in record.get("findings", []))
        store.remember(
            url,
            content_hash=record["content_hash"],
            version=version,
            etag=None,  # not in the record: the next run re-fetches and compares hashes instead
            last_modified=None,
            previous_hash=record.get("previous_hash"),
            audit_summary={"score": record.get("score"), "findings": dict(sorted(findings.items()))},
            run_id=run.run_id,
        )
        replayed += 1
    if run.status == "output_error":  # it closed normally, only its state lagged behind
        store.set_status(run.run_id, "output_error_replayed")
    else:
        if run_dir.is_dir():
            write_feed(run_dir, site=run.site, run_id=run.run_id, status="crashed")
        store.finish_run(
            run.run_id, {"articles": records}, reason="crashed (recovered by a later run)", status="crashed"
        )
    return Recovered(run.run_id, run_dir, replayed, records, truncated)


def recover(store: StateStore) -> list[Recovered]:
    """Replay every run of the store's site that never finished (call with the site lock held)."""
    done = []
    for run in store.unfinished_runs():
        result = replay(store, run)
        logger.warning(
            "run %s did not finish (crashed, killed or out of disk space): %d of its %d article records were not in the state "
            "yet and have been applied%s",
            run.run_id,
            result.replayed,
            result.records,
            f"; torn last lines removed from {', '.join(result.truncated)}" if result.truncated else "",
        )
        done.append(result)
    return done
