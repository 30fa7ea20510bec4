"""Run one crawl in-process and summarise it (shared by ``crawl`` and ``demo``).

Scrapy is imported here, never at the top of a command module, so ``newsaudit
--help`` and ``newsaudit audit`` stay fast.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

from audit.output import new_run_id
from crawler import lock as site_lock
from crawler.health import ALERT_EXIT_CODE, exit_code
from crawler.siteconfig import SiteConfig
from crawler.state import COUNT_KEYS, SqliteStore, StateError, default_state_path


def add_crawl_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by ``newsaudit crawl`` and ``newsaudit demo``."""
    parser.add_argument("--output-dir", default="output", help="where run directories go (default: output/)")
    parser.add_argument("--max-pages", type=int, metavar="N", help="override the site's limits.max_pages")
    parser.add_argument("--max-depth", type=int, metavar="N", help="override the site's limits.max_depth")
    parser.add_argument("--run-id", help="use this run id instead of a fresh timestamped one")
    parser.add_argument(
        "--log-level",
        default="WARNING",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="Scrapy log level",
    )
    parser.add_argument("--no-progress", action="store_true", help="do not show progress while crawling")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--since-last",
        dest="full",
        action="store_false",
        help="incremental (the default): conditional requests; unchanged pages are counted, not emitted",
    )
    mode.add_argument(
        "--full",
        dest="full",
        action="store_true",
        help="re-fetch everything without conditional requests and emit every article again",
    )
    parser.set_defaults(full=False)
    parser.add_argument(
        "--state",
        metavar="PATH",
        help="SQLite state database (default: OUTPUT_DIR/state.sqlite)",
    )
    parser.add_argument("--warc", action="store_true", help="also archive every request and response as WARC")
    parser.add_argument(
        "--memory",
        metavar="PATH",
        help="site memory file: each page is judged against the pages remembered before it (default: "
        "OUTPUT_DIR/memory.sqlite)",
    )
    parser.add_argument(
        "--no-memory", action="store_true", help="audit every page alone (no site memory is read or written)"
    )
    parser.add_argument(
        "--fail-on-alert",
        action="store_true",
        help=f"exit {ALERT_EXIT_CODE} when the run is healthy but has drift alerts (measures outside the range "
        "of the site's recent runs)",
    )


def apply_overrides(config: SiteConfig, args: argparse.Namespace) -> SiteConfig:
    for name in ("max_pages", "max_depth"):
        value = getattr(args, name, None)
        if value is not None and value < (1 if name == "max_pages" else 0):
            raise ValueError(f"--{name.replace('_', '-')} must be at least {1 if name == 'max_pages' else 0}")
    return config.with_overrides(max_pages=args.max_pages, max_depth=args.max_depth)


def check_output_dir(path: str | Path) -> Path:
    """Fail before any request if the output directory cannot be written."""
    out = Path(path)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OSError(f"cannot create output directory {out}: {exc.strerror}") from exc
    if not os.access(out, os.W_OK | os.X_OK):
        raise OSError(f"output directory {out} is not writable")
    return out


