"""The one pipeline: extract, audit, validate, write, count.

It stays thin: extraction and auditing are :mod:`audit`'s job. What lives here is
the bookkeeping that makes a feed trustworthy: each discovered URL reaches exactly
one outcome in the spider's ledger, each outcome lands in exactly one file (articles,
rejects or failures), and ``run.json`` counts add up. Counts also go to
``crawler.stats`` under ``newsaudit/<outcome>``.
"""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path
from typing import Any

from scrapy import signals

from audit import schema
from audit.config import load_config
from audit.engine import audit_article
from audit.extract import extract_article
from audit.model import SCHEMA_VERSION
from audit.records import content_hash, failure_record, feed_record, now_iso
from crawler.items import OutcomeItem, PageItem
from crawler.output import JsonlWriter, new_run_id, run_directory, sanitize, write_json
from crawler.state import COUNT_KEYS, Ledger, StateStore

logger = logging.getLogger(__name__)

FILES = {"articles": "articles.jsonl", "rejects": "rejects.jsonl", "failures": "failures.jsonl"}


def build_report_if_available(run_dir: Path) -> Path | None:
    """Call ``audit.report.build_report`` when that module exists; never fail the crawl."""
    try:
        from audit.report import build_report  # type: ignore[attr-defined]
    except ImportError:
        return None
    try:
        result = build_report(run_dir)
    except Exception:  # noqa: BLE001 - the feed is written; a report bug must not lose it
        logger.exception("building the HTML report for %s failed", run_dir)
        return None
    path = Path(result) if result else run_dir / "report.html"
    return path if path.exists() else None


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
        self.run_dir = run_directory(self.output_dir, self.run_id)
        for key, name in FILES.items():
            self.writers[key] = JsonlWriter(self.run_dir / name)
        spider.logger.info("newsaudit run %s writing to %s", self.run_id, self.run_dir)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, OutcomeItem):
            self.record_outcome(item)
        elif isinstance(item, PageItem):
            self.process_page(item)
        return item

    # -- outcomes -------------------------------------------------------------------

    def finish(self, url: str, outcome: str, reason: str | None = None) -> None:
        self.ledger.finish(url, outcome, reason)
        self.stats.inc_value(f"newsaudit/{outcome}")
        if reason:
            self.stats.inc_value(f"newsaudit/reason/{reason}")

    def record_outcome(self, item: OutcomeItem) -> None:
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
        self.finish(item.url, item.outcome, item.reason)

    def process_page(self, item: PageItem) -> None:
        # Lone surrogates (from a lenient decoder upstream) would make lxml refuse the page.
        body = sanitize(item.body)
        extraction = extract_article(
            body, url=item.article_url, language_hint=item.language_hint, source=item.url
        )
        if extraction.failure is not None:
            failure = extraction.failure
            self.record_outcome(
                OutcomeItem(item.url, "failed", failure.reason, failure.detail, "extract", item.http_status)
            )
            return
        assert extraction.article is not None
        result = audit_article(extraction.article, self.audit_config)
        digest = content_hash(result.article)
        if digest in self.hashes:
            detail = f"same content as {self.hashes[digest]}"
            self.record_outcome(OutcomeItem(item.url, "duplicates", "duplicate_content", detail, "extract"))
            return
        previous = self.store.previous(item.article_url)
        if previous is not None and previous.content_hash == digest:
            self.finish(item.url, "unchanged", "same_content_hash")
            return
        self.hashes[digest] = item.article_url
        record = feed_record(
            result,
            site=self.site,
            url=item.article_url,
            run_id=self.run_id,
            fetched_at=item.fetched_at,
            http_status=item.http_status,
            version=previous.version + 1 if previous else 1,
            previous_hash=previous.content_hash if previous else None,
        )
        problems = schema.errors("article", record)
        if problems:
            self.writers["rejects"].write(
                {"schema_version": SCHEMA_VERSION, "url": item.url, "errors": problems, "record": record}
            )
            self.finish(item.url, "rejected", "schema_invalid")
            return
        self.writers["articles"].write(record)
        self.store.remember(
            item.article_url,
            content_hash=digest,
            version=record["version"],
            etag=item.etag,
            last_modified=item.last_modified,
        )
        self.findings.update(f.type for f in result.findings)
        self.finish(item.url, "articles")

    # -- the end of the run ---------------------------------------------------------

    def spider_closed(self, spider: Any, reason: str) -> None:
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
        for writer in self.writers.values():
            writer.close()
        self.store.close()
        counts = self.ledger.counts()
        summary = {
            "schema_version": SCHEMA_VERSION,
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
        write_json(self.run_dir / "run.json", summary)
        report = build_report_if_available(self.run_dir)
        if report is not None:
            summary["files"]["report"] = report.name
            write_json(self.run_dir / "run.json", summary)
        spider.logger.info("newsaudit run %s finished: %s", self.run_id, counts)
