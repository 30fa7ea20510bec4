"""Plain, frozen records that flow through the auditor.

They are dataclasses rather than dicts so that every rule sees the same shape, and
frozen so that one rule can never change what the next one reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

BlockKind = Literal["heading", "paragraph", "list_item", "quote", "table"]
Severity = Literal["info", "warning", "error"]

SCHEMA_VERSION = "1.1"  # 1.1: findings may carry origin_url, articles duplicate_of (site memory)

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
    #: The other article a pasted paragraph was found in (site memory, AQ302).
    origin_url: str | None = None

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
class Origin:
    """Where the site memory found a near-copy of a paragraph: another article's body."""

    url: str
    containment: float  # estimated share of the paragraph's shingles found there


@dataclass(frozen=True)
class SiteContext:
    """What the site memory knows about an article's blocks, judged against the pages
    seen before it (:mod:`audit.memory.judge`). The engine passes it to the site
    rules (AQ302, AQ704) and leaves ``template`` blocks out of the rules that would
    misread a site's template as the article's own text."""

    site: str
    #: The site's articles seen so far, this one included.
    site_articles: int = 0
    #: Block index -> articles of the site carrying a near-copy of it (this one included),
    #: for blocks that recur on enough of the site's articles to be template.
    template: Mapping[int, int] = field(default_factory=dict)
    #: Block index -> the other article whose body holds a near-copy of it.
    pastes: Mapping[int, Origin] = field(default_factory=dict)
    #: URL of the earliest article whose whole body this one nearly repeats.
    duplicate_of: str | None = None

    @property
    def empty(self) -> bool:
        """Nothing that changes the audit: the result is the page-alone one."""
        return not (self.template or self.pastes or self.duplicate_of)


@dataclass(frozen=True)
class AuditResult:
    """An article with its findings and quality score."""

    article: Article
    findings: tuple[Finding, ...] = field(default_factory=tuple)
    score: int = 100
    #: Set by the site memory: the earliest copy of this article's body under another URL.
    duplicate_of: str | None = None
