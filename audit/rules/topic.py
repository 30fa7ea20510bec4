"""off_topic_paragraph: a paragraph that belongs to another story.

Content farms splice in a paragraph of another article. Such a paragraph shares
few words with the article around it (low lexical cohesion, see
:mod:`audit.cohesion`), names people and places that appear nowhere else in the
article, often carries that other story's own dateline ("JICA - 1 Juli, ..."),
and is often cut off mid-sentence. Where it sits matters too: an article's
first paragraph (the lead) and last one (an author's bio, a newsletter promotion)
stand apart from the body by design. No single signal is enough (real articles
have asides, quotes and background paragraphs), so each judged paragraph gets an
evidence score: a weighted sum of these signals (weights in ``defaults.toml``,
``[thresholds.topic.weights]``, fitted on labelled pages). The paragraph that
fits its article least is flagged when its score passes ``threshold``; any other
paragraph only when it passes ``threshold + extra_margin``.

A paragraph is never flagged for being short: short paragraphs are not judged
at all, and length only raises the score of long ones.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from audit.cohesion import ArticleCohesion, Cohesion
from audit.config import AuditConfig
from audit.language import family
from audit.model import Article, Block
from audit.registry import Flag, register
from audit.rules.boilerplate import is_call_to_action, is_read_also
from audit.rules.language import UnsureBlockLimits, settled_language, unsure_block_language
from audit.rules.truncation import ends_mid_sentence
from audit.text import dominant_script, unpunctuated_script, words

#: "JICA - 1 Juli, ...", "JAKARTA - 1 July, ...", "REUTERS - 3 March, ...": a
#: dateline of its own in the middle of an article.
DATELINE = re.compile(
    r"^(?:[A-ZÀ-Ỹ][\w.]*(?:\s[A-ZÀ-Ỹ][\w.]*){0,3}\s[-–—]\s*\d{1,2}\s+[^\W\d_]+,"
    r"|[A-ZÀ-Ỹ]{3,}(?:[\s,.][A-ZÀ-Ỹ]{2,})*\s*(?:\([^)]{1,30}\))?\s*[-–—]\s)"
)
#: The words before a dateline's dash or comma: "MANADOPOST", "KOMPAS.com", "JAKARTA, KOMPAS.com".
_DATELINE_SOURCE = re.compile(r"^([^–—-]{2,40}?)\s*[-–—]")


def _letters(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalnum())


#: An e-mail address, a social handle or a link: author bios and promotions.
_CONTACT = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|(?<!\w)@\w{2,}|https?://|www\.")
#: Capitalised words that are not sentence-initial: names of people, places, bodies.
_NAME = re.compile(r"(?<![.!?:]\s)(?<!^)(?<![“\"'‘(])\b([A-ZÀ-Ỹ][\w’'-]{2,})")

#: Default weights of the evidence score (logistic-regression scale; see module docstring).
DEFAULT_WEIGHTS: dict[str, float] = {
    "bias": -7.8,
    "cohesion": 0.1,  # leave-one-out cosine with the rest of the article
    "closest": -0.6,  # cosine with its most similar paragraph
    "relative": -6.5,  # leave-one-out cosine / the article's median (capped at 2)
    "neighbour": -0.4,  # cosine with the paragraph before or after
    "headline": -0.4,  # cosine with the headline
    "cohesion_prefix": -1.1,  # leave-one-out cosine over 5-letter prefixes
    "unseen_names": 1.5,  # share of its names found nowhere else in the article
    "shares_a_name": -0.8,  # 1 when at least one of its names appears elsewhere
    "dateline": 4.6,  # 1 when it opens with a dateline of its own
    "truncated": 2.2,  # 1 when it stops mid-sentence
    "log_words": 1.6,  # natural log of its length in words
    "contact": -0.4,  # 1 when it holds an e-mail address, @handle or link
    "first": -1.3,  # 1 for the first judged paragraph (the lead)
    "last": -2.3,  # 1 for the last judged paragraph (bios, promos, kickers)
    # Set by hand, not fitted: another story's dateline *and* a cut-off ending are
    # decisive together, even when the pasted story is on the same subject and so
    # shares its names and words (the seed's "JICA - 1 Juli, ..." snippet).
    "dateline_and_truncated": 12.0,
}


def _credit_list(text: str) -> bool:
    """Staff credits and bylines ("Reporting by A; editing by B", "Redaktion: C,
    Audio: D"): a list of names, mostly capitalised words, several separators."""
    if len(re.findall(r"[,;]", text)) < 3:
        return False
    if max(len(part.split()) for part in re.split(r"[,;]", text)) > 8:
        return False  # a clause of running text, not a list of names
    tokens = re.findall(r"[^\W\d_][\w’'-]*", text)
    return len(tokens) >= 6 and sum(1 for t in tokens if t[0].isupper()) / len(tokens) >= 0.6


#: Lines that are, or end on, a link to another page (``audit.roles``). Other furniture
#: (a widget's text, an embedded post) stays judged: a paste can land inside it.
_POINTER_ROLES = frozenset({"link", "signpost"})

_BULLETED = re.compile(r"\s*[-•*▪►]\s")


def _after_lead_in(article: Article) -> set[int]:
    """Blocks right after a short line ending on a colon ("Accomplishments:", "Yang perlu
    disiapkan:"): the first item of an enumeration set as paragraphs."""
    return {
        following.index
        for block, following in zip(article.blocks, article.blocks[1:], strict=False)
        if block.text.rstrip().endswith(":") and len(block.text.split()) <= 6
    }


def _judged(
    block: Block,
    article: Article,
    config: AuditConfig,
    unsure: UnsureBlockLimits,
    settled: bool,
    script: str | None = None,
) -> bool:
    """Paragraphs of prose in the article's language and script; ``unsure`` and
    ``settled`` judge blocks langdetect was unsure of as AQ601 does."""
    if block.kind not in ("paragraph", "quote"):
        return False
    if block.role in _POINTER_ROLES:
        return False  # a teaser, a plea or a policy that sends the reader elsewhere: not a story's text
    if _BULLETED.match(block.text):
        return False  # a list set as one paragraph ("- Stream on ...: ... - Read on ...")
    if script is not None and dominant_script(block.text) != script:
        return False  # a verse quoted in Arabic script in a Malay article: another script, not another story
    if block.language and article.language and family(block.language) != family(article.language):
        return False  # another language is language_mixing, not off-topic
    if block.language is None and unsure_block_language(block, article, unsure, settled=settled) is not None:
        return False  # ...also when langdetect was unsure but the words are foreign
    tokens = block.text.split()
    if sum(1 for t in tokens if t[:1] in "#@") > len(tokens) / 3:
        return False  # a row of hashtags or handles is social furniture, not prose
    if _credit_list(block.text):
        return False
    min_words = config.threshold("topic", "min_words", 15)
    long_enough = len(words(block.text)) >= min_words or len(block.text) >= config.threshold(
        "topic", "min_chars", 100
    )
    # Filler is reported as boilerplate, under its own type (checked last: it costs most).
    return long_enough and not (is_read_also(block.text) or is_call_to_action(block.text))


def _names(block: Block, article_text: ArticleText) -> tuple[int, int]:
    """(names in the block, names of it found nowhere else in the article)."""
    found = {name.casefold() for name in _NAME.findall(block.text)}
    if not found:
        return 0, 0
    own = block.text.casefold()
    return len(found), sum(1 for name in found if article_text.occurrences(name) <= own.count(name))


class ArticleText:
    """Everything a name could appear in elsewhere (blocks, headline, title),
    casefolded. Each name's occurrences are counted once: names recur across
    paragraphs, and every count scans the whole article."""

    def __init__(self, article: Article) -> None:
        parts = [b.text for b in article.blocks] + [article.headline or "", article.title or ""]
        self.text = "\n".join(parts).casefold()
        self._counts: dict[str, int] = {}
        host = urlsplit(article.url or article.canonical_url or "").hostname or ""
        #: The site's own name as letters only ("manadopostonline", "kompascom"): the
        #: dateline a site puts on its own stories ("MANADOPOST –", "KOMPAS.com -").
        self.site_letters = _letters(host + " " + (article.site_name or ""))

    def own_dateline(self, text: str) -> bool:
        """The paragraph's dateline names this site: the story's own lead, not another's."""
        opening = _DATELINE_SOURCE.match(text)
        keys = [_letters(part) for part in opening.group(1).split(",")] if opening else []
        return any(len(key) >= 4 and key in self.site_letters for key in keys)

    def occurrences(self, name: str) -> int:
        if name not in self._counts:
            self._counts[name] = self.text.count(name)
        return self._counts[name]


#: Signals :func:`paragraph_off_topic` computes only for a paragraph that could
#: still pass the threshold: its cosines with each other paragraph, the headline
#: and the prefix space, most of the rule's cost. Each lies between 0 and 1.
#: Signal name -> the :class:`~audit.cohesion.Cohesion` field it reads.
DEFERRED_SIGNALS: dict[str, str] = {
    "closest": "closest",
    "neighbour": "neighbour",
    "headline": "headline",
    "cohesion_prefix": "loo_prefix",
}


def first_signals(
    block: Block, position: int, count: int, text: ArticleText, loo: float, relative: float
) -> dict[str, float]:
    """The evidence known for every judged paragraph (all but
    :data:`DEFERRED_SIGNALS`); ``position`` is its place among the ``count``
    judged paragraphs and ``text`` is the article's :class:`ArticleText`. The
    first and the last paragraph are apart by design (a lead, an author's bio, a
    newsletter promotion), so low cohesion there is weaker evidence than mid-story."""
    names, unseen = _names(block, text)
    # The site's own dateline opens its story: after a caption or standfirst (the second
    # judged paragraph) it is the lead, deeper in the body it is another story's paste.
    dated = position > 0 and DATELINE.match(block.text) is not None
    dateline = 1.0 if dated and not (position == 1 and text.own_dateline(block.text)) else 0.0
    truncated = 1.0 if ends_mid_sentence(block.text) and not unpunctuated_script(block.text) else 0.0
    return {
        "bias": 1.0,
        "cohesion": loo,
        "relative": min(relative, 2.0),
        "unseen_names": unseen / names if names else 0.0,
        "shares_a_name": 1.0 if names > unseen else 0.0,
        "dateline": dateline,
        "truncated": truncated,
        "dateline_and_truncated": dateline * truncated,
        "log_words": math.log(max(1, len(words(block.text)))),
        "contact": 1.0 if _CONTACT.search(block.text) else 0.0,
        "first": 1.0 if position == 0 else 0.0,
        "last": 1.0 if position == count - 1 else 0.0,
    }


def signals(
    block: Block, position: int, count: int, text: ArticleText, cohesion: Cohesion
) -> dict[str, float]:
    """All the evidence that a judged paragraph is off-topic, one value per weight."""
    sig = first_signals(block, position, count, text, cohesion.loo, cohesion.relative)
    return _with_cosines(sig, cohesion)


def _with_cosines(first: dict[str, float], cohesion: Cohesion) -> dict[str, float]:
    return {**first, **{name: getattr(cohesion, field) for name, field in DEFERRED_SIGNALS.items()}}


def _score(sig: dict[str, float], weights: dict[str, float]) -> float:
    return sum(weights.get(k, 0.0) * v for k, v in sig.items())


def highest_possible_score(first: dict[str, float], weights: dict[str, float]) -> float:
    """The score a paragraph would reach if each of its cosines took whichever of
    0 and 1 raises the score more (with the default weights, 0). A paragraph whose highest
    possible score is not over the threshold is cleared without them, and the
    findings are the same as if they had been computed. A hair of slack covers
    rounding."""
    return _score(first, weights) + sum(max(0.0, weights.get(k, 0.0)) for k in DEFERRED_SIGNALS) + 1e-9


def _reason(sig: dict[str, float]) -> str:
    parts = []
    if sig["dateline"]:
        parts.append("opens with a dateline of its own")
    if sig["unseen_names"] >= 0.5:
        parts.append("most of the names it mentions appear nowhere else in the article")
    if sig["truncated"]:
        parts.append("is cut off mid-sentence")
    parts.append(
        f"its word overlap with the rest of the article is {sig['relative']:.0%} of a typical paragraph's"
    )
    return ", ".join(parts[:-1]) + (", and " if len(parts) > 1 else "") + parts[-1]


@register(
    "AQ301",
    "paragraph-off-topic",
    "off_topic_paragraph",
    "warning",
    "A paragraph shares almost no vocabulary with the rest of the article and looks pasted from another story.",
)
def paragraph_off_topic(article: Article, config: AuditConfig) -> Iterator[Flag]:
    unsure, settled = UnsureBlockLimits.from_config(config), settled_language(article)
    script = dominant_script(" ".join(b.text for b in article.blocks if b.kind == "paragraph")[:4000])
    paras = [b for b in article.blocks if _judged(b, article, config, unsure, settled, script)]
    if len(paras) < config.threshold("topic", "min_paragraphs", 3):
        return
    weights = {**DEFAULT_WEIGHTS, **config.threshold("topic", "weights", {})}
    threshold = config.threshold("topic", "threshold", -1.1)
    margin = config.threshold("topic", "extra_margin", 1.0)
    cohesion = ArticleCohesion(
        [b.text for b in paras],
        article.headline or article.title or "",
        article.language,  # Malay keeps its own word list (family() would say "id")
    )
    text = ArticleText(article)
    # An enumeration's items are part of the article's vocabulary, but leave its thread by design.
    listed = _after_lead_in(article)
    scored = []
    for i, block in enumerate(paras):
        if block.index in listed:
            continue
        first = first_signals(block, i, len(paras), text, cohesion.loo[i], cohesion.relative(i))
        if highest_possible_score(first, weights) <= threshold:
            continue  # cannot be flagged, whatever its cosines
        sig = _with_cosines(first, cohesion[i])
        scored.append((_score(sig, weights), block, sig))
    if not scored:
        return
    best = max(scored, key=lambda t: t[0])
    for score, block, sig in scored:
        if score <= threshold or (block is not best[1] and score <= threshold + margin):
            continue
        yield Flag(
            evidence=block.text,
            block=block.index,
            score=round(score, 3),
            message=f"Paragraph looks pasted from another story: it {_reason(sig)}",
        )
