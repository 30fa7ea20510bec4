"""Lexical cohesion of each paragraph with the rest of its article.

A paragraph pasted in from another story shares few content words with the article
around it. We measure that as a leave-one-out TF-IDF cosine: each paragraph against
the sum of all the others (plus the headline), with IDF computed inside the article
so that words every paragraph uses count for little. Unspaced scripts (Thai) use
character trigrams instead of words.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from audit.text import function_words, words

_UNSPACED = re.compile(r"[\u0e00-\u0eff\u1780-\u17ff\u1000-\u109f]")


def _unspaced(text: str) -> bool:
    return len(_UNSPACED.findall(text[:400])) > len(text[:400]) / 4


def terms(text: str) -> Counter[str]:
    """Content terms: words of 3+ letters that are not function words, or
    character trigrams for unspaced scripts."""
    if _unspaced(text):
        compact = re.sub(r"\s+", "", text.casefold())
        return Counter(compact[i : i + 3] for i in range(len(compact) - 2))
    stop = function_words()
    return Counter(w for w in words(text) if len(w) >= 3 and w not in stop and not w.isdigit())


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if not a or not b:
        return 0.0
    dot = sum(v * b.get(k, 0.0) for k, v in a.items())
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return dot / (na * nb) if na and nb else 0.0


@dataclass(frozen=True)
class Cohesion:
    """Leave-one-out cosine of each text against the others, and its ratio to the
    median of all texts (1.0 = as cohesive as a typical paragraph)."""

    cosine: list[float]
    relative: list[float]


def leave_one_out(texts: list[str], context: str = "") -> Cohesion:
    bags = [terms(t) for t in texts]
    context_bag = terms(context) if context else Counter()
    docs = [*bags, context_bag] if context_bag else bags
    df: Counter[str] = Counter()
    for bag in docs:
        df.update(bag.keys())
    n = len(docs)
    idf = {t: math.log((n + 1) / (c + 1)) + 1.0 for t, c in df.items()}

    def weigh(bag: Counter[str]) -> dict[str, float]:
        return {t: (1.0 + math.log(c)) * idf[t] for t, c in bag.items()}

    total: Counter[str] = Counter(context_bag)
    for bag in bags:
        total.update(bag)
    cosines = []
    for bag in bags:
        rest = total.copy()
        rest.subtract(bag)
        rest_weighted = {t: (1.0 + math.log(c)) * idf[t] for t, c in rest.items() if c > 0}
        cosines.append(_cosine(weigh(bag), rest_weighted))
    ordered = sorted(cosines)
    median = ordered[len(ordered) // 2] if ordered else 0.0
    relative = [c / median if median > 0 else 1.0 for c in cosines]
    return Cohesion(cosines, relative)
