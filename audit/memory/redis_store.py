"""The site memory in Redis, shared by the workers of a distributed crawl (``--redis``).

Same contents and meaning as the SQLite file (:mod:`audit.memory.store`, see
:mod:`audit.memory.backend`), laid out as Redis keys under one prefix that names the
memory layout and the fingerprint parameters (``newsaudit:memory:1-<digest>:``), so it
shares the crawl's Redis with the frontier (``newsaudit:<site>:...``) and memories of
other fingerprints never mix:

- ``urls`` (hash url -> article id), ``a:<id>`` (hash: url, site, seen_at, published,
  body_hash, duplicate_of, body signature), ``ap:<id>`` (list of its paragraph ids),
  ``sites`` (hash site -> articles), ``seen`` (sorted set ``seen_at NUL id``, for prune);
- ``p:<id>`` (hash: article, block, tail, cluster, fits, signature), ``c:<cluster>``
  (hash: site, articles), ``cm:<cluster>`` (sorted set of its paragraphs; the lowest is
  its representative);
- ``pb:<band key>`` (set of representative paragraphs), ``bb:<band key>`` (set of
  articles whose body is an original), ``dups:<id>`` (its copies): a lookup is one
  ``SUNION`` of ``b`` band sets and a few pipelined ``HMGET``; nothing ever scans;
- ``next:article``, ``next:paragraph`` (``INCR`` ids), ``n`` (counters for stats),
  ``meta``; ``lock`` with ``lock:queue``, ``lock:waiter:<token>`` and
  ``lock:wake:<token>`` (:mod:`audit.memory.fair_lock`).

Atomicity: :meth:`RedisMemoryStore.transaction` holds a fair Redis lock
(:class:`audit.memory.fair_lock.FairLock`: granted in arrival order, expiring so a
killed worker cannot block the others), and :func:`audit.memory.judge.judge` runs a
page's recall and remember inside it: the workers judge pages one at a time, each
against every page remembered before it, whichever worker remembered it. Every write
of an article is one ``MULTI``/``EXEC``, so a worker killed mid-write leaves nothing
half-written. Any Redis error or timeout is a :class:`MemoryStoreError`: the crawl
pipeline then audits pages alone and says so in ``run.json``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any, TypeVar

from audit.memory import fingerprint
from audit.memory.fair_lock import FairLock
from audit.memory.fingerprint import Signature
from audit.memory.store import (
    MEMORY_SCHEMA_VERSION,
    BodyCandidate,
    Candidate,
    MemoryStoreError,
    StoredParagraph,
    now_iso,
)

#: A lock held longer than this (a worker killed while judging) is released by Redis.
LOCK_SECONDS = 30.0
#: How long a worker waits for the lock before giving up on the memory for this run.
WAIT_SECONDS = 30.0
_P_FIELDS = ("article", "block", "tail", "cluster", "fits", "size", "sig")
T = TypeVar("T")


def key_prefix() -> str:
    """``newsaudit:memory:<layout>-<digest of the fingerprint parameters>:``."""
    params = json.dumps({"schema_version": MEMORY_SCHEMA_VERSION, **fingerprint.params()}, sort_keys=True)
    return f"newsaudit:memory:{MEMORY_SCHEMA_VERSION}-{hashlib.sha256(params.encode()).hexdigest()[:12]}:"


def redact(url: str) -> str:
    """The URL without its password (messages and run.json name the memory by it)."""
    return re.sub(r"^([a-z]+://[^:/@]*):[^@/]*@", r"\1:***@", url)


def _b(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _s(raw: bytes | None) -> str:
    return "" if raw is None else raw.decode("utf-8", "surrogatepass")


class RedisMemoryStore:
    """The memory under :func:`key_prefix` in the Redis at ``url``."""

    def __init__(
        self,
        url: str,
        *,
        prefix: str | None = None,
        timeout: float = 5.0,
        lock_seconds: float = LOCK_SECONDS,
        wait_seconds: float = WAIT_SECONDS,
    ) -> None:
        import redis
        from redis.backoff import ExponentialBackoff
        from redis.retry import Retry

        self.url = url
        self.path = redact(url)
        self.prefix = prefix or key_prefix()
        self.lock_seconds, self.wait_seconds = lock_seconds, wait_seconds
        self._errors: tuple[type[BaseException], ...] = (redis.exceptions.RedisError, OSError)
        self._depth = 0
        self._lock: FairLock | None = None
        try:
            self._client: Any = redis.Redis.from_url(
                url,
                socket_timeout=timeout,
                socket_connect_timeout=timeout,
                retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 2),
                decode_responses=False,
            )
        except ValueError as exc:
            raise MemoryStoreError(f"{self.path} is not a Redis URL (redis://HOST:PORT/DB): {exc}") from exc
        try:
            self._guard(self._check_meta)
        except MemoryStoreError:
            self.close()
            raise

    # -- plumbing -------------------------------------------------------------------

    @property
    def r(self) -> Any:
        if self._client is None:
            raise MemoryStoreError(f"the memory in Redis at {self.path} is closed")
        return self._client

    def k(self, *parts: object) -> str:
        return self.prefix + ":".join(str(p) for p in parts)

    def _error(self, exc: BaseException) -> MemoryStoreError:
        return MemoryStoreError(
            f"the site memory in Redis at {self.path} is unavailable ({type(exc).__name__}: {exc}). It only "
            f"sharpens the audit; nothing in the feeds depends on it"
        )

    def _guard(self, fn: Callable[..., T], *args: Any) -> T:
        try:
            return fn(*args)
        except self._errors as exc:
            raise self._error(exc) from exc

    def _check_meta(self) -> None:
        expected = {"schema_version": MEMORY_SCHEMA_VERSION, **fingerprint.params()}
        stored = {_s(k): _s(v) for k, v in self.r.hgetall(self.k("meta")).items()}
        if not stored:
            self.r.hset(self.k("meta"), mapping=expected)
            return
        wrong = sorted(k for k, v in expected.items() if stored.get(k) != v)
        if wrong:
            what = ", ".join(f"{k} {stored.get(k)} (this newsaudit uses {expected[k]})" for k in wrong)
            raise MemoryStoreError(
                f"the memory under {self.prefix} in Redis at {self.path} was written with other fingerprints: "
                f"{what}; use another prefix or delete its keys"
            )

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> RedisMemoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the memory's lock (re-entrant within this store)."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        client = self.r  # a closed store says so, as before
        if self._lock is None:  # one per store: its scripts are registered once, not per page
            self._lock = FairLock(client, self.k("lock"), ttl=self.lock_seconds)
        lock = self._lock
        lock.ttl = self.lock_seconds  # read per transaction, as the store's setting may change
        if not self._guard(lock.acquire, self.wait_seconds):
            raise MemoryStoreError(
                f"the site memory in Redis at {self.path} stayed locked by another worker for "
                f"{self.wait_seconds:g} s; nothing was changed"
            )
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            with suppress(*self._errors):  # the first error is the one to report
                lock.release()
            raise
        self._depth = 0
        self._guard(lock.release)

    # -- reads ----------------------------------------------------------------------

    def article(self, url: str) -> tuple[int, str] | None:
        """``(id, body_hash)`` of the remembered article at ``url``."""
        return self._guard(self._article, url)

    def _article(self, url: str) -> tuple[int, str] | None:
        aid = self.r.hget(self.k("urls"), _b(url))
        if aid is None:
            return None
        digest = self.r.hget(self.k("a", int(aid)), "body_hash")
        return None if digest is None else (int(aid), _s(digest))

    def site_articles(self, site: str) -> int:
        raw = self._guard(self.r.hget, self.k("sites"), _b(site))
        return int(raw) if raw is not None else 0

    def paragraph_candidates(self, keys: Sequence[int], exclude_url: str) -> list[Candidate]:
        """Cluster representatives sharing a band key, not of ``exclude_url``: one ``SUNION``."""
        return self._guard(self._paragraph_candidates, keys, exclude_url)

    def _paragraph_candidates(self, keys: Sequence[int], exclude_url: str) -> list[Candidate]:
        pids = self._members("pb", keys)
        if not pids:
            return []
        pipe = self.r.pipeline(transaction=False)
        for pid in pids:
            pipe.hmget(self.k("p", pid), *_P_FIELDS)
        paras = [(pid, row) for pid, row in zip(pids, pipe.execute(), strict=True) if row[0] is not None]
        pipe = self.r.pipeline(transaction=False)
        for _, row in paras:
            pipe.hmget(self.k("a", int(row[0])), "url", "site")
            pipe.hget(self.k("c", int(row[3])), "articles")
        looked = pipe.execute()
        owners, cluster_articles = looked[0::2], looked[1::2]
        sites = sorted({site for _, site in owners if site is not None})
        site_articles = dict(zip(sites, self.r.hmget(self.k("sites"), sites), strict=True)) if sites else {}
        found = []
        for (pid, row), (url, site), articles in zip(paras, owners, cluster_articles, strict=True):
            if url is None or articles is None or site_articles.get(site) is None or _s(url) == exclude_url:
                continue  # removed meanwhile, or gone from the counts (as a join drops it in SQLite)
            found.append(
                Candidate(
                    paragraph=pid,
                    block=int(row[1]),
                    tail=int(row[2]),
                    cluster=int(row[3]),
                    fits=row[4] == b"1",
                    signature=Signature(bytes(row[6]), int(row[5])),
                    article=int(row[0]),
                    url=_s(url),
                    site=_s(site),
                    cluster_articles=int(articles),
                    site_articles=int(site_articles[site]),
                )
            )
        return found

    def body_candidates(self, keys: Sequence[int], exclude_url: str) -> list[BodyCandidate]:
        return self._guard(self._body_candidates, keys, exclude_url)

    def _body_candidates(self, keys: Sequence[int], exclude_url: str) -> list[BodyCandidate]:
        aids = self._members("bb", keys)
        if not aids:
            return []
        pipe = self.r.pipeline(transaction=False)
        for aid in aids:
            pipe.hmget(self.k("a", aid), "url", "body_size", "body_sig")
        return [
            BodyCandidate(aid, _s(url), Signature(bytes(sig), int(size)))
            for aid, (url, size, sig) in zip(aids, pipe.execute(), strict=True)
            if url is not None and sig is not None and _s(url) != exclude_url
        ]

    def _members(self, kind: str, keys: Sequence[int]) -> list[int]:
        if not keys:
            return []
        return sorted(int(m) for m in self.r.sunion([self.k(kind, key) for key in keys]))

    def count(self) -> int:
        """Articles the memory holds."""
        return int(self._guard(self.r.hlen, self.k("urls")))

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

        def add() -> int:
            with self.transaction():
                if self._article(url) is not None:
                    self._remove(url)
                return self._insert(url, site, body_hash, paragraphs, body, duplicate_of, published, seen_at)

        return self._guard(add)

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
        r = self.r
        aid = int(r.incr(self.k("next", "article")))
        # A copy of a remembered body: its paragraphs are its original's, not stored or counted.
        paras = list(paragraphs) if duplicate_of is None else []
        last = int(r.incrby(self.k("next", "paragraph"), len(paras))) if paras else 0
        pids = list(range(last - len(paras) + 1, last + 1))
        seen = seen_at or now_iso()
        fields: dict[str, Any] = {
            "url": _b(url),
            "site": _b(site),
            "seen_at": seen,
            "published": published or "",
            "body_hash": body_hash,
            "duplicate_of": "" if duplicate_of is None else duplicate_of,
        }
        if body is not None:
            fields.update(body_size=body.size, body_sig=body.values)
        pipe = r.pipeline(transaction=True)
        pipe.hset(self.k("a", aid), mapping=fields)
        pipe.hset(self.k("urls"), _b(url), aid)
        pipe.zadd(self.k("seen"), {_b(seen) + b"\x00" + str(aid).encode(): 0})
        if duplicate_of is not None:
            pipe.zadd(self.k("dups", duplicate_of), {aid: aid})
            pipe.hincrby(self.k("n"), "duplicates", 1)
            pipe.execute()
            return aid
        if body is not None:
            self._bands(pipe, "bb", aid, body, add=True)
        pipe.hincrby(self.k("sites"), _b(site), 1)
        if pids:
            pipe.rpush(self.k("ap", aid), *pids)
            pipe.hincrby(self.k("n"), "paragraphs", len(pids))
        joined: set[int] = set()
        for pid, para in zip(pids, paras, strict=True):
            cluster = pid if para.cluster is None else para.cluster
            pipe.hset(
                self.k("p", pid),
                mapping={
                    "article": aid,
                    "block": para.block,
                    "tail": para.tail,
                    "cluster": cluster,
                    "fits": int(para.fits),
                    "size": para.signature.size,
                    "sig": para.signature.values,
                },
            )
            pipe.zadd(self.k("cm", cluster), {pid: pid})
            if para.cluster is None:  # the first copy on its site: a new cluster, in the band sets
                pipe.hset(self.k("c", pid), mapping={"site": _b(site), "articles": 1})
                pipe.hincrby(self.k("n"), "clusters", 1)
                self._bands(pipe, "pb", pid, para.signature, add=True)
            elif cluster not in joined:  # distinct articles: a line twice on one page counts once
                pipe.hincrby(self.k("c", cluster), "articles", 1)
            joined.add(cluster)
        pipe.execute()
        return aid

    def _bands(self, pipe: Any, kind: str, member: int, sig: Signature, *, add: bool) -> None:
        keys = fingerprint.band_keys(sig)
        for key in keys:
            (pipe.sadd if add else pipe.srem)(self.k(kind, key), member)
        pipe.hincrby(self.k("n"), "band_rows", len(keys) if add else -len(keys))

    def remove_article(self, url: str) -> bool:
        """Forget one article. A cluster (or body) it represented passes to its next
        copy, which joins the band sets, so the others stay findable."""

        def remove() -> bool:
            with self.transaction():
                return self._remove(url)

        return self._guard(remove)

    def _remove(self, url: str) -> bool:
        """Read what the article holds (under the lock), then forget it in one ``MULTI``."""
        found = self._article(url)
        if found is None:
            return False
        r, aid = self.r, found[0]
        site, copy_of, seen, body_size, body_sig = r.hmget(
            self.k("a", aid), "site", "duplicate_of", "seen_at", "body_size", "body_sig"
        )
        pids = [int(p) for p in r.lrange(self.k("ap", aid), 0, -1)]
        pipe = r.pipeline(transaction=False)
        for pid in pids:
            pipe.hmget(self.k("p", pid), "cluster", "size", "sig")
        rows = dict(zip(pids, pipe.execute(), strict=True))
        mine: dict[int, set[int]] = {}
        for pid, row in rows.items():
            if row[0] is not None:
                mine.setdefault(int(row[0]), set()).add(pid)
        plans = [self._cluster_plan(cluster, gone, rows) for cluster, gone in sorted(mine.items())]
        site_left = int(r.hget(self.k("sites"), site) or 0) - 1
        copies = [int(c) for c in r.zrange(self.k("dups", aid), 0, -1)] if not copy_of else []
        first_body = r.hmget(self.k("a", copies[0]), "body_size", "body_sig") if copies else None

        tx = r.pipeline(transaction=True)
        for pid in pids:
            tx.delete(self.k("p", pid))
        tx.delete(self.k("ap", aid))
        if pids:
            tx.hincrby(self.k("n"), "paragraphs", -len(pids))
        for plan in plans:
            plan(tx)
        if copy_of:  # copies were never counted (see _insert)
            tx.zrem(self.k("dups", int(copy_of)), aid)
            tx.hincrby(self.k("n"), "duplicates", -1)
        else:
            if site_left > 0:
                tx.hincrby(self.k("sites"), site, -1)
            else:
                tx.hdel(self.k("sites"), site)
            if body_sig is not None:
                self._bands(tx, "bb", aid, Signature(bytes(body_sig), int(body_size)), add=False)
        tx.delete(self.k("a", aid))
        tx.hdel(self.k("urls"), _b(url))
        tx.zrem(self.k("seen"), (seen or b"") + b"\x00" + str(aid).encode())
        if copies:  # the first copy becomes the original, the others its copies
            first, rest = copies[0], copies[1:]
            tx.hset(self.k("a", first), "duplicate_of", "")
            tx.hincrby(self.k("n"), "duplicates", -1)
            for other in rest:
                tx.hset(self.k("a", other), "duplicate_of", first)
                tx.zadd(self.k("dups", first), {other: other})
            tx.delete(self.k("dups", aid))
            if first_body is not None and first_body[1] is not None:
                self._bands(tx, "bb", first, Signature(bytes(first_body[1]), int(first_body[0])), add=True)
        tx.execute()
        return True

    def _cluster_plan(
        self, cluster: int, gone: set[int], rows: dict[int, list[Any]]
    ) -> Callable[[Any], None]:
        """The writes that take ``gone`` (this article's paragraphs) out of ``cluster``:
        one article fewer, and a new representative when the old one goes."""
        r = self.r
        left = int(r.hget(self.k("c", cluster), "articles") or 0) - 1
        head = [int(m) for m in r.zrange(self.k("cm", cluster), 0, len(gone))]
        rep = head[0] if head else None
        successor = next((m for m in head if m not in gone), None)
        new_sig = r.hmget(self.k("p", successor), "size", "sig") if successor is not None else None

        def plan(tx: Any) -> None:
            tx.zrem(self.k("cm", cluster), *sorted(gone))
            if rep in gone:
                size, sig = rows[rep][1], rows[rep][2]
                self._bands(tx, "pb", rep, Signature(bytes(sig), int(size)), add=False)
            if left <= 0 or successor is None:
                tx.delete(self.k("c", cluster), self.k("cm", cluster))
                tx.hincrby(self.k("n"), "clusters", -1)
                return
            tx.hincrby(self.k("c", cluster), "articles", -1)
            if rep in gone and new_sig is not None and new_sig[1] is not None:
                self._bands(tx, "pb", successor, Signature(bytes(new_sig[1]), int(new_sig[0])), add=True)

        return plan

    def prune(self, before: str) -> int:
        """Forget articles first seen before ``before`` (an ISO date or time)."""

        def prune() -> int:
            members = self.r.zrangebylex(self.k("seen"), "-", b"(" + _b(before))
            aids = sorted(int(m.rsplit(b"\x00", 1)[1]) for m in members)
            with self.transaction():
                urls = [self.r.hget(self.k("a", aid), "url") for aid in aids]
                for url in urls:
                    if url is not None:
                        self._remove(_s(url))
            return len(aids)

        return self._guard(prune)

    def stats(self) -> dict[str, object]:
        """Counts an operator wants: articles, sites, paragraphs, clusters, band rows."""

        def stats() -> dict[str, object]:
            r = self.r
            counters = {_s(k): int(v) for k, v in r.hgetall(self.k("n")).items()}
            sites = sorted(
                ((_s(s), int(n)) for s, n in r.hgetall(self.k("sites")).items()), key=lambda x: (-x[1], x[0])
            )
            oldest = r.zrangebylex(self.k("seen"), "-", "+", start=0, num=1)
            return {
                "path": f"{self.path} ({self.prefix})",
                "articles": int(r.hlen(self.k("urls"))),
                "sites": dict(sites),
                "paragraphs": counters.get("paragraphs", 0),
                "clusters": counters.get("clusters", 0),
                "band_rows": counters.get("band_rows", 0),
                "duplicates": counters.get("duplicates", 0),
                "oldest": _s(oldest[0].split(b"\x00", 1)[0]) if oldest else None,
                "bytes": None,  # shared with the rest of the Redis: see INFO memory
            }

        return self._guard(stats)
