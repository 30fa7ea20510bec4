"""Per-run accounting (the ledger) and the cross-run state boundary.

The :class:`Ledger` guarantees the feed's central promise: every discovered article
URL ends in exactly one terminal outcome, and ``run.json`` counts add up.

:class:`StateStore` is the seam for incremental crawling (issue 5): it remembers,
per URL, the last content hash, version and HTTP validators. :class:`MemoryStore`
keeps nothing between runs, so every article is version 1; a SQLite store can
replace it without touching the spider or the pipeline.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Protocol

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


class StateStore(Protocol):
    """Cross-run memory of fetched URLs (issue 5 plugs a SQLite store in here)."""

    def previous(self, url: str) -> Previous | None: ...

    def remember(
        self, url: str, *, content_hash: str, version: int, etag: str | None, last_modified: str | None
    ) -> None: ...

    def close(self) -> None: ...


class MemoryStore:
    """A store that forgets at the end of the run: every article is a first version."""

    def __init__(self) -> None:
        self._rows: dict[str, Previous] = {}

    def previous(self, url: str) -> Previous | None:
        return self._rows.get(url)

    def remember(
        self, url: str, *, content_hash: str, version: int, etag: str | None, last_modified: str | None
    ) -> None:
        self._rows[url] = Previous(content_hash, version, etag, last_modified)

    def close(self) -> None:
        self._rows.clear()
