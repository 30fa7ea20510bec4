"""``newsaudit audit --out DIR``: write outcomes as a run directory, like a crawl.

The same files, writers and schemas as a crawl (:mod:`audit.output`,
``schemas/run.schema.json``), so ``newsaudit report``, ``validate``, ``serve`` and
``reaudit`` read it unchanged. Each input record lands in exactly one file:
``articles.jsonl``, ``rejects.jsonl`` (schema-invalid, with the errors) or
``failures.jsonl`` (with its reason), and ``run.json`` counts add up:
``discovered`` = ``articles`` + ``failed`` + ``rejected`` (an audit has no
duplicates, unchanged, filtered or disallowed pages: every input is audited).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from audit import schema
from audit.batch import Outcome
from audit.model import SCHEMA_VERSION
from audit.output import JsonlWriter, new_run_id, run_directory, write_json
from audit.records import failure_record, now_iso

FILES = {"articles": "articles.jsonl", "rejects": "rejects.jsonl", "failures": "failures.jsonl"}
#: Failures of reading the input rather than of extracting it.
FETCH_REASONS = frozenset({"not_found", "unreadable", "fetch_error", "private_address", "bad_redirect"})


class RunWriter:
    """Open a fresh run directory under ``output_dir``; :meth:`add` each outcome in order."""

    def __init__(self, output_dir: str | Path, site: str = "audit", config: str | None = None) -> None:
        self.site = site
        self.config = config
        self.run_id = new_run_id(site)
        self.path = run_directory(output_dir, self.run_id)
        self.started_at = now_iso()
        self.writers = {key: JsonlWriter(self.path / name) for key, name in FILES.items()}
        self.counts: Counter[str] = Counter()
        self.reasons: Counter[str] = Counter()
        self.findings: Counter[str] = Counter()

    def add(self, outcome: Outcome) -> None:
        self.counts["discovered"] += 1
        failure = outcome.failure
        if failure is not None or outcome.feed is None:
            reason = failure["reason"] if failure else "not_audited"
            detail = failure["detail"] if failure else ""
            url = outcome.page.url or outcome.page.source
            if url != outcome.page.source:  # say which record, not only which URL
                detail = f"{outcome.page.source}: {detail}"
            self.writers["failures"].write(
                failure_record(
                    url=url,
                    reason=reason,
                    detail=detail,
                    stage="fetch" if reason in FETCH_REASONS else "extract",
                    site=self.site,
                    run_id=self.run_id,
                    http_status=outcome.page.http_status,
                )
            )
            self.counts["failed"] += 1
            self.reasons[reason] += 1
            return
        problems = schema.errors("article", outcome.feed)
        if problems:
            self.writers["rejects"].write(
                {"schema_version": SCHEMA_VERSION, "url": outcome.feed["url"], "errors": problems,
                 "record": outcome.feed}
            )  # fmt: skip
            self.counts["rejected"] += 1
            self.reasons["schema_invalid"] += 1
            return
        self.writers["articles"].write(outcome.feed)
        self.counts["articles"] += 1
        self.findings.update(f["type"] for f in outcome.feed["findings"])

    def close(self, report: bool = True) -> dict[str, Any]:
        """Close the files, write ``run.json`` (and ``report.html``); return the summary."""
        for writer in self.writers.values():
            writer.close()
        keys = schema.load_schema("run")["properties"]["counts"]["required"]
        summary: dict[str, Any] = {
            "schema_version": schema.load_schema("run")["version"],
            "run_id": self.run_id,
            "site": self.site,
            "config": self.config,
            "started_at": self.started_at,
            "finished_at": now_iso(),
            "finish_reason": "finished",
            "counts": {key: self.counts[key] for key in keys},
            "reasons": dict(sorted(self.reasons.items())),
            "findings": dict(sorted(self.findings.items())),
            "files": dict(FILES),
        }
        write_json(self.path / "run.json", summary)
        if report:
            from audit.report import build_report

            summary["files"]["report"] = build_report(self.path).name
            write_json(self.path / "run.json", summary)
        return summary
