"""Turn run records into plain view data for the templates.

Templates only loop and print (autoescaped); every decision about what is
highlighted, which URL is clickable and how scores are bucketed lives here, where
it can be unit-tested.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from audit.report.rundir import RunData

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def safe_href(url: Any) -> str | None:
    """Return ``url`` if it is an absolute http(s) URL, else ``None`` (rendered inert).

    ``javascript:``, ``data:``, relative and malformed URLs never become links.
    Control characters and whitespace inside the scheme are what browsers strip
    before parsing, so a URL containing any is refused outright.
    """
    if not isinstance(url, str) or not url:
        return None
    if any(ord(ch) < 33 or ord(ch) == 127 for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


@dataclass(frozen=True)
class Segment:
    """A run of block text; ``marked`` runs are the evidence of a finding. A mark that
    is ``whole`` covers the whole block because its evidence was not found in it."""

    text: str
    marked: bool = False
    whole: bool = False


_SPACE = re.compile(r"\s+")


def _spaced_spans(text: str, evidence: str) -> list[tuple[int, int]]:
    """Where ``evidence`` occurs in ``text`` once runs of whitespace count as one space
    (a line break or a double space in either), as spans of the original ``text``."""
    wanted = _SPACE.sub(" ", evidence).strip()
    if not wanted:
        return []
    flat: list[str] = []
    origin: list[int] = []  # flat position -> text position
    for match in re.finditer(r"\s+|\S+", text):
        if match.group().isspace():
            flat.append(" ")
            origin.append(match.start())
        else:
            flat.extend(match.group())
            origin.extend(range(match.start(), match.end()))
    joined = "".join(flat)
    spans = []
    start = joined.find(wanted)
    while start != -1:
        last = start + len(wanted) - 1
        spans.append((origin[start], origin[last] + 1))  # ``wanted`` ends on a non-space
        start = joined.find(wanted, start + len(wanted))
    return spans


def highlight(text: str, evidences: list[str]) -> list[Segment]:
    """Split ``text`` into segments, marking the evidence span of each finding.

    Evidence is exact extracted text (DESIGN.md §2), normally the flagged figure,
    sentence or paragraph: every verbatim occurrence is marked. Evidence found only
    once whitespace is normalised is marked on the original characters; evidence not
    found at all (or empty) marks the whole block, so a finding is never left without
    a mark. Overlapping marks merge into one.
    """
    spans: list[tuple[int, int]] = []
    whole = False
    for evidence in evidences:
        found: list[tuple[int, int]] = []
        start = text.find(evidence) if evidence else -1
        while start != -1:
            found.append((start, start + len(evidence)))
            start = text.find(evidence, start + len(evidence))
        if not found:
            found = _spaced_spans(text, evidence)
        if not found:
            whole = True
        spans.extend(found)
    if whole and text:
        return [Segment(text, marked=True, whole=True)]
    if not spans:
        return [Segment(text)]
    spans.sort()
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out: list[Segment] = []
    pos = 0
    for start, end in merged:
        if start > pos:
            out.append(Segment(text[pos:start]))
        out.append(Segment(text[start:end], marked=True))
        pos = end
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out


@dataclass
class BlockView:
    index: int
    kind: str
    level: int | None
    language: str | None
    segments: list[Segment]
    findings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def severity(self) -> str | None:
        if not self.findings:
            return None
        return min(
            (f.get("severity") or "info" for f in self.findings), key=lambda s: SEVERITY_ORDER.get(s, 3)
        )


@dataclass
class ArticleView:
    """One article ready to render: blocks with their findings attached."""

    number: int
    record: dict[str, Any]
    title: str
    href: str | None
    blocks: list[BlockView]
    article_findings: list[dict[str, Any]]
    types: list[str]

    @property
    def url(self) -> str:
        return str(self.record.get("url") or "")

    @property
    def findings(self) -> list[dict[str, Any]]:
        return list(self.record.get("findings") or [])


def _as_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def article_view(number: int, record: dict[str, Any]) -> ArticleView:
    """Attach each finding to its block; findings without a valid block stay article-level."""
    raw_blocks = [b for b in record.get("blocks") or [] if isinstance(b, dict)]
    findings = [f for f in record.get("findings") or [] if isinstance(f, dict)]
    by_index: dict[int, list[dict[str, Any]]] = {}
    positions = {_as_int(b.get("index")): pos for pos, b in enumerate(raw_blocks)}
    article_level: list[dict[str, Any]] = []
    for finding in findings:
        block = _as_int(finding.get("block"))
        if block is not None and block in positions:
            by_index.setdefault(block, []).append(finding)
        else:
            article_level.append(finding)
    blocks: list[BlockView] = []
    for pos, raw in enumerate(raw_blocks):
        index = _as_int(raw.get("index"))
        index = pos if index is None else index
        attached = by_index.get(index, [])
        text = str(raw.get("text") or "")
        blocks.append(
            BlockView(
                index=index,
                kind=str(raw.get("kind") or "paragraph"),
                level=_as_int(raw.get("level")),
                language=raw.get("language") if isinstance(raw.get("language"), str) else None,
                segments=highlight(text, [str(f.get("evidence") or "") for f in attached]),
                findings=attached,
            )
        )
    title = str(record.get("headline") or record.get("title") or record.get("url") or f"article {number}")
    types = sorted({str(f.get("type")) for f in findings if f.get("type")})
    return ArticleView(
        number=number,
        record=record,
        title=title,
        href=safe_href(record.get("url")),
        blocks=blocks,
        article_findings=article_level,
        types=types,
    )


def score_histogram(scores: list[int], width: int = 10) -> list[tuple[str, int]]:
    """Counts per score bucket 0-9, 10-19, ... 90-100 (100 joins the last bucket)."""
    buckets = [0] * (100 // width)
    for s in scores:
        buckets[min(max(s, 0), 99) // width] += 1
    labels = [f"{i * width}–{i * width + width - 1}" for i in range(len(buckets))]
    labels[-1] = f"{(len(buckets) - 1) * width}–100"
    return list(zip(labels, buckets, strict=True))


#: A crawl's ``run.json`` counts, in its own order and words (crawler.state.COUNT_KEYS;
#: the auditor does not import the crawler).
CRAWL_COUNTS: tuple[tuple[str, str], ...] = (
    ("discovered", "article URLs discovered"),
    ("articles", "articles audited"),
    ("unchanged", "unchanged since the last run"),
    ("duplicates", "duplicates"),
    ("filtered", "filtered"),
    ("disallowed", "disallowed by robots.txt"),
    ("failed", "failed"),
    ("rejected", "rejected (schema)"),
)


def summary_cards(counts: dict[str, Any], audited: int, failed: int, rejected: int, crawled: int) -> list:
    """``(id, number, label)`` of the cards: a crawl's run.json counts under its own
    names when the run has them (so the report says what the CLI and run.json say:
    duplicates and robots-disallowed URLs are not "failed"), else what the files hold."""
    if all(_as_int(counts.get(key)) is not None for key, _ in CRAWL_COUNTS):
        return [(key, counts[key], label) for key, label in CRAWL_COUNTS]
    return [
        ("crawled", crawled, "pages crawled"),
        ("audited", audited, "articles audited"),
        ("failed", failed, "failed"),
        ("rejected", rejected, "rejected (schema)"),
    ]


def view_cards(meta: dict[str, Any], audited: int) -> list:
    """The stable view's cards: every article it holds, then what the last run did."""
    last = meta.get("last_run_counts") if isinstance(meta.get("last_run_counts"), dict) else {}
    cards = [("audited", audited, "articles audited (latest version of each)")]
    for key, label in (
        ("articles", "new or changed in the last run"),
        ("unchanged", "unchanged in the last run"),
        ("failed", "failed in the last run"),
    ):
        if _as_int(last.get(key)) is not None:
            cards.append((f"last-{key}", last[key], label))
    return cards


