"""AQ4xx unsourced_statistic: a percentage or an amount that nobody vouches for.

A statistic is a number written with a unit that makes it one (``15 persen``,
``ร้อยละ 36``, ``$5 million``); a bare number is a year, a date, an age, a score or
part of a name ("ASC Blueprint 2025") and is left alone. A statistic is sourced when
its sentence carries an attribution cue (``according to``, ``menurut``, ``ayon sa``,
``ระบุว่า``...), when it sits inside a closed quotation, or when a neighbouring
sentence in the paragraph plainly hands it a source: the previous one ends with a cue
("... ระบุว่า" / "The ministry said:") or the next one names where the figures come
from. A cue elsewhere in the paragraph does not count, because an unsourced figure
tacked onto a quoted paragraph is exactly the defect editors look for. All word
lists come from :mod:`audit.lexicon`.

On real news (``bench/corpus_flags.py`` over ``../shared/corpus``) AQ401 fires on
about 17% of pages and AQ402 (info) on about 16%: reporters do state market moves,
prices and budgets without naming a source. That is the defect as defined, which is
why the evaluation treats this type as one real pages genuinely have; an editor who
only wants percentages can ignore ``AQ402``.
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
from audit.text import sentences

FAMILY = "unsourced_statistic"

_NUM = r"\d+(?:[.,]\d+)*"
#: Latin letters (with Vietnamese and other accents), for "glued to a word" checks.
_LATIN = "A-Za-z\u00c0-\u024f\u1e00-\u1eff"
_THAI = re.compile(r"[\u0e00-\u0e7f]")
_THAI_BREAK = re.compile(r"(?<=[\u0e00-\u0e7f\d])\s+(?=[\u0e00-\u0e7f])")
_QUOTES = re.compile(r"“[^“”]*”|„[^„“”]*[“”]|«[^«»]*»|「[^「」]*」|\"[^\"]*\"")
#: A bracketed citation closing a claim: "(BPS 2014)", "(diolah dari USDA, 2014)".
_CITATION = re.compile(r"\([^()]*\b(?:19|20)\d{2}[a-z]?\)")
_FINISHED = re.compile(r"[.!?…\"”’)]$")
_CLAUSE_END = re.compile(r"[\s:,\-–—]*$")
_PERCENT_HINT = re.compile(
    r"%|per|pct|ร้อยละ|เปอร์เซ็นต์|phần trăm|prozent|cent|porsyento|porsiyento|porsento|bahagdan"
)


@dataclass(frozen=True)
class _Patterns:
    statistic: re.Pattern[str]
    magnitude: re.Pattern[str]
    cue: lexicon.PhrasePattern | None
    start_cue: re.Pattern[str] | None
    data_noun: lexicon.PhrasePattern | None


def _unit_alternation(units: tuple[str, ...]) -> str:
    parts = []
    for unit in sorted({u.casefold() for u in units}, key=len, reverse=True):
        body = re.escape(unit).replace(r"\ ", r"\s+")
        if re.search(r"\w$", unit) and not _THAI.search(unit):
            body += r"(?![^\W\d_])"  # "persenan" is not "persen"; "Rp5" is "Rp" + 5
        parts.append(body)
    return "|".join(parts)


@lru_cache(maxsize=4)
def _patterns(directory: str | None = None) -> _Patterns:
    lex = lexicon.combined(directory)
    after = _unit_alternation(lex.units_after)
    before = _unit_alternation(lex.units_before)
    # A number glued to a letter (COVID-19, G20, Q3) is a name, not a statistic.
    number = rf"(?<![{_LATIN}\d.,]){_NUM}"
    alternatives = [rf"{number}\s?-?\s?(?:{after})"]
    rates = _unit_alternation(tuple(u for u in lex.units_after if any(ch.isdigit() for ch in u)))
    if rates:  # "12 deaths per 100,000": a rate may name what it counts first
        alternatives.append(rf"{number}(?:\s+[^\W\d_]+){{1,2}}\s+(?:{rates})")
    if before:
        alternatives.append(rf"(?<![{_LATIN}])(?:{before})\s?{_NUM}(?:\s?(?:{after}))?")
    statistic = re.compile("|".join(f"(?:{a})" for a in alternatives), re.IGNORECASE | re.UNICODE)
    start = lexicon.phrase_pattern(lex.attribution_start)
    start_cue = re.compile(rf"(?:^|[,;:(]\s*)(?:{start.pattern})", start.regex.flags) if start else None
    return _Patterns(
        statistic=statistic,
        magnitude=re.compile(rf"\d\s?-?\s?(?:{after})", re.IGNORECASE | re.UNICODE),
        cue=lexicon.phrase_pattern(lex.attribution),
        start_cue=start_cue,
        data_noun=lexicon.phrase_pattern(lex.data_nouns),
    )


def _spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans of a block. Thai has no sentence punctuation: a space between
    two Thai characters is the nearest thing to a sentence break."""
    pieces = _THAI_BREAK.split(text) if len(_THAI.findall(text)) > len(text) / 3 else sentences(text)
    spans: list[tuple[int, int]] = []
    pos = 0
    units = _thai_units()
    for piece in pieces:
        start = text.find(piece, pos)
        if start < 0:
            continue
        if spans and text[spans[-1][1] - 1].isdigit() and piece.startswith(units):
            spans[-1] = (spans[-1][0], start + len(piece))  # "5" + "ล้านบาท" is one amount
        else:
            spans.append((start, start + len(piece)))
        pos = start + len(piece)
    return spans


