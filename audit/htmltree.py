"""Parse a page into the ``lxml.html`` tree that extraction and every HTML reader share.

Why not ``trafilatura.utils.load_html``: its parser is ``lxml.html.HTMLParser``,
whose element-class lookup is a Python method called for every element proxy
lxml creates (1.7 million calls on 300 corpus pages; about 6% of the CPU of
extraction and audit together, measured on the 1,409 corpus pages).
:class:`lxml.etree.ElementDefaultClassLookup` picks the class in C. It
gives every element :class:`~lxml.html.HtmlElement` (Trafilatura accepts such a
tree as is) instead of the form classes (``InputElement``...), whose extra
properties nothing here reads; the extracted text and findings are identical
(``tests/test_htmltree.py``). The parse options and repairs are
``load_html``'s, so the tree is the same.
"""

from __future__ import annotations

from lxml import etree
from lxml import html as lxml_html
from trafilatura.utils import is_dubious_html, repair_faulty_html

_PARSER = lxml_html.HTMLParser(
    collect_ids=False,
    default_doctype=False,
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
)
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=lxml_html.HtmlElement,
        comment=lxml_html.HtmlComment,
        pi=lxml_html.HtmlProcessingInstruction,
        entity=lxml_html.HtmlEntity,
    )
)


def _from_bytes(text: str) -> lxml_html.HtmlElement | None:
    try:
        return lxml_html.fromstring(text.encode("utf-8", "surrogatepass"), parser=_PARSER)
    except Exception:  # load_html's own breadth: an unparsable page is "not HTML"
        return None


def parse_html(text: str) -> lxml_html.HtmlElement | None:
    """The page's tree, or None when it is not HTML (``load_html``'s rejection test:
    no "html" in its first 50 characters and fewer than two top-level elements)."""
    beginning = text[:50].lower()
    dubious = is_dubious_html(beginning)
    text = repair_faulty_html(text, beginning)
    tree = None
    from_bytes = False
    try:
        tree = lxml_html.fromstring(text, parser=_PARSER)
    except ValueError:  # "Unicode strings with encoding declaration are not supported."
        tree = _from_bytes(text)
        from_bytes = True
    except Exception:
        tree = None
    if (tree is None or len(tree) < 1) and not from_bytes:
        tree = _from_bytes(text)
    if tree is not None and dubious and len(tree) < 2:
        return None
    return tree
