"""Small text helpers shared by rules: normalisation, tokens, sentences."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

_WS = re.compile(r"\s+")
_WORD = re.compile(r"\w+", re.UNICODE)
#: Runs of anything but word characters (punctuation and spaces alike).
_NON_WORD = re.compile(r"\W+")
# Sentence ends: . ! ? … and CJK/Thai-free terminators; keeps abbreviations crude but safe.
#: Scripts written without spaces between words or sentence-final punctuation
#: (Thai, Lao, Khmer, Myanmar).
UNSPACED_SCRIPT = re.compile(r"[\u0e00-\u0eff\u1780-\u17ff\u1000-\u109f]")
#: Latin letters, accented ones and Vietnamese's included (a regex character-class body).
LATIN_LETTERS = "A-Za-z\u00c0-\u024f\u1e00-\u1eff"
_SENTENCE = re.compile(r"(?<=[.!?…。])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-ZÀ-ỸĐ\d\u0e00-\u0e7f])")


def collapse_spaces(text: str | None) -> str:
    """Runs of white space as one space, trimmed."""
    return _WS.sub(" ", text or "").strip()


@lru_cache(maxsize=2048)
def normalize(text: str) -> str:
    """Casefold, strip accents' compatibility forms, punctuation and extra spaces.
    Cached: every rule normalises the same blocks of the article in hand."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return _NON_WORD.sub(" ", text).strip()  # one pass: punctuation as spaces, spaces collapsed


@lru_cache(maxsize=2048)
def _words_of(text: str) -> tuple[str, ...]:
    """Runs of Thai are cut into their ``newmm`` words: Thai has no spaces between
    words, and ``\\w`` does not even match its vowel signs (it cut "นายกรัฐมนตรี"
    into "นาย", "กร", "ฐมนตร"). Text without Thai pays one regex search."""
    if not THAI_RUN.search(text):
        return _plain_words(text)
    parts = THAI_RUN.split(text)  # odd items are the Thai runs (the pattern's group)
    return tuple(
        w for i, part in enumerate(parts) for w in (_thai_words_of(part) if i % 2 else _plain_words(part))
    )


