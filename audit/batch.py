"""Audit many pages, in parallel, with one outcome per page, in input order.

:func:`audit_page` is the pure, CPU-heavy half (read, decode, extract, audit, build
the records) and runs in a pool worker (:mod:`audit.workers`); the config is loaded
once per worker by :func:`init_worker`, not per page. :func:`audit_pages` drives it
and turns any error of a task into that page's failure, so nothing is ever lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import chain, islice
from pathlib import Path
from typing import Any

from audit.config import load_config
from audit.engine import audit_article
from audit.extract import extract_article
from audit.memory.session import SiteMemory
from audit.memory.store import MemoryStoreError
from audit.model import Article, ExtractionFailure
from audit.pages import Page, decode
from audit.records import audit_record, failed_audit_record, feed_record, now_iso
from audit.workers import BrokenProcessPool, ordered_map


@dataclass(frozen=True)
class Settings:
    """What every task needs besides its page (picklable, sent with each task)."""

    language: str | None = None
    allow_private: bool = False
    site: str | None = None  #: with ``run_id``: also build the ``articles.jsonl`` record
    run_id: str | None = None


@dataclass(frozen=True)
class Outcome:
    page: Page  #: without its body
    record: dict[str, Any]  #: the ``newsaudit audit --json`` line
    feed: dict[str, Any] | None = None  #: the ``articles.jsonl`` line (run directories only)

    @property
    def failure(self) -> dict[str, str] | None:
        return self.record.get("failure")


_CONFIG: Any = None  # the audit config, loaded once per worker


def init_worker(config_path: str | None, override: dict[str, Any] | None = None) -> None:
    global _CONFIG
    _CONFIG = load_config(config_path, override=override)


def _file_uri(source: str) -> str:
    return Path(source.split("#", 1)[0]).resolve().as_uri()


def extract_page(page: Page, language: str | None) -> Article | ExtractionFailure:
    """Read, decode and extract one page (the crawler's decoding path)."""
    if page.failure is not None:
        return page.failure
    assert page.body is not None
    text = decode(page.body, page.content_type, language)
    if isinstance(text, ExtractionFailure):
        return text
    return extract_text(text, page.url, language, page.source)


def extract_text(
    text: str, url: str | None, language: str | None, source: str
) -> Article | ExtractionFailure:
    """Extract one page already decoded to text (e.g. a datatrove Document, :mod:`audit.cluster`)."""
    extraction = extract_article(text, url=url, language_hint=language, source=source)
    return extraction.article if extraction.article is not None else extraction.failure  # type: ignore[return-value]


def audit_page(task: tuple[Page, Settings], memory: SiteMemory | None = None) -> Outcome:
    """One page's outcome: the pure, CPU-heavy half, run in a pool worker (or
    inline, judged against a site ``memory`` of the pages before it)."""
    page, settings = task
    page = page.load(settings.allow_private)
    bare = replace(page, body=None)
    article = extract_page(page, settings.language)
    if isinstance(article, ExtractionFailure):
        return Outcome(bare, failed_audit_record(page.source, page.url, article))
    result = memory.audit(article, _CONFIG) if memory is not None else audit_article(article, _CONFIG)
    feed = None
    if settings.site and settings.run_id:
        feed = feed_record(
            result,
            site=settings.site,
            url=page.url or article.url or _file_uri(page.source),
            run_id=settings.run_id,
            fetched_at=page.fetched_at or now_iso(),
            http_status=page.http_status,
        )
        feed["source"] = page.source  # which file or archive record, not just the URL
    return Outcome(bare, audit_record(result, source=page.source), feed)


def _crashed(page: Page, exc: BaseException) -> Outcome:
    reason = "worker_crashed" if isinstance(exc, BrokenProcessPool) else "analysis_error"
    failure = ExtractionFailure(reason, f"{type(exc).__name__}: {exc}")
    return Outcome(replace(page, body=None), failed_audit_record(page.source, page.url, failure))


def audit_pages(
    pages: Iterable[Page],
    settings: Settings,
    jobs: int,
    config_path: str | None = None,
    memory: SiteMemory | None = None,
) -> Iterator[Outcome]:
    """One :class:`Outcome` per page, in input order, whatever ``jobs`` is.

    Fewer pages than ``jobs`` use that many workers, and a single page runs inline:
    starting a worker costs more than auditing one page. With a site ``memory`` every
    page is judged against the pages before it, so they run inline, in input order."""
    if memory is not None:
        yield from _audit_with_memory(pages, settings, config_path, memory)
        return
    pages = iter(pages)
    head = list(islice(pages, jobs))
    jobs = min(jobs, len(head)) if len(head) < jobs else jobs
    pages = chain(head, pages)
    sent: list[Page] = []

    def tasks() -> Iterator[tuple[Page, Settings]]:
        for page in pages:
            sent.append(page)
            yield page, settings

    results = ordered_map(audit_page, tasks(), jobs, init_worker, (config_path,))
    for index, result in enumerate(results):
        page = sent[index]
        sent[index] = None  # type: ignore[call-overload]  # the body is no longer needed
        yield _crashed(page, result) if isinstance(result, BaseException) else result


def _audit_with_memory(
    pages: Iterable[Page], settings: Settings, config_path: str | None, memory: SiteMemory
) -> Iterator[Outcome]:
    """Inline and in order: what the memory holds depends on the pages before."""
    init_worker(config_path)
    for page in pages:
        try:
            yield audit_page((page, settings), memory)
        except MemoryStoreError:
            raise  # the memory file itself failed: the caller says how to recover
        except Exception as exc:  # noqa: BLE001 - one bad page is that page's failure
            yield _crashed(page, exc)
