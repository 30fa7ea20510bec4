"""Lexical cohesion of each paragraph with the rest of its article.

A paragraph pasted in from another story shares few content words with the
article around it. We measure that several ways, all with TF-IDF weights whose
IDF is computed inside the article (so words every paragraph uses count for
little):

* ``loo``: a leave-one-out cosine, the paragraph against the sum of all the
  others plus the headline; ``loo_prefix`` is the same over 5-letter word
  prefixes, which tolerates inflection and affixes (``kebijakan``/``kebijakannya``);
* ``closest``: its cosine with the most similar single paragraph (a real
  paragraph usually has at least one close sibling);
* ``neighbour``: its cosine with the paragraph just before or after it;
* ``headline``: its cosine with the headline;
* ``relative``: ``loo`` divided by the article's median ``loo`` (1.0 = as
  cohesive as a typical paragraph of this article).

Unspaced scripts (Thai) use character trigrams instead of words.

Within one article the IDF cannot tell "said" or "tahun" from a topical word
that happens to occur twice, so each term is also weighted by its rarity in the
language at large (``wordfreq``'s Zipf frequency): a pasted paragraph that shares
only everyday words with the article then scores as the stranger it is.
Languages ``wordfreq`` does not cover keep the plain in-article weights.
"""

from __future__ import annotations

import hashlib
import marshal
import math
import os
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from audit.text import THAI_RUN, UNSPACED_SCRIPT, function_words, words

#: Our language codes -> wordfreq's, where they differ (Tagalog is "fil").
_WORDFREQ_CODES = {"tl": "fil", "no": "nb"}
#: Languages whose wordfreq tokenizer needs MeCab or jieba, which we do not install.
_WORDFREQ_SKIP = frozenset({"ja", "ko", "zh", "zh-cn", "zh-tw", "th"})


@lru_cache(maxsize=64)
def _wordfreq_language(lang: str | None) -> str | None:
    """The wordfreq code for ``lang`` when wordfreq has a word list for it."""
    if not lang or lang in _WORDFREQ_SKIP:
        return None
    try:
        from wordfreq import available_languages  # lazy: loads its data on first use
    except ImportError:  # pragma: no cover - wordfreq is a declared dependency
        return None
    code = _WORDFREQ_CODES.get(lang, lang)
    return code if code in available_languages() else None


@lru_cache(maxsize=16)
def _frequencies(lang: str) -> dict[str, float]:
    """wordfreq's word -> frequency table for one language (loaded once, ~0.2 s).
    wordfreq builds it from per-bucket word lists that it keeps cached; the
    table holds everything we need, and those lists (over a million references
    per language) would otherwise be walked by every full garbage collection."""
    if lang == "th":
        return _thai_frequencies()
    cache = _table_cache_path(lang)
    table = _read_table_cache(cache) if cache is not None else None
    if table is not None:
        return table
    from wordfreq import get_frequency_dict, get_frequency_list

    table = get_frequency_dict(lang)
    get_frequency_list.cache_clear()
    if cache is not None:
        _write_table_cache(cache, table)
    return table


def _table_cache_path(lang: str) -> Path | None:
    """Where a language's table is kept between runs: the user cache directory,
    keyed by wordfreq's version and marshal's format, so an upgrade of either
    reads afresh. Loading the marshalled dict skips wordfreq's gzip and msgpack
    decoding and its per-word loop (about 0.03 s of CPU per language per
    process). ``None`` when wordfreq's version is unknown."""
    try:
        from importlib.metadata import version

        wordfreq_version = version("wordfreq")
    except Exception:  # noqa: BLE001 - no cache is always a safe answer
        return None
    root = _cache_root()
    if root is None:
        return None
    return root / "newsaudit" / f"wordfreq-{wordfreq_version}-m{marshal.version}-d1" / f"{lang}.marshal"


def _cache_root() -> Path | None:
    """``$XDG_CACHE_HOME`` when it is an absolute path (the XDG spec ignores a relative
    one), else ``~/.cache``; ``None`` when there is no home directory to find."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg)
    try:
        home = Path.home()
    except (RuntimeError, KeyError, OSError):  # no HOME and no passwd entry
        return None
    return home / ".cache" if home.is_absolute() and str(home) != "/" else None


#: Bytes of the digest that opens a cached table: a file damaged in a way marshal
#: still reads (a flipped float) must not change rarities, and so findings.
_DIGEST_BYTES = 32


def _read_table_cache(path: Path) -> dict[str, float] | None:
    """The cached table, or ``None`` when it is missing, unreadable or not the bytes
    that were written (its digest does not match)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    digest, payload = data[:_DIGEST_BYTES], data[_DIGEST_BYTES:]
    if hashlib.blake2b(payload, digest_size=_DIGEST_BYTES).digest() != digest:
        return None
    try:
        table = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    return table if isinstance(table, dict) else None


