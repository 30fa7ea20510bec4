"""Crawler-trap detection: endless URL spaces a news site can generate.

Calendars link to next month forever, pagination keeps answering ``?page=N+1`` with
the same listing, and broken relative links grow ``/a/b/a/b/...`` paths. The depth
and page caps stop any of these eventually; this detector stops them early and names
why, so the skipped URLs are accounted as ``filtered`` with a reason instead of
eating the page budget.

A check is a pure function of the URL plus a per-run counter of listing URL shapes.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from urllib.parse import parse_qsl, unquote, urlsplit

MAX_URL_LENGTH = 2048
MAX_PATH_SEGMENTS = 16
MAX_SEGMENT_REPEATS = 3
#: A year this far in the future (or before 1990) is a calendar running away.
MAX_YEARS_AHEAD = 1
MIN_YEAR = 1990

_YEAR = re.compile(r"^([0-9]{4})")
_DATE = re.compile(r"[0-9]{4}(?:[-_./][0-9]{1,2}){0,2}")
_DIGITS = re.compile(r"[0-9]+")
_CALENDAR_WORDS = re.compile(
    r"(?i)(calendar|kalender|kalendar|lich|archive|arsip|arkib|date|tanggal|tarikh|month|bulan|year|tahun|day|hari)"
)


def url_shape(url: str) -> str:
    """The URL with every run of digits replaced by ``N`` and query values dropped:
    ``/list?page=17`` and ``/list?page=18`` share the shape ``/list?page=``."""
    parts = urlsplit(url)
    path = _DIGITS.sub("N", parts.path)
    keys = sorted({_DIGITS.sub("N", k) for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return f"{parts.netloc}{path}?{'&'.join(k + '=' for k in keys)}"


def structural_trap(url: str, now: datetime | None = None, calendar: bool = True) -> tuple[str, str] | None:
    """(reason, detail) when the URL itself looks like a trap; None otherwise.

    ``calendar=False`` skips the date check (article slugs may carry any year)."""
    if len(url) > MAX_URL_LENGTH:
        return "trap_long_url", f"URL is {len(url)} characters long (> {MAX_URL_LENGTH})"
    parts = urlsplit(url)
    segments = [s for s in unquote(parts.path).split("/") if s]
    if len(segments) > MAX_PATH_SEGMENTS:
        return "trap_deep_path", f"{len(segments)} path segments (> {MAX_PATH_SEGMENTS})"
    repeats = Counter(segments).most_common(1)
    if repeats and repeats[0][1] >= MAX_SEGMENT_REPEATS:
        segment, n = repeats[0]
        return "trap_repeated_path", f"path segment {segment!r} repeats {n} times"
    if calendar:
        this_year = (now or datetime.now(UTC)).year
        # Only where calendars put dates: a path segment that is a date, or a date-ish query value.
        candidates = [s for s in segments if _DATE.fullmatch(s)]
        candidates += [
            v
            for k, v in parse_qsl(parts.query)
            if _DATE.fullmatch(v) and (_CALENDAR_WORDS.search(k) or not v.isdigit())
        ]
        for text in candidates:
            match = _YEAR.search(text)
            year = int(match.group(1)) if match else None
            if year is not None and (year > this_year + MAX_YEARS_AHEAD or year < MIN_YEAR):
                return (
                    "trap_calendar",
                    f"date in year {year} is outside {MIN_YEAR}..{this_year + MAX_YEARS_AHEAD}",
                )
    return None


class TrapDetector:
    """Per-run trap checks; listing pages also share a budget per URL shape."""

    def __init__(self, max_per_shape: int = 50, now: datetime | None = None) -> None:
        self.max_per_shape = max_per_shape
        self.now = now
        self.shapes: Counter[str] = Counter()

    def check_article(self, url: str) -> tuple[str, str] | None:
        return structural_trap(url, self.now, calendar=False)

    def check_listing(self, url: str) -> tuple[str, str] | None:
        """Call once per listing URL about to be fetched; counts it against its shape."""
        found = structural_trap(url, self.now)
        if found is not None:
            return found
        shape = url_shape(url)
        if self.max_per_shape and self.shapes[shape] >= self.max_per_shape:
            return (
                "trap_pattern_overflow",
                f"more than {self.max_per_shape} listing pages shaped like {shape}",
            )
        self.shapes[shape] += 1
        return None
