"""``feed.json``: a run's new and changed articles as a JSON Feed 1.1 document.

Archives that speak JSON Feed get one document per run. Each item is an article
version from ``articles.jsonl`` (the full record stream stays the source of truth);
the audit travels in the ``_newsaudit`` extension objects that JSON Feed reserves for
publishers (keys starting with ``_``): per item the score and findings, per feed the
run's audit summary. ``schemas/json-feed.schema.json`` validates the result.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from audit.model import SCHEMA_VERSION
from audit.records import now_iso, sanitize

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
FEED_FILENAME = "feed.json"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}):?(\d{2})?$")


def rfc3339(value: str | None) -> str | None:
    """A date for JSON Feed (RFC 3339), or ``None`` when the article's date is not one.

    A bare day becomes midnight UTC; a timestamp keeps its time of day and its zone
    (``+0700`` is written ``+07:00``)."""
    if not value:
        return None
    value = value.strip()
    if _DATE.match(value):
        return f"{value}T00:00:00Z"
    match = _DATETIME.match(value)
    if match and (match[3] == "Z") == (match[4] is None):
        zone = "Z" if match[3] == "Z" else f"{match[3]}:{match[4]}"
        return f"{match[1]}{match[2] or ':00'}{zone}"
    return None


def feed_item(record: dict[str, Any]) -> dict[str, Any]:
    """One ``articles.jsonl`` record as a JSON Feed item with the ``_newsaudit`` extension."""
    item: dict[str, Any] = {
        "id": record["url"],  # JSON Feed: an item keeps its id when it is updated
        "url": record["url"],
        "title": record.get("title") or record.get("headline") or record["url"],
        "content_text": "\n\n".join(block["text"] for block in record.get("blocks", [])),
    }
    if record.get("description"):
        item["summary"] = record["description"]
    published = rfc3339(record.get("published"))
    if published:
        item["date_published"] = published
    if record.get("version", 1) > 1:
        item["date_modified"] = record["fetched_at"]
    if record.get("author"):
        item["authors"] = [{"name": record["author"]}]
    if record.get("tags"):
        item["tags"] = list(record["tags"])
    if record.get("language"):
        item["language"] = record["language"]
    item["_newsaudit"] = {
        "schema_version": record.get("schema_version", SCHEMA_VERSION),
        "version": record.get("version", 1),
        "previous_hash": record.get("previous_hash"),
        "content_hash": record["content_hash"],
        "fetched_at": record["fetched_at"],
        "score": record.get("score"),
        "findings": record.get("findings", []),
    }
    return item


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    """Complete JSON lines of a feed file (a torn last line is skipped, never half-read)."""
    if not path.is_file():
        return
    with path.open("rb") as handle:
        for raw in handle:
            if not raw.endswith(b"\n"):
                break
            try:
                yield json.loads(raw)
            except ValueError:
                continue


class Summary:
    """The feed-level audit summary, tallied one record at a time."""

    def __init__(self) -> None:
        self.items = self.new = self.changed = self.flagged = 0
        self.findings: Counter[str] = Counter()
        self.scores: list[int] = []

    def add(self, record: dict[str, Any]) -> None:
        self.items += 1
        version = record.get("version", 1)
        self.new += version == 1
        self.changed += version > 1
        self.flagged += bool(record.get("findings"))
        self.findings.update(f["type"] for f in record.get("findings", []))
        if isinstance(record.get("score"), int):
            self.scores.append(record["score"])

    def as_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "new": self.new,
            "changed": self.changed,
            "flagged": self.flagged,
            "findings": dict(sorted(self.findings.items())),
            "mean_score": round(sum(self.scores) / len(self.scores), 1) if self.scores else None,
        }


def _head(site: str, run_id: str, home_page_url: str | None) -> dict[str, Any]:
    head: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": f"newsaudit: {site} (run {run_id})",
        "description": "New and changed articles of one newsaudit crawl, with their content audit.",
    }
    if home_page_url:
        head["home_page_url"] = home_page_url
    return head


def extension(
    summary: Summary, site: str, run_id: str, status: str, counts: dict[str, int] | None
) -> dict[str, Any]:
    """The feed-level ``_newsaudit`` object (shared by run feeds and the rolling feed)."""
    extension: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "site": site,
        "run_id": run_id,
        "generated_at": now_iso(),
        "status": status,
        "summary": summary.as_dict(),
    }
    if counts is not None:
        extension["counts"] = counts
    return extension


def build_feed(
    records: list[dict[str, Any]],
    *,
    site: str,
    run_id: str,
    home_page_url: str | None = None,
    counts: dict[str, int] | None = None,
    status: str = "finished",
) -> dict[str, Any]:
    """The feed as one document (for small record lists; :func:`write_feed` streams)."""
    summary = Summary()
    for record in records:
        summary.add(record)
    return {
        **_head(site, run_id, home_page_url),
        "items": [feed_item(r) for r in records],
        "_newsaudit": extension(summary, site, run_id, status, counts),
    }


def write_feed(
    run_dir: Path,
    *,
    site: str,
    run_id: str,
    home_page_url: str | None = None,
    counts: dict[str, int] | None = None,
    status: str = "finished",
) -> Path:
    """Write ``run_dir/feed.json`` from ``run_dir/articles.jsonl``, atomically, one item
    at a time: a 20,000-article run never holds its whole feed in memory."""
    path = run_dir / FEED_FILENAME
    tmp = path.with_name(path.name + ".tmp")
    summary = Summary()
    with tmp.open("w", encoding="utf-8") as out:
        head = json.dumps(_head(site, run_id, home_page_url), ensure_ascii=False, indent=2)
        out.write(head[: head.rindex("}")].rstrip() + ',\n  "items": [')
        for number, record in enumerate(read_records(run_dir / "articles.jsonl")):
            summary.add(record)
            item = json.dumps(sanitize(feed_item(record)), ensure_ascii=False)
            out.write(("\n    " if number == 0 else ",\n    ") + item)
        tail = json.dumps(
            sanitize(extension(summary, site, run_id, status, counts)), ensure_ascii=False, indent=2
        )
        out.write(("\n  " if summary.items else "") + '],\n  "_newsaudit": ' + tail.replace("\n", "\n  "))
        out.write("\n}\n")
    os.replace(tmp, path)
    return path
