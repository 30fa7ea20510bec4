"""HTML -> :class:`~audit.model.Article`.

Trafilatura's XML output keeps headings (``<head rend="h2">``), paragraphs and list
items in page order, which the rules need; its plain-text output would flatten them.
Extraction never raises: every way a page can fail ends as an
:class:`~audit.model.ExtractionFailure` with a reason code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree
from trafilatura.core import bare_extraction, determine_returnstring
from trafilatura.settings import Extractor

from audit import language
from audit.declared import declared, declared_languages, placeholder, published
from audit.htmltree import parse_html
from audit.model import Article, Block, ExtractionFailure
from audit.page_repeats import restore_headline_headings, restore_repeats, restore_separated_copies
from audit.roles import block_roles
from audit.text import collapse_spaces, dominant_script

#: Pages larger than this are refused rather than parsed (memory and time cap).
MAX_HTML_BYTES = 8 * 1024 * 1024

_HEAD_LEVEL = re.compile(r"h([1-6])")
_TITLE_SEPARATORS = re.compile(r"\s+[-|–—•:]\s+")


@dataclass(frozen=True)
class Extraction:
    """Either an article or a failure; exactly one is set."""

    article: Article | None = None
    failure: ExtractionFailure | None = None

    @property
    def ok(self) -> bool:
        return self.article is not None


def _looks_binary(data: bytes) -> bool:
    head = data[:4096]
    if not head:
        return False
    if head.count(b"\x00") > 0:
        return True
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    return control / len(head) > 0.1


def decode_html(data: bytes | str) -> str:
    """Decode bytes by the one path the crawler and ``newsaudit audit`` use
    (:mod:`audit.charset`), so eval, benchmarks and the crawl read a page alike."""
    if isinstance(data, str):
        return data
    from audit.charset import decode_html as decode

    return decode(data, None)[0]


def _page_headline(tree: etree._Element | None) -> tuple[str | None, str | None]:
    """Return (``<h1>`` text, ``<title>`` text) straight from the page."""
    if tree is None:
        return None, None
    h1 = None
    for node in tree.iter("h1"):
        text = collapse_spaces(node.text_content())
        if text:
            h1 = text
            break
    title_nodes = tree.xpath("//title")
    html_title = collapse_spaces(title_nodes[0].text_content()) if title_nodes else None
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
            raw.append(
                ("heading", collapse_spaces("".join(node.itertext())), int(match.group(1)) if match else 2)
            )
        elif (
            tag == "p"
            and node.getparent() is not None
            and node.getparent().tag not in ("item", "quote", "cell")
        ):
            raw.append(("paragraph", collapse_spaces("".join(node.itertext())), None))
        elif tag == "item":
            raw.append(("list_item", collapse_spaces("".join(node.itertext())), None))
        elif tag == "quote":
            raw.extend(("quote", text, None) for text in _quote_paragraphs(node))
        elif tag == "row":
            cells = [collapse_spaces("".join(c.itertext())) for c in node.findall("cell")]
            raw.append(("table", " | ".join(c for c in cells if c), None))
    return meta, [(k, t, lvl) for k, t, lvl in raw if t]


def _quote_paragraphs(node: etree._Element) -> list[str]:
    """A quote's paragraphs, one block each. Trafilatura wraps a pull quote, and
    sometimes a whole run of the story, in one ``<quote>``; joining its ``<p>``
    children would glue sentences together ("...money?And although...") and hide
    a repeated paragraph inside a longer block."""
    if node.find("p") is None:
        return [collapse_spaces("".join(node.itertext()))]
    texts, loose = [], [node.text or ""]
    for child in node:
        if child.tag == "p":
            texts.append(collapse_spaces("".join(loose)))
            texts.append(collapse_spaces("".join(child.itertext())))
            loose = []
        else:
            loose.append("".join(child.itertext()))
        loose.append(child.tail or "")
    texts.append(collapse_spaces("".join(loose)))
    return [t for t in texts if t]


def _headline_from_title(html_title: str | None, site_name: str | None) -> str | None:
    """Strip a trailing ``- Site`` from ``<title>`` to approximate the headline."""
    if not html_title:
        return None
    parts = _TITLE_SEPARATORS.split(html_title)
    if len(parts) > 1 and (site_name is None or parts[-1].strip().casefold() == site_name.casefold()):
        return " - ".join(parts[:-1]).strip() or html_title
    return html_title


def _trafilatura_xml(page: etree._Element | str, url: str | None) -> str | None:
    """Trafilatura's XML, as ``trafilatura.extract(output_format="xml", with_metadata=True)``
    gives it but without the ``fingerprint`` attribute: ``extract`` hashes the whole
    text for it (~2.4 ms a page, ~7% of Trafilatura's time) and nothing here reads it."""
    options = Extractor(
        output_format="xml",
        comments=False,
        tables=True,
        formatting=False,
        links=False,
        images=False,
        dedup=False,
        url=url,
        with_metadata=True,
    )
    document = bare_extraction(page, options=options, as_dict=False)
    if not document:
        return None
    return determine_returnstring(document, options)


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
    tree = parse_html(text)
    h1, html_title = _page_headline(tree)
    canonical = _canonical(tree)
    declared_date, declared_author = declared(tree)
    xml = _trafilatura_xml(tree if tree is not None else text, url)
    if not xml:
        return Extraction(failure=ExtractionFailure("no_article_text", "Trafilatura found no main text"))
    meta, raw_blocks = _blocks_from_xml(xml)
    raw_blocks = restore_repeats(tree, raw_blocks)
    raw_blocks = restore_separated_copies(tree, raw_blocks)
    raw_blocks = restore_headline_headings(tree, raw_blocks, [h for h in (h1, meta.get("title")) if h])
    if not raw_blocks:
        return Extraction(failure=ExtractionFailure("no_article_text", "the main text has no blocks"))

    body = "\n".join(t for _, t, _ in raw_blocks)
    declared_tags = declared_languages(tree)
    detected_code = language.confirmed_declaration(body, declared_tags)
    if detected_code is None:
        detected = language.detect(body)
        detected_code = detected[0] if detected else None
    # The caller's hint wins; otherwise the page's own lang (a Malay page declares
    # "ms", which langdetect, having no Malay profile, reads as "id").
    hint = language_hint or language.page_hint(declared_tags, detected_code)
    article_lang = language.resolve(detected_code, hint)
    vocabulary = language.article_vocabulary(body, article_lang)
    script = dominant_script(body[:4000])
    roles = block_roles(tree, [t for _, t, _ in raw_blocks])
    blocks = []
    for index, (kind, block_text, level) in enumerate(raw_blocks):
        role = roles[index]
        if language.clearly_in(block_text, article_lang) or language.reads_like_article(
            block_text, article_lang, vocabulary, script
        ):
            blocks.append(
                Block(index=index, kind=kind, text=block_text, level=level, language=article_lang, role=role)
            )
            continue
        found = language.detect(block_text)
        # An unsure guess (a list of names, a language langdetect has no profile for)
        # is left undetermined rather than reported as another language.
        sure = found is not None and found[1] >= language.MIN_BLOCK_CONFIDENCE
        block_lang = language.resolve(found[0], article_lang) if sure else None
        blocks.append(
            Block(index=index, kind=kind, text=block_text, level=level, language=block_lang, role=role)
        )

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
        author=meta.get("author") or placeholder(declared_author, site_name),
        published=published(declared_date, meta.get("date") or None),
        site_name=site_name,
        description=meta.get("description") or None,
        tags=tags,
        canonical_url=canonical or None,
        source=source,
    )
    return Extraction(article=article)
