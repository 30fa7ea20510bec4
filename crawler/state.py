"""Per-run accounting (the ledger) and the cross-run state (incremental crawls).

The :class:`Ledger` guarantees the feed's central promise: every discovered article
URL ends in exactly one terminal outcome, and ``run.json`` counts add up.

:class:`StateStore` is the cross-run memory: per URL the first and last time seen,
the HTTP validators (ETag, Last-Modified), the content hash, the version number and
the last audit summary; per run its directory, status and counts. :class:`SqliteStore`
(the default, ``state.sqlite`` beside the run directories) keeps it between runs;
:class:`MemoryStore` forgets it at the end of the run, so every article is version 1.

The store is only advanced *after* a record is durably in ``articles.jsonl``, so a
crash can make the state lag behind the feed, never run ahead of it; the lag is
replayed from the crashed run's feed on the next start (:mod:`crawler.recovery`).
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from audit.sqlite_errors import classify

#: Terminal outcomes of a discovered article URL, in ``run.json`` order.
OUTCOMES: tuple[str, ...] = (
    "articles",
    "unchanged",
    "duplicates",
    "filtered",
    "disallowed",
    "failed",
    "rejected",
)
COUNT_KEYS: tuple[str, ...] = ("discovered", *OUTCOMES)


class LedgerError(RuntimeError):
    """An accounting bug: a URL finished twice or finished without being discovered."""


class Ledger:
    """URL -> outcome for one run. Pending URLs have outcome ``None``.

    Aliases (a page's canonical URL) are *known* so they are never fetched again,
    but they are not counted: the URL that was fetched carries the outcome.
    """

    def __init__(self) -> None:
        self._outcome: dict[str, str | None] = {}
        self._aliases: dict[str, str] = {}
        self.reasons: Counter[str] = Counter()

    def knows(self, url: str) -> bool:
        return url in self._outcome or url in self._aliases

    def discover(self, url: str) -> bool:
        """Register a candidate; False if it (or an alias of it) was already known."""
        if self.knows(url):
            return False
        self._outcome[url] = None
        return True

    def alias(self, alias: str, of: str) -> None:
        if not self.knows(alias):
            self._aliases[alias] = of

    def is_pending(self, url: str) -> bool:
        return url in self._outcome and self._outcome[url] is None

    def finish(self, url: str, outcome: str, reason: str | None = None) -> None:
        if outcome not in OUTCOMES:
            raise LedgerError(f"unknown outcome {outcome!r}")
        if url not in self._outcome:
            raise LedgerError(f"{url} finished as {outcome} but was never discovered")
        if self._outcome[url] is not None:
            raise LedgerError(f"{url} finished twice ({self._outcome[url]}, then {outcome})")
        self._outcome[url] = outcome
        if reason:
            self.reasons[reason] += 1

    def pending(self) -> list[str]:
        return [u for u, o in self._outcome.items() if o is None]

    def counts(self) -> dict[str, int]:
        done = Counter(o for o in self._outcome.values() if o is not None)
        counts = {"discovered": len(self._outcome)}
        counts.update({o: done.get(o, 0) for o in OUTCOMES})
        return counts

    @property
    def finished(self) -> int:
        return sum(1 for o in self._outcome.values() if o is not None)


@dataclass(frozen=True)
class Previous:
    """What an earlier run stored for a URL."""

    content_hash: str
    version: int
    etag: str | None = None
    last_modified: str | None = None
    previous_hash: str | None = None


@dataclass(frozen=True)
class RunRow:
    """A run the state knows about; ``status`` is ``running``, ``finished`` or ``crashed``."""

    run_id: str
    site: str
    run_dir: str
    status: str


class StateError(RuntimeError):
    """The state database cannot be used; the message says why and how to recover."""


class StateStore(Protocol):
    """Cross-run memory of fetched URLs and of runs."""

    def previous(self, url: str) -> Previous | None: ...

    def owner_of(self, content_hash: str) -> str | None:
        """The URL whose current content has this hash (cross-run duplicate detection)."""
        ...

    def remember(
        self,
        url: str,
        *,
        content_hash: str,
        version: int,
        etag: str | None,
        last_modified: str | None,
        previous_hash: str | None = None,
        audit_summary: dict[str, Any] | None = None,
        run_id: str | None = None,
    ) -> None: ...

    def seen(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> None:
        """The URL was confirmed unchanged this run."""
        ...

    def begin_run(self, run_id: str, run_dir: str) -> None: ...

    def finish_run(
        self, run_id: str, counts: dict[str, int], reason: str, status: str = "finished"
    ) -> None: ...

    def unfinished_runs(self) -> list[RunRow]: ...

    def batch(self) -> AbstractContextManager[None]:
        """Apply the writes made inside it together (one disk sync for many pages)."""
        ...

    def close(self) -> None: ...


class MemoryStore:
    """A store that forgets at the end of the run: every article is a first version."""

    def __init__(self) -> None:
        self._rows: dict[str, Previous] = {}
        self._owners: dict[str, str] = {}  # content hash -> URL: O(1) duplicate lookups at any size

    def previous(self, url: str) -> Previous | None:
        return self._rows.get(url)

    def owner_of(self, content_hash: str) -> str | None:
        return self._owners.get(content_hash)

    def remember(
        self,
        url: str,
        *,
        content_hash: str,
        version: int,
        etag: str | None,
        last_modified: str | None,
        previous_hash: str | None = None,
        audit_summary: dict[str, Any] | None = None,
        run_id: str | None = None,
    ) -> None:
        old = self._rows.get(url)
        if old is not None and self._owners.get(old.content_hash) == url:
            del self._owners[old.content_hash]
        self._rows[url] = Previous(content_hash, version, etag, last_modified, previous_hash)
        self._owners.setdefault(content_hash, url)

    def seen(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> None:
        pass

    def begin_run(self, run_id: str, run_dir: str) -> None:
        pass

    def finish_run(self, run_id: str, counts: dict[str, int], reason: str, status: str = "finished") -> None:
        pass

    def unfinished_runs(self) -> list[RunRow]:
        return []

    def batch(self) -> AbstractContextManager[None]:
        return nullcontext()

    def close(self) -> None:
        self._rows.clear()
        self._owners.clear()


#: Bumped when the tables change incompatibly; an older database is refused, not rewritten.
STATE_SCHEMA_VERSION = "1"
STATE_FILENAME = "state.sqlite"

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pages (
    site TEXT NOT NULL,
    url TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    content_hash TEXT NOT NULL,
    previous_hash TEXT,
    version INTEGER NOT NULL,
    audit_summary TEXT,
    last_run TEXT,
    PRIMARY KEY (site, url)
);
CREATE INDEX IF NOT EXISTS pages_by_hash ON pages (site, content_hash);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    run_dir TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,
    finish_reason TEXT,
    counts TEXT
);
CREATE TABLE IF NOT EXISTS run_measures (
    run_id TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    measures TEXT NOT NULL
);
"""


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _recovery_hint(path: Path) -> str:
    return (
        f"newsaudit never starts over silently. To recover: if the output folder's feeds are all you need, "
        f"move the database aside (mv {path} {path}.bad) and run again with --full, which rebuilds the state "
        f"from a complete fetch (articles come out again as version 1); or restore {path} from a backup"
    )


class SqliteStore:
    """The default store: one SQLite file (WAL, ``synchronous=FULL``), rows scoped by site.

    Opening it checks the file: a corrupt or foreign file, a newer state schema or a
    database held by another process raises :class:`StateError` with the way out.
    """

    def __init__(self, path: str | Path, site: str, *, timeout: float = 10.0) -> None:
        self.path = Path(path)
        self.site = site
        self._conn: sqlite3.Connection | None = None
        self._batching = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StateError(
                f"cannot create the folder for the state database {self.path}: {exc.strerror}"
            ) from exc
        try:
            conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise StateError(f"cannot open the state database {self.path}: {exc}") from exc
        self._conn = conn
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(f"integrity check failed: {check}")
            with self._transaction():
                for statement in filter(str.strip, _TABLES.split(";")):
                    conn.execute(statement)
                row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
                if row is None:
                    conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (STATE_SCHEMA_VERSION,))
                elif row[0] != STATE_SCHEMA_VERSION:
                    raise StateError(
                        f"the state database {self.path} has state schema {row[0]}, this newsaudit uses "
                        f"{STATE_SCHEMA_VERSION}. {_recovery_hint(self.path)}"
                    )
        except StateError:
            self.close()
            raise
        except sqlite3.Error as exc:
            self.close()
            raise self._error(exc) from exc

    def _error(self, exc: sqlite3.Error) -> StateError:
        message = str(exc)
        problem = classify(exc)
        if problem == "locked":
            return StateError(
                f"the state database {self.path} is locked by another process ({message}). Another newsaudit "
                f"run (or a program with the file open) holds it; wait for it to finish, or stop it, and run "
                f"again. Nothing was changed"
            )
        if problem == "unwritable":
            return StateError(
                f"the state database {self.path} cannot be written ({message}); nothing was changed"
            )
        return StateError(
            f"the state database {self.path} is corrupt or not a newsaudit state file ({message}). "
            f"{_recovery_hint(self.path)}"
        )

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StateError(f"the state database {self.path} is closed")
        return self._conn

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    @contextmanager
    def batch(self) -> Iterator[None]:
        """One transaction for every write inside: a crawl commits (and syncs) its pages in
        groups instead of one by one. A failure rolls the whole group back."""
        if self._batching:
            yield
            return
        try:
            with self._transaction():
                self._batching = True
                try:
                    yield
                finally:
                    self._batching = False
        except sqlite3.Error as exc:
            raise self._error(exc) from exc

    def _write(self, sql: str, params: tuple[Any, ...]) -> None:
        if self._batching:  # inside batch(): its transaction commits
            try:
                self.conn.execute(sql, params)
            except sqlite3.Error as exc:
                raise self._error(exc) from exc
            return
        try:
            with self._transaction():
                self.conn.execute(sql, params)
        except sqlite3.Error as exc:
            raise self._error(exc) from exc

    def previous(self, url: str) -> Previous | None:
        row = self.conn.execute(
            "SELECT content_hash, version, etag, last_modified, previous_hash FROM pages WHERE site = ? AND url = ?",
            (self.site, url),
        ).fetchone()
        return Previous(*row) if row else None

    def owner_of(self, content_hash: str) -> str | None:
        row = self.conn.execute(
            "SELECT url FROM pages WHERE site = ? AND content_hash = ? LIMIT 1", (self.site, content_hash)
        ).fetchone()
        return row[0] if row else None

    def remember(
        self,
        url: str,
        *,
        content_hash: str,
        version: int,
        etag: str | None,
        last_modified: str | None,
        previous_hash: str | None = None,
        audit_summary: dict[str, Any] | None = None,
        run_id: str | None = None,
    ) -> None:
        now = _now()
        summary = json.dumps(audit_summary, sort_keys=True) if audit_summary is not None else None
        self._write(
            """INSERT INTO pages (site, url, first_seen, last_seen, changed_at, etag, last_modified,
                                  content_hash, previous_hash, version, audit_summary, last_run)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (site, url) DO UPDATE SET
                   last_seen = excluded.last_seen, changed_at = excluded.changed_at,
                   etag = excluded.etag, last_modified = excluded.last_modified,
                   content_hash = excluded.content_hash, previous_hash = excluded.previous_hash,
                   version = excluded.version, audit_summary = excluded.audit_summary,
                   last_run = excluded.last_run""",
            (self.site, url, now, now, now, etag, last_modified, content_hash, previous_hash, version, summary,
             run_id),
        )  # fmt: skip

    def seen(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> None:
        self._write(
            """UPDATE pages SET last_seen = ?, etag = COALESCE(?, etag),
                                last_modified = COALESCE(?, last_modified)
               WHERE site = ? AND url = ?""",
            (_now(), etag, last_modified, self.site, url),
        )

    def page(self, url: str) -> dict[str, Any] | None:
        """The whole stored row for ``url`` (for tests and tools)."""
        cur = self.conn.execute("SELECT * FROM pages WHERE site = ? AND url = ?", (self.site, url))
        row = cur.fetchone()
        if row is None:
            return None
        data = dict(zip([d[0] for d in cur.description], row, strict=True))
        data["audit_summary"] = json.loads(data["audit_summary"]) if data["audit_summary"] else None
        return data

    def pages(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM pages WHERE site = ?", (self.site,)).fetchone()[0]

    def begin_run(self, run_id: str, run_dir: str) -> None:
        self._write(
            "INSERT INTO runs (run_id, site, run_dir, started_at, status) VALUES (?, ?, ?, ?, 'running')",
            (run_id, self.site, run_dir, _now()),
        )

    def finish_run(self, run_id: str, counts: dict[str, int], reason: str, status: str = "finished") -> None:
        self._write(
            "UPDATE runs SET finished_at = ?, status = ?, finish_reason = ?, counts = ? WHERE run_id = ?",
            (_now(), status, reason, json.dumps(counts, sort_keys=True), run_id),
        )

    def set_status(self, run_id: str, status: str) -> None:
        self._write("UPDATE runs SET status = ? WHERE run_id = ?", (status, run_id))

    def unfinished_runs(self) -> list[RunRow]:
        """Runs whose feed may be ahead of the state: killed (still ``running``) or stopped
        by an output error (records already on disk may not have reached the state)."""
        rows = self.conn.execute(
            "SELECT run_id, site, run_dir, status FROM runs WHERE site = ? "
            "AND status IN ('running', 'output_error') ORDER BY started_at, run_id",
            (self.site,),
        ).fetchall()
        return [RunRow(*row) for row in rows]

    def runs(self) -> list[dict[str, Any]]:
        cur = self.conn.execute("SELECT * FROM runs WHERE site = ? ORDER BY started_at, run_id", (self.site,))
        names = [d[0] for d in cur.description]
        out = []
        for row in cur.fetchall():
            data = dict(zip(names, row, strict=True))
            data["counts"] = json.loads(data["counts"]) if data["counts"] else None
            out.append(data)
        return out

    # -- the stable view and drift history (crawler.view, crawler.drift) ----------------

    def latest_runs(self) -> dict[str, list[str]]:
        """Run directory -> the URLs whose current record that run wrote: where the
        latest version of every article lives, for the stable view."""
        rows = self.conn.execute(
            "SELECT runs.run_dir, pages.url FROM pages JOIN runs ON runs.run_id = pages.last_run "
            "WHERE pages.site = ? ORDER BY runs.started_at, pages.url",
            (self.site,),
        ).fetchall()
        out: dict[str, list[str]] = {}
        for run_dir, url in rows:
            out.setdefault(run_dir, []).append(url)
        return out

    def view_snapshot(self) -> dict[str, Any]:
        """What the site looks like now, from every page's last audit summary: how many
        articles, their mean score and their findings by type (one trend point)."""
        scores: list[int] = []
        findings: Counter[str] = Counter()
        for (raw,) in self.conn.execute(
            "SELECT audit_summary FROM pages WHERE site = ? AND audit_summary IS NOT NULL", (self.site,)
        ):
            data = json.loads(raw)
            if isinstance(data.get("score"), int):
                scores.append(data["score"])
            findings.update({k: int(v) for k, v in (data.get("findings") or {}).items()})
        return {
            "articles": self.pages(),
            "mean_score": round(sum(scores) / len(scores), 1) if scores else None,
            "findings": dict(sorted(findings.items())),
        }

    def record_measures(self, run_id: str, measures: dict[str, Any]) -> None:
        """Keep a run's measures (its view snapshot and drift measures) for later runs."""
        self._write(
            "INSERT OR REPLACE INTO run_measures (run_id, site, measures) VALUES (?, ?, ?)",
            (run_id, self.site, json.dumps(measures, sort_keys=True)),
        )

    def history(self, limit: int | None = None, exclude: str | None = None) -> list[dict[str, Any]]:
        """Finished runs of this site with their measures, oldest first; the last ``limit``
        of them, leaving out run ``exclude`` (the one being judged)."""
        rows = self.conn.execute(
            "SELECT runs.run_id, runs.started_at, runs.finished_at, runs.counts, run_measures.measures "
            "FROM runs JOIN run_measures ON run_measures.run_id = runs.run_id "
            "WHERE runs.site = ? AND runs.status = 'finished' AND runs.run_id != ? "
            "ORDER BY runs.started_at DESC, runs.run_id DESC",
            (self.site, exclude or ""),
        ).fetchall()
        out = [
            {
                "run_id": run_id,
                "started_at": started,
                "finished_at": finished,
                "counts": json.loads(counts) if counts else None,
                "measures": json.loads(measures),
            }
            for run_id, started, finished, counts, measures in rows
        ]
        if limit is not None:
            out = out[:limit]
        return out[::-1]

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def default_state_path(output_dir: str | Path) -> Path:
    """``<output-dir>/state.sqlite``: the state sits next to the runs it describes."""
    return Path(output_dir) / STATE_FILENAME


def open_store(settings: Any, site: str) -> StateStore:
    """The store the settings ask for: ``NEWSAUDIT_STATE`` = ``sqlite`` (the project default) or ``memory``
    (also when unset, e.g. a bare test crawler)."""
    kind = (settings.get("NEWSAUDIT_STATE") or "memory").lower()
    if kind == "memory":
        return MemoryStore()
    if kind != "sqlite":
        raise StateError(f"NEWSAUDIT_STATE must be 'sqlite' or 'memory', not {kind!r}")
    path = settings.get("NEWSAUDIT_STATE_PATH") or default_state_path(
        settings.get("NEWSAUDIT_OUTPUT_DIR") or "output"
    )
    return SqliteStore(path, site)
