"""The one pipeline: extract, audit, validate, write, count.

It stays thin: extraction and auditing are :mod:`audit`'s job. What lives here is
the bookkeeping that makes a feed trustworthy: each discovered URL reaches exactly
one outcome in the spider's ledger, each outcome lands in exactly one file (articles,
rejects or failures), and ``run.json`` counts add up. Counts also go to
``crawler.stats`` under ``newsaudit/<outcome>``.

The CPU-heavy half of a page (:func:`analyse_page`: extraction, auditing, content
hash) is pure, so it runs in a process pool (:mod:`crawler.pool`) sized by
``NEWSAUDIT_WORKERS`` (the project sets ``"auto"``: one worker per core; 0, or the
setting absent, runs it inline on the reactor thread). The bookkeeping half
(:meth:`AuditPipeline.conclude`) always runs on the reactor thread, in the order
items arrived, so a pooled run reaches the same outcomes as an inline one.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from scrapy import signals

from audit import schema
from audit.config import load_config
from audit.engine import audit_article
from audit.extract import extract_article
from audit.memory.backend import is_redis
from audit.memory.judge import fingerprint_article
from audit.memory.redis_store import redact
from audit.memory.session import SiteMemory
from audit.memory.store import MEMORY_FILENAME, MemoryStoreError
from audit.model import SCHEMA_VERSION, ExtractionFailure
from audit.output import (
    JsonlWriter,
    OutputError,
    dumps_line,
    new_run_id,
    run_directory,
    sanitize,
    write_json,
)
from audit.records import failure_record, feed_record, now_iso
from crawler import lock as site_lock
from crawler.drift import DriftSettings, detect
from crawler.health import HEALTH_STAT, HealthThresholds, assess
from crawler.items import OutcomeItem, PageItem
from crawler.jsonfeed import FEED_FILENAME, write_feed
from crawler.measures import RunMeasures, present_fields
from crawler.notify import deliver
from crawler.pool import BrokenProcessPool, OrderedPool, resolve_workers
from crawler.recovery import recover
from crawler.state import COUNT_KEYS, Ledger, SqliteStore, StateError, StateStore
from crawler.warc import warc_filename

logger = logging.getLogger(__name__)

FILES = {"articles": "articles.jsonl", "rejects": "rejects.jsonl", "failures": "failures.jsonl"}


_WORKER_CONFIG: Any = None  # the audit config, loaded once per pool worker


def init_worker(audit_override: dict[str, Any] | None) -> None:
    """Pool worker start-up: load the site's audit config once, not per page."""
    global _WORKER_CONFIG
    _WORKER_CONFIG = load_config(override=audit_override or None)


@dataclass(frozen=True)
class Analysis:
    """What a worker sends back for an article: small, and ready to write."""

    digest: str  # content hash
    score: int
    finding_types: tuple[str, ...]
    line: bytes  # the feed record (as version 1, no previous hash), serialised
    problems: list[Any]  # its schema errors (empty: valid)
    # With a site memory: the article and its fingerprints (audit.memory), judged in the
    # main process in conclusion order; the page is re-audited there only when the
    # memory knows something of it.
    article: Any = None
    prints: Any = None
    fields: tuple[str, ...] = ()  # which of date, author, language, title extraction found
    blocks: int = 0
    rules: tuple[str, ...] = ()  # the rule code of each finding


def analyse_page(
    body: str,
    article_url: str,
    source: str,
    language_hint: str | None,
    context: dict[str, Any],
    config: Any = None,
    memory: bool = False,
) -> Analysis | ExtractionFailure:
    """Extract, audit, build, validate and serialise one page's record: the pure,
    CPU-heavy half, run in a pool worker. ``context`` carries the record's run fields
    (``site``, ``run_id``, ``fetched_at``, ``http_status``). With ``memory`` the
    page's fingerprints travel back too (the lookup itself is the main process's).
    """
    # Lone surrogates (from a lenient decoder upstream) would make lxml refuse the page.
    extraction = extract_article(sanitize(body), url=article_url, language_hint=language_hint, source=source)
    if extraction.failure is not None:
        return extraction.failure
    assert extraction.article is not None
    config = config if config is not None else _WORKER_CONFIG
    result = audit_article(extraction.article, config)
    analysis = _analysis(result, article_url, context)
    if memory:
        prints = fingerprint_article(extraction.article, config)
        analysis = replace(analysis, article=extraction.article, prints=prints)
    return analysis