class Progress:
    """Live progress from the spider's ledger: a rich bar on a terminal, log lines otherwise."""

    def __init__(self, crawler: Any, enabled: bool) -> None:
        from rich.console import Console

        self.crawler = crawler
        self.console = Console(stderr=True)
        self.enabled = enabled
        self.bar: Any = None
        self.task: Any = None
        self.last_line = 0.0
        self.last_update = 0.0

    def __enter__(self) -> Progress:
        if self.enabled and self.console.is_terminal:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(
                TextColumn("[bold]crawling[/]"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                TimeElapsedColumn(), console=self.console,
            )  # fmt: skip
            self.bar.start()
            self.task = self.bar.add_task("", total=None)
        return self

    def update(self, *args: Any, **kwargs: Any) -> None:
        if not self.enabled:
            return
        spider = getattr(self.crawler, "spider", None)
        if spider is None:
            return
        now = time.monotonic()
        if now - self.last_update < 0.25:  # counting the ledger is O(URLs): not per item
            return
        self.last_update = now
        counts = spider.ledger.counts()
        done = spider.ledger.finished
        text = f"articles {counts['articles']}  failed {counts['failed']}  other {done - counts['articles'] - counts['failed']}"
        if self.bar is not None:
            self.bar.update(self.task, completed=done, total=max(counts["discovered"], 1), description=text)
        elif time.monotonic() - self.last_line > 2.0:
            self.last_line = time.monotonic()
            print(f"progress: {done}/{counts['discovered']} URLs done; {text}", file=sys.stderr, flush=True)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def crawl(config: SiteConfig, args: argparse.Namespace) -> int:
    """Crawl ``config`` with the project's settings; print the summary. Returns an exit code."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    try:
        output_dir = check_output_dir(args.output_dir)
    except OSError as exc:
        print(f"newsaudit: {exc}", file=sys.stderr)
        return 2
    run_id = args.run_id or new_run_id(config.name)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}", run_id) or (output_dir / run_id).exists():
        print(
            f"newsaudit: run id {run_id!r} is not a plain name or {output_dir / run_id} exists",
            file=sys.stderr,
        )
        return 2
    state_path = Path(args.state) if getattr(args, "state", None) else default_state_path(output_dir)
    try:
        # One run per site; then the state must open cleanly, all before any request.
        lock = site_lock.acquire(site_lock.lock_path(state_path.parent, config.name), f"site {config.name!r}")
    except (site_lock.LockBusy, OSError) as exc:
        print(f"newsaudit: {exc}", file=sys.stderr)
        return 3
    try:
        SqliteStore(state_path, config.name).close()
    except StateError as exc:
        lock.release()
        print(f"newsaudit: {exc}", file=sys.stderr)
        return 2
    try:
        return _crawl(config, args, output_dir, run_id, state_path)
    finally:
        lock.release()


def _crawl(
    config: SiteConfig, args: argparse.Namespace, output_dir: Path, run_id: str, state_path: Path
) -> int:
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from crawler.spiders.news import NewsSpider

    full = bool(getattr(args, "full", False))
    settings = get_project_settings()
    settings.set("NEWSAUDIT_OUTPUT_DIR", str(output_dir), priority="cmdline")
    settings.set("NEWSAUDIT_RUN_ID", run_id, priority="cmdline")
    settings.set("LOG_LEVEL", args.log_level, priority="cmdline")
    settings.set("NEWSAUDIT_STATE", "sqlite", priority="cmdline")
    settings.set("NEWSAUDIT_STATE_PATH", str(state_path), priority="cmdline")
    settings.set("NEWSAUDIT_FULL", full, priority="cmdline")
    settings.set("NEWSAUDIT_WARC", bool(getattr(args, "warc", False)), priority="cmdline")
    if getattr(args, "no_memory", False):
        settings.set("NEWSAUDIT_MEMORY", False, priority="cmdline")
    if getattr(args, "memory", None):
        settings.set("NEWSAUDIT_MEMORY_PATH", args.memory, priority="cmdline")
    if getattr(args, "redis", None):
        settings.set("NEWSAUDIT_REDIS_URL", args.redis, priority="cmdline")
    if getattr(args, "workers", None) is not None:
        settings.set("NEWSAUDIT_WORKERS", args.workers, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(NewsSpider)
    progress = Progress(crawler, enabled=not args.no_progress)
    for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
        crawler.signals.connect(progress.update, signal=signal)
    print(
        f"crawling {config.name} ({', '.join(config.start_urls) or 'sitemaps/feeds'}) -> {output_dir / run_id}"
    )
    print(f"{'full run' if full else 'incremental run (since the last one)'}; state {state_path}")
    with progress:
        process.crawl(crawler, site_config=config)
        process.start()
    return summarize(output_dir / run_id, fail_on_alert=bool(getattr(args, "fail_on_alert", False)))


def summarize(run_dir: Path, fail_on_alert: bool = False) -> int:
    """Print the counts table and output paths of a finished run; returns its exit code
    (``fail_on_alert``: :data:`ALERT_EXIT_CODE` for a healthy run with drift alerts)."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    summary_path = run_dir / "run.json"
    if not summary_path.is_file():
        print(f"newsaudit: the crawl did not finish; no {summary_path} (see the log above)", file=sys.stderr)
        return 1
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    counts = summary["counts"]
    console.print(f"[bold]run {summary['run_id']}[/] (site {summary['site']}, {summary['finish_reason']})")
    table = Table()
    table.add_column("article URLs")
    table.add_column("URLs", justify="right")
    for key in COUNT_KEYS:
        table.add_row(key, str(counts[key]))
    console.print(table)
    if summary.get("reasons"):
        reasons = Table()
        reasons.add_column("why no article")
        reasons.add_column("URLs", justify="right")
        for reason, n in summary["reasons"].items():
            reasons.add_row(reason, str(n))
        console.print(reasons)
    if summary.get("findings"):
        console.print("findings: " + ", ".join(f"{k} {v}" for k, v in summary["findings"].items()))
    for failure in summary.get("sources_failed", []):
        console.print(f"[yellow]{failure['kind']} {failure['url']} failed: {failure['reason']}[/]")
    # Plain lines, never truncated by the terminal width, so paths can be copied.
    print("output:")
    for key, name in [*summary["files"].items(), ("summary", "run.json")]:
        print(f"  {key:<9} {run_dir / name}")
    view = run_dir.parent / "latest" / str(summary["site"])
    if view.is_symlink():
        print(f"  {'view':<9} {view}/ (every article as last seen: report.html, feed.json)")
    if summary.get("finish_reason") == "redis_unavailable":
        print(
            "newsaudit: this worker lost the shared Redis frontier and stopped (see the log above); "
            "its unfinished requests stay in Redis for the next worker",
            file=sys.stderr,
        )
        return 1
    if str(summary.get("finish_reason", "")).startswith("output_error"):
        print(f"newsaudit: {summary['finish_reason']}; the state is not advanced past it", file=sys.stderr)
        return 1
    total = sum(counts[k] for k in COUNT_KEYS[1:])
    if total != counts["discovered"]:
        print(f"newsaudit: counts do not add up ({total} != {counts['discovered']})", file=sys.stderr)
        return 1
    alerts = summary.get("alerts") or []
    if alerts:
        print(
            f"newsaudit: {len(alerts)} drift alert(s) (measures outside the site's recent range):",
            file=sys.stderr,
        )
        for alert in alerts:
            lo, hi = alert["expected"]
            print(f"  - {alert['measure']} = {alert['value']}, expected {lo} to {hi}", file=sys.stderr)
    health = summary.get("health", {"status": "healthy", "reasons": []})
    if health["status"] != "healthy":
        code = exit_code(health)
        print(f"newsaudit: unhealthy run ({health['status']}, exit {code}):", file=sys.stderr)
        for reason in health["reasons"]:
            print(f"  - {reason}", file=sys.stderr)
        return code
    if alerts and fail_on_alert:
        print(f"newsaudit: --fail-on-alert: exit {ALERT_EXIT_CODE}", file=sys.stderr)
        return ALERT_EXIT_CODE
    return 0