def trend_view(meta: dict[str, Any]) -> dict[str, Any] | None:
    """The per-run trend of a stable view (oldest first) as table rows, with the
    finding types as columns and a mean-score line for the inline chart."""
    rows = [r for r in meta.get("trend") or [] if isinstance(r, dict)]
    if not rows:
        return None
    types = sorted({t for r in rows for t in (r.get("findings") or {})})
    width, height, pad = 340, 120, 10
    scores = [
        (i, r["mean_score"]) for i, r in enumerate(rows) if isinstance(r.get("mean_score"), int | float)
    ]
    step = (width - 2 * pad) / max(len(rows) - 1, 1)
    points = " ".join(
        f"{round(pad + i * step, 1)},{round(height - pad - (height - 2 * pad) * s / 100, 1)}"
        for i, s in scores
    )
    return {
        "rows": rows,
        "types": types,
        "chart": {"width": width, "height": height, "points": points, "n": len(scores)},
    }


def alert_views(meta: dict[str, Any]) -> list[dict[str, Any]]:
    """Drift alerts (run.json ``alerts``) ready to print: measure, range, value."""
    out = []
    for alert in meta.get("alerts") or []:
        if (
            isinstance(alert, dict)
            and isinstance(alert.get("expected"), list)
            and len(alert["expected"]) == 2
        ):
            lo, hi = alert["expected"]
            out.append(
                {"measure": str(alert.get("measure")), "lo": lo, "hi": hi, "value": alert.get("value")}
            )
    return out


