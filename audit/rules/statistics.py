"""AQ4xx unsourced_statistic: a percentage or an amount that nobody vouches for.

A statistic is a number written with a unit that makes it one (``15 persen``,
``ร้อยละ 36``, ``$5 million``); a bare number is a year, a date, an age, a score or
part of a name ("ASC Blueprint 2025") and is left alone. A statistic is sourced when
its sentence carries an attribution cue (``according to``, ``menurut``, ``ayon sa``,
``ระบุว่า``...), when it sits inside a closed quotation, or when a neighbouring
sentence in the paragraph plainly hands it a source: the previous one ends with a cue
("... ระบุว่า" / "The ministry said:") or the next one names where the figures come
from or refers back to them ("Hal itu disampaikan Kepala BPS.", "That figure was
confirmed by ..."). A cue elsewhere in the paragraph does not count, because an
unsourced figure tacked onto a quoted paragraph is exactly the defect editors look for.

Cues that are also ordinary words ("students study abroad", Tagalog "ani" = harvest,
"chia sẻ nỗi lo" = share a worry, "is said to") count only beside a named source (a
capitalised name, an acronym or a year next to them, past linker words such as "by",
"ng", "của") or a determiner ("the study"); phrases such as "dengan kata lain" or
"nói chung" are blanked out before cues are looked for. Thai has no sentence
punctuation and its spaces separate clauses: clauses are grouped into sentences
(a clause opening with "และ", "ซึ่ง", "โดย"... continues the one before, and so does
one after a clause that stops on a number or hands over with "... ระบุว่า"), a source
anywhere in the group counts, and the group is the evidence. All word lists, these
included, come from :mod:`audit.lexicon`.

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
from audit.registry import Flag, register, shared_pass
from audit.text import LATIN_LETTERS, sentences

FAMILY = "unsourced_statistic"

_NUM = r"\d+(?:[.,]\d+)*"
#: Latin letters (with Vietnamese and other accents), for "glued to a word" checks.
_LATIN = LATIN_LETTERS
_THAI = re.compile(r"[\u0e00-\u0e7f]")
#: A clause break in Thai: a space before a Thai letter (not before a Thai digit ๐-๙).
_THAI_BREAK = re.compile(r"(?<=[\u0e00-\u0e7f\d])\s+(?=[\u0e00-\u0e4f\u0e5a-\u0e7f])")
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
    named: lexicon.PhrasePattern | None = None
    linkers: frozenset[str] = frozenset()
    named_before: re.Pattern[str] | None = None
    named_after: re.Pattern[str] | None = None
    exclude: lexicon.PhrasePattern | None = None
    back_reference: re.Pattern[str] | None = None
    continuation: re.Pattern[str] | None = None


def _unit_alternation(units: tuple[str, ...]) -> str:
    parts = []
    for unit in sorted({u.casefold() for u in units}, key=len, reverse=True):
        body = re.escape(unit).replace(r"\ ", r"\s+")
        if re.search(r"\w$", unit) and not _THAI.search(unit):
            body += r"(?![^\W\d_])"  # "persenan" is not "persen"; "Rp5" is "Rp" + 5
        parts.append(body)
    return "|".join(parts)


def _anchored(phrases: tuple[str, ...], template: str) -> re.Pattern[str] | None:
    """``phrases`` as one case-insensitive regex built from ``template`` ("{}" = the
    alternation), whole words except in Thai."""
    found = lexicon.phrase_pattern(phrases)
    return re.compile(template.format(found.pattern), re.IGNORECASE | re.UNICODE) if found else None


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
        named=lexicon.phrase_pattern(lex.attribution_named),
        linkers=frozenset(w.casefold() for w in lex.name_linkers),
        named_before=_anchored(lex.named_before, r"(?:{})\s*$"),
        named_after=_anchored(lex.named_after, r"^\s*(?:{})"),
        exclude=lexicon.phrase_pattern(lex.attribution_exclude),
        back_reference=_anchored(lex.back_references, r"^[\W_]*(?:{})"),
        continuation=_anchored(lex.clause_continuations, r"^[\W_]*(?:{})"),
    )


def _is_thai(text: str) -> bool:
    return len(_THAI.findall(text)) > len(text) / 3


def _spans(text: str) -> list[tuple[int, int]]:
    """Clause spans of a block: its sentences or, in Thai, which has no sentence
    punctuation, the runs of text between the spaces that separate its clauses."""
    pieces = _THAI_BREAK.split(text) if _is_thai(text) else sentences(text)
    spans: list[tuple[int, int]] = []
    pos = 0
    for piece in pieces:
        start = text.find(piece, pos)
        if start < 0:
            continue
        spans.append((start, start + len(piece)))
        pos = start + len(piece)
    return spans


@dataclass(frozen=True)
class _Unit:
    """A sentence or, in Thai, a group of clauses read as one sentence."""

    start: int
    end: int
    clauses: tuple[tuple[int, int], ...]


def _units(text: str, pats: _Patterns) -> list[_Unit]:
    """Sentences; in Thai, clauses grouped into sentences. A clause joins the one
    before when it opens with a continuation ("และ", "ซึ่ง", "โดย"...), when the one
    before hands over to it ("... ระบุว่า"), or when the one before stops on a
    number and this one names no source ("ประชากรร้อยละ 15 ยังไม่ได้รับ...": Thai
    writers space around numbers; "... ร้อยละ 62 สำนักงานสถิติระบุว่า" starts anew)."""
    spans = _spans(text)
    if not _is_thai(text):
        return [_Unit(s, e, ((s, e),)) for s, e in spans]
    groups: list[list[tuple[int, int]]] = []
    for span in spans:
        clause = text[span[0] : span[1]]
        last = text[groups[-1][-1][0] : groups[-1][-1][1]] if groups else ""
        joins = bool(groups) and (
            bool(pats.continuation and pats.continuation.match(clause))
            or _ends_with_cue(last, pats)
            or (last[-1:].isdigit() and not _has_cue(clause, pats))
        )
        if joins:
            groups[-1].append(span)
        else:
            groups.append([span])
    return [_Unit(g[0][0], g[-1][1], tuple(g)) for g in groups]


_TOKEN = re.compile(r"\S+")
_EDGE = re.compile(r"^[\W_]+|[\W_]+$", re.UNICODE)
_YEAR = re.compile(r"(?:19|20)\d\d")


def _is_name(token: str) -> bool:
    """A capitalised word, an acronym or a year: what names a source."""
    word = _EDGE.sub("", token)
    return bool(word) and (word[0].isupper() or bool(_YEAR.fullmatch(word)))


def _beside_name(text: str, match: re.Match[str], pats: _Patterns) -> bool:
    """An ambiguous cue ("study", "riset", "ani") counts only next to a source: a
    name right before it (not the sentence's first word), a name right after it past
    linker words, or a determiner that makes it a document ("the study")."""
    head, tail = text[: match.start()], text[match.end() :]
    if pats.named_before and pats.named_before.search(head):
        return True
    if pats.named_after and pats.named_after.match(tail):
        return True
    before = _TOKEN.findall(head)
    if len(before) > 1 and not re.search(r"[,;:.!?]$", before[-1]) and _is_name(before[-1]):
        return True
    if tail[:1] not in ("", " ", "\u00a0"):
        return False  # "study," / "report." : nothing named after it
    for token in _TOKEN.findall(tail)[:4]:  # "riset yang dibuat oleh Rockefeller"
        if _is_name(token):
            return True
        if _EDGE.sub("", token).casefold() not in pats.linkers or re.search(r"[,;:.!?]$", token):
            return False
    return False


def _mask(text: str, pats: _Patterns) -> str:
    """``text`` with the phrases that hold a cue word but attribute nothing
    ("dengan kata lain", "nói chung") blanked out, positions kept."""
    if not pats.exclude:
        return text
    return (
        pats.exclude.regex.sub(lambda m: " " * len(m.group(0)), text)
        if pats.exclude.may_match(text)
        else text
    )


def _cues(text: str, pats: _Patterns) -> list[tuple[int, int]]:
    """Spans of the attribution cues in ``text`` that really attribute."""
    masked = _mask(text, pats)
    found = [m.span() for m in pats.cue.finditer(masked)] if pats.cue else []
    if pats.named:
        found += [m.span() for m in pats.named.finditer(masked) if _beside_name(masked, m, pats)]
    return found


def _has_cue(text: str, pats: _Patterns) -> bool:
    if _cues(text, pats):
        return True
    return bool(pats.start_cue and pats.start_cue.search(_mask(text, pats)))


def _ends_with_cue(text: str, pats: _Patterns) -> bool:
    """A clause that hands over to the next one: "... ระบุว่า", "The bank said:".
    A finished sentence ending in a cue ('..." katanya.') attributes what came
    before it, not what follows."""
    stripped = _CLAUSE_END.sub("", text)
    if text.rstrip().endswith(":"):
        return True
    if _FINISHED.search(stripped):
        return False
    return any(end >= len(stripped) - 1 for _, end in _cues(stripped, pats))


def _quoted(pos: int, text: str) -> bool:
    return any(m.start() < pos < m.end() for m in _QUOTES.finditer(text))


def _sources_previous(text: str, unit: _Unit, pats: _Patterns) -> bool:
    """A next sentence that names where the figure before it comes from: "The
    figures come from the census." / "Hal itu disampaikan Kepala BPS Jakarta."."""
    following = text[unit.start : unit.end]
    first = text[unit.clauses[0][0] : unit.clauses[0][1]]
    if _ends_with_cue(first, pats):
        return False  # it introduces what follows instead ("... ระบุว่า ...")
    if pats.data_noun and pats.data_noun.search(following):
        # "The figures come from the national census": next to a data noun, an
        # ambiguous cue ("census", "survei") is the document the figures come from.
        named = pats.named and pats.named.search(_mask(following, pats))
        return bool(named) or _has_cue(following, pats)
    return bool(pats.back_reference and pats.back_reference.match(following) and _has_cue(following, pats))


def _is_sourced(block: Block, units: list[_Unit], i: int, pos: int, pats: _Patterns) -> bool:
    text = block.text
    unit = units[i]
    sentence = text[unit.start : unit.end]
    if block.kind == "quote" or _quoted(pos, text) or _CITATION.search(sentence):
        return True
    # Inside a sentence (in Thai, a clause group): a cue in the figure's clause or an
    # earlier one, or a source named in a later clause ("... ตามข้อมูลของ ...").
    for start, end in unit.clauses:
        clause = text[start:end]
        if (start <= pos or not _ends_with_cue(clause, pats)) and _has_cue(clause, pats):
            return True
    if i > 0 and _ends_with_cue(text[units[i - 1].start : units[i - 1].end], pats):
        return True
    return i + 1 < len(units) and _sources_previous(text, units[i + 1], pats)


def unsourced(block: Block, pats: _Patterns | None = None) -> Iterator[tuple[str, str]]:
    """Yield ``(sentence, statistic)`` for each sentence of ``block`` holding an
    unattributed statistic (one per sentence, the first statistic named). In Thai
    the sentence is the group of clauses read together."""
    pats = pats or _patterns()
    if not _has_digit(block.text):
        return
    units = _units(block.text, pats)
    for i, unit in enumerate(units):
        sentence = block.text[unit.start : unit.end]
        # Every statistic has a figure: a sentence without a digit is not scanned.
        match = pats.statistic.search(sentence) if _has_digit(sentence) else None
        if match is None:
            continue
        if _is_sourced(block, units, i, unit.start + match.start(), pats):
            continue
        yield sentence, match.group(0).strip()


_ANY_DIGIT = re.compile(r"\d")


def _has_digit(text: str) -> bool:
    return _ANY_DIGIT.search(text) is not None


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


@shared_pass
def _unsourced_in(article: Article, config: AuditConfig) -> list[tuple[Block, str, str]]:
    """``(block, sentence, statistic)`` for every unsourced statistic of the article
    (computed once for AQ401 and AQ402)."""
    kinds = set(config.threshold(FAMILY, "block_kinds", ["paragraph", "list_item", "quote"]))
    pats = _patterns()
    return [
        (block, sentence, stat)
        for block in article.blocks
        if block.kind in kinds
        for sentence, stat in unsourced(block, pats)
    ]


def _check(article: Article, config: AuditConfig, percent: bool) -> Iterator[Flag]:
    max_chars = int(config.threshold(FAMILY, "max_sentence_chars", 1000))
    pats = _patterns()
    for block, sentence, stat in _unsourced_in(article, config):
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
