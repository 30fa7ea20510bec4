"""HTML -> :class:`~audit.model.Article`.

Trafilatura's XML output keeps headings (``<head rend="h2">``), paragraphs and list
items in page order, which the rules need; its plain-text output would flatten them.
Extraction never raises: every way a page can fail ends as an
:class:`~audit.model.ExtractionFailure` with a reason code.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

import trafilatura
from lxml import etree
from trafilatura.utils import load_html

from audit import language
from audit.model import Article, Block, ExtractionFailure

#: Pages larger than this are refused rather than parsed (memory and time cap).
MAX_HTML_BYTES = 8 * 1024 * 1024

_WS = re.compile(r"\s+")
_HEAD_LEVEL = re.compile(r"h([1-6])")
_TITLE_SEPARATORS = re.compile(r"\s+[-|–—•:]\s+")
#: Page elements that become one block each; a run of identical ones is a pasted repeat.
_REPEAT_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "li")
#: Trafilatura drops an element repeating the one before it when its text is longer
#: than this (``settings.MIN_DUPLICATE_LENGTH``); shorter repeats survive on their own.
MIN_REPEAT_CHARS = 50


@dataclass(frozen=True)
class Extraction:
    """Either an article or a failure; exactly one is set."""

    article: Article | None = None
    failure: ExtractionFailure | None = None

    @property
    def ok(self) -> bool:
        return self.article is not None


def _clean(text: str | None) -> str:
    return _WS.sub(" ", text or "").strip()


def _looks_binary(data: bytes) -> bool:
    head = data[:4096]
    if not head:
        return False
    if head.count(b"\x00") > 0:
        return True
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    return control / len(head) > 0.1


def decode_html(data: bytes | str) -> str:
    """Decode bytes using the page's declared charset, falling back on detection."""
    if isinstance(data, str):
        return data
    from trafilatura.utils import decode_file

    return decode_file(data)


def _page_headline(tree: etree._Element | None) -> tuple[str | None, str | None]:
    """Return (``<h1>`` text, ``<title>`` text) straight from the page."""
    if tree is None:
        return None, None
    h1 = None
    for node in tree.iter("h1"):
        text = _clean(node.text_content())
        if text:
            h1 = text
            break
    title_nodes = tree.xpath("//title")
    html_title = _clean(title_nodes[0].text_content()) if title_nodes else None
    return h1, html_title or None


def _canonical(tree: etree._Element | None) -> str | None:
    if tree is None:
        return None
    for href in tree.xpath("//link[@rel='canonical']/@href"):
        if href.strip():
            return href.strip()
    return None


def _blocks_from_xml(xml: str) -> tuple[dict[str, str], list[tuple[str, str, int | None]]]:
    root = etree.fromstring(xml.encode("utf-8"), parser=etree.XMLParser(recover=True, huge_tree=True))
    meta = {k: v for k, v in root.attrib.items()}
    main = root.find("main")
    raw: list[tuple[str, str, int | None]] = []
    if main is None:
        return meta, raw
    for node in main.iter():
        tag = node.tag
        if tag == "head":
            match = _HEAD_LEVEL.fullmatch(node.get("rend", "") or "")
            raw.append(("heading", _clean("".join(node.itertext())), int(match.group(1)) if match else 2))
        elif (
            tag == "p"
            and node.getparent() is not None
            and node.getparent().tag not in ("item", "quote", "cell")
        ):
            raw.append(("paragraph", _clean("".join(node.itertext())), None))
        elif tag == "item":
            raw.append(("list_item", _clean("".join(node.itertext())), None))
        elif tag == "quote":
            raw.extend(("quote", text, None) for text in _quote_paragraphs(node))
        elif tag == "row":
            cells = [_clean("".join(c.itertext())) for c in node.findall("cell")]
            raw.append(("table", " | ".join(c for c in cells if c), None))
    return meta, [(k, t, lvl) for k, t, lvl in raw if t]


def _quote_paragraphs(node: etree._Element) -> list[str]:
    """A quote's paragraphs, one block each. Trafilatura wraps a pull quote, and
    sometimes a whole run of the story, in one ``<quote>``; joining its ``<p>``
    children would glue sentences together ("...money?And although...") and hide
    a repeated paragraph inside a longer block."""
    if node.find("p") is None:
        return [_clean("".join(node.itertext()))]
    texts, loose = [], [node.text or ""]
    for child in node:
        if child.tag == "p":
            texts.append(_clean("".join(loose)))
            texts.append(_clean("".join(child.itertext())))
            loose = []
        else:
            loose.append("".join(child.itertext()))
        loose.append(child.tail or "")
    texts.append(_clean("".join(loose)))
    return [t for t in texts if t]


