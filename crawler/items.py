"""What the spider hands the pipeline.

Two kinds only: a fetched page to extract and audit (:class:`PageItem`), and the
outcome of a discovered URL that produced no page (:class:`OutcomeItem`: a fetch
failure, a robots.txt refusal, a filtered or duplicate URL). The pipeline is the one
writer of every output file, so every outcome passes through it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class PageItem:
    url: str  # the discovered (ledger) URL
    article_url: str  # canonical URL to publish under
    body: str
    http_status: int
    fetched_at: str
    language_hint: str | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class OutcomeItem:
    url: str
    outcome: str  # one of crawler.state.OUTCOMES other than "articles"/"rejected"
    reason: str
    detail: str = ""
    stage: str = "fetch"
    http_status: int | None = None