def _write_table_cache(path: Path, table: dict[str, float]) -> None:
    """Write atomically (a reader never sees half a file), its digest first; an
    unwritable cache directory only costs the next run the slower load."""
    payload = marshal.dumps(table)
    digest = hashlib.blake2b(payload, digest_size=_DIGEST_BYTES).digest()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        partial.write_bytes(digest + payload)
        os.replace(partial, path)
    except OSError:
        return


def _thai_frequencies() -> dict[str, float]:
    """Thai word frequencies from the Thai National Corpus list PyThaiNLP ships
    (wordfreq has no Thai), as shares of all words counted."""
    from pythainlp.corpus import tnc

    counts = dict(tnc.word_freqs())
    total = sum(counts.values())
    return {w: c / total for w, c in counts.items()}


#: Terms' rarity per language, bounded by :data:`_RARITY_CACHE_SIZE`. Plain dicts
#: of floats, which the garbage collector does not track (an ``lru_cache`` of
#: this size would add 200,000 tracked entries for it to walk).
_RARITY_CACHE: dict[str, dict[str, float]] = {}
_RARITY_CACHE_SIZE = 200_000


def rarity(term: str, lang: str) -> float:
    """How much a term says about a topic, from its frequency in the language:
    (8 - Zipf) / 4, kept within [0.25, 2] ("the" ~0.25, "ferry" ~1, unseen 2).
    A two-word term combines its words as wordfreq does for phrases (the
    frequencies' half-harmonic mean); looking words up directly skips wordfreq's
    per-call tokenizer, which cost more than the rest of the audit."""
    cache = _RARITY_CACHE.setdefault(lang, {})
    found = cache.get(term)
    if found is None:
        if len(cache) >= _RARITY_CACHE_SIZE:
            cache.clear()
        found = cache[term] = _rarity(term, _frequencies(lang))
    return found


def rarity_cache_clear() -> None:
    """Forget cached rarities (benchmarks measure cold pages)."""
    _RARITY_CACHE.clear()


def _rarity(term: str, table: dict[str, float]) -> float:
    inverse = 0.0
    for part in term.split(" "):
        freq = table.get(part, 0.0)
        if freq <= 0.0:
            return 2.0
        inverse += 1.0 / freq
    zipf = math.log10(1.0 / inverse) + 9.0
    return min(2.0, max(0.25, (8.0 - zipf) / 4.0))


def _unspaced(text: str) -> bool:
    return len(UNSPACED_SCRIPT.findall(text[:400])) > len(text[:400]) / 4


@lru_cache(maxsize=1)
def _thai_stop() -> frozenset[str]:
    """Our function words and PyThaiNLP's Thai stopword list (shipped in its
    wheel), loaded on the first Thai text only."""
    from pythainlp.corpus import thai_stopwords

    return function_words() | frozenset(thai_stopwords())


def terms(text: str) -> Counter[str]:
    """Content terms: words of 3+ letters that are not function words, plus
    pairs of adjacent non-function words (compounds such as "health care",
    and Vietnamese words, which are written as separate syllables: "bảo hiểm").
    Thai is cut into words by :func:`~audit.text.words` (``newmm``) and has its
    own stopwords; other unspaced scripts use character trigrams."""
    if THAI_RUN.search(text[:400]) and _unspaced(text):
        return _bag(words(text), _thai_stop())
    if _unspaced(text):
        compact = re.sub(r"\s+", "", text.casefold())
        return Counter(compact[i : i + 3] for i in range(len(compact) - 2))
    return _bag(words(text), function_words())


def _bag(tokens: list[str], stop: frozenset[str]) -> Counter[str]:
    bag = Counter(w for w in tokens if len(w) >= 3 and w not in stop and not w.isdigit())
    for a, b in zip(tokens, tokens[1:], strict=False):
        if a not in stop and b not in stop and not a.isdigit() and not b.isdigit():
            bag[a + " " + b] += 1
    return bag


def prefixes(text: str) -> Counter[str]:
    """Content words cut to 5 letters: a cheap, language-neutral stemmer."""
    return _prefixes_of(terms(text))


def _prefixes_of(bag: Counter[str]) -> Counter[str]:
    out: Counter[str] = Counter()
    for term, count in bag.items():
        if " " not in term:
            out[term[:5]] += count
    return out


def _norm(vec: dict[str, float]) -> float:
    return math.sqrt(sum(v * v for v in vec.values()))


def _unit(vec: dict[str, float]) -> dict[str, float]:
    norm = _norm(vec)
    return {k: v / norm for k, v in vec.items()} if norm else {}


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
    """Cosine of two unit vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(a[k] * b[k] for k in a.keys() & b.keys())


def _background(sample: str, language: str | None) -> str | None:
    """The language whose word frequencies weigh the terms: Thai's come from
    PyThaiNLP, spaced languages' from wordfreq; other unspaced scripts have none."""
    if _unspaced(sample):
        return "th" if THAI_RUN.search(sample) else None
    return _wordfreq_language(language)


