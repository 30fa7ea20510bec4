"""The site memory on disk: one SQLite file, with LSH band keys in an indexed table.

Why SQLite and not a pickled :class:`datasketch.MinHashLSH`: a crawl adds pages one
at a time and must survive a crash, and a lookup must cost the same at a thousand
articles and at a hundred thousand. Each paragraph's band keys are rows of
``para_bands`` (primary key ``band, paragraph``), so finding its near-copies is
``b`` index probes; only the first copy of a paragraph on a site (its *cluster*'s
representative) gets band rows, so a template line on every page adds one row set,
not one per page, and the candidates of a lookup stay few.

Opening checks the file like the crawl state does (:mod:`crawler.state`): a corrupt
or foreign file, other fingerprint parameters, or a file held by another process
raise :class:`MemoryStoreError` with the way out.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from audit.memory import fingerprint
from audit.memory.fingerprint import Signature
from audit.sqlite_errors import classify

MEMORY_FILENAME = "memory.sqlite"
#: Bumped when the tables change incompatibly; an older file is refused, not rewritten.
MEMORY_SCHEMA_VERSION = "1"
IN_MEMORY = ":memory:"
#: Page cache of one connection (256 MiB, an upper bound: it fills only as pages are
#: used) and the file mapped into memory (up to 1 GiB): a 100k-article memory is about
#: 500 MB. The cache holds the pages a transaction dirties (the band index is written at
#: random keys, ~100 per article); with 64 MiB they probably spilled to the WAL and
#: were read back. The cost per article at 100k articles was 1.84x that at 1k against 1.36x
#: with 256 MiB (bench/memory_index.py, side by side, issue 14).
CACHE_KIB = 262144
MMAP_BYTES = 1 << 30

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    site TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    published TEXT,
    body_hash TEXT NOT NULL,
    duplicate_of INTEGER
);
CREATE INDEX IF NOT EXISTS articles_by_seen ON articles (seen_at);
CREATE TABLE IF NOT EXISTS sites (site TEXT PRIMARY KEY, articles INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS paragraphs (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL,
    block INTEGER NOT NULL,
    tail INTEGER NOT NULL,
    cluster INTEGER NOT NULL,
    fits INTEGER NOT NULL,
    size INTEGER NOT NULL,
    signature BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS paragraphs_by_article ON paragraphs (article_id);
CREATE INDEX IF NOT EXISTS paragraphs_by_cluster ON paragraphs (cluster);
CREATE TABLE IF NOT EXISTS clusters (id INTEGER PRIMARY KEY, site TEXT NOT NULL, articles INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS para_bands (
    band INTEGER NOT NULL, paragraph INTEGER NOT NULL, PRIMARY KEY (band, paragraph)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS bodies (article_id INTEGER PRIMARY KEY, size INTEGER NOT NULL, signature BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS body_bands (
    band INTEGER NOT NULL, article_id INTEGER NOT NULL, PRIMARY KEY (band, article_id)
) WITHOUT ROWID;
"""


class MemoryStoreError(Exception):
    """The memory file cannot be used; the message says why and how to recover."""


def recovery_hint(path: Path | str) -> str:
    return (
        f"The memory only speeds up and sharpens the audit; nothing in the feeds depends on it. To recover: "
        f"move it aside (mv {path} {path}.bad) and run again (a new, empty memory is created), or rebuild "
        f"it from a readable copy with `newsaudit memory rebuild {path}`"
    )


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class StoredParagraph:
    """A paragraph to remember: its block, signature, whether it fits its own
    article (see :mod:`audit.memory.judge`), and the cluster it joins (``None``:
    it is the first copy on its site and starts one)."""

    block: int
    tail: int  # blocks after it in its article
    signature: Signature
    fits: bool
    cluster: int | None = None


