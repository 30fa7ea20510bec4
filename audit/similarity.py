"""Near-duplicate tests shared by the heading and paragraph rules.

Thai and other unspaced scripts have no word boundaries, so every comparison has a
character n-gram form as well as a word form.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from audit.text import normalize, words


def char_ngrams(text: str, n: int = 4) -> set[str]:
    compact = text.replace(" ", "")
    if len(compact) < n:
        return {compact} if compact else set()
    return {compact[i : i + n] for i in range(len(compact) - n + 1)}


def word_shingles(text: str, n: int = 3) -> set[tuple[str, ...]]:
    tokens = words(text)
    if len(tokens) < n:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def jaccard(a: set, b: set) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def near_same(a: str, b: str, threshold: float = 0.9) -> bool:
    """True when two short texts (headings, titles) are the same up to case,
    punctuation and a few characters (a dropped colon, an added year)."""
    na, nb = normalize(a), normalize(b)
    if not na or not nb:
        return False
    if na == nb:
        return True
    shorter, longer = sorted((len(na), len(nb)))
    if shorter / longer < threshold - 0.15:
        return False
    return SequenceMatcher(None, na, nb, autojunk=False).ratio() >= threshold