def _analysis(result: Any, article_url: str, context: dict[str, Any]) -> Analysis:
    record = feed_record(result, url=article_url, version=1, previous_hash=None, **context)
    return Analysis(
        digest=record["content_hash"],
        score=result.score,
        finding_types=tuple(f.type for f in result.findings),
        line=dumps_line(record),
        problems=schema.errors("article", record),
        fields=present_fields(result.article),
        blocks=len(result.article.blocks),
        rules=tuple(f.rule for f in result.findings),
    )


#: Seconds the report may take before the crawl gives up on it (the feed is already written).
REPORT_TIMEOUT = 600


def build_report_if_available(run_dir: Path) -> Path | None:
    """Build ``report.html`` in a child process (``newsaudit report``); never fail the crawl.

    The report reads the whole run back; doing that in its own short-lived process keeps
    the crawler's peak memory independent of the run's size, and a report bug can
    only lose the report, never the feed."""
    command = [sys.executable, "-m", "audit.cli", "report", str(run_dir)]
    if _run_child(command, f"building the HTML report for {run_dir}", REPORT_TIMEOUT) is None:
        return None
    path = run_dir / "report.html"
    return path if path.exists() else None


#: Seconds the stable view may take (crawler.view) before the crawl gives up on it.
VIEW_TIMEOUT = 600


def build_view_if_possible(output_dir: Path, site: str, state_path: Path, cfg: Any) -> Path | None:
    """Publish ``OUTPUT_DIR/latest/<site>/`` in a child process (``python -m crawler.view``):
    like the report, it reads every latest record back, so the crawler's memory stays
    flat; a failure leaves the previous view in place and never fails the crawl."""
    command = [sys.executable, "-m", "crawler.view", str(output_dir), site, "--state", str(state_path)]
    if cfg.view.get("base_url"):
        command += ["--base-url", str(cfg.view["base_url"])]
    if cfg.view.get("page_size"):
        command += ["--page-size", str(cfg.view["page_size"])]
    if cfg.start_urls:
        command += ["--home-page-url", cfg.start_urls[0]]
    stdout = _run_child(command, f"publishing the stable view of {site}", VIEW_TIMEOUT)
    return Path(stdout.strip()) if stdout is not None else None


