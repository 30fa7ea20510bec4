"""repeated_heading: the headline, or another heading, pasted again as a heading.

SEO templates paste the headline back into the body as h2/h3 headings. The
headline itself shown once is not a defect: that is any ``h1`` copy (the page's
headline tag) and anything above it (menus and teaser lists of other stories),
or, on pages whose headline is not an ``h1``, the first copy when it outranks
every heading before it (a display headline comes before the article's sections,
never under one). Every further copy is flagged.

Headings that repeat each other but not the headline are judged more carefully:
listicles and live blogs repeat short section labels ("Update", "Women's World
Cup", a time stamp) and parallel product names by design. So only a heading of
some length counts, repeated exactly or nearly (case, punctuation, a function
word, an added number or a spelling slip: :func:`audit.similarity.near_repeat`,
the headline's near-match test plus the same content words), seen at most a
couple of times and not side by side. Parallel labels ("Best home deals", "Best
tech deals") and numbered series ("Day 1", "Day 2") are not repeats.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from audit.config import AuditConfig
from audit.model import Article, Block
from audit.registry import Flag, register
from audit.similarity import near_repeat, near_same
from audit.text import normalize

_TIMESTAMP = re.compile(r"^[\d\s:./\-apmAPMWIBTGMTUC+]*$")
_SITE_SUFFIX = r"\s*[-|–—:•]\s*{site}\s*$"
_ORDINALS = {1: "1st", 2: "2nd", 3: "3rd"}


def _ordinal(n: int) -> str:
    return _ORDINALS.get(n, f"{n}th")


def _strip_site(text: str, site: str | None) -> str:
    """``"Headline | Site"`` -> ``"Headline"``: the page title pasted whole is still the headline."""
    if not site:
        return text
    stripped = re.sub(_SITE_SUFFIX.format(site=re.escape(site)), "", text, flags=re.I)
    return stripped if normalize(stripped) else text


def _headline_forms(article: Article) -> list[str]:
    forms: list[str] = []
    for text in (article.headline, article.title, article.html_title):
        if not text or not normalize(text):
            continue
        for form in (text, _strip_site(text, article.site_name)):
            if form not in forms:
                forms.append(form)
    return forms


def _repeats_headline(block: Block, forms: list[str], article: Article, similarity: float) -> bool:
    candidates = {block.text, _strip_site(block.text, article.site_name)}
    return any(near_same(text, form, similarity) for text in candidates for form in forms)


def _substantial(text: str, config: AuditConfig) -> bool:
    if _TIMESTAMP.match(text.strip()):
        return False
    norm = normalize(text)
    min_words = config.threshold("headings", "min_words", 5)
    min_chars = config.threshold("headings", "min_chars", 30)
    return len(norm.split()) >= min_words or len(norm) >= min_chars


def _level(block: Block) -> int:
    return block.level if block.level is not None else 2


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
    headings = article.headings()
    copies = [b for b in headings if _repeats_headline(b, forms, article, similarity)]
    if not copies:
        return
    display: set[int] = {b.index for b in copies if b.level == 1}
    if display:
        # Above the h1 is the site's furniture (menus, teaser lists of other
        # stories, this one among them), not the article body.
        top = min(display)
        display.update(b.index for b in copies if b.index < top)
    else:
        first = copies[0]
        earlier = [b for b in headings if b.index < first.index]
        if all(_level(b) > _level(first) for b in earlier):
            display.add(first.index)
    seen = 1  # the headline itself, shown once as the page title
    for block in copies:
        if block.index in display:
            continue
        seen += 1
        yield Flag(
            evidence=block.text,
            block=block.index,
            message=f"Heading repeats the article headline (its {_ordinal(seen)} appearance on the page)",
        )


@register(
    "AQ102",
    "heading-repeats-heading",
    "repeated_heading",
    "warning",
    "A body heading repeats an earlier body heading, exactly or nearly.",
)
def heading_repeats_heading(article: Article, config: AuditConfig) -> Iterator[Flag]:
    forms = _headline_forms(article)
    similarity = config.threshold("headings", "similarity", 0.9)
    max_copies = config.threshold("headings", "max_copies", 2)
    headings = [
        b
        for b in article.headings()
        if _substantial(b.text, config) and not _repeats_headline(b, forms, article, similarity)
    ]
    # Each heading joins the group of the first earlier heading it repeats.
    groups: list[list[Block]] = []
    for block in headings:
        group = next((g for g in groups if near_repeat(g[0].text, block.text, similarity)), None)
        if group is None:
            groups.append([block])
        else:
            group.append(block)
    repeats: list[tuple[Block, Block]] = []
    for group in groups:
        if len(group) > max_copies:
            continue  # a label repeated all down the page is layout, not a paste
        earlier = group[0]
        # Side-by-side copies are a widget rendered twice.
        repeats.extend((block, earlier) for block in group[1:] if block.index - earlier.index > 1)
    for block, earlier in sorted(repeats, key=lambda pair: pair[0].index):
        exact = normalize(block.text) == normalize(earlier.text)
        how = "word for word" if exact else "nearly (case, punctuation or a word or two apart)"
        yield Flag(
            evidence=block.text,
            block=block.index,
            message=f"Heading repeats the heading of block {earlier.index} {how}",
        )
