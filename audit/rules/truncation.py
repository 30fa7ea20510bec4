"""truncated_text: a block that stops mid-sentence.

A paragraph of real prose ends with sentence punctuation, a closing quote or
bracket (news sign-offs such as "(nds/krs)" end with one). Many lines on a news
page legitimately do not: captions, credits, bylines, teaser headlines, quote
attributions ("...," she said), list entries. So a block is judged against its
own page (house style): it is flagged only when it reads as prose, sits on a page
whose prose is punctuated, and either stops on a word that cannot end a sentence
("of", "yang", "của"; ``lexicons/function_words.toml``), or is a paragraph of
several punctuated sentences whose last one is left open, or, failing that, is a
long paragraph that stops on an ordinary word as a rare anomaly: between two
punctuated paragraphs, on a page with at most a couple of open endings. Thai and
other scripts written without sentence-final punctuation cannot be judged this
way and are skipped rather than guessed at; so are blocks in another script than
the article's (a verse quoted in Arabic script in a Malay article).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from audit import lexicon
from audit.config import AuditConfig
from audit.language import family
from audit.lexicon import PhrasePattern, phrase_pattern
from audit.model import Article, Block
from audit.registry import Flag, register
from audit.roles import reads_as_prose
from audit.rules.boilerplate import is_call_to_action, is_read_also
from audit.sentence_end import sentence_end_rate
from audit.text import dominant_script, function_word_table, function_words, unpunctuated_script, words

#: Characters that may legitimately end a block.
TERMINALS = set(".!?…。！？:;\"'“”‘’»«„)]}*।॥؟۔")
_URL_END = re.compile(r"(https?://\S+|www\.\S+|\w[\w-]*(\.[\w-]+)*\.[a-z]{2,6}/?\S*|\S+\.\d+)$", re.I)
#: Photo credits that close a paragraph without punctuation: "... xã hội. Ảnh:
#: Đoàn Loan", "- Gambar hiasan", "Getty Images". Case matters: a credit label
#: is capitalised, while "những bức ảnh cho thấy ... và" is a sentence about photos.
_CREDIT_END = re.compile(
    r"(?:^|[.!?]\s+|\s)(?:Ảnh|Foto|Photo|Gambar|Larawan|Picture|Images?|Source|Sumber|Nguồn|Credit|Kredit"
    r"|ẢNH|FOTO|PHOTO|GAMBAR)\b[^.!?]{0,60}$"
)
#: A story's dateline opening its lead: "Bisnis.com, JAKARTA – ...", "HANOI (Reuters) - ...".
_LEAD_DATELINE = re.compile(
    r"^(?:[\w.]+,\s*)?(?P<place>[^\W\d_]{3,})\b[^!?\n]{0,30}?\s[-–—]\s"
    r"|^(?:[^\W\d_]+\s){1,2}(?:\d{1,2}/\d{1,2}(?:/\d{2,4})?,|\(\d{1,2}/\d{1,2}(?:/\d{2,4})?\))\s"
)


def _opens_with_dateline(text: str) -> bool:
    """The lead opens with its dateline: a place in capitals before a dash
    ("JAKARTA –", "Bisnis.com, JAKARTA –", "CHIANG MAI, Thailand (AP) —") or a
    date ("Ngày 9/12,", "Senin (12/3)")."""
    match = _LEAD_DATELINE.match(text)
    return match is not None and (match.group("place") is None or match.group("place").isupper())


#: A desk sign-off whose bracket the page never closed: "... tandas Sandiaga. (Yendhi/b".
_SIGN_OFF_END = re.compile(r"[.!?…]\s*\((?:[\w.]+/)+[\w.]*$")
#: A video caption closing a paragraph: "... hoàn thành Video: Công nhân lát gỗ lim".
_VIDEO_CAPTION_END = re.compile(r"(?:^|\s)(?:Video|VIDEO|Clip|CLIP):\s[^.!?]{0,100}$")
#: Quantities of a recipe or a list of supplies: "1/4 pound celery root ... 3/4 teaspoon salt".
_FRACTION = re.compile(r"(?<![\d/])(?:1/[2348]|2/3|3/[48]|[57]/8)(?![\d/])")
#: A dash-led sign-off: "... -- Karen Sandstrom", "— Reuters".
_DASH_TAIL = re.compile(r"\s[-–—]{1,2}\s*([^\s.!?][^.!?–—]{0,40})$")
#: A trailing date or handle ("22/11/2018", "December 22, 2023", "@afp").
_DATA_END = re.compile(r"(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{1,2},? (?:1[89]|20)\d\d|@\w+\)?)\W*$")
#: A quotation closed mid-sentence ('...," she said'; '...?" he asked'), or a
#: dash-led credit after a quotation ('..." —Name, title'): an attribution follows.
_QUOTE_CLOSE = re.compile(r"(?:[,!?][”»\"'’“]|[”»\"'’“]\s*[-–—]|[”\"“]\s*,|[.!?][”\"](?=[A-Z]))")
#: A two-word sign-off or widget label: "Read More", "Jane Doe", "Getty Images".
_SIGN_OFF = re.compile(r"^[A-ZÀ-Ỹ]\S*\s+[A-ZÀ-Ỹ]\S*$")
_BULLET = re.compile(r"\s[•▪►◦]\s")
_LABEL_START = re.compile(r"^[\w’' ]{2,25}:\s")
_LAST_SENTENCE = re.compile(r"[.!?…](?:[\"”’')]+)?(?=\s|[A-Z])")
_INNER_END = re.compile(r"[.!?…][\"”’)]*\s+\S")
_TOKEN = re.compile(r"[^\W\d_][\w’'-]*")


@lru_cache(maxsize=32)
def _dangling_words(lang: str | None) -> frozenset[str]:
    """Words that cannot end a sentence: the function words minus the ones a
    sentence may end on, pooled over the language's family (Indonesian and Malay).
    Unknown language: the union over all languages."""
    table = function_word_table()
    entries = [entry for code, entry in table.items() if lang and family(code) == family(lang)]
    out: set[str] = set()
    for entry in entries or table.values():
        final = {w.casefold() for w in entry.get("sentence_final", [])}
        out.update(w.casefold() for w in entry.get("words", []) if w.casefold() not in final)
    return frozenset(out)


def tail_sentence(text: str) -> str:
    """The text after the last sentence terminator: the part that was cut."""
    parts = _LAST_SENTENCE.split(text.rstrip())
    return parts[-1].strip() if parts else text


def _name_like(text: str) -> bool:
    """Bylines, credits and roles ("Zack Zwiezen, staff writer"): a few words,
    led by capitalised ones, with no function words."""
    tokens = _TOKEN.findall(text)
    if not 2 <= len(tokens) <= 8:
        return False
    if any(t.casefold() in function_words() for t in tokens):
        return False
    return tokens[0][0].isupper() and tokens[1][0].isupper()


def ends_mid_sentence(text: str) -> bool:
    """True when the last visible character cannot end a sentence and the
    ending is not a known kind of unpunctuated close (URL, credit, date, sign-off)."""
    stripped = text.rstrip()
    if not stripped:
        return False
    last = stripped[-1]
    if last == "\ufffd":
        return True  # cut inside a character: the bytes stop mid-word
    if last in TERMINALS:
        return False
    category = unicodedata.category(last)
    if category.startswith("S") or category in ("Pf", "Pe", "Pd") or category == "Po" and last not in ",、":
        return False  # emoji, symbols, closing punctuation, a dash marking an interruption
    if last.isdigit():
        # A figure closes a sentence ("... rose to 6.619,80", "Act 2015") unless
        # the word before it cannot ("... a 2018").
        tokens = words(stripped)
        return len(tokens) > 1 and tokens[-2] in _dangling_words(None)
    if any(p.search(stripped) for p in (_URL_END, _CREDIT_END, _VIDEO_CAPTION_END, _DATA_END, _SIGN_OFF_END)):
        return False
    dash = _DASH_TAIL.search(stripped)
    if dash and len(words(dash.group(1))) <= 8 and dash.group(1)[0].isupper():
        return False  # "... -- Ulat ni Christian Esguerra, ABS-CBN News", "– Reuters"
    letters = [c for c in tail_sentence(stripped) if c.isalpha()]
    return not (letters and sum(c.isupper() for c in letters) / len(letters) > 0.7)  # all-caps headline


#: A lower-case possessive closing the text ("... the forecast for his company's"):
#: a noun must follow. Names may close a sentence ("... shopping at Macy's").
_POSSESSIVE_END = re.compile(r"\s[a-z][a-z-]*['’]s$")


#: The last word as written (``words`` casefolds): "... kata Datuk" vs "... kata dia".
_RAW_LAST_WORD = re.compile(r"(?<![\w’'-])(\w[\w’'-]*)\W*$")


#: Seven digits or more in one run: a phone or reference number, not a quantity.
_IDENTIFIER_END = re.compile(r"\d{7,}$")
#: A figure closing the text after a lower-case word: "... should rise above 2",
#: "... con gái 10". After a name or a month ("Act 2015", "Disember 2017", "Rp 14,895")
#: a figure closes a label or a date, which pages leave unpunctuated by design.
_FIGURE_AFTER_WORD = re.compile(r"(?<![\w’'-])([^\W\d_][\w’'-]*)\s+\d[\d.,]*$")


def figure_left_open(text: str) -> bool:
    """The paragraph stops on a figure after an ordinary lower-case word, with no
    closing punctuation: to the truncation rule it is an open ending like any word,
    judged against the page's own punctuation (:func:`ends_mid_sentence` leaves such a
    figure closed, since a figure often closes a sentence). After a name or a month
    it is not."""
    stripped = text.rstrip()
    if not stripped[-1:].isdigit():
        return False
    match = _FIGURE_AFTER_WORD.search(stripped)
    return match is not None and match.group(1)[0].islower()


def _open_at_end(text: str) -> bool:
    """An open ending for AQ501: any :func:`ends_mid_sentence`, or a figure left open.
    Only AQ501 weighs a figure against the page's own punctuation; the other rules
    take :func:`ends_mid_sentence` as evidence of a cut by itself."""
    return ends_mid_sentence(text) or figure_left_open(text)


def _end_rate(text: str, lang: str | None, config: AuditConfig | None) -> float | None:
    """How often the text's last word ends a sentence in real text of the
    language (``audit/data/sentence_end.json``); ``None`` without data for the
    language or the word, or when the word is capitalised: a name ("Apple",
    "Datuk") closing a credit or a caption says nothing about the sentence."""
    last = _RAW_LAST_WORD.search(text)
    if config is None or lang is None or last is None or not last.group(1)[0].islower():
        return None
    min_seen = config.threshold("truncation", "end_rate_min_seen", 50)
    return sentence_end_rate(words(text), lang, min_seen)  # "lain-lain" is judged as "lain", as counted


def ends_on_function_word(text: str, lang: str | None = None, config: AuditConfig | None = None) -> bool:
    """The last word is one no sentence ends on: a function word of the language
    (``lexicons/function_words.toml``), a lower-case possessive, or (with
    ``config``) a word that in real text of the language (almost) never ends one
    (``audit/data/sentence_end.json``: "berdasarkan", "noong", "có thể", "was").
    The hand list stays: it knows "that" cannot end a sentence, which news text
    shows ending one in 1% of its uses."""
    tokens = words(text)
    if not tokens:
        return False
    if _POSSESSIVE_END.search(text.rstrip()):
        return True
    if tokens[-1] in _dangling_words(family(lang) if lang else None):
        return True
    rate = _end_rate(text, lang, config)
    return rate is not None and rate < config.threshold("truncation", "dangling_max_end_rate", 0.005)  # type: ignore[union-attr]


def _ends_like_a_sentence(text: str, lang: str | None, config: AuditConfig) -> bool:
    """The last word is one that, in real text of the language, often ends a
    sentence ("time", "tahun", "nay"): the paragraph most likely only lacks its
    full stop. A cut stops anywhere, mostly on words that rarely end one."""
    floor = config.threshold("truncation", "complete_min_end_rate", 0.0)
    if not floor or not text.rstrip()[-1:].isalnum():
        return False  # switched off; a comma or a dash left dangling is no missing full stop
    rate = _end_rate(text, lang, config)
    return rate is not None and rate >= floor


@lru_cache(maxsize=1)
def _reporting_cues() -> PhrasePattern | None:
    """Every lexicon's attribution cues ("said", "kata", "ayon sa", "cho biết")."""
    return phrase_pattern(lexicon.combined().attribution)