def memory_view(meta: dict[str, Any]) -> dict[str, Any] | None:
    """The site memory (run.json ``memory``) ready to print: status, backend, how many
    articles it held before and after the run, and the error when it was unavailable."""
    memory = meta.get("memory")
    if not isinstance(memory, dict) or memory.get("status") not in ("used", "off", "unavailable"):
        return None
    path = str(memory.get("path") or "")
    return {
        "status": memory["status"],
        "backend": str(memory.get("backend") or ("sqlite" if path else "")),
        "path": path,
        "before": _as_int(memory.get("articles_before")) or 0,
        "after": _as_int(memory.get("articles_after")) or 0,
        "error": str(memory.get("error") or ""),
    }


def summary(run: RunData) -> dict[str, Any]:
    """The numbers at the top of the report; run.json counts win when present."""
    counts = run.meta.get("counts") if isinstance(run.meta.get("counts"), dict) else {}
    audited = len(run.articles)
    failed = len(run.failures)
    rejected = len(run.rejects)
    crawled = next(
        (n for n in (_as_int(counts.get(k)) for k in ("crawled", "pages", "discovered")) if n is not None),
        audited + failed + rejected,
    )
    by_type: Counter[str] = Counter()
    by_site: Counter[str] = Counter()
    by_site_articles: Counter[str] = Counter()
    for record in run.articles:
        site = str(record.get("site") or run.meta.get("site") or "—")
        by_site_articles[site] += 1
        for f in record.get("findings") or []:
            if isinstance(f, dict):
                by_type[str(f.get("type") or "unknown")] += 1
                by_site[site] += 1
    scores = [s for s in (_as_int(r.get("score")) for r in run.articles) if s is not None]
    failure_reasons = Counter(str(f.get("reason") or "unknown") for f in run.failures)
    health = run.meta.get("health") if isinstance(run.meta.get("health"), dict) else None
    is_view = run.meta.get("kind") == "view"
    return {
        "cards": view_cards(run.meta, audited)
        if is_view
        else summary_cards(counts, audited, failed, rejected, crawled),
        "is_view": is_view,
        "trend": trend_view(run.meta),
        "alerts": alert_views(run.meta),
        "memory": memory_view(run.meta),
        "health": health,
        "crawled": crawled,
        "audited": audited,
        "failed": failed,
        "rejected": rejected,
        "defects": sum(by_type.values()),
        "by_type": by_type.most_common(),
        "by_site": sorted(
            ((site, by_site_articles[site], by_site[site]) for site in by_site_articles),
            key=lambda row: (-row[2], row[0]),
        ),
        "failure_reasons": failure_reasons.most_common(),
        "histogram": score_histogram(scores),
        "mean_score": round(sum(scores) / len(scores), 1) if scores else None,
        "counts": {k: v for k, v in counts.items() if isinstance(v, int | float | str)},
    }
