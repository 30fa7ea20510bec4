"""Turn audit results into the JSON records of the finding contract (DESIGN.md §2).

One function per record kind so the CLI, the crawler and the report all emit the
same shape; ``schemas/`` validates it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from audit.model import SCHEMA_VERSION, Article, AuditResult, ExtractionFailure


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def content_hash(article: Article) -> str:
    """Hash of what an archive cares about: the title and the extracted body text.
    Layout changes that leave the text alone do not create a new version."""
    digest = hashlib.sha256()
    digest.update((article.headline or article.title or "").encode("utf-8", "surrogatepass"))
    for block in article.blocks:
        digest.update(b"\x00" + block.kind.encode() + b"\x00" + block.text.encode("utf-8", "surrogatepass"))
    return "sha256:" + digest.hexdigest()


def article_fields(article: Article) -> dict[str, Any]:
    return {
        "url": article.url,
        "title": article.title,
        "headline": article.headline,
        "language": article.language,
        "published": article.published,
        "author": article.author,
        "site_name": article.site_name,
        "description": article.description,
        "tags": list(article.tags),
        "canonical_url": article.canonical_url,
        "blocks": [b.to_dict() for b in article.blocks],
    }


def audit_record(result: AuditResult, source: str) -> dict[str, Any]:
    """A ``newsaudit audit --json`` line (schemas/audit-report.schema.json)."""
    record = {
        "schema_version": SCHEMA_VERSION,
        "source": source,
        **article_fields(result.article),
        "findings": [f.to_dict() for f in result.findings],
        "score": result.score,
    }
    if result.duplicate_of is not None:
        record["duplicate_of"] = result.duplicate_of
    return record


def failed_audit_record(source: str, url: str | None, failure: ExtractionFailure) -> dict[str, Any]:
    """An audit line for an input that could not be read or extracted."""
    return {
        "schema_version": SCHEMA_VERSION,
        "source": source,
        "url": url,
        "title": None,
        "language": None,
        "blocks": [],
        "findings": [],
        "score": None,
        "failure": {"reason": failure.reason, "detail": failure.detail},
    }


def feed_record(
    result: AuditResult,
    *,
    site: str,
    url: str,
    run_id: str,
    fetched_at: str,
    http_status: int | None = None,
    version: int = 1,
    previous_hash: str | None = None,
) -> dict[str, Any]:
    """An ``articles.jsonl`` line (schemas/article.schema.json)."""
    record = audit_record(result, source=url)
    record.update(
        {
            "site": site,
            "run_id": run_id,
            "url": url,
            "content_hash": content_hash(result.article),
            "fetched_at": fetched_at,
            "version": version,
            "previous_hash": previous_hash,
        }
    )
    if http_status is not None:
        record["http_status"] = http_status
    return record


def failure_record(
    *,
    url: str,
    reason: str,
    detail: str = "",
    stage: str = "fetch",
    site: str | None = None,
    run_id: str | None = None,
    http_status: int | None = None,
) -> dict[str, Any]:
    """A ``failures.jsonl`` line (schemas/failure.schema.json)."""
    record: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "url": url,
        "stage": stage,
        "reason": reason,
        "detail": detail,
        "http_status": http_status,
        "at": now_iso(),
    }
    if site is not None:
        record["site"] = site
    if run_id is not None:
        record["run_id"] = run_id
    return record


def sanitize(value: Any) -> Any:
    """Make every string UTF-8 encodable: surrogate pairs are joined, lone
    surrogates become U+FFFD. Control characters are left to ``json.dumps``, which
    escapes them, so a record from a hostile page still serialises to valid JSON."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
            return value
        except UnicodeEncodeError:
            return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, dict):
        return {sanitize(k): sanitize(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [sanitize(v) for v in value]
    return value


def json_line(record: dict[str, Any]) -> str:
    """One JSON Lines record (with its newline), always encodable as UTF-8."""
    return json.dumps(sanitize(record), ensure_ascii=False, separators=(",", ":")) + "\n"