def _attribution_tail(text: str, max_words: int) -> bool:
    """A short tail after a closing quote: '"...," she said', '"..." —Name, title';
    up to twice as long when it is a dash-led credit or names the speaker with a
    reporting verb ('," Dustin Pusch, a partner at the firm, said in a statement')."""
    closes = list(_QUOTE_CLOSE.finditer(text))
    if not closes:
        return False
    tail = text[closes[-1].end() :]
    tokens = words(tail)
    if _INNER_END.search(tail) or not tokens:
        return False
    cues = _reporting_cues()
    credit = closes[-1].group().rstrip()[-1] in "-–—"
    reported = cues is not None and cues.search(tail) is not None
    if (
        "," in closes[-1].group()
        and not (credit or reported)
        and (len(tokens) >= 4 or all(t[0].isupper() for t in _TOKEN.findall(tail)))
    ):
        # A quote closed on a comma awaits its "said": '...," Boudreau' and
        # '...," Chad Hawk, vice president of PMG' stop before it. One to three words
        # that are not all names may hold a reporting verb we do not list ('," someone
        # joked', '", so Haustein').
        return False
    if len(tokens) > max_words and (len(tokens) > 2 * max_words or not (credit or reported)):
        return False
    # '..." But mostly they' is narrative; '...," said the vice president of' is cut.
    return tokens[0] not in _dangling_words(None) and tokens[-1] not in _dangling_words(None)


