"""Read a run directory (``output/<run-id>/``) into one in-memory view.

Shared by the HTML report and the review server so both show the same numbers.
A crawl may still be writing, or a file may be damaged: a line that is not a JSON
object is kept as a *problem* with its file and line number, never dropped.
"""

from __future__ import annotations

import heapq
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Problem:
    """A line of a run file that could not be read."""

    file: str
    line: int
    reason: str


@dataclass
class RunData:
    """Everything a run directory holds that an editor needs to see."""

    path: Path
    run_id: str
    meta: dict[str, Any]
    articles: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def sites(self) -> list[str]:
        return sorted({str(a.get("site") or self.meta.get("site") or "") for a in self.articles} - {""})


def _read_jsonl(path: Path, problems: list[Problem], keep_text: int | None = None) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    out: list[dict[str, Any]] = []
    heap: list[tuple[tuple[int, ...], int]] = []
    with path.open("r", encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(Problem(path.name, number, f"invalid JSON: {exc.msg}"))
                continue
            if not isinstance(value, dict):
                problems.append(Problem(path.name, number, f"expected an object, got {type(value).__name__}"))
                continue
            out.append(value)
            if keep_text is not None:
                _bound_text(out, heap, keep_text)
    return out


def text_priority(record: dict[str, Any], number: int) -> tuple[int, int, int]:
    """Which articles' text a capped report embeds first: flagged, then lowest score."""
    score = record.get("score")
    return (0 if record.get("findings") else 1, score if isinstance(score, int) else 101, number)


def _bound_text(articles: list[dict[str, Any]], heap: list[tuple[tuple[int, ...], int]], keep: int) -> None:
    """Called as each article is read: drop the blocks of all but the ``keep`` best
    (by :func:`text_priority`), so a 20,000-article run never holds every text."""
    number = len(articles)
    key = tuple(-p for p in text_priority(articles[-1], number))  # max-heap via negation
    if len(heap) < keep:
        heapq.heappush(heap, (key, number))
    elif heap and key > heap[0][0]:
        _, evicted = heapq.heapreplace(heap, (key, number))
        articles[evicted - 1] = table_row(articles[evicted - 1])
    else:
        articles[-1] = table_row(articles[-1])


#: What the report's table and summary read from an article whose text it does not embed.
TABLE_FIELDS = ("url", "title", "headline", "site", "language", "score")


def table_row(record: dict[str, Any]) -> dict[str, Any]:
    """An article reduced to its table row: no text, findings reduced to their types."""
    row = {k: record[k] for k in TABLE_FIELDS if k in record}
    findings = record.get("findings")
    if isinstance(findings, list):
        row["findings"] = [{"type": f.get("type")} for f in findings if isinstance(f, dict)]
    return row


def _read_meta(path: Path, problems: list[Problem]) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        value = json.loads(path.read_text(encoding="utf-8", errors="replace"))
    except json.JSONDecodeError as exc:
        problems.append(Problem(path.name, exc.lineno, f"invalid JSON: {exc.msg}"))
        return {}
    if not isinstance(value, dict):
        problems.append(Problem(path.name, 1, "expected an object"))
        return {}
    return value


#: The stable view's summary (crawler.view), read in place of run.json.
VIEW_META = "view.json"


def is_run_dir(path: Path) -> bool:
    """A run directory, or a stable view (same files, ``view.json`` for ``run.json``)."""
    return path.is_dir() and any(
        (path / name).is_file() for name in ("articles.jsonl", "failures.jsonl", "run.json", VIEW_META)
    )


def load_run(run_dir: Path | str, keep_text: int | None = None) -> RunData:
    """Load a run directory; raises ``FileNotFoundError`` if it is not one.

    With ``keep_text``, only that many articles (by :func:`text_priority`) are kept
    whole; the rest are reduced to their table row (:func:`table_row`) as they are read."""
    path = Path(run_dir)
    if not is_run_dir(path):
        raise FileNotFoundError(
            f"{path} is not a run directory (no articles.jsonl, failures.jsonl or run.json)"
        )
    problems: list[Problem] = []
    meta = _read_meta(path / ("run.json" if (path / "run.json").is_file() else VIEW_META), problems)
    articles = _read_jsonl(path / "articles.jsonl", problems, keep_text)
    run_id = str(meta.get("run_id") or path.name)
    return RunData(
        path=path,
        run_id=run_id,
        meta=meta,
        articles=articles,
        failures=_read_jsonl(path / "failures.jsonl", problems),
        rejects=_read_jsonl(path / "rejects.jsonl", problems),
        problems=problems,
    )
