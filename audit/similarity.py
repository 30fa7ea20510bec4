"""Near-duplicate tests shared by the heading and paragraph rules.

Thai and other unspaced scripts have no word boundaries, so every comparison has a
character n-gram form as well as a word form.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from difflib import SequenceMatcher

from audit.text import function_words, normalize

#: Words of a heading that may differ between two copies of it and the copies
#: still be near the same: only a spelling slip (one or two letters).
_TYPO_RATIO = 0.8


def char_ngrams(text: str, n: int = 4) -> set[str]:
    compact = text.replace(" ", "")
    if len(compact) < n:
        return {compact} if compact else set()
    return {compact[i : i + n] for i in range(len(compact) - n + 1)}


def word_shingles(tokens: Sequence[str], n: int = 3) -> frozenset[tuple[str, ...]]:
    """Word n-grams of a list of words (the words as one tuple when fewer)."""
    if len(tokens) < n:
        return frozenset([tuple(tokens)] if tokens else ())
    return frozenset(zip(*(tokens[i:] for i in range(n)), strict=False))


def jaccard(a: AbstractSet, b: AbstractSet) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)  # the union's size, without building it


def changed_words(a: list[str], b: list[str], limit: int) -> tuple[int, float]:
    """How many words of the longer of two word lists are not matched, in order,
    in the other (a word replaced, inserted or dropped counts once), and difflib's
    ratio over the lists (2 x words matched / all words). One word changed in a
    20-word paragraph is (1, 0.95), while it breaks three of its word 3-shingles
    (Jaccard 0.71). Returns ``(limit + 1, 0.0)`` early when more than ``limit``
    words must differ."""
    longer = max(len(a), len(b))
    if not a or not b or longer - min(len(a), len(b)) > limit:
        return limit + 1, 0.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if longer - matcher.quick_ratio() * (len(a) + len(b)) / 2 > limit:
        return limit + 1, 0.0
    matched = sum(block.size for block in matcher.get_matching_blocks())
    return longer - matched, 2 * matched / (len(a) + len(b))


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
    matcher = SequenceMatcher(None, na, nb, autojunk=False)
    # quick_ratio() bounds ratio() from above and costs far less.
    return matcher.quick_ratio() >= threshold and matcher.ratio() >= threshold


def _typo(a: str, b: str) -> bool:
    """Two words one slip apart ("Jakarta"/"Jakata"), not two different words."""
    return min(len(a), len(b)) >= 4 and SequenceMatcher(None, a, b, autojunk=False).ratio() >= _TYPO_RATIO


def _content_words(tokens: list[str]) -> list[str]:
    stop = function_words()
    return [t for t in tokens if t not in stop and not t.isdigit()]


def numbered_series(a: str, b: str) -> bool:
    """``a`` and ``b`` differ only in numbers both of them have at the same place:
    "Day 1"/"Day 2", "Foto 3 dari 10"/"Foto 4 dari 10" (an added number, such as a
    year, is not a series)."""
    ta, tb = normalize(a).split(), normalize(b).split()
    if len(ta) != len(tb) or ta == tb:
        return False
    return all(
        x == y or (any(c.isdigit() for c in x) and any(c.isdigit() for c in y))
        for x, y in zip(ta, tb, strict=True)
    )


def near_repeat(a: str, b: str, threshold: float = 0.9) -> bool:
    """True when heading ``b`` is heading ``a`` again, exactly or nearly: the same
    text up to case, punctuation and spacing, or :func:`near_same` *and* the same
    content words (up to a spelling slip), so that only function words ("di",
    "the"), an added number or a slip differ. Parallel section labels of a listicle
    ("Best early home deals", "Best early tech deals") share a template but not
    their content words, and a numbered series ("Day 1", "Day 2") is not a repeat."""
    na, nb = normalize(a), normalize(b)
    if not na or not nb:
        return False
    if na == nb:
        return True
    if not near_same(na, nb, threshold) or numbered_series(na, nb):
        return False
    left, right = _content_words(na.split()), _content_words(nb.split())
    if not left or not right:
        return False
    unmatched = list(right)
    missing = []
    for word in left:
        if word in unmatched:
            unmatched.remove(word)
        else:
            missing.append(word)
    for word in missing:
        slip = next((w for w in unmatched if _typo(word, w)), None)
        if slip is None:
            return False
        unmatched.remove(slip)
    return not unmatched