def _title_like(text: str) -> bool:
    """Headlines, teasers and credits: mostly capitalised words, little glue."""
    tokens = _TOKEN.findall(text)
    if len(tokens) < 3:
        return True
    capitalised = sum(1 for t in tokens if t[0].isupper())
    glue = sum(1 for t in tokens if t.casefold() in function_words())
    return (capitalised / len(tokens) > 0.6 and glue == 0) or capitalised / len(tokens) > 0.85


def _prose(text: str) -> bool:
    """Several clauses: a sentence end inside, or at least two commas."""
    return bool(_INNER_END.search(text)) or text.count(",") >= 2


def _sentence_like(text: str) -> bool:
    """Running text rather than a headline: at least two function words, and
    not mostly capitalised (names-heavy news prose still has a quarter in lower case)."""
    tokens = _TOKEN.findall(text)
    if not tokens:
        return False
    glue = sum(1 for t in tokens if t.casefold() in function_words())
    lower = sum(1 for t in tokens if t[0].islower())
    return glue >= 2 and lower / len(tokens) >= 0.25


_LAST_WORD = re.compile(r"([^\W\d_][\w’'-]*)\W*$")


def _unclosed_quote(text: str) -> bool:
    """Opens a quotation that never closes, on a capital letter: a quote cut short
    ("“Kalau di dunia luar, mungkin ... sebaliknya"), not a headline quoting
    someone ("‘You can count on the US’, Biden tells APEC"). A ’ inside counts as a
    closing quote even where it is an apostrophe: the safe side."""
    body = text.lstrip('"“‘„«')
    return (
        body != text and body[:1].isupper() and not any(q in body for q in '"”’»') and not text.endswith(",")
    )


