"""repeated_heading: the headline, or another heading, pasted again as a heading.

SEO templates paste the headline back into the body as h2/h3 headings. The
headline itself shown once (the page's h1, kept or not by extraction) is not a
defect; every further copy is. Short generic subheads ("Update", "FAQ", a time
stamp) may legitimately repeat and are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from audit.config import AuditConfig
from audit.model import Article, Block
from audit.registry import Flag, register
from audit.similarity import near_same
from audit.text import normalize

_TIMESTAMP = re.compile(r"^[\d\s:./\-apmAPMWIBTGMTUC+]*$")
_ORDINALS = {2: "2nd", 3: "3rd"}


def _ordinal(n: int) -> str:
    return _ORDINALS.get(n, f"{n}th")


def _headline_forms(article: Article) -> list[str]:
    forms = []
    for text in (article.headline, article.title):
        if text and normalize(text):
            forms.append(text)
    if article.title and article.site_name:
        stripped = re.sub(rf"\s*[-|–—:]\s*{re.escape(article.site_name)}\s*$", "", article.title, flags=re.I)
        if stripped != article.title:
            forms.append(stripped)
    return forms


def _is_headline_display(block: Block, article: Article) -> bool:
    """The page's own headline kept by extraction: an h1, or the very first block."""
    return block.level == 1 or block.index == 0


def _substantial(text: str, config: AuditConfig) -> bool:
    norm = normalize(text)
    if _TIMESTAMP.match(text.strip()):
        return False
    min_words = config.threshold("headings", "min_words", 3)
    min_chars = config.threshold("headings", "min_chars", 20)
    return len(norm.split()) >= min_words or len(norm) >= min_chars


@register(
    "AQ101",
    "heading-repeats-headline",
    "repeated_heading",
    "warning",
    "A body heading repeats the article's headline.",
)
def heading_repeats_headline(article: Article, config: AuditConfig) -> Iterator[Flag]:
    forms = _headline_forms(article)
    if not forms:
        return
    similarity = config.threshold("headings", "similarity", 0.9)
    seen = 1  # the headline itself, shown once as the page title
    skipped_display = False
    for block in article.headings():
        if not any(near_same(block.text, form, similarity) for form in forms):
            continue
        if not skipped_display and _is_headline_display(block, article):
            skipped_display = True
            continue
        seen += 1
        yield Flag(
            evidence=block.text,
            block=block.index,
            message=f"Heading repeats the article headline ({_ordinal(seen)} time it appears)",
        )


@register(
    "AQ102",
    "heading-repeats-heading",
    "repeated_heading",
    "warning",
    "A body heading repeats an earlier body heading.",
)
def heading_repeats_heading(article: Article, config: AuditConfig) -> Iterator[Flag]:
    forms = _headline_forms(article)
    similarity = config.threshold("headings", "similarity", 0.9)
    earlier: list[Block] = []
    for block in article.headings():
        is_headline = any(near_same(block.text, form, similarity) for form in forms)
        if not is_headline and _substantial(block.text, config):
            match = next((e for e in earlier if near_same(block.text, e.text, similarity)), None)
            if match is not None:
                yield Flag(
                    evidence=block.text,
                    block=block.index,
                    message=f"Heading repeats the heading of block {match.index}",
                )
                continue
        earlier.append(block)
