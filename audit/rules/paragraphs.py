"""duplicate_paragraph: a paragraph repeated, exactly or nearly, later in the body.

Only the repeats are flagged; the first occurrence is the legitimate one. Several
kinds of repetition are *not* a pasted paragraph, and are left alone:

* short lines (a byline, "Photo: AFP", a disclaimer), which repeat legitimately;
* captions and highlights that restate a body sentence: the same words with and
  without the closing full stop;
* a run of consecutive paragraphs repeating a consecutive run earlier on the
  page: page layout rendered twice (a live blog's pinned post, an AMP copy, a
  cookie dialog), not one paragraph pasted in;
* a line found three or more times (a caption per gallery slide), a one-sentence
  question put to each interviewee, a numbered series ("Photo 2", "Photo 3"), and
  short unpunctuated lines a word apart (entries of a list of sources or specs);
* a later paragraph that opens with a whole earlier one: a standfirst expanded
  in the body;
* repeats the page's structure explains (see :func:`_structured_repeat`): list or
  table entries, furniture, a caption quoting the body, and lines of a run of short
  unpunctuated lines.

A near-duplicate is a paragraph whose word 3-shingles mostly match an earlier
one, or (a long paragraph with a word or two changed, which breaks up to three
shingles per word) whose words match an earlier one's in order, or which is an earlier paragraph cut short by whole sentences (a copy taken
before the original was extended), or the whole of an earlier paragraph that was
itself cut off mid-sentence.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from audit.config import AuditConfig
from audit.model import Article, Block
from audit.registry import Flag, register, shared_pass
from audit.rules.boilerplate import is_plea
from audit.similarity import changed_words, char_ngrams, jaccard, word_shingles
from audit.text import normalize, sentences, unpunctuated_script, words

#: Characters that close a sentence or a quoted sentence.
_DIGITS = re.compile(r"\d+")
_CLOSERS = set(".!?…。！？:;\"'“”‘’»«)]")
#: A sentence closed inside a paragraph.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)]*\s+\S")


@dataclass(frozen=True)
class Repeat:
    """A later block that repeats an earlier one."""

    block: Block
    original: Block
    exact: bool
    similarity: float


def _word_count(norm: str) -> int:
    """Words of a normalized text: single spaces between them, none around."""
    return norm.count(" ") + 1 if norm else 0


def _candidates(article: Article, config: AuditConfig) -> list[Block]:
    min_words = config.threshold("paragraphs", "min_words", 10)
    min_chars = config.threshold("paragraphs", "min_chars", 60)
    return [
        b
        for b in article.blocks
        if b.kind != "heading"
        and (len(norm := normalize(b.text)) >= min_chars or _word_count(norm) >= min_words)
    ]


def _closed(text: str) -> bool:
    stripped = text.rstrip()
    return bool(stripped) and stripped[-1] in _CLOSERS


def _question(text: str, config: AuditConfig) -> bool:
    """A one-sentence question put to each interviewee in turn repeats by design."""
    body = text.strip().rstrip("\"'”’")
    return (
        body.endswith("?")
        and not re.search(r"[.!?…][\"'”’]*\s", body)
        and len(words(text)) <= config.threshold("paragraphs", "max_question_words", 25)
    )


def _cut_short(later: str, earlier: str, sizes: tuple[int, int], min_words: int, min_share: float) -> bool:
    """``later`` is ``earlier`` with its opening or closing sentences only
    (both normalized): a copy taken before the original was extended. The
    opposite (a later paragraph opening with an earlier, shorter one) is a
    standfirst expanded in the body, which is ordinary news writing."""
    n_later, n_earlier = sizes
    if n_later < min_words or n_later >= n_earlier or n_later / n_earlier < min_share:
        return False
    return earlier.startswith(later + " ") or earlier.endswith(" " + later)


def _completes_cut_copy(
    earlier_text: str, earlier: str, later: str, n_earlier: int, config: AuditConfig
) -> bool:
    """``later`` is the whole of a long ``earlier`` paragraph that was cut off
    mid-sentence: "... The royalty" then, later, "... The royalty company had no
    news." A standfirst expanded in the body also opens a later paragraph, but
    it ends its sentences; a cut copy of several sentences does not."""
    if n_earlier < config.threshold("paragraphs", "cut_copy_min_words", 20) or _closed(earlier_text):
        return False
    if unpunctuated_script(earlier_text) or not _SENTENCE_END.search(earlier_text):
        return False  # Thai leads end without punctuation by design; a one-line teaser is not prose
    return later.startswith(earlier + " ")


def _list_entry(text: str, size: int, max_words: int) -> bool:
    """A short line with no sentence punctuation at all, in a punctuated script:
    an entry of a list of sources, links or specs, whose neighbours differ from it
    by a word or two by design ("Facebook, Profile of X, accessed 18 December")."""
    return (
        size < max_words
        and not _closed(text)
        and len(sentences(text)) <= 1  # "Robert F. Kennedy Jr. Has ..., Aug. 16, 2023" is one line
        and not unpunctuated_script(text)
    )


#: Roles of lines that are part of a structure (a list, a table) rather than prose.
_LIST_ROLES = frozenset({"list_item", "table"})
#: Page furniture: embedded posts, lines that are wholly a link, widgets.
_FURNITURE_ROLES = frozenset({"embed", "link", "widget"})


def _listed(block: Block) -> bool:
    return block.kind == "list_item" or block.role in _LIST_ROLES


#: The parts of an enumeration set inline: between commas, semicolons, colons and
#: brackets (not the separators inside a figure: "32,000", "10:30").
_ITEM_BREAK = re.compile(r"[,;:](?!\d)|[()\[\]]")
#: An item that opens on a quantity: "1 cup", "½ cup", "8 oz.", "2x", "$9", "Rp 10.000".
_QUANTITY_ITEM = re.compile(r"^\s*(?:or\s+)?(?:[$€£¥]|Rp\.?\s?)?(?:\d[\d.,/]*|[½¼¾⅓⅔⅛])(?:\s|$|[a-z]{1,3}\b)")


def _quantity_list(text: str) -> bool:
    """A line that enumerates quantities ("1 scoop X, 1 cup Y, 8 oz. Z"): a meal of a
    meal plan, a recipe's ingredients, a spec sheet. At least three of its inline
    items, and half of them, open on a number."""
    items = [part for part in _ITEM_BREAK.split(text) if part.strip()]
    counted = sum(1 for part in items if _QUANTITY_ITEM.match(part))
    return counted >= 3 and 2 * counted >= len(items)


def _structured_repeat(later: Block, earlier: Block) -> bool:
    """A repeat the page's structure explains, whatever its words: two entries of
    lists or tables (the same dipper in two recipes, a meal on two days of a plan,
    a product card in a "more deals" list), two pieces of furniture (a related link,
    an embedded post shown twice), or a caption restating a body sentence. A pasted
    paragraph is prose at least once."""
    if _listed(later) and _listed(earlier):
        return True
    if later.role in _FURNITURE_ROLES and earlier.role in _FURNITURE_ROLES:
        return True
    if _quantity_list(later.text) and _quantity_list(earlier.text):
        return True  # the same meal on two days of a plan, an ingredient list per recipe
    return "caption" in (later.role, earlier.role)


def _in_line_list(article: Article, block: Block, max_words: int) -> bool:
    """The block is one of a run of short unpunctuated lines (a list of sources,
    specs or dishes set as paragraphs): it and a neighbour both are such lines."""
    if not _list_entry(block.text, len(words(block.text)), max_words):
        return False
    position = {b.index: k for k, b in enumerate(article.blocks)}[block.index]
    neighbours = [article.blocks[k] for k in (position - 1, position + 1) if 0 <= k < len(article.blocks)]
    return any(b.kind != "heading" and _list_entry(b.text, len(words(b.text)), max_words) for b in neighbours)


def _least_jaccard(n_words: int, changed: int) -> float:
    """The lowest word-3-shingle Jaccard two paragraphs of ``n_words`` can have
    when at most ``changed`` words differ (each breaks up to three shingles on
    each side), less a margin: pairs below it cannot pass the slower in-order
    word comparison, so it is skipped for them."""
    shingles = max(1, n_words - 2)
    broken = 3 * changed
    return max(0.0, (shingles - broken) / (shingles + broken) - 0.1)


@lru_cache(maxsize=4096)
def _shingles(norm: str) -> frozenset:
    """Word 3-shingles of a normalized text (character 4-grams for unspaced
    scripts). Its words are ``words(norm)``; when ``norm`` is already NFKC and
    casefolded, as nearly always, that is just its split."""
    if " " not in norm:
        return frozenset(char_ngrams(norm))
    if norm.isascii() or (unicodedata.is_normalized("NFKC", norm) and norm.casefold() == norm):
        return word_shingles(norm.split())
    return word_shingles(words(norm))


@shared_pass
def find_repeats(article: Article, config: AuditConfig) -> list[Repeat]:
    """Every later block that repeats an earlier candidate, minus layout runs
    (computed once for AQ201 and AQ202)."""
    return _find_repeats(article, config)


def _find_repeats(article: Article, config: AuditConfig) -> list[Repeat]:
    near = config.threshold("paragraphs", "near_duplicate", 0.8)
    max_changed = config.threshold("paragraphs", "near_duplicate_max_changed", 3)
    changed_min = config.threshold("paragraphs", "near_duplicate_changed_min_words", 20)
    cut_words = config.threshold("paragraphs", "cut_min_words", 10)
    cut_share = config.threshold("paragraphs", "cut_min_share", 0.5)
    blocks = _candidates(article, config)
    norms = [normalize(b.text) for b in blocks]
    sizes = [max(1, _word_count(n)) for n in norms]
    min_ratio = min(near, cut_share) * 0.9  # sizes further apart can match neither way
    found: dict[int, tuple[int, bool, float]] = {}  # position -> (original position, exact, sim)
    shingles = [_shingles(n) for n in norms]
    # Every kind of repeat shares shingles with its original (an exact copy, all
    # of them): a block sharing none with any before it, the common case, is
    # ruled out by one set test, and otherwise only the blocks sharing some
    # (or having none to share) are compared with it.
    seen: set = set()
    bare: list[int] = []  # blocks without shingles
    for j in range(len(blocks)):
        shingles_j = shingles[j]
        if not shingles_j:
            bare.append(j)
            earlier: Iterable[int] = range(j)
        elif bare or not seen.isdisjoint(shingles_j):
            earlier = [i for i in range(j) if not shingles[i] or not shingles_j.isdisjoint(shingles[i])]
        else:
            earlier = ()
        seen.update(shingles_j)
        closed_j = _closed(blocks[j].text) if earlier else False
        for i in earlier:
            if i in found:
                continue  # compare with first occurrences only
            if min(sizes[i], sizes[j]) / max(sizes[i], sizes[j]) < min_ratio and " " in norms[j]:
                continue
            if norms[i] == norms[j]:
                found[j] = (i, True, 1.0)
                break
            score = jaccard(shingles[i], shingles[j])
            similar = score >= near
            if (
                not similar
                and min(sizes[i], sizes[j]) >= changed_min
                and score >= _least_jaccard(min(sizes[i], sizes[j]), max_changed)
                and " " in norms[i]
                and _DIGITS.findall(norms[i]) == _DIGITS.findall(norms[j])
            ):
                # A changed word breaks up to three shingles; the other words
                # still match, in order, and so do the figures (entries of a
                # data list, such as a boxer's record per ranking, differ in them).
                changed, ratio = changed_words(norms[i].split(), norms[j].split(), max_changed)
                if changed <= max_changed:
                    similar, score = True, ratio
            if (
                (similar and not norms[j].startswith(norms[i]))
                or (closed_j and _cut_short(norms[j], norms[i], (sizes[j], sizes[i]), cut_words, cut_share))
                or _completes_cut_copy(blocks[i].text, norms[i], norms[j], sizes[i], config)
            ):
                # (a later paragraph that opens with the whole earlier one is
                # a standfirst or summary expanded in the body: not a copy)
                found[j] = (i, False, round(score, 3))
                break
    run_min = config.threshold("paragraphs", "layout_run", 2)
    in_run: set[int] = set()
    positions = sorted(found)
    run = [positions[0]] if positions else []
    for prev, cur in zip(positions, positions[1:], strict=False):
        if cur == prev + 1 and found[cur][0] == found[prev][0] + 1:
            run.append(cur)
            continue
        if len(run) >= run_min:
            in_run.update(run)
        run = [cur]
    if len(run) >= run_min:
        in_run.update(run)
    # Outside layout runs, a line on the page three or more times is a
    # template element (a caption per gallery slide, a "Related" link).
    copies = Counter(norms[i] for i in range(len(blocks)) if i not in in_run)
    max_copies = config.threshold("paragraphs", "max_copies", 2)
    repeats = []
    for j, (i, exact, sim) in sorted(found.items()):
        later, earlier = blocks[j], blocks[i]
        if j in in_run or copies[norms[j]] > max_copies or _question(later.text, config):
            continue
        if is_plea(later.text):
            continue  # a plea shown twice is one boilerplate finding (AQ702), not a duplicate
        if _closed(later.text) != _closed(earlier.text) and not _completes_cut_copy(
            earlier.text, norms[i], norms[j], sizes[i], config
        ):
            continue  # a caption or highlight restating a body sentence
        if _structured_repeat(later, earlier) or (
            _in_line_list(article, later, changed_min) and _in_line_list(article, earlier, changed_min)
        ):
            continue  # entries of a list, a recipe or a schedule; furniture; a caption quoting the body
        if not exact and _DIGITS.sub("", norms[i]) == _DIGITS.sub("", norms[j]):
            continue  # a numbered series: "Photo 2", "Photo 3"; "8h25 -", "8h40 -"
        if (
            not exact
            and _list_entry(earlier.text, sizes[i], changed_min)
            and _list_entry(later.text, sizes[j], changed_min)
        ):
            continue  # parallel entries of a list of sources or specs: "Facebook, Profile of X, 2023"
        repeats.append(Repeat(later, earlier, exact, sim))
    return repeats


@register(
    "AQ201",
    "paragraph-repeated",
    "duplicate_paragraph",
    "warning",
    "A paragraph is repeated word for word (ignoring case, spacing and punctuation).",
)
def paragraph_repeated(article: Article, config: AuditConfig) -> Iterator[Flag]:
    for rep in find_repeats(article, config):
        if rep.exact:
            yield Flag(
                evidence=rep.block.text,
                block=rep.block.index,
                message=f"Paragraph repeats block {rep.original.index} word for word",
            )


@register(
    "AQ202",
    "paragraph-near-duplicate",
    "duplicate_paragraph",
    "warning",
    "A paragraph nearly repeats an earlier one (a few words changed, or a sentence more or less).",
)
def paragraph_near_duplicate(article: Article, config: AuditConfig) -> Iterator[Flag]:
    for rep in find_repeats(article, config):
        if not rep.exact:
            longer = len(words(rep.block.text)) > len(words(rep.original.text))
            how = "with a sentence added" if longer else "cut short"
            if rep.similarity >= config.threshold("paragraphs", "near_duplicate", 0.8):
                how = "with a few words changed"
            yield Flag(
                evidence=rep.block.text,
                block=rep.block.index,
                score=rep.similarity,
                message=f"Paragraph nearly repeats block {rep.original.index} ({how})",
            )
