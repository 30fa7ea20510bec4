"""What :mod:`audit.memory.judge` needs from a memory: the SQLite file
(:class:`~audit.memory.store.MemoryStore`) or the Redis keys shared by a distributed
crawl's workers (:class:`~audit.memory.redis_store.RedisMemoryStore`).

Both keep the same things with the same meaning: one representative per same-site
*cluster* of near-copies carries the band keys, a cluster counts the distinct articles
carrying it, a site counts its articles (copies of a remembered body not included), and
a removed representative passes its cluster (or body) to the next copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

from audit.memory.fingerprint import Signature
from audit.memory.store import BodyCandidate, Candidate, MemoryStore, StoredParagraph

#: ``--memory`` values naming a Redis server rather than a file.
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


class Store(Protocol):
    def article(self, url: str) -> tuple[int, str] | None: ...

    def site_articles(self, site: str) -> int: ...

    def paragraph_candidates(self, keys: Sequence[int], exclude_url: str) -> list[Candidate]: ...

    def body_candidates(self, keys: Sequence[int], exclude_url: str) -> list[BodyCandidate]: ...

    def count(self) -> int: ...

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
    ) -> int: ...

    def remove_article(self, url: str) -> bool: ...

    def transaction(self) -> AbstractContextManager[None]: ...

    def prune(self, before: str) -> int: ...

    def stats(self) -> dict[str, object]: ...

    def close(self) -> None: ...


def is_redis(target: str | Path) -> bool:
    return isinstance(target, str) and target.startswith(REDIS_SCHEMES)


def open_store(target: str | Path) -> Store:
    """A Redis URL opens the shared memory in that Redis; anything else is a file (or ``:memory:``)."""
    if is_redis(target):
        from audit.memory.redis_store import RedisMemoryStore

        return RedisMemoryStore(str(target))
    return MemoryStore(target)
