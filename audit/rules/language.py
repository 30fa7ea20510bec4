"""AQ6xx language_mixing: a block written in another language than the article.

Block languages were detected once, during extraction (``Block.language``; ``None``
for blocks too short to judge), so this rule never calls langdetect. It holds back in
the three cases where a different detected language is not a defect:

- Indonesian and Malay are one family (:func:`audit.language.family`).
- Embedded social posts and foreign speakers quoted inside an article-language
  sentence (the text outside the quotes is in the article language) are quotations.
- Code-switching: a Tagalog or Malay paragraph full of English terms may be detected as
  English, yet it still carries the article language's function words ("ang", "ng",
  "yang"); a block with enough of them (``min_native_share``) is not foreign.
- Quotations in a second language of the article's readers (``quoted_languages``:
  English statements in Filipino, Malaysian and Indonesian news) and scripture
  (``tolerated_languages``: Arabic verses in Malay and Indonesian articles).
- Bilingual articles: when several blocks share the other language and make up a good
  part of the article (``max_other_share``), the article is bilingual (an English-heavy
  Tagalog story, a translation under the original) and no single block is the odd one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from audit import lexicon
from audit.config import AuditConfig
from audit.language import family, family_function_words
from audit.model import Article, Block
from audit.registry import Flag, register
from audit.text import letter_count, sentences, words

FAMILY = "language_mixing"
#: A block in no language we can name (BCP 47 "und"), yet clearly not the article's.
UNDETERMINED = "und"

#: Embedded social posts (tweets, Instagram captions) quote their author verbatim.
_EMBED = re.compile(r"pic\.twitter\.com|instagram\.com/|t\.co/|\(@\w+\)|(?:#\w+.*){3}", re.UNICODE)
_OPEN_QUOTES = frozenset("\"“”„«‘'")
#: Closed quotations; what is left outside them is the article's own sentence.
_QUOTED = re.compile(r"“[^“”]*”|\"[^\"]*\"|„[^„“”]*[“”]|«[^«»]*»")

NAMES = {
    "en": "English", "id": "Indonesian/Malay", "ms": "Malay", "tl": "Tagalog", "vi": "Vietnamese",
    "th": "Thai", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
    "nl": "Dutch", "no": "Norwegian", "da": "Danish", "sv": "Swedish", "ko": "Korean", "ja": "Japanese",
    "zh": "Chinese", "ru": "Russian", "tr": "Turkish", "ar": "Arabic", "hi": "Hindi", "cs": "Czech",
}  # fmt: skip


def _name(code: str) -> str:
    return f"{NAMES.get(code, code)} ({code})"


@lru_cache(maxsize=32)
def _function_words(lang: str) -> frozenset[str]:
    """Function words of a language's family (Indonesian and Malay pooled)."""
    codes = [c for c in lexicon.available() if family(c) == family(lang)]
    found = [lexicon.load(c) for c in codes]
    return frozenset(w.casefold() for lex in found if lex for w in lex.function_words)


def native_share(text: str, lang: str, against: str | None = None) -> float | None:
    """Share of ``text`` that reads as ``lang``: its script for Thai, otherwise its
    function words among all words. ``None`` when the language has no word list.
    With ``against`` (the language the block was detected as), words both languages
    use are not evidence: Tagalog "at" and "may" are English words too."""
    if family(lang) == "th":
        letters = letter_count(text)
        thai = sum(1 for ch in text if "\u0e00" <= ch <= "\u0e7f")
        return thai / letters if letters else 0.0
    vocab = _function_words(lang)
    if not vocab:
        return None
    if against and family(against) != family(lang):
        vocab = vocab - family_function_words(against)
    tokens = words(text)
    return sum(t in vocab for t in tokens) / len(tokens) if tokens else 0.0


_BRACKETED_END = re.compile(r"[(\[]([^()\[\]]{2,30})[)\]]\W*$")


def _labelled(text: str, labels: frozenset[str]) -> bool:
    """The block ends by naming a language in brackets: "... (English)"."""
    match = _BRACKETED_END.search(text)
    return bool(match) and " ".join(match.group(1).split()).casefold() in labels


def _mostly_names(text: str) -> bool:
    """Author lists and captions ("Jirong Cui, Ren Zou, Weijin Zhang, ...") are
    capitalised words that langdetect assigns to a random language."""
    tokens = [t for t in text.split() if any(ch.isalpha() for ch in t)]
    capital = sum(t.lstrip("\"'“‘(").strip()[:1].isupper() for t in tokens)
    return len(tokens) >= 4 and capital / len(tokens) >= 0.85


