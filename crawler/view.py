"""The stable view: ``OUTPUT_DIR/latest/<site>/``, the current state of a site.

A run directory holds what one run fetched; an incremental re-run that found
nothing new has an empty feed and report. The view holds every article as last
seen (the latest record of each URL the state knows, whichever run wrote it), a
rolling, paged JSON Feed of them, the report of all of them with the site's trend
across runs, and the last run's failures and alerts.

It is replaced atomically: the new view is written into a hidden sibling directory
(``latest/.<site>.<run-id>.tmp``), renamed to ``latest/.<site>.<run-id>``, and the
symlink ``latest/<site>`` is then swapped to it with one ``rename``. A reader opens
either the old view or the new one, never half of one; if anything fails before the
swap, the temporary directory is removed and the old view stays as it was.

Run as ``python -m crawler.view OUTPUT_DIR SITE`` (the crawl does so in a child
process at its end, so a big view never weighs on the crawler's memory).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from audit.records import now_iso
from crawler.jsonfeed import read_records
from crawler.output import write_json
from crawler.rollingfeed import DEFAULT_PAGE_SIZE, write_pages
from crawler.state import SqliteStore, default_state_path

logger = logging.getLogger(__name__)

VIEW_DIRNAME = "latest"
VIEW_META = "view.json"
#: The review server's decision store, by default beside the runs (``newsaudit serve``).
REVIEW_DB = "review.sqlite3"
#: Runs shown in the trend table.
TREND_RUNS = 30


class ViewError(RuntimeError):
    """The view could not be written; the previous view is untouched."""


def view_root(output_dir: Path) -> Path:
    return Path(output_dir) / VIEW_DIRNAME


def view_link(output_dir: Path, site: str) -> Path:
    """``OUTPUT_DIR/latest/<site>``: the path readers use (a symlink to the current version)."""
    return view_root(output_dir) / site


def default_base_url(output_dir: Path, site: str) -> str:
    """The view's own ``file://`` URL (through the symlink, so it stays valid)."""
    return Path(os.path.abspath(view_link(output_dir, site))).as_uri() + "/"


def latest_records(store: SqliteStore) -> tuple[list[dict[str, Any]], int]:
    """The latest record of every URL in the state, and how many could not be found
    (their run directory was deleted or damaged)."""
    found: list[dict[str, Any]] = []
    missing = 0
    for run_dir, urls in store.latest_runs().items():
        wanted = set(urls)
        last: dict[str, dict[str, Any]] = {}
        for record in read_records(Path(run_dir) / "articles.jsonl"):
            if record.get("url") in wanted:
                last[record["url"]] = record  # a later line of the same URL wins
        missing += len(wanted) - len(last)
        found.extend(last.values())
    return found, missing


def trend(store: SqliteStore) -> list[dict[str, Any]]:
    """One row per run with measures: what the view held after it, and what it did."""
    rows = []
    for run in store.history(limit=TREND_RUNS):
        view = run["measures"].get("view") or {}
        counts = run.get("counts") or {}
        rows.append(
            {
                "run_id": run["run_id"],
                "finished_at": run["finished_at"],
                "articles": view.get("articles"),
                "emitted": counts.get("articles"),
                "unchanged": counts.get("unchanged"),
                "mean_score": view.get("mean_score"),
                "findings": view.get("findings") or {},
            }
        )
    return rows


def _copy_if_present(source: Path, target: Path) -> None:
    if source.is_file():
        shutil.copyfile(source, target)


