"""Editors' decisions in SQLite.

Each decision is keyed by :func:`audit.review.keys.finding_keys`, so it applies to
the same finding in any later crawl. The article record it was made on is stored
too: ``export-labels`` needs the article text and must work without the run
directories.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from audit.review.keys import article_key, canonical_url, finding_keys

DECISIONS = ("confirmed", "dismissed")
MAX_NOTE = 2000
DEFAULT_DB = Path("output/review.sqlite3")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    article_key TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    language TEXT,
    record_json TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS decisions (
    finding_key TEXT PRIMARY KEY,
    article_key TEXT NOT NULL REFERENCES articles(article_key),
    type TEXT NOT NULL,
    rule TEXT NOT NULL,
    evidence TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('confirmed', 'dismissed')),
    note TEXT NOT NULL DEFAULT '',
    run_id TEXT,
    decided_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS decisions_article ON decisions(article_key);
"""


class DecisionError(ValueError):
    """Invalid decision input; the message is safe to show the user."""


@dataclass(frozen=True)
class Decision:
    finding_key: str
    article_key: str
    type: str
    rule: str
    evidence: str
    decision: str
    note: str
    run_id: str | None
    decided_at: str


def validate(decision: Any, note: Any) -> tuple[str, str]:
    """Check a decision and note from the outside world; return them cleaned."""
    if decision not in DECISIONS:
        raise DecisionError(f"decision must be one of {', '.join(DECISIONS)}")
    if note is None:
        note = ""
    if not isinstance(note, str):
        raise DecisionError("note must be text")
    note = note.replace("\r\n", "\n").strip()
    if len(note) > MAX_NOTE:
        raise DecisionError(f"note is longer than {MAX_NOTE} characters")
    if any(ord(c) < 32 and c not in "\n\t" for c in note):
        raise DecisionError("note contains control characters")
    return decision, note


class DecisionStore:
    """A small SQLite store; one short-lived connection per operation (thread-safe)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=10)) as db:
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            with db:
                yield db

    def decide(
        self,
        record: dict[str, Any],
        finding_index: int,
        decision: str,
        note: str = "",
        run_id: str | None = None,
    ) -> Decision:
        """Record (or replace) the decision on one finding of ``record``."""
        decision, note = validate(decision, note)
        findings = record.get("findings") or []
        if not 0 <= finding_index < len(findings):
            raise DecisionError(f"article has no finding {finding_index}")
        finding = findings[finding_index]
        akey = article_key(record)
        fkey = finding_keys(record)[finding_index]
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        row = Decision(
            finding_key=fkey,
            article_key=akey,
            type=str(finding.get("type") or ""),
            rule=str(finding.get("rule") or ""),
            evidence=str(finding.get("evidence") or ""),
            decision=decision,
            note=note,
            run_id=run_id,
            decided_at=now,
        )
        with self._connect() as db:
            db.execute(
                "INSERT INTO articles(article_key, url, language, record_json, updated_at) VALUES (?,?,?,?,?) "
                "ON CONFLICT(article_key) DO UPDATE SET url=excluded.url, language=excluded.language, "
                "record_json=excluded.record_json, updated_at=excluded.updated_at",
                (
                    akey,
                    canonical_url(str(record.get("url") or "")),
                    record.get("language"),
                    json.dumps(record, ensure_ascii=False),
                    now,
                ),
            )
            db.execute(
                "INSERT INTO decisions(finding_key, article_key, type, rule, evidence, decision, note, run_id, "
                "decided_at) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(finding_key) DO UPDATE SET "
                "decision=excluded.decision, note=excluded.note, run_id=excluded.run_id, "
                "decided_at=excluded.decided_at, article_key=excluded.article_key",
                (
                    row.finding_key,
                    row.article_key,
                    row.type,
                    row.rule,
                    row.evidence,
                    row.decision,
                    row.note,
                    row.run_id,
                    row.decided_at,
                ),
            )
        return row

    def lookup(self, keys: list[str]) -> dict[str, Decision]:
        """Decisions for the given finding keys (missing keys are undecided)."""
        if not keys:
            return {}
        out: dict[str, Decision] = {}
        with self._connect() as db:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for r in db.execute(f"SELECT * FROM decisions WHERE finding_key IN ({marks})", chunk):
                    out[r["finding_key"]] = Decision(**dict(r))
        return out

    def count(self) -> dict[str, int]:
        with self._connect() as db:
            rows = db.execute("SELECT decision, COUNT(*) AS n FROM decisions GROUP BY decision").fetchall()
        return {r["decision"]: r["n"] for r in rows}

    def reviewed_articles(self) -> Iterator[tuple[dict[str, Any], list[Decision]]]:
        """Each article with at least one decision: its latest record and its decisions."""
        with self._connect() as db:
            articles = db.execute("SELECT article_key, record_json FROM articles ORDER BY url").fetchall()
            for a in articles:
                rows = db.execute(
                    "SELECT * FROM decisions WHERE article_key = ? ORDER BY decided_at, finding_key",
                    (a["article_key"],),
                ).fetchall()
                if rows:
                    yield json.loads(a["record_json"]), [Decision(**dict(r)) for r in rows]


def read_decisions(path: Path | str, keys: list[str]) -> dict[str, Decision]:
    """The decisions on ``keys`` in the store at ``path``, opened read-only (a report
    never creates or changes the store); ``{}`` when there is no store.

    Raises ``sqlite3.Error`` when the file is there but cannot be read."""
    path = Path(path)
    if not path.is_file() or not keys:
        return {}
    out: dict[str, Decision] = {}
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)) as db:
        db.row_factory = sqlite3.Row
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for r in db.execute(f"SELECT * FROM decisions WHERE finding_key IN ({marks})", chunk):
                out[r["finding_key"]] = Decision(**dict(r))
    return out
