"""Per-language word lists the rules read: attribution cues, statistic units,
filler phrases, placeholder authors and function words.

They are data, not code: one TOML file per language in ``audit/lexicons/`` that an
editor can extend without touching Python. Rules usually match against the union of
every language's list, because a Malay article quotes an English report and a
Tagalog article borrows English cues; the per-language files exist so that each
list stays readable and owned by someone who speaks the language.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

from audit.text import folded_words

LEXICON_DIR = Path(__file__).with_name("lexicons")

#: TOML table -> keys it may hold. Anything else is a typo and is refused.
SECTIONS: dict[str, tuple[str, ...]] = {
    "statistics": (
        "units_after",
        "units_before",
        "attribution",
        "attribution_start",
        "attribution_openers",
        "attribution_named",
        "name_linkers",
        "named_before",
        "named_after",
        "attribution_exclude",
        "back_references",
        "data_nouns",
        "clause_continuations",
    ),
    "boilerplate": ("read_also", "cta_verbs", "cta_objects", "cta_phrases", "cta_persons", "faq_headings"),
    "metadata": ("placeholder_authors",),
    "mixing": ("function_words",),
    "sentences": ("abbreviations",),
}

_THAI = re.compile(r"[\u0e00-\u0e7f]")
_CODE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z]{2,4})?")


class LexiconError(ValueError):
    """A malformed lexicon file; the message names the file and the key."""


@dataclass(frozen=True)
class Lexicon:
    """Word lists for one language (or the union of several)."""

    language: str
    units_after: tuple[str, ...] = ()
    units_before: tuple[str, ...] = ()
    attribution: tuple[str, ...] = ()
    attribution_start: tuple[str, ...] = ()
    #: Phrases that open a sentence by naming its source ("According to", "Menurut",
    #: "Ayon sa", "Theo"). Capitalised after a word no sentence ends on, they show
    #: where a cut sentence runs into the next one (truncation rule AQ502).
    attribution_openers: tuple[str, ...] = ()
    #: Cues that are also ordinary words ("study", "riset", Tagalog "ani" = harvest,
    #: "chia sẻ" = share): they count only beside a named source.
    attribution_named: tuple[str, ...] = ()
    #: Words allowed between such a cue and the name after it ("by", "ng", "của").
    name_linkers: tuple[str, ...] = ()
    #: Words that, right before / right after such a cue, make it a document
    #: ("the study", "survei tersebut").
    named_before: tuple[str, ...] = ()
    named_after: tuple[str, ...] = ()
    #: Phrases that hold a cue word but attribute nothing ("dengan kata lain", "nói chung").
    attribution_exclude: tuple[str, ...] = ()
    #: Sentence openers that point back at the sentence before ("Hal itu", "That figure").
    back_references: tuple[str, ...] = ()
    data_nouns: tuple[str, ...] = ()
    #: Thai: words opening a clause that continues the sentence before it.
    clause_continuations: tuple[str, ...] = ()
    read_also: tuple[str, ...] = ()
    cta_verbs: tuple[str, ...] = ()
    cta_objects: tuple[str, ...] = ()
    cta_phrases: tuple[str, ...] = ()
    #: Pronouns for a person: "Follow her on X" closes a staff writer's bio, it does
    #: not ask the reader to follow the outlet.
    cta_persons: tuple[str, ...] = ()
    faq_headings: tuple[str, ...] = ()
    placeholder_authors: tuple[str, ...] = ()
    function_words: tuple[str, ...] = ()
    #: Abbreviations a full stop follows mid-sentence ("Dr.", "Jl."); case-sensitive.
    abbreviations: tuple[str, ...] = ()


def parse(data: dict, origin: str) -> Lexicon:
    """Validate one lexicon mapping (as read from TOML) and build a :class:`Lexicon`."""
    language = data.get("language")
    if not isinstance(language, str) or not language:
        raise LexiconError(f"{origin}: 'language' must be a language code such as \"id\"")
    values: dict[str, tuple[str, ...]] = {}
    for section, table in data.items():
        if section == "language":
            continue
        if section not in SECTIONS or not isinstance(table, dict):
            raise LexiconError(f"{origin}: unknown table [{section}] (expected one of {sorted(SECTIONS)})")
        for key, items in table.items():
            if key not in SECTIONS[section]:
                raise LexiconError(f"{origin}: unknown key {section}.{key} (expected {SECTIONS[section]})")
            if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
                raise LexiconError(f"{origin}: {section}.{key} must be a list of non-empty strings")
            values[key] = tuple(i.strip() for i in items)
    return Lexicon(language=language, **values)


@lru_cache(maxsize=64)
def load(language: str, directory: str | None = None) -> Lexicon | None:
    """The lexicon for ``language`` or ``None`` when there is no file for it."""
    path = Path(directory or LEXICON_DIR) / f"{language}.toml"
    if not path.is_file():
        return None
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise LexiconError(f"{path}: invalid TOML: {exc}") from exc
    return parse(data, str(path))


def available(directory: str | None = None) -> tuple[str, ...]:
    """Language codes that have a lexicon file (``xx.toml``; other TOML files in the
    directory, such as the truncation rule's ``function_words.toml``, are not lexicons)."""
    paths = Path(directory or LEXICON_DIR).glob("*.toml")
    return tuple(sorted(p.stem for p in paths if _CODE.fullmatch(p.stem)))


def union(lexicons: Iterable[Lexicon], language: str = "*") -> Lexicon:
    """Merge word lists, keeping first-seen order and dropping case-duplicates."""
    merged: dict[str, list[str]] = {f.name: [] for f in fields(Lexicon) if f.name != "language"}
    seen: dict[str, set[str]] = {k: set() for k in merged}
    for lex in lexicons:
        for key, items in merged.items():
            for item in getattr(lex, key):
                folded = item if key == "abbreviations" else item.casefold()  # "dr" (dokter) beside "Dr"
                if folded not in seen[key]:
                    seen[key].add(folded)
                    items.append(item)
    return Lexicon(language=language, **{k: tuple(v) for k, v in merged.items()})


@lru_cache(maxsize=8)
def combined(directory: str | None = None) -> Lexicon:
    """The union of every language's lexicon: what rules match against by default."""
    found = [load(code, directory) for code in available(directory)]
    return union([lex for lex in found if lex is not None])


_WORD = re.compile(r"\w+", re.UNICODE)


class PhrasePattern:
    """A phrase alternation behind a cheap prefilter.

    Python's regex engine tries every alternative at every position, which makes a
    lexicon of hundreds of cues slow on long paragraphs. A text can only match if it
    holds the first word of some phrase (or, for Thai, the phrase itself), so most
    paragraphs are turned away by one set intersection before the regex runs. An
    anchored :meth:`match` is the exception: tried at one position, the regex is
    cheaper than the prefilter, so it runs first.
    """

    def __init__(self, regex: re.Pattern[str], first_words: frozenset[str], substrings: tuple[str, ...]):
        self.regex = regex
        self.pattern = regex.pattern
        self._first_words = first_words
        self._substrings = substrings
        # Is any of the substrings in a text: one scan rather than one per substring.
        self._any_substring = re.compile("|".join(map(re.escape, substrings))) if substrings else None

    def _has_substring(self, folded: str) -> bool:
        return self._any_substring is not None and self._any_substring.search(folded) is not None

    def may_match(self, text: str) -> bool:
        folded, found = folded_words(text)
        return self._has_substring(folded) or not self._first_words.isdisjoint(found)

    def search(self, text: str) -> re.Match[str] | None:
        return next(self.finditer(text), None)

    def match(self, text: str) -> re.Match[str] | None:
        found = self.regex.match(text)
        return found if found is not None and self.may_match(text) else None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        folded, found = folded_words(text)
        if self._has_substring(folded):
            return self.regex.finditer(text)  # Thai phrases match anywhere, not at word starts
        if self._first_words.isdisjoint(found):
            return iter(())  # most texts: turned away by one set intersection
        return self._at_first_words(text)

    def _at_first_words(self, text: str) -> Iterator[re.Match[str]]:
        """``regex.finditer`` run only where a phrase's first word starts: the same
        matches, left to right and not overlapping, without trying every
        alternative at every character of a long paragraph."""
        end = 0
        for token in _WORD.finditer(text):
            if token.start() < end or token.group().casefold() not in self._first_words:
                continue
            found = self.regex.match(text, token.start())
            if found:
                yield found
                end = max(found.end(), token.end())


def phrase_pattern(phrases: Iterable[str]) -> PhrasePattern | None:
    """One case-insensitive matcher for any phrase as whole words.

    Thai runs words together, so Thai phrases match as plain substrings; other
    phrases must not touch a letter or digit on either side ("kata" is not in
    "katalog"). Longer phrases are tried first so the longest cue is reported.
    """
    parts = []
    first_words: set[str] = set()
    substrings: list[str] = []
    for phrase in sorted({p.casefold() for p in phrases}, key=len, reverse=True):
        body = re.escape(phrase).replace(r"\ ", r"\s+")
        first = _WORD.match(phrase)
        if _THAI.search(phrase) or first is None:
            substrings.append(phrase.split()[0] if phrase.split() else phrase)
        else:
            first_words.add(first.group())
        if _THAI.search(phrase):
            parts.append(body)
            continue
        left = r"(?<!\w)" if re.match(r"\w", phrase) else ""
        right = r"(?!\w)" if re.search(r"\w$", phrase) else ""
        parts.append(left + body + right)
    if not parts:
        return None
    regex = re.compile("|".join(parts), re.IGNORECASE | re.UNICODE)
    return PhrasePattern(regex, frozenset(first_words), tuple(substrings))
