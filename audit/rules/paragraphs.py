"""duplicate_paragraph: a paragraph repeated, exactly or nearly, later in the body.

Only the repeats are flagged; the first occurrence is the legitimate one. Short
lines (a byline, "Photo: AFP") repeat legitimately and are ignored.
"""

from __future__ import annotations

from collections.abc import Iterator

from audit.config import AuditConfig
from audit.model import Article, Block
from audit.registry import Flag, register
from audit.similarity import char_ngrams, jaccard, word_shingles
from audit.text import normalize


def _long_enough(block: Block, config: AuditConfig) -> bool:
    norm = normalize(block.text)
    return len(norm.split()) >= config.threshold("paragraphs", "min_words", 8) or len(
        norm
    ) >= config.threshold("paragraphs", "min_chars", 60)


def _candidates(article: Article, config: AuditConfig) -> list[Block]:
    return [b for b in article.blocks if b.kind != "heading" and _long_enough(b, config)]


@register(
    "AQ201",
    "paragraph-repeated",
    "duplicate_paragraph",
    "warning",
    "A paragraph is repeated word for word (ignoring case, spacing and punctuation).",
)
def paragraph_repeated(article: Article, config: AuditConfig) -> Iterator[Flag]:
    first: dict[str, Block] = {}
    for block in _candidates(article, config):
        key = normalize(block.text)
        if key in first:
            yield Flag(
                evidence=block.text,
                block=block.index,
                message=f"Paragraph repeats block {first[key].index} word for word",
            )
        else:
            first[key] = block


@register(
    "AQ202",
    "paragraph-near-duplicate",
    "duplicate_paragraph",
    "warning",
    "A paragraph nearly repeats an earlier one (a few words changed).",
)
def paragraph_near_duplicate(article: Article, config: AuditConfig) -> Iterator[Flag]:
    threshold = config.threshold("paragraphs", "near_duplicate", 0.8)
    earlier: list[tuple[Block, set, str]] = []
    for block in _candidates(article, config):
        norm = normalize(block.text)
        shingles = word_shingles(norm) if " " in norm else char_ngrams(norm)
        for prev, prev_shingles, prev_norm in earlier:
            if prev_norm == norm:
                break  # exact repeats belong to AQ201
            if jaccard(shingles, prev_shingles) >= threshold:
                yield Flag(
                    evidence=block.text,
                    block=block.index,
                    message=f"Paragraph nearly repeats block {prev.index}",
                    score=round(jaccard(shingles, prev_shingles), 3),
                )
                break
        else:
            earlier.append((block, shingles, norm))
