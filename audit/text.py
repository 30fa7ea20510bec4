"""Small text helpers shared by rules: normalisation, tokens, sentences."""

from __future__ import annotations

import re
import unicodedata

_WS = re.compile(r"\s+")
_WORD = re.compile(r"\w+", re.UNICODE)
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
# Sentence ends: . ! ? … and CJK/Thai-free terminators; keeps abbreviations crude but safe.
_SENTENCE = re.compile(r"(?<=[.!?…。])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-ZÀ-ỸĐ\d\u0e00-\u0e7f])")


def normalize(text: str) -> str:
    """Casefold, strip accents' compatibility forms, punctuation and extra spaces."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = _PUNCT.sub(" ", text)
    return _WS.sub(" ", text).strip()


def words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text or "").casefold())


def jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def sentences(text: str) -> list[str]:
    """Split a paragraph into sentences (good enough for Latin-script news text)."""
    parts = [p.strip() for p in _SENTENCE.split(text or "")]
    return [p for p in parts if p]