def _key(text: str) -> str:
    """Compare texts without whitespace: ``<br>`` becomes a space in Trafilatura's
    output but nothing in ``text_content()``."""
    return "".join(text.split())


def _signature(node: etree._Element) -> tuple[str, str, str | None, str | None]:
    parent = node.getparent()
    return (
        node.tag,
        node.get("class") or "",
        parent.tag if parent is not None else None,
        (parent.get("class") or "") if parent is not None else None,
    )


def _page_repeats(tree: etree._Element) -> dict[str, int]:
    """Runs of identical, consecutive blocks on the page: ``{key: copies}``, for texts
    of at least :data:`MIN_REPEAT_CHARS` that form exactly one run. Consecutive means
    no other block element in between (in document order, skipping the first one's
    own descendants); both copies must also have the same tag, class and wrapper,
    so a responsive desktop/mobile pair with different wrappers is not counted. A run
    of mostly link text is recorded with 0 copies (never restored)."""
    nodes = [n for n in tree.iter(*_REPEAT_TAGS)]
    keys: list[str | None] = [None] * len(nodes)

    def key_at(i: int) -> str:
        if keys[i] is None:
            keys[i] = _key(nodes[i].text_content())
        return keys[i]  # type: ignore[return-value]

    runs: dict[str, list[int]] = {}
    i = 0
    while i < len(nodes):
        node, copies, j = nodes[i], 1, i
        while True:
            # the next block that is not inside the current copy
            k = j + 1
            while k < len(nodes) and nodes[j] in nodes[k].iterancestors():
                k += 1
            if k >= len(nodes) or _signature(nodes[k]) != _signature(node):
                break
            if len(key_at(i)) < MIN_REPEAT_CHARS or key_at(k) != key_at(i):
                break
            copies, j = copies + 1, k
        if copies > 1:
            # a line that is mostly link text is a citation or a teaser, not prose
            linked = sum(len(_key(a.text_content())) for a in node.iter("a"))
            runs.setdefault(key_at(i), []).append(copies if linked * 2 < len(key_at(i)) else 0)
            i = j + 1
        else:
            i += 1
    return {key: lengths[0] for key, lengths in runs.items() if len(lengths) == 1 and lengths[0] > 1}


def _restore_repeats(
    tree: etree._Element | None, raw: list[tuple[str, str, int | None]]
) -> list[tuple[str, str, int | None]]:
    """Put back the copies of a block pasted twice in a row that Trafilatura dropped.

    Trafilatura 2.x deletes an element repeating the previous one even with
    ``deduplicate=False``, which hides exactly the defect AQ201 looks for. A copy is
    put back, right after its twin and of the same kind, only when the page has one
    run of identical consecutive blocks and the extraction kept exactly one of them,
    not at the edges of the body and not a line of mostly link text."""
    if tree is None or not raw:
        return raw
    repeats = _page_repeats(tree)
    if not repeats:
        return raw
    found: dict[str, list[int]] = {}
    for index, (_, text, _) in enumerate(raw):
        key = _key(text)
        if key in repeats:
            found.setdefault(key, []).append(index)
    # The first and last blocks of the body are left alone: a repeat there is most
    # often the template's (an excerpt printed above a body that opens with the same
    # lead, a closing line added after the editor's own), not a pasted paragraph.
    body = [index for index, (kind, _, _) in enumerate(raw) if kind != "heading"]
    edges = {body[0], body[-1]} if body else set()
    extra = {at[0]: repeats[key] - 1 for key, at in found.items() if len(at) == 1 and at[0] not in edges}
    if not extra:
        return raw
    restored: list[tuple[str, str, int | None]] = []
    for index, block in enumerate(raw):
        restored.append(block)
        restored.extend([block] * extra.get(index, 0))
    return restored


#: Where a page declares its publication date, most explicit first.
_DATE_META = (
    "//meta[@property='article:published_time']/@content",
    "//meta[@property='og:article:published_time']/@content",
    "//meta[@property='og:published_time']/@content",
    "//meta[@itemprop='datePublished']/@content",
    "//meta[@name='pubdate']/@content",
    "//meta[@name='publishdate']/@content",
    "//meta[@name='date']/@content",
    "//meta[@name='dc.date.issued']/@content",
    "//meta[@name='DC.date.issued']/@content",
)
_AUTHOR_META = (
    "//meta[@name='author']/@content",
    "//meta[@property='article:author']/@content",
    "//meta[@name='dc.creator']/@content",
    "//meta[@name='DC.creator']/@content",
    "//meta[@itemprop='author']/@content",
)
_URL = re.compile(r"^(?:https?:)?//|^www\.", re.I)