@dataclass(frozen=True)
class Candidate:
    """A cluster representative that shares a band with the paragraph looked up."""

    paragraph: int
    block: int
    tail: int
    cluster: int
    fits: bool
    signature: Signature
    article: int
    url: str
    site: str
    cluster_articles: int
    site_articles: int


@dataclass(frozen=True)
class BodyCandidate:
    article: int
    url: str
    signature: Signature


class MemoryStore:
    """One memory file (or ``:memory:``); rows of every site together, so a
    paragraph pasted across sites is found too."""

    def __init__(self, path: str | Path, *, timeout: float = 10.0) -> None:
        self.path = path if str(path) == IN_MEMORY else Path(path)
        self._conn: sqlite3.Connection | None = None
        if isinstance(self.path, Path):
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise MemoryStoreError(
                    f"cannot create the folder for the memory {self.path}: {exc.strerror}"
                ) from exc
        try:
            conn = sqlite3.connect(str(self.path), timeout=timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise MemoryStoreError(f"cannot open the memory {self.path}: {exc}") from exc
        self._conn = conn
        try:
            if isinstance(self.path, Path):
                conn.execute("PRAGMA page_size=8192")  # a new file only; before WAL and the tables
                conn.execute("PRAGMA journal_mode=WAL")
                # The memory can be rebuilt; it is not the ledger, so no fsync per page.
                conn.execute("PRAGMA synchronous=NORMAL")
                # The band index is probed at random keys: past SQLite's 2 MiB default cache
                # every probe and insert re-reads pages, so the cost per article grew with the
                # memory (bench/memory_index.py: 1.95x from 1k to 100k articles, 1.62x with these).
                conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
                conn.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
                check = conn.execute("PRAGMA quick_check").fetchone()[0]
                if check != "ok":
                    raise sqlite3.DatabaseError(f"integrity check failed: {check}")
            with self.transaction():
                for statement in filter(str.strip, _TABLES.split(";")):
                    conn.execute(statement)
                self._check_meta()
        except MemoryStoreError:
            self.close()
            raise
        except sqlite3.Error as exc:
            self.close()
            raise self._error(exc) from exc

    def _check_meta(self) -> None:
        expected = {"schema_version": MEMORY_SCHEMA_VERSION, **fingerprint.params()}
        stored = dict(self.conn.execute("SELECT key, value FROM meta").fetchall())
        if not stored:
            self.conn.executemany("INSERT INTO meta VALUES (?, ?)", sorted(expected.items()))
            return
        wrong = {k: (stored.get(k), v) for k, v in expected.items() if stored.get(k) != v}
        if wrong:
            what = ", ".join(
                f"{k} {old} (this newsaudit uses {new})" for k, (old, new) in sorted(wrong.items())
            )
            raise MemoryStoreError(
                f"the memory {self.path} was written with other fingerprints: {what}. Its signatures cannot be "
                f"compared with new ones; move it aside (mv {self.path} {self.path}.old) and run again"
            )

    def _error(self, exc: sqlite3.Error) -> MemoryStoreError:
        message = str(exc)
        problem = classify(exc)
        if problem == "locked":
            return MemoryStoreError(
                f"the memory {self.path} is locked by another process ({message}). Another newsaudit run (or a "
                f"program with the file open) holds it; wait for it to finish, or point this run at another file "
                f"with --memory. Nothing was changed"
            )
        if problem == "unwritable":
            return MemoryStoreError(
                f"the memory {self.path} cannot be written ({message}); nothing was changed"
            )
        return MemoryStoreError(
            f"the memory {self.path} is corrupt or not a newsaudit memory file ({message}). {recovery_hint(self.path)}"
        )

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise MemoryStoreError(f"the memory {self.path} is closed")
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> MemoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        conn = self.conn
        if conn.in_transaction:
            yield
            return
        self._guard(conn.execute, "BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        self._guard(conn.execute, "COMMIT")

    def _guard(self, fn, *args):  # type: ignore[no-untyped-def]
        try:
            return fn(*args)
        except sqlite3.Error as exc:
            raise self._error(exc) from exc

    # -- reads ----------------------------------------------------------------------

    def article(self, url: str) -> tuple[int, str] | None:
        """``(id, body_hash)`` of the remembered article at ``url``."""
        row = self._guard(
            lambda: self.conn.execute("SELECT id, body_hash FROM articles WHERE url = ?", (url,)).fetchone()
        )
        return (int(row[0]), str(row[1])) if row else None

    def site_articles(self, site: str) -> int:
        row = self._guard(
            lambda: self.conn.execute("SELECT articles FROM sites WHERE site = ?", (site,)).fetchone()
        )
        return int(row[0]) if row else 0

    def paragraph_candidates(self, keys: Sequence[int], exclude_url: str) -> list[Candidate]:
        """Cluster representatives sharing a band key, not of ``exclude_url``: ``len(keys)`` index probes."""
        marks = ",".join("?" * len(keys))
        sql = (
            "SELECT p.id, p.cluster, p.fits, p.size, p.signature, a.id, a.url, a.site, c.articles, s.articles, "
            "p.block, p.tail "
            f"FROM (SELECT DISTINCT paragraph FROM para_bands WHERE band IN ({marks})) AS hit "
            "JOIN paragraphs p ON p.id = hit.paragraph JOIN articles a ON a.id = p.article_id "
            "JOIN clusters c ON c.id = p.cluster JOIN sites s ON s.site = a.site "
            "WHERE a.url != ? ORDER BY p.id"
        )
        rows = self._guard(lambda: self.conn.execute(sql, (*keys, exclude_url)).fetchall())
        return [
            Candidate(
                paragraph=r[0],
                block=r[10],
                tail=r[11],
                cluster=r[1],
                fits=bool(r[2]),
                signature=Signature(r[4], r[3]),
                article=r[5],
                url=r[6],
                site=r[7],
                cluster_articles=r[8],
                site_articles=r[9],
            )
            for r in rows
        ]

    def body_candidates(self, keys: Sequence[int], exclude_url: str) -> list[BodyCandidate]:
        marks = ",".join("?" * len(keys))
        sql = (
            "SELECT b.article_id, a.url, b.size, b.signature "
            f"FROM (SELECT DISTINCT article_id FROM body_bands WHERE band IN ({marks})) AS hit "
            "JOIN bodies b ON b.article_id = hit.article_id JOIN articles a ON a.id = b.article_id "
            "WHERE a.url != ? ORDER BY b.article_id"
        )
        rows = self._guard(lambda: self.conn.execute(sql, (*keys, exclude_url)).fetchall())
        return [BodyCandidate(r[0], r[1], Signature(r[3], r[2])) for r in rows]

    def count(self) -> int:
        """Articles the memory holds."""
        return int(self._guard(lambda: self.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]))

    # -- writes ---------------------------------------------------------------------

    def add_article(
        self,
        *,
        url: str,
        site: str,
        body_hash: str,
        paragraphs: Sequence[StoredParagraph],
        body: Signature | None,
        duplicate_of: int | None = None,
        published: str | None = None,
        seen_at: str | None = None,
    ) -> int:
        """Remember one article (replacing an earlier version at the same URL)."""
        try:
            with self.transaction():
                if self.article(url) is not None:
                    self.remove_article(url)
                return self._insert(url, site, body_hash, paragraphs, body, duplicate_of, published, seen_at)
        except sqlite3.Error as exc:
            raise self._error(exc) from exc

    def _insert(
        self,
        url: str,
        site: str,
        body_hash: str,
        paragraphs: Sequence[StoredParagraph],
        body: Signature | None,
        duplicate_of: int | None,
        published: str | None,
        seen_at: str | None,
    ) -> int:
        conn = self.conn
        cur = conn.execute(
            "INSERT INTO articles (url, site, seen_at, published, body_hash, duplicate_of) VALUES (?, ?, ?, ?, ?, ?)",
            (url, site, seen_at or now_iso(), published, body_hash, duplicate_of),
        )
        article_id = int(cur.lastrowid or 0)
        if body is not None:
            conn.execute("INSERT INTO bodies VALUES (?, ?, ?)", (article_id, body.size, body.values))
            if duplicate_of is None:
                self._add_body_bands(article_id, body)
        if duplicate_of is not None:
            # A copy of a remembered body: its paragraphs are its original's. Counting
            # them again would make an article served under three URLs "template".
            return article_id
        conn.execute(
            "INSERT INTO sites VALUES (?, 1) ON CONFLICT(site) DO UPDATE SET articles = articles + 1", (site,)
        )
        joined: set[int] = set()
        for para in paragraphs:
            cur = conn.execute(
                "INSERT INTO paragraphs (article_id, block, tail, cluster, fits, size, signature) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    article_id,
                    para.block,
                    para.tail,
                    para.cluster or 0,
                    int(para.fits),
                    para.signature.size,
                    para.signature.values,
                ),
            )
            pid = int(cur.lastrowid or 0)
            if para.cluster is None:  # the first copy on its site: a new cluster, with band rows
                conn.execute("UPDATE paragraphs SET cluster = ? WHERE id = ?", (pid, pid))
                conn.execute("INSERT INTO clusters VALUES (?, ?, 1)", (pid, site))
                self._add_bands(pid, para.signature)
                joined.add(pid)
            elif para.cluster not in joined:  # distinct articles: a line twice on one page counts once
                conn.execute("UPDATE clusters SET articles = articles + 1 WHERE id = ?", (para.cluster,))
                joined.add(para.cluster)
        return article_id

    #: Statements on a band table, per (table, action); each takes (band key, owner id).
    _BAND_SQL = {
        ("para_bands", "add"): "INSERT OR IGNORE INTO para_bands VALUES (?, ?)",
        ("body_bands", "add"): "INSERT OR IGNORE INTO body_bands VALUES (?, ?)",
        # By key: the primary key starts with the band, so a delete by owner alone scans the index.
        ("para_bands", "remove"): "DELETE FROM para_bands WHERE band = ? AND paragraph = ?",
        ("body_bands", "remove"): "DELETE FROM body_bands WHERE band = ? AND article_id = ?",
    }

    def _bands(self, table: str, action: str, owner: int, sig: Signature) -> None:
        """Add or remove the band rows of one paragraph or body (``owner``)."""
        self.conn.executemany(
            self._BAND_SQL[(table, action)], [(k, owner) for k in fingerprint.band_keys(sig)]
        )

    def _add_bands(self, paragraph: int, sig: Signature) -> None:
        self._bands("para_bands", "add", paragraph, sig)

    def _add_body_bands(self, article: int, sig: Signature) -> None:
        self._bands("body_bands", "add", article, sig)

    def remove_article(self, url: str) -> bool:
        """Forget one article. A cluster (or body) it represented passes to its next
        copy, which gets the band rows, so the others stay findable."""
        with self.transaction():
            found = self.article(url)
            if found is None:
                return False
            article_id = found[0]
            conn = self.conn
            rows = conn.execute(
                "SELECT id, cluster, size, signature FROM paragraphs WHERE article_id = ? ORDER BY id",
                (article_id,),
            ).fetchall()
            conn.execute("DELETE FROM paragraphs WHERE article_id = ?", (article_id,))
            for cluster in sorted({r[1] for r in rows}):
                conn.execute("UPDATE clusters SET articles = articles - 1 WHERE id = ?", (cluster,))
            for pid, cluster, size, signature in rows:
                if pid == cluster:
                    self._promote(pid, Signature(signature, size))
            conn.execute("DELETE FROM clusters WHERE articles <= 0")
            site, copy = conn.execute(
                "SELECT site, duplicate_of FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
            if copy is None:  # copies were never counted (see _insert)
                conn.execute("UPDATE sites SET articles = articles - 1 WHERE site = ?", (site,))
                conn.execute("DELETE FROM sites WHERE articles <= 0")
            body = conn.execute(
                "SELECT size, signature FROM bodies WHERE article_id = ?", (article_id,)
            ).fetchone()
            if body is not None:
                self._bands("body_bands", "remove", article_id, Signature(body[1], body[0]))
            conn.execute("DELETE FROM bodies WHERE article_id = ?", (article_id,))
            conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
            self._promote_body(article_id)
            return True

    def _promote(self, old: int, sig: Signature) -> None:
        conn = self.conn
        self._bands("para_bands", "remove", old, sig)
        nxt = conn.execute(
            "SELECT id, size, signature FROM paragraphs WHERE cluster = ? ORDER BY id LIMIT 1", (old,)
        ).fetchone()
        if nxt is None:
            conn.execute("DELETE FROM clusters WHERE id = ?", (old,))
            return
        new = int(nxt[0])
        conn.execute("INSERT INTO clusters SELECT ?, site, articles FROM clusters WHERE id = ?", (new, old))
        conn.execute("DELETE FROM clusters WHERE id = ?", (old,))
        conn.execute("UPDATE paragraphs SET cluster = ? WHERE cluster = ?", (new, old))
        self._add_bands(new, Signature(nxt[2], nxt[1]))

    def _promote_body(self, old: int) -> None:
        conn = self.conn
        copies = [
            r[0] for r in conn.execute("SELECT id FROM articles WHERE duplicate_of = ? ORDER BY id", (old,))
        ]
        if not copies:
            return
        first, rest = copies[0], copies[1:]
        conn.execute("UPDATE articles SET duplicate_of = NULL WHERE id = ?", (first,))
        conn.executemany("UPDATE articles SET duplicate_of = ? WHERE id = ?", [(first, r) for r in rest])
        row = conn.execute("SELECT size, signature FROM bodies WHERE article_id = ?", (first,)).fetchone()
        if row is not None:
            self._add_body_bands(first, Signature(row[1], row[0]))

    def prune(self, before: str) -> int:
        """Forget articles first seen before ``before`` (an ISO date or time)."""
        urls = [r[0] for r in self._guard(lambda: self.conn.execute(
            "SELECT url FROM articles WHERE seen_at < ? ORDER BY id", (before,)
        ).fetchall())]  # fmt: skip
        try:
            with self.transaction():
                for url in urls:
                    self.remove_article(url)
        except sqlite3.Error as exc:
            raise self._error(exc) from exc
        return len(urls)

    def stats(self) -> dict[str, object]:
        """Counts an operator wants: articles, sites, paragraphs, clusters, band rows, bytes."""

        def one(sql: str) -> int:
            return int(self._guard(lambda: self.conn.execute(sql).fetchone()[0]) or 0)

        sites = self._guard(
            lambda: self.conn.execute(
                "SELECT site, articles FROM sites ORDER BY articles DESC, site"
            ).fetchall()
        )
        size = 0
        if isinstance(self.path, Path) and self.path.exists():
            size = sum(p.stat().st_size for p in (self.path, Path(f"{self.path}-wal")) if p.exists())
        return {
            "path": str(self.path),
            "articles": one("SELECT COUNT(*) FROM articles"),
            "sites": {s: n for s, n in sites},
            "paragraphs": one("SELECT COUNT(*) FROM paragraphs"),
            "clusters": one("SELECT COUNT(*) FROM clusters"),
            "band_rows": one("SELECT COUNT(*) FROM para_bands") + one("SELECT COUNT(*) FROM body_bands"),
            "duplicates": one("SELECT COUNT(*) FROM articles WHERE duplicate_of IS NOT NULL"),
            "oldest": self._guard(
                lambda: self.conn.execute("SELECT MIN(seen_at) FROM articles").fetchone()[0]
            ),
            "bytes": size,
        }
