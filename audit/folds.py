"""Cross-site folds for ``newsaudit eval --folds K``.

A rule tuned on a handful of pages of one site looks better on that site than on
any other. Splitting the labelled pages by *site* (never by page) and scoring each
fold apart shows how a rule does on sites the others did not show it; the worst
fold, not the mean, is the figure a change must not make worse.

A page's site is the host of its ``url`` (``www.`` dropped). Pages without a usable
host -- no URL, or a placeholder host such as ``news.example`` that fixture layouts
share -- are grouped by their ``base`` with its trailing identifier dropped
(``tl-fnf-faad6cae84`` -> ``tl-fnf``), i.e. by the collection they were built from.

Sites are assigned to folds greedily, largest first, each to the fold holding the
fewest pages so far (ties: the lower fold number): the folds come out about the same
size, and the assignment depends only on the label file, so it is the same on every run.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

#: Hosts reserved for examples (RFC 2606 / RFC 6761): not a real site of their own.
_PLACEHOLDER_HOST = re.compile(r"(^|\.)(example|invalid|test|localhost)(\.(com|net|org))?$")
_TRAILING_ID = re.compile(r"[-_][0-9a-f]{6,}$|[-_]\d+$", re.IGNORECASE)

#: Metrics where a higher value is better (the worst fold is the lowest); the others
#: (shares of controls flagged, false flags per 100 clean pages) are worst when highest.
_HIGHER_IS_BETTER = frozenset({"precision", "recall", "f1", "strict_precision"})
_TYPE_METRICS = ("precision", "recall", "f1", "strict_precision", "controls_flagged_rate")


def site_of(url: str | None, base: str | None, page: str) -> str:
    """The site a labelled page belongs to (see the module docstring)."""
    host = (urlsplit(url).hostname or "") if url else ""
    host = host.removeprefix("www.")
    if host and not _PLACEHOLDER_HOST.search(host):
        return host
    if base:
        return _TRAILING_ID.sub("", base) or base
    return host or page


def assign_folds(sites: Sequence[str], k: int) -> dict[str, int]:
    """Map each site to a fold in ``range(k)``, balancing pages per fold deterministically."""
    if k < 2:
        raise ValueError("--folds needs at least 2 folds")
    sizes = Counter(sites)
    if len(sizes) < k:
        raise ValueError(f"--folds {k}: the labels name only {len(sizes)} sites")
    order = sorted(sizes, key=lambda s: (-sizes[s], hashlib.sha1(s.encode()).hexdigest()))
    load = [0] * k
    folds: dict[str, int] = {}
    for site in order:
        fold = min(range(k), key=lambda f: (load[f], f))
        folds[site] = fold
        load[fold] += sizes[site]
    return folds


def _extreme(values: list[float], metric: str) -> float | None:
    if not values:
        return None
    return min(values) if metric in _HIGHER_IS_BETTER else max(values)


def summarise(fold_reports: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Mean and worst fold of every metric; a fold where a metric is undefined is left out of it."""

    def collect(get: Callable[[dict[str, Any]], float | None]) -> list[float]:
        return [v for v in (get(r) for r in fold_reports) if v is not None]

    mean: dict[str, Any] = {"types": {}}
    worst: dict[str, Any] = {"types": {}}
    for kind in fold_reports[0]["types"]:
        mean["types"][kind], worst["types"][kind] = {}, {}
        for metric in _TYPE_METRICS:
            values = collect(lambda r, kind=kind, metric=metric: r["types"][kind][metric])
            mean["types"][kind][metric] = round(sum(values) / len(values), 4) if values else None
            worst["types"][kind][metric] = _extreme(values, metric)
    per_100 = collect(lambda r: r["false_flags_per_100_clean_pages"])
    mean["false_flags_per_100_clean_pages"] = round(sum(per_100) / len(per_100), 2) if per_100 else None
    worst["false_flags_per_100_clean_pages"] = _extreme(per_100, "false_flags_per_100_clean_pages")
    return {"mean": mean, "worst": worst}
