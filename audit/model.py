"""Plain, frozen records that flow through the auditor.

They are dataclasses rather than dicts so that every rule sees the same shape, and
frozen so that one rule can never change what the next one reads.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

BlockKind = Literal["heading", "paragraph", "list_item", "quote", "table"]
Severity = Literal["info", "warning", "error"]

SCHEMA_VERSION = "1.0"

FINDING_TYPES: tuple[str, ...] = (
    "repeated_heading",
    "duplicate_paragraph",
    "off_topic_paragraph",
    "unsourced_statistic",
    "truncated_text",
    "language_mixing",
    "boilerplate",
    "metadata_defect",
    "rule_error",
)


@dataclass(frozen=True)
class Block:
    """One unit of extracted body text, in page order."""

    index: int
    kind: BlockKind
    text: str
    level: int | None = None
    language: str | None = None
    #: What the line is on its page (``audit.roles``): "prose", "caption", "credit",
    #: ... ``None`` when unknown (plain-text input). Not serialised: it is read off
    #: the HTML, which a stored record no longer has.
    role: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"index": self.index, "kind": self.kind, "text": self.text}
        if self.level is not None:
            data["level"] = self.level
        data["language"] = self.language
        return data


@dataclass(frozen=True)
class Article:
    """An extracted article: metadata plus ordered body blocks.

    ``headline`` is the page's own headline (h1 / og:title / <title> stripped of the
    site name); ``html_title`` is the raw ``<title>`` text, kept because SEO stuffing
    lives there.
    """

    url: str | None
    title: str | None
    blocks: tuple[Block, ...]
    language: str | None = None
    author: str | None = None
    published: str | None = None
    site_name: str | None = None
    description: str | None = None
    tags: tuple[str, ...] = ()
    canonical_url: str | None = None
    html_title: str | None = None
    headline: str | None = None
    source: str | None = None

    @property
    def text(self) -> str:
        return "\n".join(block.text for block in self.blocks)

    def paragraphs(self) -> list[Block]:
        return [b for b in self.blocks if b.kind in ("paragraph", "quote", "list_item")]

    def headings(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "heading"]


@dataclass(frozen=True)
class Finding:
    """One flagged defect. ``evidence`` is always exact extracted text (or, for
    metadata, the field name and the problem) so an editor can find it on the page."""

    type: str
    rule: str
    severity: Severity
    evidence: str
    message: str
    block: int | None = None
    symbol: str | None = None
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in asdict(self).items() if v is not None}
        data.setdefault("block", None)
        return data


@dataclass(frozen=True)
class ExtractionFailure:
    """Why a page produced no article. Recorded, never raised."""

    reason: str
    detail: str = ""


@dataclass(frozen=True)
class AuditResult:
    """An article with its findings and quality score."""

    article: Article
    findings: tuple[Finding, ...] = field(default_factory=tuple)
    score: int = 100
