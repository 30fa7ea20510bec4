"""Build real run directories for the report and review tests.

Pages in tests/fixtures/review/ go through the real extractor and auditor and are
written in the crawler's run-directory format, so these tests need no crawl.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from audit.engine import audit_article
from audit.extract import extract_article
from audit.records import failure_record, feed_record

FIXTURES = Path(__file__).parent / "fixtures" / "review"

#: fixture page -> (site, url the article was "crawled" from)
PAGES: dict[str, tuple[str, str]] = {
    "id-banjir.html": ("warta-pantura", "https://warta.example/2025/11/banjir-semarang"),
    "en-council.html": ("harbour-times", "https://harbour.example/news/council-cycling-lanes"),
    "th-market.html": ("khao-rimnam", "https://rimnam.example/market-restored"),
    # hostile: its URL is a javascript: URL, its text carries markup and handlers
    "hostile.html": ("harbour-times", "javascript:window.__xss=4//harbour-festival"),
}


#: pages kept out of the default run (its tests count its four articles)
EXTRA_PAGES: dict[str, tuple[str, str]] = {
    # an unsourced percentage: the evidence is one sentence inside a three-sentence paragraph
    "en-budget.html": ("harbour-times", "https://harbour.example/news/harbour-budget"),
}


def audited_record(name: str, run_id: str = "run-test") -> dict[str, Any]:
    site, url = {**PAGES, **EXTRA_PAGES}[name]
    extraction = extract_article((FIXTURES / name).read_bytes(), url=None, source=name)
    assert extraction.article is not None, extraction.failure
    result = audit_article(extraction.article)
    return feed_record(result, site=site, url=url, run_id=run_id, fetched_at="2025-11-28T09:00:00Z")


def make_run(root: Path, run_id: str = "run-test", names: list[str] | None = None) -> Path:
    """Write ``root/run_id`` with articles, failures, a reject and run.json."""
    run_dir = root / run_id
    run_dir.mkdir(parents=True)
    records = [audited_record(n, run_id) for n in (names or list(PAGES))]
    with (run_dir / "articles.jsonl").open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    failures = [
        failure_record(
            url="https://warta.example/2025/11/missing",
            reason="http_404",
            detail="Not Found",
            stage="fetch",
            site="warta-pantura",
            run_id=run_id,
            http_status=404,
        ),
        failure_record(
            url="https://harbour.example/video/1",
            reason="no_text",
            detail="page has no article body",
            stage="extract",
            site="harbour-times",
            run_id=run_id,
        ),
    ]
    with (run_dir / "failures.jsonl").open("w", encoding="utf-8") as fh:
        for f in failures:
            fh.write(json.dumps(f) + "\n")
    reject = {
        "record": {"url": "https://harbour.example/broken", "score": 140},
        "errors": ["score: 140 is greater than the maximum of 100"],
    }
    (run_dir / "rejects.jsonl").write_text(json.dumps(reject) + "\n", encoding="utf-8")
    meta = {
        "run_id": run_id,
        "site": "mixed",
        "counts": {"crawled": len(records) + 3},
        "started_at": "2025-11-28T09:00:00Z",
        "finished_at": "2025-11-28T09:01:00Z",
    }
    (run_dir / "run.json").write_text(json.dumps(meta), encoding="utf-8")
    return run_dir


def findings_of(record: dict[str, Any], type_: str) -> list[dict[str, Any]]:
    return [f for f in record["findings"] if f["type"] == type_]


def finding_index(record: dict[str, Any], type_: str, nth: int = 0) -> int:
    """Position in ``record["findings"]`` of the ``nth`` finding of ``type_``."""
    positions = [i for i, f in enumerate(record["findings"]) if f["type"] == type_]
    assert len(positions) > nth, (
        f"{record['url']}: fewer than {nth + 1} {type_} findings: {record['findings']}"
    )
    return positions[nth]