class _Space:
    """TF-IDF space over the article's paragraphs and its headline."""

    def __init__(
        self, bags: list[Counter[str]], headline: Counter[str], background: str | None = None
    ) -> None:
        df: Counter[str] = Counter()
        for bag in [*bags, headline]:
            df.update(bag.keys())
        n = len(bags) + 1
        self.idf = {t: math.log((n + 1) / (c + 1)) + 1.0 for t, c in df.items()}
        if background:
            self.idf = {t: w * rarity(t, background) for t, w in self.idf.items()}
        self.bags = bags
        self.headline = headline
        self.vectors = [self.weigh(bag) for bag in bags]

    def weigh(self, bag: Counter[str]) -> dict[str, float]:
        return {t: (1.0 + math.log(c)) * self.idf[t] for t, c in bag.items() if c > 0}

    def _w(self, term: str, count: float) -> float:
        return (1.0 + math.log(count)) * self.idf[term] if count > 0 else 0.0

    def leave_one_out(self) -> list[float]:
        """Cosine of each paragraph with the sum of the others and the headline.
        Only a paragraph's own terms change when it is left out, so the rest's
        norm is the total's norm corrected on those terms (linear, not quadratic)."""
        total: Counter[str] = Counter(self.headline)
        for bag in self.bags:
            total.update(bag)
        idf, log = self.idf, math.log
        full = {t: (1.0 + log(c)) * idf[t] for t, c in total.items()}  # the total's weights, once
        total_sq = sum(w * w for w in full.values())
        out = []
        for bag, vec in zip(self.bags, self.vectors, strict=True):
            dot, rest_sq = 0.0, total_sq
            for term, count in bag.items():
                left = total[term] - count
                rest = (1.0 + log(left)) * idf[term] if left > 0 else 0.0  # = self._w(term, left)
                rest_sq += rest * rest - full[term] * full[term]
                dot += vec[term] * rest
            norm = _norm(vec) * math.sqrt(max(rest_sq, 0.0))
            out.append(dot / norm if norm else 0.0)
        return out


@dataclass(frozen=True)
class Cohesion:
    """Per-paragraph cohesion measures (see the module docstring)."""

    loo: float
    loo_prefix: float
    closest: float
    neighbour: float
    headline: float
    relative: float


class ArticleCohesion:
    """:class:`Cohesion` of an article's paragraphs, computed as asked. The
    leave-one-out cosine (and so ``relative``) needs every paragraph and is
    computed at once; the rest (the prefix space, each paragraph's cosines with
    every other one and with the headline) only for the paragraphs a caller asks
    about, since the off-topic rule can clear most paragraphs on ``relative``
    alone and those measures were most of its cost."""

    def __init__(self, texts: list[str], headline: str = "", language: str | None = None) -> None:
        background = _background(" ".join(texts)[:400], language)
        self._bags = [terms(t) for t in texts]
        self._head = terms(headline)
        self._space = _Space(self._bags, self._head, background)
        self.loo = self._space.leave_one_out() if texts else []
        ordered = sorted(self.loo)
        self._median = (ordered[len(ordered) // 2] if ordered else 0.0) or 1e-3
        self._loo_prefix: list[float] = []
        self._units: list[dict[str, float]] | None = None
        self._head_unit: dict[str, float] = {}

    def __len__(self) -> int:
        return len(self.loo)

    def relative(self, i: int) -> float:
        return self.loo[i] / self._median

    def __getitem__(self, i: int) -> Cohesion:
        if self._units is None:
            prefix_space = _Space([_prefixes_of(bag) for bag in self._bags], _prefixes_of(self._head))
            self._loo_prefix = prefix_space.leave_one_out()
            self._units = [_unit(v) for v in self._space.vectors]
            self._head_unit = _unit(self._space.weigh(self._head))
        units, n = self._units, len(self._units)
        # Each pair in one order (lower index first), so a cosine is the same number
        # whichever of its two paragraphs asks.
        pairs = [_dot(units[min(i, j)], units[max(i, j)]) for j in range(n) if j != i]
        near = [pairs[j if j < i else j - 1] for j in (i - 1, i + 1) if 0 <= j < n]
        return Cohesion(
            loo=self.loo[i],
            loo_prefix=self._loo_prefix[i],
            closest=max(pairs, default=0.0),
            neighbour=max(near, default=0.0),
            headline=_dot(units[i], self._head_unit),
            relative=self.relative(i),
        )


def paragraph_cohesion(texts: list[str], headline: str = "", language: str | None = None) -> list[Cohesion]:
    """Cohesion of each paragraph; ``language`` (the article's) turns on the
    background rarity weights where wordfreq knows the language."""
    article = ArticleCohesion(texts, headline, language)
    return [article[i] for i in range(len(article))]