def _clipped_sentence(text: str, colon_ok: bool = False) -> bool:
    """Reads like running prose cut short rather than a headline, teaser or list
    entry: opens on a capital letter or a quotation that never closes (not ">>",
    "ii)" or a digit),
    has no colon ("Why X: how to ..."; ``colon_ok`` for paragraphs long enough to
    quote a sign), and its last word is in lower case (headlines, bios and links
    close on names: "... Negeri Sembilan", "... Privacy Policy")."""
    stripped = text.strip()
    last = _LAST_WORD.search(stripped)
    return (
        bool(stripped)
        and (stripped[0].isupper() or _unclosed_quote(stripped))
        and (colon_ok or ":" not in stripped)
        and last is not None
        and last.group(1)[0].islower()
    )


def _excerpt_left_open(block: Block) -> bool:
    """A pull quote may be a clause lifted from the story and set without a full
    stop, so it is judged only as several sentences whose last one is left open."""
    return block.role == "pull_quote"


def _judgeable(block: Block, script: str, config: AuditConfig) -> bool:
    if block.kind not in ("paragraph", "quote"):
        return False
    if unpunctuated_script(block.text) or dominant_script(block.text) != script:
        return False  # Thai; a verse quoted in Arabic script in a Malay article
    return len(words(block.text)) >= config.threshold("truncation", "min_words", 6)


