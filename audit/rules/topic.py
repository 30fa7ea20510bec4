"""off_topic_paragraph: a paragraph that belongs to another story.

Content farms splice in snippets of other articles: often with that story's own
dateline ("JICA - 1 Juli, ..."), often cut off mid-sentence, always sharing few
words with the article around them. Low lexical cohesion alone is common in real
articles (a quote, an aside), so it is only enough on its own when it is extreme;
a foreign dateline or a truncated ending lowers the bar. A paragraph is never
flagged for being short: short paragraphs are not judged at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from audit.cohesion import leave_one_out
from audit.config import AuditConfig
from audit.language import family
from audit.model import Article, Block
from audit.registry import Flag, register
from audit.rules.truncation import ends_mid_sentence
from audit.text import words

#: "JICA - 1 Juli, ...", "JAKARTA - 1 July, ...", "REUTERS - 3 March, ...": a
#: dateline of its own in the middle of an article.
DATELINE = re.compile(
    r"^(?:[A-ZÀ-Ỹ][\w.]*(?:\s[A-ZÀ-Ỹ][\w.]*){0,3}\s[-–—]\s*\d{1,2}\s+[^\W\d_]+,"
    r"|[A-ZÀ-Ỹ]{3,}(?:[\s,.][A-ZÀ-Ỹ]{2,})*\s*(?:\([^)]{1,30}\))?\s*[-–—]\s)"
)
#: Text that is site furniture rather than a story (left to the boilerplate rule).
_FURNITURE = re.compile(
    r"@\w|©|all rights reserved|copyright|reporting by|editing by|follow (?:us|her|him)|subscribe|newsletter",
    re.I,
)


def _judged(block: Block, article: Article, config: AuditConfig) -> bool:
    if block.kind not in ("paragraph", "quote"):
        return False
    if block.language and article.language and family(block.language) != family(article.language):
        return False  # another language is language_mixing, not off-topic
    min_words = config.threshold("topic", "min_words", 15)
    return len(words(block.text)) >= min_words or len(block.text) >= config.threshold(
        "topic", "min_chars", 100
    )


@register(
    "AQ301",
    "paragraph-off-topic",
    "off_topic_paragraph",
    "warning",
    "A paragraph shares almost no vocabulary with the rest of the article and looks pasted from another story.",
)
def paragraph_off_topic(article: Article, config: AuditConfig) -> Iterator[Flag]:
    paras = [b for b in article.blocks if _judged(b, article, config)]
    if len(paras) < config.threshold("topic", "min_paragraphs", 4):
        return
    cohesion = leave_one_out([b.text for b in paras], article.headline or article.title or "")
    dateline_max = config.threshold("topic", "dateline_max_relative", 0.8)
    truncated_max = config.threshold("topic", "truncated_max_relative", 0.4)
    alone_max = config.threshold("topic", "alone_max_relative", 0.2)
    alone_cosine = config.threshold("topic", "alone_max_cosine", 0.03)
    last = len(paras) - 1
    for i, block in enumerate(paras):
        rel, cos = cohesion.relative[i], cohesion.cosine[i]
        middle = 0 < i < last
        reasons: list[str] = []
        if i > 0 and DATELINE.match(block.text) and rel < dateline_max:
            reasons.append("opens with a dateline of its own")
        elif middle and ends_mid_sentence(block.text) and rel < truncated_max:
            reasons.append("is cut off mid-sentence")
        elif middle and rel < alone_max and cos < alone_cosine and not _FURNITURE.search(block.text):
            reasons.append("shares almost no vocabulary with the article")
        if not reasons:
            continue
        yield Flag(
            evidence=block.text,
            block=block.index,
            score=round(cos, 4),
            message=(
                f"Paragraph looks pasted from another story: it {reasons[0]}, and its word overlap with the "
                f"rest of the article is {rel:.0%} of a typical paragraph's"
            ),
        )