def _plain_words(text: str) -> tuple[str, ...]:
    # NFKC is kept off Thai: it decomposes "ำ" (sara am), which newmm's dictionary spells whole.
    return tuple(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def words(text: str) -> list[str]:
    """Casefolded words of a text. Cached like :func:`normalize` (a fresh list
    each call, so callers may change it)."""
    return list(_words_of(text or ""))


#: A run of Thai letters and marks (no spaces between Thai words).
THAI_RUN = re.compile(r"([\u0e01-\u0e4e]+)")
#: A word has a consonant; the repetition mark "ๆ" alone is not a word.
_THAI_CONSONANT = re.compile(r"[\u0e01-\u0e2e]")


@lru_cache(maxsize=1)
def _newmm() -> Callable[[str], list[str]]:
    """PyThaiNLP's dictionary-based ``newmm`` segmenter, imported on first Thai
    text only (its dictionary ships in the wheel; loading it takes ~0.5 s)."""
    from pythainlp.tokenize import word_tokenize

    return lambda run: word_tokenize(run, engine="newmm", keep_whitespace=False)


@lru_cache(maxsize=2048)
def _thai_words_of(text: str) -> tuple[str, ...]:
    return tuple(w for run in THAI_RUN.findall(text) for w in _newmm()(run) if _THAI_CONSONANT.search(w))


def thai_words(text: str) -> list[str]:
    """The Thai words of a text, segmented by ``newmm`` (Thai is written without
    spaces between words); letters only: digits, Latin and punctuation are left
    out. :func:`words` uses it for the text's Thai runs."""
    return list(_thai_words_of(text or ""))


@lru_cache(maxsize=2048)
def folded_words(text: str) -> tuple[str, frozenset[str]]:
    """A text casefolded (no NFKC), and the set of its words. Cached: phrase
    patterns screen the same blocks for their first words, one pattern after another."""
    folded = text.casefold()
    return folded, frozenset(_WORD.findall(folded))


def cache_clear() -> None:
    """Forget cached tokenisations (benchmarks measure cold pages)."""
    normalize.cache_clear()
    _words_of.cache_clear()
    folded_words.cache_clear()
    _thai_words_of.cache_clear()


#: The word right before a full stop that may end a sentence ("... Dr." / "... W.").
_WORD_BEFORE_STOP = re.compile(r"(?:^|\s|[(\[\"“‘])([^\W\d_][\w']*)\.$")


@lru_cache(maxsize=16)
def abbreviations(language: str | None = None) -> frozenset[str]:
    """Abbreviations that a full stop follows without ending the sentence ("Dr.",
    "Jl.", "TP."), from the lexicons' ``[sentences]`` tables: one language's, or the
    union of all (a Malay report names "Prof." and "Jln." alike). Case matters:
    "No. 5" is an abbreviation, "... said no." ends a sentence."""
    from audit import lexicon  # lexicon imports this module

    found = lexicon.load(language) if language else None
    return frozenset(found.abbreviations if found else lexicon.combined().abbreviations)


def _stop_is_abbreviation(head: str, known: frozenset[str]) -> bool:
    """The full stop closing ``head`` belongs to an abbreviation or an initial
    ("Sri W. Wahyuni", "Q. Hoàn Kiếm"), so no sentence ends there."""
    match = _WORD_BEFORE_STOP.search(head)
    if match is None:
        return False
    word = match.group(1)
    return word in known or (len(word) == 1 and word.isupper())


def sentences(text: str, language: str | None = None) -> list[str]:
    """Split a paragraph into sentences (good enough for Latin-script news text).
    A full stop after an abbreviation of ``language`` (all languages' by default)
    or an initial does not end one: "Menurut Dr. Sri Wahyuni, ..." is one sentence."""
    text = text or ""
    known = abbreviations(language)
    parts: list[str] = []
    start = 0
    for boundary in _SENTENCE.finditer(text):
        if _stop_is_abbreviation(text[start : boundary.start()], known):
            continue
        parts.append(text[start : boundary.start()].strip())
        start = boundary.end()
    parts.append(text[start:].strip())
    return [p for p in parts if p]


def unpunctuated_script(text: str) -> bool:
    """Thai, Lao, Khmer, Myanmar: no sentence-final punctuation to judge by."""
    sample = text[-200:]
    return not sample.isascii() and len(UNSPACED_SCRIPT.findall(sample)) > len(sample) / 4


_FUNCTION_WORDS_PATH = Path(__file__).resolve().parent / "lexicons" / "function_words.toml"


@lru_cache(maxsize=1)
def function_word_table() -> dict[str, dict[str, list[str]]]:
    """``lexicons/function_words.toml``: per language, its function words and
    the ones among them that may still end a sentence (data, not code)."""
    with _FUNCTION_WORDS_PATH.open("rb") as fh:
        return tomllib.load(fh)


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """Function words of every language we know."""
    return frozenset(w.casefold() for entry in function_word_table().values() for w in entry.get("words", []))


#: Letters of the Latin script (Basic, Latin-1, Extended-A/B, Vietnamese's Extended Additional).
_LATIN = re.compile(f"[{LATIN_LETTERS}]")
_LETTER = re.compile(r"[^\W\d_]")
#: Runs of what the two above do not match: removing them leaves what they count.
_NOT_LATIN = re.compile(f"[^{LATIN_LETTERS}]+")
_NOT_LETTER = re.compile(r"[\W\d_]+")


def letter_count(text: str) -> int:
    """Letters of a text: what is left once the runs of anything else are dropped
    (one pass per word, not one list item per letter)."""
    return len(_NOT_LETTER.sub("", text))


def dominant_script(text: str) -> str:
    """The dominant script of a text ("LATIN", "ARABIC", "DEVANAGARI"...), from
    its first 400 characters. Letters are counted with regexes (ASCII text's are
    all Latin); only when Latin ones are not the majority are the others named,
    once per distinct letter."""
    sample = text[:400]
    if sample.isascii():
        return "LATIN" if _LATIN.search(sample) else ""
    latin = len(_NOT_LATIN.sub("", sample))
    if latin * 2 > len(_NOT_LETTER.sub("", sample)):
        return "LATIN"
    counts: dict[str, int] = {"LATIN": latin}
    for ch, n in Counter(_LETTER.findall(_LATIN.sub("", sample))).items():
        name = unicodedata.name(ch, "")
        key = name.split(" ")[0] if name else ""
        counts[key] = counts.get(key, 0) + n
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ""