def _linked_headline(tail: str) -> bool:
    """ "If you missed it: Why Some People Triumph Online": three or more title-case
    words after the last colon (not a clock time or a score: "at 5:30 from the")."""
    before, after = tail.rsplit(":", 1)
    return not before[-1:].isdigit() and len(_TOKEN.findall(after)) >= 3 and _title_like(after)


def _same_as_title(text: str, titles: str) -> bool:
    """The block is the article's headline or title, word for word (``titles``:
    their words, one per line)."""
    if not titles or len(text) > 2 * len(titles):
        return False  # far longer than any title: skip the tokenising
    return " ".join(words(text)) in titles.split("\n")


def _furniture(text: str, config: AuditConfig, titles: str = "") -> bool:
    """Lines that are unpunctuated by design, whatever the page's style."""
    label = _LABEL_START.match(text)
    if label and (label.group().isupper() or is_read_also(text) or not _INNER_END.search(text, label.end())):
        return True  # "Related: ...", "MORE: ...", "Photo: ..." (not "And more: ... . ... ." prose)
    if _attribution_tail(text, config.threshold("truncation", "attribution_max_words", 12)):
        return True
    if "/" in text and len(_FRACTION.findall(text)) >= 3:
        return True  # a list of quantities set as one paragraph (a recipe's ingredients)
    if text.count(";") >= 2:
        return True  # an enumeration set as one paragraph: "a; b; and c"
    if re.search(r";\s*\w+$", text) or re.match(r"\s*[-•*▪►]\s", text) or len(_BULLET.findall(text)) >= 2:
        return True  # an enumeration, or a list set as one paragraph: "(a) ...; atau", "- Read on ...", "... • ... •"
    tail = tail_sentence(text)
    if _same_as_title(text, titles):
        return True  # the headline repeated as a paragraph (repeated_heading's business)
    if ":" in tail and _linked_headline(tail):
        return True  # "If you missed it: Why Some People Triumph Online" (a linked headline)
    if tail == text.strip():
        return _title_like(text)  # a headline, teaser or credit line
    if ends_mid_sentence(text) and (is_call_to_action(tail) or is_read_also(tail)):
        return True  # "... Visit our site on your mobile", "... Read more: ..." (open lines only: cheaper)
    if "©" in tail or _name_like(tail):
        return True  # "... it. Zack Zwiezen, staff writer", "© Instagram/..."
    tokens = words(tail)
    # One or two words after the last full stop with no function word among them
    # are a sign-off or a widget ("DM", "Learn more", "Advertisement"): capitalised,
    # not opening a quotation ('"Dati walang') nor running on ("CEO perusahaan").
    return (
        len(tokens) <= 2
        and not any(t in function_words() for t in tokens)
        and (len(tokens) < 2 or _SIGN_OFF.match(tail) is not None)
    )