@lru_cache(maxsize=1)
def detectable() -> frozenset[str]:
    """Languages langdetect has a profile for. In an article in any other language
    (Icelandic, Zulu...) its block guesses are noise, so nothing can be judged."""
    import langdetect

    profiles = Path(langdetect.__file__).with_name("profiles")
    codes = {p.name.split("-")[0] for p in profiles.iterdir()} if profiles.is_dir() else set()
    return frozenset(codes | {family(c) or c for c in codes} | {"ms"})


def _confusable(a: str, b: str, groups: list[list[str]]) -> bool:
    return any(a in g and b in g for g in groups)


def settled_language(article: Article) -> bool:
    """Most blocks whose language was detected are in the article's language. When
    they are not (an English-heavy Tagalog story detected as English), a block
    that lacks the article language's words says nothing about the block."""
    detected = [family(b.language) for b in article.blocks if b.language]
    return bool(detected) and sum(code == family(article.language) for code in detected) * 2 >= len(detected)


@dataclass(frozen=True)
class UnsureBlockLimits:
    """The thresholds :func:`unsure_block_language` judges by, read once from the
    ``language_mixing`` configuration so AQ601 and the off-topic rule agree."""

    min_letters: int = 80
    low: float = 0.04
    high: float = 0.2
    undetermined_min_letters: int = 150
    undetermined_max_native_share: float = 0.02

    @classmethod
    def from_config(cls, config: AuditConfig) -> UnsureBlockLimits:
        return cls(
            min_letters=int(config.threshold(FAMILY, "min_letters", 80)),
            low=float(config.threshold(FAMILY, "passage_max_native_share", 0.04)),
            high=float(config.threshold(FAMILY, "passage_min_foreign_share", 0.2)),
            undetermined_min_letters=int(config.threshold(FAMILY, "undetermined_min_letters", 150)),
            undetermined_max_native_share=float(
                config.threshold(FAMILY, "undetermined_max_native_share", 0.02)
            ),
        )


def unsure_block_language(
    block: Block, article: Article, limits: UnsureBlockLimits, *, settled: bool = True
) -> str | None:
    """The language of a block langdetect was unsure of (``Block.language`` is
    ``None``: a Tagalog paragraph listing teams by their English names, Icelandic,
    which langdetect has no profile for): another language whose function words
    it carries, as :func:`_passage_language` judges a run of sentences, or
    :data:`UNDETERMINED` when a long block has almost none of the article
    language's words on a page whose language is ``settled``. ``None`` when the
    block is short, was detected, or may well be in the article's language."""
    home = family(article.language)
    if (
        block.language is not None
        or home is None
        or home not in _lexicon_families()
        or letter_count(block.text) < limits.min_letters
    ):
        return None
    lang = article.language or home
    found = _passage_language(block.text, lang, limits.low, limits.high)
    if found is None and settled and letter_count(block.text) >= limits.undetermined_min_letters:
        share = native_share(block.text, lang)
        if share is not None and share < limits.undetermined_max_native_share:
            return UNDETERMINED
    return found


@register(
    "AQ601",
    "foreign-language-block",
    FAMILY,
    "warning",
    "A paragraph written in a different language from the rest of the article.",
)
def foreign_language_block(article: Article, config: AuditConfig) -> Iterator[Flag]:
    home = family(article.language)
    if home is None or (article.language or "") not in detectable():
        return
    kinds = set(config.threshold(FAMILY, "block_kinds", ["paragraph", "quote", "list_item"]))
    min_letters = int(config.threshold(FAMILY, "min_letters", 80))
    min_native = float(config.threshold(FAMILY, "min_native_share", 0.1))
    max_other = float(config.threshold(FAMILY, "max_other_share", 0.2))
    groups = config.threshold(FAMILY, "confusable", [])
    quoted_ok = set(config.threshold(FAMILY, "quoted_languages", {}).get(home, []))
    tolerated = set(config.threshold(FAMILY, "tolerated_languages", {}).get(home, []))
    labels = frozenset(label.casefold() for label in config.threshold(FAMILY, "language_labels", []))
    limits = UnsureBlockLimits.from_config(config)
    settled = settled_language(article)
    languages = {
        b.index: b.language or unsure_block_language(b, article, limits, settled=settled)
        for b in article.blocks
        if b.kind in kinds
    }
    judged: list[Block] = [b for b in article.blocks if languages.get(b.index) is not None]
    counts = Counter(family(languages[b.index]) for b in judged)
    for block in judged:
        other = family(languages[block.index])
        if other == home or other is None or other in tolerated or _confusable(home, other, groups):
            continue
        if other in quoted_ok and (block.kind == "quote" or block.text.lstrip()[:1] in _OPEN_QUOTES):
            continue  # e.g. an English statement quoted in a Filipino or Malaysian story
        if letter_count(block.text) < min_letters:
            continue
        if counts[other] >= 2 and counts[other] / len(judged) >= max_other:
            continue  # a bilingual article, not one stray block
        if _EMBED.search(block.text) or _mostly_names(block.text):
            continue  # an embedded post or a list of names is not prose in a language
        if _labelled(block.text, labels):
            continue  # "... (Englisch)": the site marks the citation as foreign
        share = native_share(block.text, article.language or home, against=other)
        if share is not None and share >= min_native:
            continue  # article-language text with borrowed terms
        outside = _QUOTED.sub(" ", block.text)
        if outside != block.text and len(words(outside)) >= 3:
            share = native_share(outside, article.language or home, against=other)
            if share is not None and share >= min_native:
                continue  # a foreign speaker quoted inside an article-language sentence
        found = languages[block.index] or other
        if found == UNDETERMINED:
            message = (
                f"Paragraph is not in {_name(article.language or home)}: it has almost none of "
                "that language's common words, and its own language could not be determined"
            )
        else:
            message = (
                f"Paragraph is in {_name(found)} but the article is in {_name(article.language or home)}"
            )
        yield Flag(evidence=block.text, message=message, block=block.index)


