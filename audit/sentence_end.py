"""How often a word ends a sentence in real text of a language.

A paragraph that stops on a word which (almost) never ends a sentence was cut:
"of", "yang", "của", but also "menurut", "tungkol" or "nhằm", which no hand list
enumerates. One that stops on a word that often ends sentences ("tahun", "ini",
"nay") may simply lack its full stop. ``data/sentence_end.json`` holds, per
language, how often each frequent word was seen and how often it was the last
word of a sentence, counted from real news text by
``bench/build_sentence_end_stats.py``. The counting lives here so that the script
and the truncation rule cut text into words alike (``audit.text.words``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from audit.language import family
from audit.text import abbreviations

DATA_PATH = Path(__file__).resolve().parent / "data" / "sentence_end.json"

#: A word as ``audit.text.words`` sees it, and what follows it.
_TOKEN = re.compile(r"\w+")
#: A sentence terminator right after a word, closing quotes or brackets on
#: either side, then a space or the paragraph's end: 'tahun.', 'ini."', 'nay”.'.
_TERMINATOR = re.compile(r"[\"'”’»)\]]*[.!?…]+[\"'”’»)\]]*(?=\s|$)")


@dataclass
class SentenceEndCounts:
    """Per word: how often it was seen and how often it ended a sentence."""

    seen: Counter[str] = field(default_factory=Counter)
    ends: Counter[str] = field(default_factory=Counter)
    sentences: int = 0

    pairs: bool = False  # count pairs of syllables (Vietnamese), not single words

    def add(self, paragraph: str) -> None:
        """Count one paragraph. A full stop after an abbreviation ("Dr.",
        "Jl.") or an initial ("W.") ends no sentence, so it is not counted as one;
        words with digits ("2019", "covid19") are not words a rule judges."""
        text = unicodedata.normalize("NFKC", paragraph)
        known = abbreviations()
        previous = ""
        for match in _TOKEN.finditer(text):
            raw = match.group()
            ends = bool(_TERMINATOR.match(text, match.end())) and not _abbreviation(
                raw, text, match.end(), known
            )
            self.sentences += ends
            if not raw.isalpha():
                previous = ""
                continue
            word = f"{previous} {raw.casefold()}" if self.pairs else raw.casefold()
            previous = raw.casefold()
            if self.pairs and word.startswith(" "):
                continue  # a sentence's first syllable: no pair yet
            self.seen[word] += 1
            self.ends[word] += ends
            if ends:
                previous = ""


def _abbreviation(word: str, text: str, end: int, known: frozenset[str]) -> bool:
    """A full stop that belongs to the word: "Dr.", "Jl.", an initial "W."."""
    return text.startswith(".", end) and (word in known or (len(word) == 1 and word.isupper()))


#: Languages whose words are spaced syllables ("công ty", "không trung"): one
#: syllable says little ("trung" opens "trung tâm" and closes "tập trung"), so
#: the last two are counted and judged together.
SYLLABLE_LANGUAGES = frozenset({"vi"})


def last_unit(tokens: list[str], lang: str | None) -> str | None:
    """What the table is keyed by for a text ending on ``tokens`` (casefolded
    words): its last word, or its last two syllables in Vietnamese."""
    if lang in SYLLABLE_LANGUAGES:
        return " ".join(tokens[-2:]) if len(tokens) >= 2 else None
    return tokens[-1] if tokens else None


def count_sentence_ends(paragraphs: Iterable[str], lang: str | None = None) -> SentenceEndCounts:
    """Count, over ``paragraphs`` of ``lang``, each word (syllable pair in
    Vietnamese) and each sentence it ends."""
    counts = SentenceEndCounts(pairs=lang in SYLLABLE_LANGUAGES)
    for paragraph in paragraphs:
        counts.add(paragraph)
    return counts


@lru_cache(maxsize=1)
def _table() -> dict[str, dict[str, object]]:
    """The shipped table, without its header (``_meta``)."""
    with DATA_PATH.open(encoding="utf-8") as fh:
        data = json.load(fh)
    return {code: entry for code, entry in data.items() if not code.startswith("_")}


def languages() -> frozenset[str]:
    """Languages the table has counts for."""
    return frozenset(_table())


@lru_cache(maxsize=32)
def word_counts(lang: str | None) -> dict[str, tuple[int, int]] | None:
    """``word -> (seen, ends)`` for a language's family (Indonesian and Malay
    pooled, as the truncation rule pools its lexicons), or ``None`` without data."""
    if lang is None:
        return None
    entries = [entry for code, entry in _table().items() if family(code) == family(lang)]
    if not entries:
        return None
    pooled: dict[str, tuple[int, int]] = {}
    for entry in entries:
        words: dict[str, list[int]] = entry["words"]  # type: ignore[assignment]
        for word, (seen, ends) in words.items():
            old = pooled.get(word, (0, 0))
            pooled[word] = (old[0] + seen, old[1] + ends)
    return pooled


def sentence_end_rate(tokens: list[str], lang: str | None, min_seen: int) -> float | None:
    """The share of the occurrences of the last word of ``tokens`` (casefolded
    words; the last two syllables in Vietnamese) that end a sentence, when it was
    seen at least ``min_seen`` times in the language; ``None`` when unknown."""
    counts = word_counts(lang)
    unit = last_unit(tokens, family(lang)) if counts else None
    found = counts.get(unit) if counts and unit else None
    if found is None or found[0] < min_seen:
        return None
    return found[1] / found[0]
