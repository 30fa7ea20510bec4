"""Per-run measures of what extraction and the audit saw, for drift alerts.

A site's template change rarely breaks a crawl: pages still arrive, but dates
vanish, bodies shrink or one rule suddenly fires everywhere. These measures make
that visible run over run (:mod:`crawler.drift` compares them with the site's
history). They are counted over every page analysed this run, the unchanged ones
included (a page re-fetched with the same text is still evidence of the template);
pages answered 304 were not analysed and do not count.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

#: Article fields whose coverage is measured (the share of pages where extraction found them).
FIELDS: tuple[str, ...] = ("date", "author", "language", "title")

#: Below this many analysed pages a run's measures are too noisy to judge or to learn from.
MIN_PAGES = 5


class RunMeasures:
    """Tallies one run's analysed pages; :meth:`as_dict` gives the stored measures."""

    def __init__(self) -> None:
        self.pages = 0
        self.extract_failures = 0
        self.blocks = 0
        self.present: Counter[str] = Counter()
        self.rules: Counter[str] = Counter()  # pages with at least one finding of the rule

    def add_page(self, fields: tuple[str, ...], blocks: int, rules: tuple[str, ...]) -> None:
        self.pages += 1
        self.blocks += blocks
        self.present.update(set(fields))
        self.rules.update(set(rules))

    def add_extract_failure(self) -> None:
        self.extract_failures += 1

    def as_dict(self) -> dict[str, Any]:
        """``{"pages", "values": {measure: value}}``; no values below :data:`MIN_PAGES` pages."""
        analysed = self.pages + self.extract_failures
        values: dict[str, float] = {}
        if self.pages >= MIN_PAGES:
            for name in FIELDS:
                values[f"coverage.{name}"] = round(self.present[name] / self.pages, 4)
            values["blocks_per_article"] = round(self.blocks / self.pages, 2)
            for rule, n in sorted(self.rules.items()):
                values[f"flag_rate.{rule}"] = round(n / self.pages, 4)
        if analysed >= MIN_PAGES:
            values["extraction_failure_rate"] = round(self.extract_failures / analysed, 4)
        return {"pages": self.pages, "extract_failures": self.extract_failures, "values": values}


def present_fields(article: Any) -> tuple[str, ...]:
    """Which of :data:`FIELDS` an extracted article has."""
    found = {
        "date": bool((article.published or "").strip()),
        "author": bool((article.author or "").strip()),
        "language": bool(article.language),
        "title": bool((article.headline or article.title or "").strip()),
    }
    return tuple(name for name in FIELDS if found[name])