def _last_sentence_left_open(text: str, open_ended: list[Block], closed: float, config: AuditConfig) -> bool:
    """A paragraph of several sentences whose last one is left open: "... was
    confirmed. Officials said the plant". The writer punctuated the sentences
    before, so the open one was cut, wherever the paragraph sits. Held to the
    page's style like the rest: few such paragraphs, a punctuated page."""
    tail = tail_sentence(text)
    head_words = len(words(text)) - len(words(tail))
    if not _INNER_END.search(text) or "©" in text or "#" in text:
        return False  # one sentence; a copyright line; hashtags of a social post
    several = [b for b in open_ended if _INNER_END.search(b.text)]
    return (
        head_words >= config.threshold("truncation", "open_sentence_min_head_words", 5)
        and len(words(tail)) >= config.threshold("truncation", "open_sentence_min_tail_words", 3)
        and len(several) <= config.threshold("truncation", "max_open_blocks", 2)
        and closed >= config.threshold("truncation", "min_punctuated_share_prose", 0.75)
        and not _title_like(tail)
    )


def _ordinary_ending_is_cut(
    text: str, open_count: int, between_closed: bool, closed: float, config: AuditConfig
) -> bool:
    """Ending on an ordinary word is a cut only as an anomaly: running prose long
    enough to judge (fewer words when it reads like a clipped sentence), a rare open
    ending between punctuated paragraphs on a punctuated page. Otherwise it is a
    teaser or the site's house style."""
    min_words = (
        config.threshold("truncation", "min_clipped_words", 10)
        if _clipped_sentence(text)
        else config.threshold("truncation", "min_prose_words", 16)
    )
    if not _sentence_like(text) or len(words(text)) < min_words:
        return False
    if _prose(text):
        needed = config.threshold("truncation", "min_punctuated_share_prose", 0.75)
    else:
        needed = config.threshold("truncation", "min_punctuated_share", 0.85)
    return (
        open_count <= config.threshold("truncation", "max_open_blocks", 2)
        and between_closed
        and closed >= needed
    )


def _lead_left_open(text: str, following: Block, open_count: int, closed: float, config: AuditConfig) -> bool:
    """The first paragraph left open. A standfirst or a headline may go without a
    full stop, so only a long lead that reads like a clipped sentence counts (or a
    shorter one that opens with the story's dateline, which no standfirst carries),
    when the paragraph after it and nearly all the page are punctuated."""
    if _opens_with_dateline(text):
        min_words = config.threshold("truncation", "min_clipped_words", 10)
    else:
        min_words = config.threshold("truncation", "lead_min_words", 30)
    return (
        len(words(text)) >= min_words
        and _sentence_like(text)
        and _clipped_sentence(text, colon_ok=True)
        and not ends_mid_sentence(following.text)
        and open_count <= config.threshold("truncation", "max_open_blocks", 2)
        and closed >= config.threshold("truncation", "min_punctuated_share", 0.85)
    )


_OPENING_QUOTES = '“‘«„"'


def _quotation_open_at_end(text: str) -> bool:
    """A quotation is still open where the text stops: more opening curly quotes
    than closing ones, or an odd number of straight double quotes. Single quotes
    are not counted: a ’ is as often an apostrophe ("Bootie’s")."""
    opened = sum(text.count(q) for q in "“«„")
    closed = sum(text.count(q) for q in "”»")
    return opened > closed or text.count('"') % 2 == 1


def _quotation_continues(block: Block, following: Block | None) -> bool:
    """A paragraph that stops on a comma inside a quotation, and whose next
    paragraph carries the quotation on ('... kata dia, “Kami akan ...,' then
    '“Kami juga ...' or 'dan memastikan ...'): a speech set over several
    paragraphs, not a cut. The next paragraph must open on a quote mark or a
    lower-case word; one that opens a new sentence leaves the comma a cut."""
    text = block.text.rstrip()
    if not text.endswith(",") or following is None or following.kind not in ("paragraph", "quote"):
        return False
    opening = following.text.lstrip()[:1]
    continues = opening in _OPENING_QUOTES or opening.islower()
    return continues and _quotation_open_at_end(text)


