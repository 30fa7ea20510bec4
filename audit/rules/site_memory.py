"""Site rules: findings that need the site memory (:mod:`audit.memory`).

They read the :class:`~audit.model.SiteContext` the memory built for the article
and find nothing when an article is audited alone, so page-alone results (and the
evaluation's default numbers) do not change.

- AQ302 a paragraph whose near-copy is the body of *another* article, and that does
  not belong here: it is not cohesive with the rest of this article (its
  leave-one-out cohesion is under ``paste_max_relative`` of the article's median)
  or it stops mid-sentence, as a paste cut at a length limit does. Paragraphs shorter
  than AQ301's ``min_words`` / ``min_chars`` are not judged. A paragraph
  shared by two articles that both tell the story (a wire report run twice) is
  cohesive in both and left alone.
- AQ704 a paragraph that recurs on enough of the site's articles to be its
  template (``[thresholds.memory]``): one finding per article, on the first such
  block; the engine leaves all template blocks out of the duplicate, truncation,
  off-topic and statistics rules.
"""

from __future__ import annotations

from collections.abc import Iterator

from audit.cohesion import ArticleCohesion
from audit.config import AuditConfig
from audit.memory.judge import FAMILY, KINDS
from audit.model import Article, SiteContext
from audit.registry import Flag, register
from audit.rules.truncation import ends_mid_sentence
from audit.text import unpunctuated_script, words


def _relative_cohesion(article: Article, index: int, min_words: int) -> float | None:
    """The block's leave-one-out cohesion over the article's median (``None``: too few paragraphs)."""
    paras = [b for b in article.blocks if b.kind in KINDS and len(words(b.text)) >= min_words]
    position = next((i for i, b in enumerate(paras) if b.index == index), None)
    if position is None or len(paras) < 3:
        return None
    cohesion = ArticleCohesion(
        [b.text for b in paras], article.headline or article.title or "", article.language
    )
    return cohesion.relative(position)


@register(
    "AQ302",
    "paragraph-pasted-from-article",
    "off_topic_paragraph",
    "warning",
    "A paragraph is a near-copy of the body of another article and does not belong to this one "
    "(not cohesive with it, or cut mid-sentence). Needs the site memory.",
    uses_site=True,
)
def paragraph_pasted(article: Article, config: AuditConfig, site: SiteContext) -> Iterator[Flag]:
    max_relative = float(config.threshold(FAMILY, "paste_max_relative", 0.5))
    min_words = int(config.threshold(FAMILY, "min_words", 6))
    # Short lines are never judged, as AQ301 never judges them: a headline of a related
    # story or a newsletter line on two pages of a site is furniture, not a paste.
    judged_words = int(config.threshold("topic", "min_words", 15))
    judged_chars = int(config.threshold("topic", "min_chars", 100))
    for block in article.blocks:
        origin = site.pastes.get(block.index)
        if origin is None:
            continue
        if len(words(block.text)) < judged_words and len(block.text) < judged_chars:
            continue
        cut = ends_mid_sentence(block.text) and not unpunctuated_script(block.text)
        relative = _relative_cohesion(article, block.index, min_words)
        apart = relative is not None and relative < max_relative
        if not (cut or apart):
            continue  # the same story told twice: the paragraph belongs here as well
        why = []
        if apart:
            why.append(
                f"its word overlap with the rest of this article is {relative:.0%} of a typical paragraph's"
            )
        if cut:
            why.append("it stops mid-sentence")
        yield Flag(
            evidence=block.text,
            block=block.index,
            score=origin.containment,
            origin_url=origin.url,
            message=f"Paragraph is pasted from another article, {origin.url} "
            f"({origin.containment:.0%} of it is found there): {' and '.join(why)}",
        )


@register(
    "AQ704",
    "site-template-block",
    "boilerplate",
    "info",
    "A paragraph recurs on a large share of the site's articles: site template, not this story. "
    "Needs the site memory.",
    uses_site=True,
)
def site_template(article: Article, config: AuditConfig, site: SiteContext) -> Iterator[Flag]:
    blocks = [b for b in article.blocks if b.index in site.template]
    if not blocks:
        return
    first = blocks[0]
    carrying = site.template[first.index]
    more = f"; {len(blocks) - 1} more template block(s) in this article" if len(blocks) > 1 else ""
    yield Flag(
        evidence=first.text,
        block=first.index,
        score=round(carrying / max(1, site.site_articles), 3),
        message=f"This paragraph recurs on {carrying} of the {site.site_articles} articles of {site.site} "
        f"seen so far: site template, left out of the other checks{more}",
    )
