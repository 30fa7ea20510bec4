"""The stable view's rolling feed: every article as last seen, newest first, in pages.

``feed.json`` holds the newest ``page_size`` items, ``feed-2.json`` the next, and so
on; each page names itself in ``feed_url`` and the next page in ``next_url`` (JSON
Feed 1.1 paging), all under one base URL. Items are ordered by their publication
time as an instant (``08:15+07:00`` is 01:15Z, older than ``02:00Z`` of that day); articles
without a date follow them, latest fetched first.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from audit.records import sanitize
from crawler.jsonfeed import JSON_FEED_VERSION, Summary, extension, feed_item

DEFAULT_PAGE_SIZE = 50


def page_name(number: int) -> str:
    """``feed.json`` for page 1, ``feed-N.json`` after it."""
    return "feed.json" if number == 1 else f"feed-{number}.json"


def _instant(value: Any) -> float | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def newest_first(items: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Feed items by ``date_published``, newest first, then the undated ones by ``fetched_at``; ties by id."""

    def key(item: dict[str, Any]) -> tuple[int, float, str]:
        when = _instant(item.get("date_published"))
        if when is not None:
            return (0, -when, item["id"])
        return (1, -(_instant(item["_newsaudit"].get("fetched_at")) or 0.0), item["id"])

    return sorted(items, key=key)


def write_pages(
    target: Path,
    records: Sequence[dict[str, Any]],
    *,
    site: str,
    run_id: str,
    base_url: str,
    page_size: int = DEFAULT_PAGE_SIZE,
    home_page_url: str | None = None,
) -> list[Path]:
    """Write the paged feed into ``target``; returns the pages in order. ``base_url``
    ends with ``/``; the summary on every page is that of the whole view."""
    summary = Summary()
    for record in records:
        summary.add(record)
    items = newest_first([feed_item(r) for r in records])
    chunks = [items[i : i + page_size] for i in range(0, len(items), page_size)] or [[]]
    paths = []
    for number, chunk in enumerate(chunks, start=1):
        doc: dict[str, Any] = {
            "version": JSON_FEED_VERSION,
            "title": f"newsaudit: {site} (latest)",
            "description": "Every article of the site as last seen, newest first, with its content audit.",
        }
        if home_page_url:
            doc["home_page_url"] = home_page_url
        doc["feed_url"] = base_url + page_name(number)
        if number < len(chunks):
            doc["next_url"] = base_url + page_name(number + 1)
        doc["items"] = chunk
        ext = extension(summary, site, run_id, "finished", None)
        ext["page"], ext["pages"] = number, len(chunks)
        doc["_newsaudit"] = ext
        path = target / page_name(number)
        path.write_text(json.dumps(sanitize(doc), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        paths.append(path)
    return paths
