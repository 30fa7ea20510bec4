"""The publication date, author and language a page declares, unvalidated.

Trafilatura and htmldate validate metadata: a future or malformed date is dropped
or replaced, a placeholder author ("admin") discarded. Those are exactly the
defects ``metadata_defect`` reports, so we also read what the page itself declares
(``<meta>`` tags, JSON-LD, the byline's ``<time>``) and use it where theirs is gone.
"""

from __future__ import annotations

import json
import re
from datetime import date

from lxml import etree

from audit.text import collapse_spaces

#: Where a page declares its publication date, most explicit first (``<meta>``
#: attribute and value; :func:`_metas` reads them all in one walk).
_DATE_META = (
    ("property", "article:published_time"),
    ("property", "og:article:published_time"),
    ("property", "og:published_time"),
    ("itemprop", "datePublished"),
    ("name", "pubdate"),
    ("name", "publishdate"),
    ("name", "date"),
    ("name", "dc.date.issued"),
    ("name", "DC.date.issued"),
)
_AUTHOR_META = (
    ("name", "author"),
    ("property", "article:author"),
    ("name", "dc.creator"),
    ("name", "DC.creator"),
    ("itemprop", "author"),
)
_META_KEYS = frozenset(_DATE_META + _AUTHOR_META)
_METAS = etree.XPath("//meta[@content]")
_JSON_LD = etree.XPath("//script[@type='application/ld+json']")
_MARKED_TIME = etree.XPath("//time[@pubdate or @itemprop='datePublished']/@datetime")
_URL = re.compile(r"^(?:https?:)?//|^www\.", re.I)


def _metas(tree: etree._Element) -> dict[tuple[str, str], list[str]]:
    """The ``content`` of the page's date and author ``<meta>`` tags, in page order,
    by attribute and value: one walk of the tree instead of one per tag we look for."""
    found: dict[tuple[str, str], list[str]] = {}
    for meta in _METAS(tree):
        for attribute in ("property", "itemprop", "name"):
            key = (attribute, meta.get(attribute))
            if key in _META_KEYS:
                found.setdefault(key, []).append(meta.get("content"))
    return found


def _json_ld(tree: etree._Element) -> list[dict]:
    """Every object in the page's JSON-LD, ``@graph`` members included."""
    found: list[dict] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            found.append(value)
            walk(value.get("@graph"))
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for script in _JSON_LD(tree):
        try:
            walk(json.loads(script.text or "", strict=False))
        except (ValueError, RecursionError):
            continue
    return found


def _ld_author(value: object) -> str | None:
    if isinstance(value, list):
        names = [n for n in (_ld_author(v) for v in value) if n]
        return "; ".join(names) or None
    if isinstance(value, dict):
        value = value.get("name")
    return collapse_spaces(value) if isinstance(value, str) else None


def _first(values: object) -> str | None:
    for value in values if isinstance(values, list) else ():
        text = collapse_spaces(str(value))
        if text:
            return text
    return None


def declared(tree: etree._Element | None) -> tuple[str | None, str | None]:
    """The publication date and author as the page declares them, unvalidated:
    ``<meta>`` tags, then JSON-LD, then a ``<time datetime>`` of the article's byline. Trafilatura and htmldate drop
    a future or malformed date and a placeholder author, which are exactly the
    defects the AQ8xx rules report."""
    if tree is None:
        return None, None
    metas = _metas(tree)
    published = next((v for v in (_first(metas.get(m)) for m in _DATE_META) if v), None)
    author = next((v for v in (_first(metas.get(m)) for m in _AUTHOR_META) if v and not _URL.match(v)), None)
    if published is None or author is None:
        for obj in _json_ld(tree):
            if published is None and isinstance(obj.get("datePublished"), str):
                published = collapse_spaces(obj["datePublished"]) or None
            if author is None:
                name = _ld_author(obj.get("author"))
                author = name if name and not _URL.match(name) else None
    if published is None:
        published = _byline_time(tree)
    return published, author


def _byline_time(tree: etree._Element) -> str | None:
    """The ``datetime`` of a ``<time>`` marked as the publication date, or else of the
    first one in the article's byline, before its first paragraph: a ``<time>`` in
    the story itself dates an event, not the article."""
    marked = _MARKED_TIME(tree)
    if _first(marked):
        return _first(marked)
    for article in tree.iter("article"):
        for node in article.iter("time", "p"):
            if node.tag == "p" and collapse_spaces(node.text_content()):
                return None
            if node.tag == "time" and collapse_spaces(node.get("datetime")):
                return collapse_spaces(node.get("datetime"))
        return None
    return None


def placeholder(author: str | None, site_name: str | None) -> str | None:
    """A declared byline Trafilatura drops as a placeholder ("admin", "webmaster"),
    kept so AQ804 can report it. Other bylines it drops (the site's own name, a
    brand) stay dropped."""
    from audit.rules.metadata import is_placeholder_author

    return author if author and is_placeholder_author(author, site_name) else None


#: An ISO 8601 timestamp with a time of day and a zone (``2025-11-24T08:15:00+07:00``).
_ZONED = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")


def _impossible_day(value: str) -> bool:
    """``2024-13-45``: shaped like an ISO date, but no such day."""
    match = _ISO_DAY.match(value.strip())
    if not match:
        return False
    try:
        date(*(int(g) for g in match.groups()))
    except ValueError:
        return True
    return False


def published(declared: str | None, extracted: str | None) -> str | None:
    """The date the metadata rules judge: Trafilatura's (``YYYY-MM-DD``) unless it
    dropped or bent what the page declares, namely a declared date it rejected (in the
    future, or no date at all: "kemarin sore"), a declared ISO date in the future
    when it fell back on another date, and an ISO-shaped but impossible date
    ("2024-13-45", which it reads as 2024-01-01). A declared date in a local format
    ("Thu, 21 Dec 2023") or time zone that Trafilatura read keeps its reading."""
    from audit.rules.metadata import parse_date, today

    if not declared:
        return extracted
    if not extracted:
        return declared
    ours = parse_date(declared)
    if ours is not None:
        if ours > today():
            return declared
        # Trafilatura keeps only the day: a declared timestamp of that same day keeps
        # its time of day and zone (08:15+07:00 must not become midnight UTC in feeds).
        return declared if _ZONED.match(declared) and str(ours) == extracted else extracted
    return declared if _impossible_day(declared) else extracted


#: The ``<meta>`` tags in one path: each ``//meta`` of a union walks the whole page again.
_LANGUAGE_TAGS = etree.XPath(
    "/html/@lang | /html/@xml:lang"
    " | //meta[@property='og:locale' or @name='language' or @name='content-language'"
    " or translate(@http-equiv, 'CONTENTLAGU', 'contentlagu')='content-language']/@content",
    namespaces={"xml": "http://www.w3.org/XML/1998/namespace"},
)


def declared_languages(tree: etree._Element | None) -> list[str]:
    """The page's own language tags, most authoritative first: ``<html lang>``,
    ``og:locale``, ``content-language`` and ``language`` meta tags."""
    if tree is None:
        return []
    tags = []
    for value in _LANGUAGE_TAGS(tree):
        tags.extend(part.strip() for part in str(value).split(",") if part.strip())
    return tags
