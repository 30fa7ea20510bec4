"""truncated_text: a block that stops mid-sentence.

A paragraph of real prose ends with sentence punctuation, a closing quote or
bracket (news sign-offs such as "(nds/krs)" end with one). Thai and other scripts
written without sentence-final punctuation cannot be judged this way and are
skipped rather than guessed at.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from audit.config import AuditConfig
from audit.model import Article, Block
from audit.registry import Flag, register
from audit.text import words

#: Characters that may legitimately end a block.
TERMINALS = set(".!?…。！？:;\"'“”‘’»«„)]}*")
#: Scripts with no sentence-final punctuation (Thai, Lao, Khmer, Myanmar).
_UNPUNCTUATED_SCRIPT = re.compile(r"[\u0e00-\u0eff\u1780-\u17ff\u1000-\u109f]")
_URL_END = re.compile(r"(https?://\S+|www\.\S+|\S+\.(com|id|my|ph|vn|th|net|org)/?\S*)$", re.I)
#: Photo credits and sign-offs that close a paragraph without punctuation:
#: "... xã hội. Ảnh: Đoàn Loan", "... -- Karen Sandstrom", "- Gambar hiasan".
_CREDIT_END = re.compile(
    r"(?:(?:^|[.!?]\s+|\s)(?:Ảnh|Foto|Photo|Gambar|Larawan|Picture|Image|Source|Sumber|Nguồn|Credit|Kredit)\b"
    r"[^.!?]{0,60}|\s[-–—]{1,2}\s*[^\s.!?][^.!?]{0,40})$",
    re.I,
)
#: A trailing date, number or handle ("December 22, 2023", "22/11/2018", "ages 5-8").
_DATA_END = re.compile(r"(\d|@\w+\)?)\W*$")


def _unpunctuated_script(text: str) -> bool:
    sample = text[-200:]
    return len(_UNPUNCTUATED_SCRIPT.findall(sample)) > len(sample) / 4


def ends_mid_sentence(text: str) -> bool:
    """True when the last visible character cannot end a sentence."""
    stripped = text.rstrip()
    if not stripped:
        return False
    last = stripped[-1]
    if last in TERMINALS:
        return False
    category = unicodedata.category(last)
    if category.startswith("S") or category in ("Pf", "Pe", "Po") and last not in ",、":
        return False  # emoji, symbols, closing punctuation
    if _URL_END.search(stripped) or _CREDIT_END.search(stripped) or _DATA_END.search(stripped):
        return False
    letters = [c for c in stripped if c.isalpha()]
    return not (letters and sum(c.isupper() for c in letters) / len(letters) > 0.7)  # all-caps headline


_FUNCTION_WORDS_PATH = Path(__file__).resolve().parent.parent / "lexicons" / "function_words.toml"
_LABEL_START = re.compile(r"^[\w’' ]{2,25}:\s")


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """Words that cannot end a sentence, in every language we know (data, not code)."""
    with _FUNCTION_WORDS_PATH.open("rb") as fh:
        table = tomllib.load(fh)
    return frozenset(w.casefold() for lang in table.values() for w in lang.get("words", []))


def ends_on_function_word(text: str) -> bool:
    tokens = words(text)
    return bool(tokens) and tokens[-1] in function_words()


def _looks_like_prose(text: str) -> bool:
    """Headlines, link lines ("Read more: ...") and captions lack punctuation by
    design; prose has clauses (commas) or several sentences."""
    if _LABEL_START.match(text):
        return False
    return bool(re.search(r"[.!?…][\"”’)]?\s", text)) or text.count(",") >= 2 or len(words(text)) >= 30


_LAST_SENTENCE = re.compile(r"[.!?…](?:[\"”’)]+)?(?=\s|[A-Z])")


def tail_sentence(text: str) -> str:
    """The text after the last sentence terminator: the part that was cut."""
    parts = _LAST_SENTENCE.split(text.rstrip())
    return parts[-1].strip() if parts else text


def _title_like(text: str) -> bool:
    """Bylines, credits and link lines are mostly capitalised words; prose is not."""
    tokens = [t for t in re.findall(r"[^\W\d_][\w’'-]*", text)]
    if len(tokens) < 3:
        return True
    capitalised = sum(1 for t in tokens if t[0].isupper())
    glue = sum(1 for t in tokens if t.casefold() in function_words())
    return (capitalised / len(tokens) > 0.6 and glue == 0) or capitalised / len(tokens) > 0.85


def _judgeable(block: Block, config: AuditConfig) -> bool:
    if block.kind not in ("paragraph", "quote"):
        return False
    if _unpunctuated_script(block.text):
        return False
    return len(words(block.text)) >= config.threshold("truncation", "min_words", 6)


@register(
    "AQ501",
    "block-ends-mid-sentence",
    "truncated_text",
    "warning",
    "A paragraph stops mid-sentence, without closing punctuation.",
)
def block_ends_mid_sentence(article: Article, config: AuditConfig) -> Iterator[Flag]:
    prose = [b for b in article.blocks if _judgeable(b, config)]
    open_ended = [b for b in prose if ends_mid_sentence(b.text)]
    if not open_ended:
        return
    # Some sites end every paragraph without a full stop; there a missing one is
    # house style, not truncation. Judge each block against the others.
    min_share = config.threshold("truncation", "min_punctuated_share", 0.6)
    for block in open_ended:
        if not _looks_like_prose(block.text) and len(words(block.text)) < 12:
            continue
        if _title_like(tail_sentence(block.text)):
            continue
        if not ends_on_function_word(block.text):
            if not _looks_like_prose(block.text) or len(words(block.text)) < 12:
                continue
            others = [b for b in prose if b is not block]
            punctuated = sum(1 for b in others if not ends_mid_sentence(b.text))
            if not others or punctuated / len(others) < min_share:
                continue
        if True:
            tail = " ".join(block.text.split()[-4:])
            yield Flag(
                evidence=block.text,
                block=block.index,
                message=f'Paragraph ends mid-sentence ("...{tail}") with no closing punctuation',
            )