@lru_cache(maxsize=1)
def _lexicon_families() -> tuple[str, ...]:
    """Language families with function words (or a script) to recognise a passage by."""
    found = {family(c) or c for c in lexicon.available()}
    return tuple(sorted(c for c in found if c == "th" or _function_words(c)))


def _passage_language(text: str, home: str, low: float, high: float) -> str | None:
    """The language of a sentence that reads as clearly not ``home``, or ``None``."""
    if len(words(text)) < 6:
        return None
    own = native_share(text, home)
    if own is None or own >= 2.5 * low:
        return None
    shares = {c: native_share(text, c) or 0.0 for c in _lexicon_families() if c != family(home)}
    best = max(shares, key=shares.__getitem__, default=None)
    if best is None:
        return None
    needed = 0.6 if best == "th" else high  # Thai is judged by script share
    # Shared words ("in", "de", "a") leave a little of the home language in any text,
    # so the foreign share must also dwarf it.
    return best if shares[best] >= needed and (own < low or shares[best] >= 4 * own) else None


@register(
    "AQ602",
    "foreign-language-passage",
    FAMILY,
    "warning",
    "Sentences in another language inside a paragraph that is otherwise in the article's language.",
)
def foreign_language_passage(article: Article, config: AuditConfig) -> Iterator[Flag]:
    """Extraction sometimes glues a pasted paragraph onto its neighbour (a quote block,
    a table cell), so the block's detected language is the article's. Function words
    find the foreign run inside it without calling langdetect again."""
    home = family(article.language)
    if home is None or (article.language or "") not in detectable() or home not in _lexicon_families():
        return
    kinds = set(config.threshold(FAMILY, "block_kinds", ["paragraph", "quote", "list_item"]))
    min_letters = int(config.threshold(FAMILY, "min_passage_letters", 150))
    low = float(config.threshold(FAMILY, "passage_max_native_share", 0.04))
    high = float(config.threshold(FAMILY, "passage_min_foreign_share", 0.2))
    quoted_ok = set(config.threshold(FAMILY, "quoted_languages", {}).get(home, []))
    tolerated = set(config.threshold(FAMILY, "tolerated_languages", {}).get(home, []))
    lang = article.language or home
    for block in article.blocks:
        if (
            block.kind not in kinds
            or family(block.language) != home
            or letter_count(block.text) < 2 * min_letters
        ):
            continue
        parts = sentences(block.text)
        if len(parts) < 3:
            continue
        tags = [_passage_language(p, lang, low, high) for p in parts]
        if all(tags) or not any(tags):
            continue
        runs: list[tuple[str, list[str]]] = []
        previous = None
        for part, tag in zip(parts, tags, strict=True):
            if tag and tag == previous:
                runs[-1][1].append(part)
            elif tag:
                runs.append((tag, [part]))
            previous = tag
        for tag, run in runs:
            text = " ".join(run)
            if (
                letter_count(text) < min_letters
                or tag in tolerated
                or _EMBED.search(text)
                or _mostly_names(text)
            ):
                continue
            if tag in quoted_ok and any(q in text for q in _OPEN_QUOTES):
                continue
            yield Flag(
                evidence=block.text,
                message=f"Paragraph in {_name(lang)} contains a passage in {_name(tag)}: '{text[:80]}'",
                block=block.index,
            )
            break
