"""AQ7xx boilerplate: filler blocks that are not part of the story.

Three shapes, all driven by the word lists in :mod:`audit.lexicon`:

- AQ701 a "read also" line: a short block opening with ``Baca juga``, ``Xem thêm``,
  ``Basahin din``, ``Read more``...
- AQ702 a call to action: a short block (or the last sentence of a paragraph) that
  *opens* with an imperative such as ``Follow``, ``Tetap ikuti``, ``Abangan``,
  ``ติดตาม`` and names what to follow (news, updates, our page, a social network), or
  that holds a fixed filler phrase ("stay tuned"). Requiring the verb up front is what
  keeps "police will follow up on the news" out.
- AQ703 FAQ filler: an FAQ section whose answers only restate words already in the
  article (SEO padding rather than new information). The evidence is the answers.

On real news (``bench/corpus_flags.py``) AQ701 and AQ702 each fire on 6-7% of pages;
a read of the samples shows real filler that extraction keeps ("Related: ...",
"Read more: ...", "Sign up for our newsletter", "Follow X on Twitter"), so the rate
is the web's, not the rule's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from audit import lexicon
from audit.config import AuditConfig
from audit.model import Article, Block
from audit.registry import Flag, register
from audit.text import normalize, sentences, words

FAMILY = "boilerplate"

_LEAD = re.compile(r"^[\W_]*", re.UNICODE)
_CLAUSE = re.compile(r"[,:;–—-]\s*|[!?.]\s+")
_THAI = re.compile(r"[\u0e00-\u0e7f]")


@dataclass(frozen=True)
class _Patterns:
    read_also: lexicon.PhrasePattern | None
    verbs: lexicon.PhrasePattern | None
    objects: lexicon.PhrasePattern | None
    phrases: lexicon.PhrasePattern | None
    faq: frozenset[str]
    persons: re.Pattern[str] | None = None


@lru_cache(maxsize=4)
def _patterns(directory: str | None = None) -> _Patterns:
    lex = lexicon.combined(directory)
    return _Patterns(
        read_also=lexicon.phrase_pattern(lex.read_also),
        verbs=lexicon.phrase_pattern(lex.cta_verbs),
        objects=lexicon.phrase_pattern(lex.cta_objects),
        phrases=lexicon.phrase_pattern(lex.cta_phrases),
        faq=frozenset(normalize(h) for h in lex.faq_headings),
        persons=_persons(lex.cta_persons),
    )


def _persons(words: tuple[str, ...]) -> re.Pattern[str] | None:
    found = lexicon.phrase_pattern(words)
    return re.compile(rf"\s+(?:{found.pattern})", found.regex.flags) if found else None


def _word_count(text: str) -> int:
    if _THAI.search(text):
        return max(len(text.split()), len(text) // 6)  # Thai has no spaces between words
    return len(words(text))


def is_read_also(text: str, pats: _Patterns | None = None) -> bool:
    pats = pats or _patterns()
    body = _LEAD.sub("", text)
    match = pats.read_also.match(body) if pats.read_also else None
    return match is not None


_CLOSING = {"(": ")", "[": "]", "{": "}"}


def _link_line(sentence: str) -> str:
    """The link line alone: a bracketed "(Baca juga: ...)" ends at its bracket, not at the
    next full stop, which lies in the story the extractor glued after it. The evidence is
    then the filler an editor would delete, and still exact text of the block."""
    closing = _CLOSING.get(sentence[:1])
    end = sentence.find(closing) if closing else -1
    return sentence[: end + 1] if end > 0 else sentence


def _verb_up_front(text: str, pats: _Patterns, lead_words: int) -> bool:
    """An imperative at the start of the text or of one of its clauses."""
    if not pats.verbs:
        return False
    starts = [0] + [m.end() for m in _CLAUSE.finditer(text)]
    for match in pats.verbs.finditer(text):
        if pats.persons and pats.persons.match(text, match.end()):
            continue  # "Follow her on X": a writer's bio, not the outlet asking
        before = max((s for s in starts if s <= match.start()), default=0)
        lead = text[before : match.start()]
        # Thai runs words together: "และที่ประชุมได้ติดตาม..." has the verb mid-clause.
        if (_word_count(lead) if _THAI.search(lead) else len(lead.split())) <= lead_words:
            return True
    return False


def is_call_to_action(text: str, pats: _Patterns | None = None, lead_words: int = 1) -> bool:
    pats = pats or _patterns()
    body = _LEAD.sub("", text)
    if pats.phrases and pats.phrases.search(body):
        return True
    return bool(pats.objects and pats.objects.search(body) and _verb_up_front(body, pats, lead_words))


def _times_shown(article: Article) -> dict[str, list[int]]:
    """Each block text (normalised) -> the indexes of the blocks showing it."""
    shown: dict[str, list[int]] = {}
    for block in article.blocks:
        shown.setdefault(normalize(block.text), []).append(block.index)
    return shown


def _first_showing(block: Block, shown: dict[str, list[int]]) -> bool:
    """Filler the template shows several times is one defect: it is reported at its
    first showing only (and the duplicate rules leave its copies alone)."""
    return shown[normalize(block.text)][0] == block.index


def _times(block: Block, shown: dict[str, list[int]]) -> str:
    count = len(shown[normalize(block.text)])
    return f" (shown {count} times on the page)" if count > 1 else ""


def is_plea(text: str) -> bool:
    """A call to action or a plea to the reader (follow, subscribe, donate), not a
    'read also' line: boilerplate's business wherever it repeats."""
    pats = _patterns()
    return not is_read_also(text, pats) and is_call_to_action(text, pats)