@lru_cache(maxsize=1)
def _thai_units() -> tuple[str, ...]:
    """Thai unit words that follow a number ("5 ล้านบาท"): never a clause break."""
    lex = lexicon.combined()
    return tuple(u for u in lex.units_after if _THAI.search(u)) or ("\u0e25\u0e49\u0e32\u0e19",)


def _has_cue(text: str, pats: _Patterns) -> bool:
    if pats.cue and pats.cue.search(text):
        return True
    return bool(pats.start_cue and pats.start_cue.search(text))


def _ends_with_cue(text: str, pats: _Patterns) -> bool:
    """A clause that hands over to the next one: "... ระบุว่า", "The bank said:".
    A finished sentence ending in a cue ('..." katanya.') attributes what came
    before it, not what follows."""
    stripped = _CLAUSE_END.sub("", text)
    if text.rstrip().endswith(":"):
        return True
    if not pats.cue or _FINISHED.search(stripped):
        return False
    return any(m.end() >= len(stripped) - 1 for m in pats.cue.finditer(stripped))


def _quoted(pos: int, text: str) -> bool:
    return any(m.start() < pos < m.end() for m in _QUOTES.finditer(text))


def _is_sourced(block: Block, spans: list[tuple[int, int]], i: int, pos: int, pats: _Patterns) -> bool:
    text = block.text
    sentence = text[spans[i][0] : spans[i][1]]
    if block.kind == "quote" or _has_cue(sentence, pats) or _quoted(pos, text) or _CITATION.search(sentence):
        return True
    if i > 0 and _ends_with_cue(text[spans[i - 1][0] : spans[i - 1][1]], pats):
        return True
    if i + 1 < len(spans):
        following = text[spans[i + 1][0] : spans[i + 1][1]]
        hands_over = _ends_with_cue(following, pats)  # it introduces the next clause instead
        if (
            not hands_over
            and _has_cue(following, pats)
            and pats.data_noun
            and pats.data_noun.search(following)
        ):
            return True
    return False


def unsourced(block: Block, pats: _Patterns | None = None) -> Iterator[tuple[str, str]]:
    """Yield ``(sentence, statistic)`` for each sentence of ``block`` holding an
    unattributed statistic (one per sentence, the first statistic named)."""
    pats = pats or _patterns()
    if not _has_digit(block.text):
        return
    spans = _spans(block.text)
    for i, (start, end) in enumerate(spans):
        sentence = block.text[start:end]
        match = pats.statistic.search(sentence)
        if match is None:
            continue
        if _is_sourced(block, spans, i, start + match.start(), pats):
            continue
        yield sentence, match.group(0).strip()


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


@register(
    "AQ401",
    "unsourced-percentage",
    FAMILY,
    "warning",
    "A percentage or rate with no source in its sentence, its paragraph or a quote.",
)
def unsourced_percentage(article: Article, config: AuditConfig) -> Iterator[Flag]:
    yield from _check(article, config, percent=True)


@register(
    "AQ402",
    "unsourced-amount",
    FAMILY,
    "info",
    "An amount or count in millions or billions (juta, triệu, ล้าน...) with no source nearby.",
)
def unsourced_amount(article: Article, config: AuditConfig) -> Iterator[Flag]:
    if config.threshold(FAMILY, "flag_amounts", True):
        yield from _check(article, config, percent=False)


def _check(article: Article, config: AuditConfig, percent: bool) -> Iterator[Flag]:
    kinds = set(config.threshold(FAMILY, "block_kinds", ["paragraph", "list_item", "quote"]))
    max_chars = int(config.threshold(FAMILY, "max_sentence_chars", 1000))
    pats = _patterns()
    for block in article.blocks:
        if block.kind not in kinds:
            continue
        for sentence, stat in unsourced(block, pats):
            if bool(_PERCENT_HINT.search(stat.casefold())) != percent or len(sentence) > max_chars:
                continue
            if not percent and not pats.magnitude.search(stat):
                continue  # a price ("$125") is a fact about one thing, not a statistic
            where = "a percentage" if percent else "an amount"
            yield Flag(
                evidence=sentence,
                message=f"Statistic '{stat}' ({where}) has no source in the sentence, paragraph or a quote",
                block=block.index,
            )