#: A word opening a paragraph, two letters at least: "b.Memperbaiki" opens a list item.
_OPENING_WORD = re.compile(r"[^\W\d_]{2,}")


def _sentence_runs_on(block: Block, following: Block | None) -> bool:
    """The next paragraph opens in lower case, so it carries this sentence on: the
    page broke one sentence over two blocks (an inline element, a ``<br>``, an ad
    slot), which a cut, whose rest is gone, does not leave behind. Only scripts
    with letter case can show it."""
    if following is None or following.kind not in ("paragraph", "quote"):
        return False
    opening = _OPENING_WORD.match(following.text.lstrip())
    return opening is not None and opening.group()[0].islower()


@register(
    "AQ501",
    "block-ends-mid-sentence",
    "truncated_text",
    "warning",
    "A paragraph stops mid-sentence, without closing punctuation.",
)
def block_ends_mid_sentence(article: Article, config: AuditConfig) -> Iterator[Flag]:
    open_ended = [b for b in article.blocks if b.kind in ("paragraph", "quote") and _open_at_end(b.text)]
    if not open_ended:
        return  # most pages: the page's style is not even looked at
    script = dominant_script(" ".join(b.text for b in article.blocks if b.kind == "paragraph")[:4000])
    titles = "\n".join(" ".join(words(t)) for t in (article.headline, article.title) if t)

    def counts(block: Block) -> bool:
        # Captions, credits, attributions and teasers are unpunctuated by design;
        # they neither count as cuts nor as evidence of the page's style.
        return _judgeable(block, script, config) and not _furniture(block.text, config, titles)

    following = dict(zip((b.index for b in article.blocks), article.blocks[1:], strict=False))
    # A quotation carried on into the next paragraph is open by design, like a
    # closed paragraph: it is neither a cut nor evidence of an unpunctuated page.
    continued = {
        b.index
        for b in open_ended
        if _quotation_continues(b, following.get(b.index)) or _sentence_runs_on(b, following.get(b.index))
    }

    def left_open(block: Block) -> bool:
        return block.index not in continued and _open_at_end(block.text)

    open_ended = [b for b in open_ended if b.index not in continued and counts(b)]
    # Lines the HTML marks as captions, credits or widgets are never judged, but
    # their open endings still show a site that leaves lines unpunctuated.
    # A phone or reference number closing a notice counts as the page's style, never as a cut.
    candidates = [
        b for b in open_ended if reads_as_prose(b.role) and not _IDENTIFIER_END.search(b.text.rstrip())
    ]
    if not candidates:
        return
    # Some sites end every paragraph without a full stop; there a missing one is
    # house style, not truncation. Judge each block against the others.
    weak = config.threshold("truncation", "min_punctuated_share_function_word", 0.5)
    min_others = config.threshold("truncation", "min_other_paragraphs", 3)
    style_words = config.threshold("truncation", "style_min_words", 12)
    max_open = config.threshold("truncation", "max_open_blocks", 2)
    if len(open_ended) > max_open + 1:
        return  # many open endings: house style, not a cut
    prose = [b for b in article.blocks if counts(b) and reads_as_prose(b.role)]
    lang = family(article.language) if article.language else None
    position = {b.index: i for i, b in enumerate(prose)}
    for block in candidates:
        i = position[block.index]
        neighbours = [prose[k] for k in (i - 1, i + 1) if 0 <= k < len(prose)]
        between_closed = len(neighbours) == 2 and all(not left_open(b) for b in neighbours)
        others = [
            b for b in prose if b is not block and (_prose(b.text) or len(words(b.text)) >= style_words)
        ]
        dangling = ends_on_function_word(block.text, lang, config) or block.text.rstrip()[-1] == "\ufffd"
        # A word no sentence ends on is evidence enough with one other paragraph to
        # show the house style, and so is a paragraph whose own earlier sentences are
        # punctuated with two; an ordinary last word needs more of the page.
        if len(others) < (1 if dangling else 2 if _INNER_END.search(block.text) else min_others):
            continue
        closed = sum(1 for b in others if not left_open(b)) / len(others)
        if not dangling and _ends_like_a_sentence(block.text, lang, config):
            continue  # "... over the weekend", "... antrean tersebut": a full stop missing, not a cut
        if _excerpt_left_open(block):
            ok = False
        elif dangling:
            ok = closed >= weak and any(not left_open(b) for b in neighbours)
        else:
            ok = _ordinary_ending_is_cut(block.text, len(open_ended), between_closed, closed, config)
        if not ok and (i > 0 or _clipped_sentence(block.text) or _excerpt_left_open(block)):
            ok = _last_sentence_left_open(block.text, open_ended, closed, config)
        if not ok and i == 0 and neighbours and not _excerpt_left_open(block):
            ok = _lead_left_open(block.text, neighbours[0], len(open_ended), closed, config)
        if not ok:
            continue
        tail = " ".join(block.text.split()[-4:])
        reason = "on a word that cannot end a sentence" if dangling else "with no closing punctuation"
        yield Flag(
            evidence=block.text,
            block=block.index,
            message=f'Paragraph stops mid-sentence ("...{tail}") {reason}, unlike the rest of the article',
        )