@register(
    "AQ701",
    "read-also-line",
    FAMILY,
    "warning",
    "A 'read also' / related-story line inside the article body.",
)
def read_also_line(article: Article, config: AuditConfig) -> Iterator[Flag]:
    max_words = int(config.threshold(FAMILY, "max_words", 30))
    pats = _patterns()
    shown = _times_shown(article)
    for block in article.blocks:
        if block.kind == "table":
            continue
        if _word_count(block.text) <= max_words:
            if is_read_also(block.text, pats) and _first_showing(block, shown):
                yield Flag(
                    evidence=block.text,
                    message="A 'read also' link line is filler, not part of the story" + _times(block, shown),
                    block=block.index,
                )
            continue
        # A link line the extractor glued into a paragraph: "... Baca juga: Judul lain".
        inner = [s for s in sentences(block.text)[1:] if ":" in s[:30] and is_read_also(s, pats)]
        if inner:
            line = _link_line(inner[0])
            yield Flag(
                evidence=line,
                message=f"Paragraph contains a 'read also' link line ('{line[:60]}')",
                block=block.index,
                severity="info",
            )


@register(
    "AQ702",
    "call-to-action",
    FAMILY,
    "warning",
    "A call to action ('Follow us', 'Tetap ikuti perkembangan terbaru', 'Abangan') in the body.",
)
def call_to_action(article: Article, config: AuditConfig) -> Iterator[Flag]:
    max_words = int(config.threshold(FAMILY, "max_words", 30))
    lead = int(config.threshold(FAMILY, "cta_lead_words", 1))
    pats = _patterns()
    shown = _times_shown(article)
    for block in article.blocks:
        if block.kind == "table" or is_read_also(block.text, pats):
            continue
        if _word_count(block.text) <= max_words:
            if is_call_to_action(block.text, pats, lead) and _first_showing(block, shown):
                yield Flag(
                    evidence=block.text,
                    message="A call to action asks the reader to follow or subscribe; it is filler, not news"
                    + _times(block, shown),
                    block=block.index,
                )
            continue
        parts = sentences(block.text)
        if len(parts) > 1 and _word_count(parts[-1]) <= max_words and is_call_to_action(parts[-1], pats, 0):
            yield Flag(
                evidence=block.text,
                message=f"Paragraph ends with a call to action ('{parts[-1][:60]}')",
                block=block.index,
                severity="info",
            )


def _faq_sections(article: Article, pats: _Patterns) -> Iterator[tuple[Block, list[Block]]]:
    """Yield (FAQ heading, blocks of its section)."""
    blocks = article.blocks
    for i, block in enumerate(blocks):
        if block.kind != "heading":
            continue
        name = normalize(block.text)
        if name not in pats.faq and not any(name.startswith(f + " ") for f in pats.faq):
            continue
        section: list[Block] = []
        for nxt in blocks[i + 1 :]:
            if (
                nxt.kind == "heading"
                and not nxt.text.rstrip().endswith("?")
                and (nxt.level or 2) <= (block.level or 2)
            ):
                break
            section.append(nxt)
        yield block, section


def _content_words(text: str) -> set[str]:
    return {w for w in words(text) if len(w) > 3 and not w.isdigit()}


@register(
    "AQ703",
    "faq-filler",
    FAMILY,
    "warning",
    "An FAQ section whose answers only restate the article.",
)
def faq_filler(article: Article, config: AuditConfig) -> Iterator[Flag]:
    min_restated = float(config.threshold(FAMILY, "faq_min_restated", 0.6))
    pats = _patterns()
    for heading, section in _faq_sections(article, pats):
        answers = [b for b in section if b.kind != "heading" and not b.text.rstrip().endswith("?")]
        questions = [b for b in section if b.text.rstrip().endswith("?")]
        if not answers:
            continue
        inside = {heading.index} | {b.index for b in section}
        rest = set().union(*(_content_words(b.text) for b in article.blocks if b.index not in inside))
        said = set().union(*(_content_words(b.text) for b in answers))
        if not said:
            continue
        restated = len(said & rest) / len(said)
        if restated >= min_restated:
            # The evidence is the filler itself, the answers that restate the article,
            # so an editor sees what to cut (the heading alone says nothing).
            yield Flag(
                evidence="\n".join(b.text for b in answers),
                message=f"FAQ section '{heading.text[:40]}' ({len(questions)} questions) restates the "
                f"article: {restated:.0%} of its answer words already appear above",
                block=answers[0].index,
                score=round(restated, 3),
            )