def _json_ld(tree: etree._Element) -> list[dict]:
    """Every object in the page's JSON-LD, ``@graph`` members included."""
    found: list[dict] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            found.append(value)
            walk(value.get("@graph"))
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            walk(json.loads(script.text or "", strict=False))
        except (ValueError, RecursionError):
            continue
    return found


def _ld_author(value: object) -> str | None:
    if isinstance(value, list):
        names = [n for n in (_ld_author(v) for v in value) if n]
        return "; ".join(names) or None
    if isinstance(value, dict):
        value = value.get("name")
    return _clean(value) if isinstance(value, str) else None


def _first(values: object) -> str | None:
    for value in values if isinstance(values, list) else ():
        text = _clean(str(value))
        if text:
            return text
    return None


def _declared(tree: etree._Element | None) -> tuple[str | None, str | None]:
    """The publication date and author as the page declares them, unvalidated:
    ``<meta>`` tags, then JSON-LD, then a ``<time datetime>`` of the article's byline. Trafilatura and htmldate drop
    a future or malformed date and a placeholder author, which are exactly the
    defects the AQ8xx rules report."""
    if tree is None:
        return None, None
    published = next((v for v in (_first(tree.xpath(x)) for x in _DATE_META) if v), None)
    author = next((v for v in (_first(tree.xpath(x)) for x in _AUTHOR_META) if v and not _URL.match(v)), None)
    if published is None or author is None:
        for obj in _json_ld(tree):
            if published is None and isinstance(obj.get("datePublished"), str):
                published = _clean(obj["datePublished"]) or None
            if author is None:
                name = _ld_author(obj.get("author"))
                author = name if name and not _URL.match(name) else None
    if published is None:
        published = _byline_time(tree)
    return published, author


def _byline_time(tree: etree._Element) -> str | None:
    """The ``datetime`` of a ``<time>`` marked as the publication date, or else of the
    first one in the article's byline, before its first paragraph: a ``<time>`` in
    the story itself dates an event, not the article."""
    marked = tree.xpath("//time[@pubdate or @itemprop='datePublished']/@datetime")
    if _first(marked):
        return _first(marked)
    for article in tree.iter("article"):
        for node in article.iter("time", "p"):
            if node.tag == "p" and _clean(node.text_content()):
                return None
            if node.tag == "time" and _clean(node.get("datetime")):
                return _clean(node.get("datetime"))
        return None
    return None


def _placeholder(author: str | None, site_name: str | None) -> str | None:
    """A declared byline Trafilatura drops as a placeholder ("admin", "webmaster"),
    kept so AQ804 can report it. Other bylines it drops (the site's own name, a
    brand) stay dropped."""
    from audit.rules.metadata import is_placeholder_author

    return author if author and is_placeholder_author(author, site_name) else None


_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")


def _impossible_day(value: str) -> bool:
    """``2024-13-45``: shaped like an ISO date, but no such day."""
    match = _ISO_DAY.match(value.strip())
    if not match:
        return False
    try:
        date(*(int(g) for g in match.groups()))
    except ValueError:
        return True
    return False


def _published(declared: str | None, extracted: str | None) -> str | None:
    """The date the metadata rules judge: Trafilatura's (``YYYY-MM-DD``) unless it
    dropped or bent what the page declares, namely a declared date it rejected (in the
    future, or no date at all: "kemarin sore"), a declared ISO date in the future
    when it fell back on another date, and an ISO-shaped but impossible date
    ("2024-13-45", which it reads as 2024-01-01). A declared date in a local format
    ("Thu, 21 Dec 2023") or time zone that Trafilatura read keeps its reading."""
    from audit.rules.metadata import parse_date, today

    if not declared:
        return extracted
    if not extracted:
        return declared
    ours = parse_date(declared)
    if ours is not None:
        return declared if ours > today() else extracted
    return declared if _impossible_day(declared) else extracted


def _declared_languages(tree: etree._Element | None) -> list[str]:
    """The page's own language tags, most authoritative first: ``<html lang>``,
    ``og:locale``, ``content-language`` and ``language`` meta tags."""
    if tree is None:
        return []
    found = tree.xpath(
        "/html/@lang | /html/@xml:lang"
        " | //meta[@property='og:locale']/@content"
        " | //meta[translate(@http-equiv, 'CONTENTLAGU', 'contentlagu')='content-language']/@content"
        " | //meta[@name='language' or @name='content-language']/@content",
        namespaces={"xml": "http://www.w3.org/XML/1998/namespace"},
    )
    tags = []
    for value in found:
        tags.extend(part.strip() for part in str(value).split(",") if part.strip())
    return tags