def _run_child(command: list[str], what: str, timeout: float) -> str | None:
    """Run a post-run step (report, view) in its own process; its stdout, or ``None``
    after logging why it failed: such a step never fails the crawl."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    try:
        proc = subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        logger.error("%s failed: %s", what, exc)
        return None
    if proc.returncode != 0:
        logger.error("%s failed: %s", what, proc.stderr.strip()[-2000:])
        return None
    return proc.stdout


def drift_alerts(store: SqliteStore, run_id: str, measures: dict[str, Any], cfg: Any) -> list[dict[str, Any]]:
    """This run's drift alerts against the site's earlier runs, then keep this run's
    measures (and a snapshot of the view, for the trend) for the runs after it."""
    settings = DriftSettings.from_mapping(cfg.alerts)
    history = [run["measures"].get("drift") or {} for run in store.history(settings.window, exclude=run_id)]
    alerts = detect(history, measures, settings)
    store.record_measures(run_id, {"drift": measures, "view": store.view_snapshot()})
    return alerts


def run_health(summary: dict[str, Any], cfg: Any, shared_frontier: bool = False) -> dict[str, Any]:
    """The run's health verdict (crawler.health): output and Redis losses first,
    they say the run itself broke, then what the site gave."""
    reason = str(summary["finish_reason"])
    if reason.startswith("output_error"):
        return {"status": "output_error", "reasons": [reason]}
    if reason == "redis_unavailable":
        return {"status": "redis_unavailable", "reasons": ["the shared Redis frontier was lost"]}
    return assess(
        summary,
        HealthThresholds.from_mapping(cfg.health),
        start_urls=cfg.start_urls,
        allowed_domains=cfg.allowed_domains,
        shared_frontier=shared_frontier,
    )


class AuditPipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        settings = crawler.settings
        self.output_dir = Path(settings.get("NEWSAUDIT_OUTPUT_DIR") or "output")
        self.run_id_setting = settings.get("NEWSAUDIT_RUN_ID")
        self.hashes: dict[str, str] = {}  # content hash -> first URL emitted with it
        self.findings: Counter[str] = Counter()
        self.writers: dict[str, JsonlWriter] = {}
        self.run_dir: Path | None = None
        self.started_at = now_iso()
        self.workers = resolve_workers(settings.get("NEWSAUDIT_WORKERS", 0))
        self.backlog = settings.getint("NEWSAUDIT_POOL_BACKLOG", 0) or None
        self.pool: OrderedPool | None = None
        # --full: no conditional requests, and unchanged articles are emitted again (same version).
        self.full = settings.getbool("NEWSAUDIT_FULL")
        self.lock: site_lock.RunLock | None = None
        self.output_error: str | None = None
        self.closing = False
        # Group commit: state writes wait here until the feed is synced, then go in one
        # transaction; one fsync per group instead of two per page. A crash in between
        # leaves records the state has not seen, which the next run replays.
        self.state_ops: list[Callable[[], None]] = []
        self.sync_every = max(1, settings.getint("NEWSAUDIT_SYNC_EVERY", 200))
        self.sync_seconds = settings.getfloat("NEWSAUDIT_SYNC_SECONDS", 1.0)
        self.last_sync = time.monotonic()
        self.memory: SiteMemory | None = None
        self.memory_info: dict[str, Any] = {"status": "off", "articles_before": 0, "articles_after": 0}
        self.measures = RunMeasures()  # drift measures over every page analysed (crawler.drift)

    @classmethod
    def from_crawler(cls, crawler: Any) -> AuditPipeline:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    # Scrapy 2.14+: no spider argument; the spider is crawler.spider.
    def open_spider(self) -> None:
        spider = self.crawler.spider
        self.site = spider.cfg.name
        self.ledger: Ledger = spider.ledger
        self.store: StateStore = spider.store
        self.audit_config = load_config(override=spider.cfg.audit or None)
        self.run_id = self.run_id_setting or new_run_id(self.site)
        if isinstance(self.store, SqliteStore):
            # One run per site: a second one stops here, before it touches state or output.
            self.lock = site_lock.acquire(
                site_lock.lock_path(self.store.path.parent, self.site), f"site {self.site!r}"
            )
            recover(self.store)  # a crashed run's records reach the state before anything is fetched
        self.run_dir = run_directory(self.output_dir, self.run_id)
        for key, name in FILES.items():
            self.writers[key] = JsonlWriter(self.run_dir / name)
        self.store.begin_run(self.run_id, str(self.run_dir))
        self.open_memory()
        spider.run_dir, spider.run_id = self.run_dir, self.run_id  # for the WARC extension
        if self.workers:
            self.pool = OrderedPool(
                self.workers, self.backlog, initializer=init_worker, initargs=(spider.cfg.audit or None,)
            )
        spider.logger.info(
            "newsaudit run %s writing to %s (%s)",
            self.run_id,
            self.run_dir,
            f"{self.workers} pool workers" if self.pool else "extracting inline",
        )

    def process_item(self, item: Any) -> Any:
        """Inline: process now and return the item. Pooled: return a coroutine that
        Scrapy awaits (the 2.19 way; returning a Deferred is deprecated)."""
        if self.pool is not None:
            return self._process_pooled(item)
        self.process_item_inline(item)
        return item

    async def _process_pooled(self, item: Any) -> Any:
        from scrapy.utils.defer import maybe_deferred_to_future

        assert self.pool is not None
        if isinstance(item, PageItem):
            args = (
                item.body,
                item.article_url,
                item.url,
                item.language_hint,
                self.record_context(item),
                None,  # the worker's own copy of the audit config
                self.memory is not None,
            )
            done = self.pool.submit(analyse_page, args, lambda outcome: self.conclude(item, outcome))
        else:  # an outcome waits its turn too, so records keep the order items arrived in
            done = self.pool.submit(None, (), lambda _: self.process_item_inline(item))
        await maybe_deferred_to_future(done)
        return item

    def process_item_inline(self, item: Any) -> None:
        if isinstance(item, OutcomeItem):
            self.record_outcome(item)
        elif isinstance(item, PageItem):
            self.process_page(item)

    # -- outcomes -------------------------------------------------------------------

    def finish(self, url: str, outcome: str, reason: str | None = None) -> None:
        self.ledger.finish(url, outcome, reason)
        self.stats.inc_value(f"newsaudit/{outcome}")
        if reason:
            self.stats.inc_value(f"newsaudit/reason/{reason}")

    def record_outcome(self, item: OutcomeItem) -> None:
        if item.outcome == "unchanged":  # a 304: nothing to write, the state notes the visit
            self.defer_state(lambda: self.store.seen(item.url))
            self.finish(item.url, "unchanged", item.reason)
            return
        try:
            self.writers["failures"].write(
                failure_record(
                    url=item.url,
                    reason=item.reason,
                    detail=item.detail,
                    stage=item.stage,
                    site=self.site,
                    run_id=self.run_id,
                    http_status=item.http_status,
                )
            )
        except OutputError as exc:
            self.output_failed(exc)
        self.finish(item.url, item.outcome, item.reason)

    def output_failed(self, exc: OSError) -> None:
        """A feed file cannot be written (disk full, unwritable folder): stop the crawl.

        The state only ever points at records already on disk, so nothing is lost: the
        next run fetches what this one could not write.
        """
        if self.output_error is not None:
            return
        self.output_error = str(exc)
        closing = self.closing
        logger.error(
            "newsaudit: %s. The crawl stops; the state is not advanced past the last record written, "
            "so the next run picks up from there",
            exc,
        )
        try:
            engine = self.crawler.engine
        except RuntimeError:  # Scrapy 2.19: no engine outside a running crawl (a unit test)
            engine = None
        if not closing and engine is not None:
            from scrapy.utils.defer import deferred_from_coro

            deferred_from_coro(engine.close_spider_async(reason="output_error"))

    def process_page(self, item: PageItem) -> None:
        try:
            outcome: Any = analyse_page(
                item.body,
                item.article_url,
                item.url,
                item.language_hint,
                self.record_context(item),
                self.audit_config,
                self.memory is not None,
            )
        except Exception as exc:  # noqa: BLE001 - recorded like a pooled failure
            outcome = exc
        self.conclude(item, outcome)

    def record_context(self, item: PageItem) -> dict[str, Any]:
        return {
            "site": self.site,
            "run_id": self.run_id,
            "fetched_at": item.fetched_at,
            "http_status": item.http_status,
        }

    def conclude(self, item: PageItem, outcome: Any) -> None:
        """The bookkeeping half of a page, on the reactor thread, in arrival order."""
        if isinstance(outcome, BaseException):
            reason = "worker_crashed" if isinstance(outcome, BrokenProcessPool) else "analysis_error"
            detail = f"{type(outcome).__name__}: {outcome}"
            logger.error("extracting/auditing %s failed: %s", item.url, detail)
            self.record_outcome(OutcomeItem(item.url, "failed", reason, detail, "extract", item.http_status))
            return
        if isinstance(outcome, ExtractionFailure):
            self.measures.add_extract_failure()
            self.record_outcome(
                OutcomeItem(item.url, "failed", outcome.reason, outcome.detail, "extract", item.http_status)
            )
            return
        analysis: Analysis = outcome
        self.measures.add_page(analysis.fields, analysis.blocks, analysis.rules)
        digest = analysis.digest
        if self.output_error is not None:  # stopping: emit nothing the state could not follow
            self.finish(item.url, "failed", "output_error")
            return
        previous = self.store.previous(item.article_url)
        same = previous is not None and previous.content_hash == digest
        if same and not self.full:
            self.hashes.setdefault(digest, item.article_url)
            self.defer_state(
                lambda: self.store.seen(item.article_url, etag=item.etag, last_modified=item.last_modified)
            )
            self.finish(item.url, "unchanged", "same_content_hash")
            return
        if digest in self.hashes:
            detail = f"same content as {self.hashes[digest]}"
            self.record_outcome(OutcomeItem(item.url, "duplicates", "duplicate_content", detail, "extract"))
            return
        owner = None if same else self.store.owner_of(digest)
        if owner is not None and owner != item.article_url:
            detail = f"same content as {owner} (emitted by an earlier run)"
            self.record_outcome(OutcomeItem(item.url, "duplicates", "duplicate_content", detail, "extract"))
            return
        self.hashes[digest] = item.article_url
        analysis = self.judged(item, analysis)
        if previous is None:
            version, previous_hash = 1, None
        elif same:  # --full re-emits an unchanged article as the version it already is
            version, previous_hash = previous.version, previous.previous_hash
        else:
            version, previous_hash = previous.version + 1, previous.content_hash
        line, problems, record = analysis.line, analysis.problems, None
        if version != 1 or previous_hash is not None:  # a later version: patch, re-validate
            record = json.loads(analysis.line)
            record["version"], record["previous_hash"] = version, previous_hash
            line, problems = dumps_line(record), schema.errors("article", record)
        if problems:
            record = record if record is not None else json.loads(line)
            self.writers["rejects"].write(
                {"schema_version": SCHEMA_VERSION, "url": item.url, "errors": problems, "record": record}
            )
            self.finish(item.url, "rejected", "schema_invalid")
            return
        try:
            self.writers["articles"].write_line(line)
        except OutputError as exc:
            self.output_failed(exc)
            self.finish(item.url, "failed", "output_error")
            return
        summary = {"score": analysis.score, "findings": dict(Counter(analysis.finding_types))}
        self.defer_state(
            lambda: self.store.remember(
                item.article_url,
                content_hash=digest,
                version=version,
                etag=item.etag,
                last_modified=item.last_modified,
                previous_hash=previous_hash,
                audit_summary=summary,
                run_id=self.run_id,
            )
        )
        self.findings.update(analysis.finding_types)
        self.finish(item.url, "articles")

    # -- site memory --------------------------------------------------------------------

    def open_memory(self) -> None:
        """Open the site memory; one that cannot be opened is logged, never fatal."""
        settings = self.crawler.settings
        if not settings.getbool("NEWSAUDIT_MEMORY", False):
            return
        # An explicit --memory (a file, or a Redis URL) wins; in distributed mode the memory
        # is shared through the crawl's Redis, so every worker sees every article.
        target: str | Path = (
            settings.get("NEWSAUDIT_MEMORY_PATH")
            or settings.get("NEWSAUDIT_REDIS_URL")
            or self.output_dir / MEMORY_FILENAME
        )
        if not is_redis(target):
            target = Path(target)
        self.memory_info = {
            "status": "used",
            "backend": "redis" if is_redis(target) else "sqlite",
            "path": redact(str(target)) if is_redis(target) else str(target),
            "articles_before": 0,
            "articles_after": 0,
        }
        try:
            self.memory = SiteMemory(target, self.audit_config)
        except MemoryStoreError as exc:
            self.memory_failed(exc)
            return
        self.memory_info["articles_before"] = self.memory_info["articles_after"] = self.memory.articles_before

    def memory_failed(self, exc: MemoryStoreError) -> None:
        logger.error("newsaudit: site memory unavailable, pages are audited alone from here: %s", exc)
        self.memory_info.update(status="unavailable", error=str(exc))
        if self.memory is not None:
            self.memory.close()
            self.memory = None

    def judged(self, item: PageItem, analysis: Analysis) -> Analysis:
        """Judge the page against the memory (in conclusion order, so pooled and inline
        runs agree) and remember it; re-audit it only when the memory knows something."""
        if self.memory is None or analysis.prints is None:
            return analysis
        try:
            site = self.memory.judge(analysis.prints)
        except MemoryStoreError as exc:
            self.memory_failed(exc)
            return analysis
        self.stats.inc_value("newsaudit/memory/judged")
        if site is None or site.empty:
            return analysis
        self.stats.inc_value("newsaudit/memory/reaudited")
        result = audit_article(analysis.article, self.audit_config, site)
        return _analysis(result, item.article_url, self.record_context(item))

    # -- state, in groups ---------------------------------------------------------------

    def defer_state(self, op: Callable[[], None]) -> None:
        """Queue a state write; the group is flushed by size or age (and at close)."""
        self.state_ops.append(op)
        now = time.monotonic()
        if len(self.state_ops) >= self.sync_every or now - self.last_sync >= self.sync_seconds:
            self.flush_state()

    def flush_state(self) -> None:
        """Sync the feed, then apply the queued state writes in one transaction: the state
        only ever points at records already on disk."""
        self.last_sync = time.monotonic()
        if not self.state_ops:
            return
        # Only records written in full queue a state write, so once synced (even after a
        # later write failed) every queued write points at a record on disk.
        ops, self.state_ops = self.state_ops, []
        try:
            self.writers["articles"].sync()
        except OutputError as exc:
            self.output_failed(exc)
            return  # the state stays behind the feed: the next run replays or refetches
        try:
            with self.store.batch():
                for op in ops:
                    op()
        except StateError as exc:  # the records are on disk; the next run replays them
            self.output_failed(OSError(str(exc)))

    # -- the end of the run ---------------------------------------------------------

    def spider_closed(self, spider: Any, reason: str) -> None:
        self.closing = True
        if self.pool is not None:  # every item has been concluded: Scrapy waits for them
            self.pool.close()
            self.stats.set_value("newsaudit/pool_restarts", self.pool.restarts)
        if self.run_dir is None:
            return
        for url in self.ledger.pending():  # queued but never fetched: the crawl stopped first
            self.record_outcome(
                OutcomeItem(
                    url,
                    "filtered",
                    "not_fetched",
                    f"the crawl finished ({reason}) before this URL was fetched",
                )
            )
        self.flush_state()
        for writer in self.writers.values():
            try:
                writer.close()
            except OSError as exc:
                self.output_failed(exc)
        counts = self.ledger.counts()
        if self.output_error is not None:
            reason = f"output_error: {self.output_error}"
        summary = {
            "schema_version": schema.load_schema("run")["version"],
            "run_id": self.run_id,
            "site": self.site,
            "config": spider.cfg.path,
            "started_at": self.started_at,
            "finished_at": now_iso(),
            "finish_reason": reason,
            "counts": {k: counts[k] for k in COUNT_KEYS},
            "reasons": dict(sorted(self.ledger.reasons.items())),
            "listings": dict(sorted(spider.sources.items())),
            "sources_failed": spider.source_failures,
            "findings": dict(sorted(self.findings.items())),
            "files": {key: name for key, name in FILES.items()},
        }
        try:
            write_feed(
                self.run_dir,
                site=self.site,
                run_id=self.run_id,
                home_page_url=next(iter(spider.cfg.start_urls), None),
                counts=summary["counts"],
            )
            summary["files"]["feed"] = FEED_FILENAME
        except OSError as exc:
            self.output_failed(exc)
        if (self.run_dir / warc_filename(self.run_id)).exists():
            summary["files"]["warc"] = warc_filename(self.run_id)
        shared = bool(spider.crawler.settings.get("NEWSAUDIT_REDIS_URL"))
        summary["health"] = run_health(summary, spider.cfg, shared_frontier=shared)
        spider.crawler.stats.set_value(HEALTH_STAT, summary["health"]["status"])  # scrapy crawl's exit code
        level = logging.INFO if summary["health"]["status"] == "healthy" else logging.WARNING
        spider.logger.log(
            level, "newsaudit health: %s%s", summary["health"]["status"],
            "".join(f"; {r}" for r in summary["health"]["reasons"]),
        )  # fmt: skip
        summary["alerts"] = []
        if isinstance(self.store, SqliteStore) and self.output_error is None:
            try:
                summary["alerts"] = drift_alerts(self.store, self.run_id, self.measures.as_dict(), spider.cfg)
            except StateError as exc:
                logger.error("newsaudit: drift measures not kept: %s", exc)
        for alert in summary["alerts"]:
            spider.logger.warning(
                "newsaudit alert: %s = %s, expected %s to %s",
                alert["measure"],
                alert["value"],
                *alert["expected"],
            )
        status = "finished" if self.output_error is None else "output_error"
        if self.memory is not None:
            try:
                self.memory_info["articles_after"] = self.memory.count()
            except MemoryStoreError as exc:  # lost at the very end: what it held is unknown
                self.memory_failed(exc)
            else:
                self.memory.close()
        summary["memory"] = self.memory_info
        self.store.finish_run(self.run_id, summary["counts"], reason, status=status)
        self.store.close()
        if self.lock is not None:
            self.lock.release()
        try:
            write_json(self.run_dir / "run.json", summary)
        except OSError as exc:
            logger.error("newsaudit: cannot write %s: %s", self.run_dir / "run.json", exc)
            return
        alerts_file = deliver(self.run_dir, summary, spider.cfg.alerts)
        if alerts_file is not None:
            summary["files"]["alerts"] = alerts_file.name
        report = build_report_if_available(self.run_dir)
        if report is not None:
            summary["files"]["report"] = report.name
        if alerts_file is not None or report is not None:
            write_json(self.run_dir / "run.json", summary)
        if isinstance(self.store, SqliteStore) and self.output_error is None:
            build_view_if_possible(self.output_dir, self.site, self.store.path, spider.cfg)
        spider.logger.info("newsaudit run %s finished: %s", self.run_id, counts)
