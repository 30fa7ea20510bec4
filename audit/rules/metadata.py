"""AQ8xx metadata_defect: the date, author and title an archive indexes by.

Evidence starts with the field name and states the problem ("title: ends with the
year '2025'"), because the defect is in metadata, not in a block of text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from audit import lexicon
from audit.config import AuditConfig
from audit.model import Article
from audit.registry import Flag, register
from audit.text import normalize

FAMILY = "metadata_defect"

_YEAR_END = re.compile(r"(?:^|\s)\(?((?:19|20)\d{2})\)?$")
_SEPARATORS = re.compile(r"\s+[-|–—•:»]\s+")
_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2}))?$")


def today() -> date:
    """The reference date for "future" (a function so tests can pin it)."""
    return datetime.now(UTC).date()


def parse_date(value: str) -> date | None:
    """Parse ISO dates and date-times (``2025-11-24``, ``2025-11-24T08:15:00+07:00``,
    ``2025-11``, ``2025``); ``None`` when the value is not a date."""
    value = value.strip()
    partial = _PARTIAL.match(value)
    if partial:
        try:
            return date(int(partial.group(1)), int(partial.group(2) or 1), 1)
        except ValueError:
            return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None


@register("AQ801", "date-missing", FAMILY, "info", "The article has no publication date.")
def date_missing(article: Article, config: AuditConfig) -> Iterator[Flag]:
    if not (article.published or "").strip():
        yield Flag(evidence="date: missing", message="No publication date was found on the page")


@register("AQ802", "date-unparseable", FAMILY, "warning", "The publication date cannot be read as a date.")
def date_unparseable(article: Article, config: AuditConfig) -> Iterator[Flag]:
    value = (article.published or "").strip()
    if value and parse_date(value) is None:
        yield Flag(
            evidence=f"date: cannot be parsed ('{value}')",
            message=f"The publication date '{value}' is not a valid date",
        )


@register("AQ803", "date-in-future", FAMILY, "warning", "The publication date lies in the future.")
def date_in_future(article: Article, config: AuditConfig) -> Iterator[Flag]:
    value = (article.published or "").strip()
    parsed = parse_date(value) if value else None
    slack = int(config.threshold(FAMILY, "future_days", 1))
    if parsed is not None and parsed > today() + timedelta(days=slack):
        yield Flag(
            evidence=f"date: in the future ('{value}')",
            message=f"The publication date {parsed.isoformat()} is after today ({today().isoformat()})",
        )


@lru_cache(maxsize=4)
def _placeholders() -> frozenset[str]:
    return frozenset(normalize(a) for a in lexicon.combined().placeholder_authors)


def is_placeholder_author(author: str, site_name: str | None = None) -> bool:
    """``admin``, ``Administrator``, ``admin2``, ``Admin BeritaBurung``..."""
    name = normalize(author)
    candidates = {name, re.sub(r"[\d_]+", " ", name).strip()}
    if site_name:
        site = normalize(site_name)
        candidates |= {c.replace(site, " ").strip() for c in list(candidates)}
    candidates = {re.sub(r"\s+", " ", c) for c in candidates}
    return bool(candidates & _placeholders())


@register(
    "AQ804", "placeholder-author", FAMILY, "warning", "The author is a CMS placeholder such as 'admin'."
)
def placeholder_author(article: Article, config: AuditConfig) -> Iterator[Flag]:
    if article.author and is_placeholder_author(article.author, article.site_name):
        yield Flag(
            evidence=f"author: placeholder '{article.author}'",
            message=f"The byline '{article.author}' is a CMS default account, not a person or desk",
        )


def _strip_site(title: str, site_name: str | None) -> str:
    parts = [p for p in _SEPARATORS.split(title) if p.strip()]
    if site_name:
        site = normalize(site_name)
        kept = [p for p in parts if normalize(p) != site]
        parts = kept or parts
    return " - ".join(parts).strip()


def stuffed_year(title: str, headline: str, site_name: str | None = None) -> str | None:
    """The year a page title appends to its headline ("Headline 2025", "Headline
    Terbaru 2025 - Site"), or ``None``. Only a title that *is* the headline plus at
    most one filler word ("Terbaru", "Update") and a year counts: dates
    ("30.01.2024") and section labels ("Best of 2014") are not stuffing. Trailing
    " | Site" segments are ignored even when the site name is unknown."""
    head = normalize(headline)
    parts = [p for p in _SEPARATORS.split(_strip_site(title, site_name)) if p.strip()]
    for k in range(len(parts), 0, -1):
        stripped = normalize(" ".join(parts[:k]))
        match = _YEAR_END.search(stripped)
        if not match or not head or match.group(1) in head or not stripped.startswith(head):
            continue
        if len(stripped[len(head) : match.start()].split()) <= 1:
            return match.group(1)
    return None


@register(
    "AQ805",
    "title-year-stuffing",
    FAMILY,
    "warning",
    "The page title appends a year the headline does not have.",
)
def title_year_stuffing(article: Article, config: AuditConfig) -> Iterator[Flag]:
    title = article.html_title or article.title
    if not title or not article.headline:
        return
    year = stuffed_year(title, article.headline, article.site_name)
    if year:
        yield Flag(
            evidence=f"title: ends with the year '{year}'",
            message=f"The page title adds '{year}' to the headline, a search-engine stuffing pattern",
        )


@register("AQ806", "title-site-stuffing", FAMILY, "warning", "The page title repeats the site name.")
def title_site_stuffing(article: Article, config: AuditConfig) -> Iterator[Flag]:
    title = article.html_title or article.title
    if not title or not article.site_name or len(normalize(article.site_name)) < 3:
        return
    site = normalize(article.site_name)
    segments = sum(normalize(p) == site for p in _SEPARATORS.split(title))
    count = normalize(title).count(site)
    allowed = int(config.threshold(FAMILY, "max_site_name_in_title", 2))
    if segments >= 2 or count > allowed:
        yield Flag(
            evidence=f"title: repeats the site name '{article.site_name}' {count} times",
            message=f"The page title names the site {count} times, a search-engine stuffing pattern",
        )