def build_view(
    output_dir: Path,
    site: str,
    *,
    state_path: Path | None = None,
    base_url: str | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
    report: bool = True,
    home_page_url: str | None = None,
    review_db: Path | None = None,
) -> Path:
    """Write and publish the view of ``site``; returns the ``latest/<site>`` link.

    Its report shows the editors' decisions from ``review_db`` (default
    ``OUTPUT_DIR/review.sqlite3``, the review server's store) beside each finding.

    Raises :class:`ViewError` (the old view intact, no temporary directory left)."""
    output_dir = Path(output_dir)
    store = SqliteStore(state_path or default_state_path(output_dir), site)
    try:
        runs = [r for r in store.runs() if r["status"] == "finished"]
        if not runs:
            raise ViewError(f"site {site!r} has no finished run yet")
        last = runs[-1]
        records, missing = latest_records(store)
        rows = trend(store)
    finally:
        store.close()
    root = view_root(output_dir)
    root.mkdir(parents=True, exist_ok=True)
    link = view_link(output_dir, site)
    if link.exists() and not link.is_symlink():
        raise ViewError(f"{link} exists and is not the view's symlink; move it aside")
    version = root / f".{site}.{last['run_id']}"
    tmp = version.with_name(version.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)  # left by a killed earlier attempt
    try:
        tmp.mkdir()
        base = (base_url or default_base_url(output_dir, site)).rstrip("/") + "/"
        review = Path(review_db) if review_db is not None else output_dir / REVIEW_DB
        _write_view(tmp, site, last, records, missing, rows, base, page_size, report, home_page_url, review)
        shutil.rmtree(version, ignore_errors=True)
        os.rename(tmp, version)
    except Exception as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ViewError(f"cannot write the view of {site!r}: {type(exc).__name__}: {exc}") from exc
    swap = root / f".{site}.link.tmp"
    with _removing(swap):
        os.symlink(version.name, swap)
        os.replace(swap, link)  # the one atomic step readers can observe
    for old in root.glob(f".{site}.*"):
        if old != version and old.is_dir() and not old.name.endswith(".tmp"):
            shutil.rmtree(old, ignore_errors=True)
    return link


class _removing:
    """Remove ``path`` on the way out if it is still there (a failed swap)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> None:
        if self.path.is_symlink() or self.path.exists():
            self.path.unlink()

    def __exit__(self, *exc: object) -> None:
        if self.path.is_symlink():
            self.path.unlink()


def _write_view(
    target: Path,
    site: str,
    last: dict[str, Any],
    records: list[dict[str, Any]],
    missing: int,
    rows: list[dict[str, Any]],
    base_url: str,
    page_size: int,
    report: bool,
    home_page_url: str | None,
    review_db: Path,
) -> None:
    run_dir = Path(last["run_dir"])
    run_meta: dict[str, Any] = {}
    if (run_dir / "run.json").is_file():
        run_meta = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    pages = write_pages(
        target, records, site=site, run_id=last["run_id"], base_url=base_url, page_size=page_size,
        home_page_url=home_page_url,
    )  # fmt: skip
    with (target / "articles.jsonl").open("w", encoding="utf-8") as out:
        by_url = {r["url"]: r for r in records}
        for path in pages:  # the same order as the feed: newest first
            for item in json.loads(path.read_text(encoding="utf-8"))["items"]:
                out.write(json.dumps(by_url[item["id"]], ensure_ascii=False) + "\n")
    _copy_if_present(run_dir / "failures.jsonl", target / "failures.jsonl")
    _copy_if_present(run_dir / "rejects.jsonl", target / "rejects.jsonl")
    meta = {
        "kind": "view",
        "site": site,
        "run_id": last["run_id"],
        "generated_at": now_iso(),
        "started_at": run_meta.get("started_at"),
        "finished_at": run_meta.get("finished_at"),
        "health": run_meta.get("health"),
        "alerts": run_meta.get("alerts", []),
        "last_run_counts": run_meta.get("counts") or last.get("counts"),
        "articles": len(records),
        "missing": missing,
        "feed_pages": [p.name for p in pages],
        "feed_url": base_url + pages[0].name,
        "trend": rows,
    }
    write_json(target / VIEW_META, meta)
    if report:
        from audit.report import build_report

        build_report(target, review_db=review_db)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.view", description=__doc__.splitlines()[0])
    parser.add_argument("output_dir", type=Path)
    parser.add_argument("site")
    parser.add_argument("--state", type=Path, help="the state database (default OUTPUT_DIR/state.sqlite)")
    parser.add_argument("--base-url", help="where the view is published (default: its file:// URL)")
    parser.add_argument("--page-size", type=int, default=DEFAULT_PAGE_SIZE)
    parser.add_argument("--home-page-url", help="the site's home page, for the feed")
    parser.add_argument(
        "--review-db",
        type=Path,
        help=f"editors' decisions shown in the report (default OUTPUT_DIR/{REVIEW_DB})",
    )
    args = parser.parse_args(argv)
    try:
        link = build_view(
            args.output_dir, args.site, state_path=args.state, base_url=args.base_url,
            page_size=args.page_size, home_page_url=args.home_page_url, review_db=args.review_db,
        )  # fmt: skip
    except (ViewError, OSError) as exc:
        print(f"newsaudit view: {exc}", file=sys.stderr)
        return 1
    print(link)
    return 0


if __name__ == "__main__":
    sys.exit(main())