@lru_cache(maxsize=32)
def _run_on_pattern(lang: str) -> re.Pattern[str] | None:
    """A capitalised sentence opener naming a source (the lexicons'
    ``attribution_openers`` for a language's family) right after a letter and a
    space: "... hiwalay na ang dalawa. Pero Ayon sa ...". Only openers, not every
    attribution cue: "Said", "Per" and "Statistik" open names as often as sentences."""
    openers: set[str] = set()
    for code in lexicon.available():
        found = lexicon.load(code) if family(code) == lang else None
        # Only a script with capital letters can show where a sentence opens.
        openers.update(c for c in (found.attribution_openers if found else ()) if c[:1] != c[:1].upper())
    if not openers:
        return None
    alternatives = "|".join(re.escape(c[0].upper() + c[1:]) for c in sorted(openers, key=len, reverse=True))
    return re.compile(rf"(?<=[^\W\d_] )(?:{alternatives})\b")


def run_on_cut(text: str, lang: str | None) -> str | None:
    """The sentence cut off inside a paragraph, when it stops on a word no sentence
    ends on and the next sentence follows without punctuation, opening on a source
    ("... sambit ng Ayon sa Philippine Statistics Authority, ..."). Returns the
    text up to the cut, or ``None``."""
    pattern = _run_on_pattern(family(lang)) if lang else None
    if pattern is None:
        return None
    for match in pattern.finditer(text):
        head = text[: match.start() - 1]  # the lookbehind put a letter right before the space
        before = _LAST_WORD.search(head)
        if before and before.group(1).casefold() in _dangling_words(lang):
            return head
    return None


@register(
    "AQ502",
    "sentence-cut-inside-paragraph",
    "truncated_text",
    "warning",
    "A sentence stops mid-way and the next one runs on in the same paragraph.",
)
def sentence_cut_inside_paragraph(article: Article, config: AuditConfig) -> Iterator[Flag]:
    lang = family(article.language) if article.language else None
    if lang is None:
        return
    found = [
        (b, cut)
        for b in article.blocks
        if b.kind in ("paragraph", "quote") and (cut := run_on_cut(b.text, lang))
    ]
    if not found:
        return  # nearly every article: the page's style is not even looked at
    script = dominant_script(" ".join(b.text for b in article.blocks if b.kind == "paragraph")[:4000])
    prose = [b for b in article.blocks if _judgeable(b, script, config)]
    weak = config.threshold("truncation", "min_punctuated_share_function_word", 0.5)
    for block, cut in found:
        if block not in prose:
            continue
        others = [b for b in prose if b is not block]
        if not others or sum(1 for b in others if not ends_mid_sentence(b.text)) / len(others) < weak:
            continue  # a page that does not punctuate cannot show a missing full stop
        tail = " ".join(cut.split()[-4:])
        yield Flag(
            evidence=block.text,
            block=block.index,
            message=f'A sentence stops mid-way ("...{tail}") and the next one runs on in the same paragraph',
        )