def _headline_from_title(html_title: str | None, site_name: str | None) -> str | None:
    """Strip a trailing ``- Site`` from ``<title>`` to approximate the headline."""
    if not html_title:
        return None
    parts = _TITLE_SEPARATORS.split(html_title)
    if len(parts) > 1 and (site_name is None or parts[-1].strip().casefold() == site_name.casefold()):
        return " - ".join(parts[:-1]).strip() or html_title
    return html_title


def extract_article(
    data: bytes | str,
    url: str | None = None,
    language_hint: str | None = None,
    source: str | None = None,
) -> Extraction:
    """Extract one article. Never raises; returns an :class:`Extraction`."""
    try:
        return _extract(data, url, language_hint, source)
    except Exception as exc:  # noqa: BLE001 - extraction must never take a crawl down
        return Extraction(failure=ExtractionFailure("extraction_error", f"{type(exc).__name__}: {exc}"))


def _extract(data: bytes | str, url: str | None, language_hint: str | None, source: str | None) -> Extraction:
    size = len(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
    if (
        size == 0
        or (isinstance(data, str) and not data.strip())
        or (isinstance(data, bytes) and not data.strip())
    ):
        return Extraction(failure=ExtractionFailure("empty_body", "the page has no content"))
    if size > MAX_HTML_BYTES:
        return Extraction(
            failure=ExtractionFailure("too_large", f"{size} bytes exceeds the {MAX_HTML_BYTES} cap")
        )
    if isinstance(data, bytes) and _looks_binary(data):
        return Extraction(failure=ExtractionFailure("binary_content", "the body is not text"))
    text = decode_html(data)
    # Parse once: we read the headline and canonical link from this tree and hand
    # it to Trafilatura, which copies it instead of parsing the page again.
    tree = load_html(text)
    h1, html_title = _page_headline(tree)
    canonical = _canonical(tree)
    declared_date, declared_author = _declared(tree)
    xml = trafilatura.extract(
        tree if tree is not None else text,
        url=url,
        output_format="xml",
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_formatting=False,
        include_links=False,
        include_images=False,
        deduplicate=False,
    )
    if not xml:
        return Extraction(failure=ExtractionFailure("no_article_text", "Trafilatura found no main text"))
    meta, raw_blocks = _blocks_from_xml(xml)
    raw_blocks = _restore_repeats(tree, raw_blocks)
    if not raw_blocks:
        return Extraction(failure=ExtractionFailure("no_article_text", "the main text has no blocks"))

    body = "\n".join(t for _, t, _ in raw_blocks)
    detected = language.detect(body)
    detected_code = detected[0] if detected else None
    # The caller's hint wins; otherwise the page's own lang (a Malay page declares
    # "ms", which langdetect, having no Malay profile, reads as "id").
    hint = language_hint or language.page_hint(_declared_languages(tree), detected_code)
    article_lang = language.resolve(detected_code, hint)
    blocks = []
    for index, (kind, block_text, level) in enumerate(raw_blocks):
        if language.clearly_in(block_text, article_lang):
            blocks.append(Block(index=index, kind=kind, text=block_text, level=level, language=article_lang))
            continue
        found = language.detect(block_text)
        # An unsure guess (a list of names, a language langdetect has no profile for)
        # is left undetermined rather than reported as another language.
        sure = found is not None and found[1] >= language.MIN_BLOCK_CONFIDENCE
        block_lang = language.resolve(found[0], article_lang) if sure else None
        blocks.append(Block(index=index, kind=kind, text=block_text, level=level, language=block_lang))

    site_name = meta.get("sitename") or None
    headline = h1 or _headline_from_title(html_title, site_name) or meta.get("title")
    tags = tuple(t.strip() for t in (meta.get("tags") or "").split(";") if t.strip())
    article = Article(
        url=url or meta.get("url"),
        title=meta.get("title") or headline,
        headline=headline,
        html_title=html_title,
        blocks=tuple(blocks),
        language=article_lang,
        author=meta.get("author") or _placeholder(declared_author, site_name),
        published=_published(declared_date, meta.get("date") or None),
        site_name=site_name,
        description=meta.get("description") or None,
        tags=tags,
        canonical_url=canonical or None,
        source=source,
    )
    return Extraction(article=article)
