"""``audit.htmltree.parse_html`` builds the same tree as Trafilatura's ``load_html``,
with a class lookup done in C, and Trafilatura takes the tree as is."""

from __future__ import annotations

import gzip
import json

import pytest
from lxml import etree
from lxml import html as lxml_html
from trafilatura.utils import load_html

from audit.extract import extract_article
from audit.htmltree import parse_html
from tests.paths import PAGES, shared_path

ODD_INPUTS = [
    "",
    "   ",
    "just a line of text with no markup at all",
    "<p>one fragment</p>",
    "<div><p>a</p></div><div><p>b</p></div>",
    '<?xml version="1.0" encoding="utf-8"?><html><body><p>declared XML</p></body></html>',
    "<!DOCTYPE html><html/><body><p>self-closed html tag</p></body>",
    "<html><body><p>unclosed <b>bold <i>and italic</body>",
    "<html><body><p>bad \x00 control \x0b chars</p></body></html>",
    "<html><body><form><input name=q value=x><select><option>1</select></form></body></html>",
]


def _same_tree(text: str) -> None:
    ours, theirs = parse_html(text), load_html(text)
    if theirs is None:
        assert ours is None
        return
    assert ours is not None
    assert etree.tostring(ours, encoding="unicode") == etree.tostring(theirs, encoding="unicode")


@pytest.mark.parametrize("text", ODD_INPUTS)
def test_same_tree_as_trafilatura_on_odd_input(text: str) -> None:
    _same_tree(text)


@pytest.mark.parametrize("path", sorted(PAGES.glob("*.html")), ids=lambda p: p.name)
def test_same_tree_as_trafilatura_on_fixture_pages(path) -> None:
    _same_tree(path.read_bytes().decode("utf-8", "replace"))


def test_every_element_is_an_html_element_that_trafilatura_keeps() -> None:
    tree = parse_html(ODD_INPUTS[-1])
    assert tree is not None
    assert all(type(node) is lxml_html.HtmlElement for node in tree.iter(etree.Element))
    assert load_html(tree) is tree  # handed over, not parsed again
    # lxml.html's own parser would have made these form classes; nothing here reads them.
    assert type(load_html(ODD_INPUTS[-1]).find(".//input")) is lxml_html.InputElement


def test_same_tree_on_real_corpus_pages() -> None:
    corpus = shared_path("corpus")
    rows = [json.loads(line) for line in (corpus / "manifest.jsonl").open(encoding="utf-8")]
    # Every 20th page: all languages and sources of the corpus, in a second or two.
    for row in rows[::20]:
        text = gzip.decompress((corpus / row["path"]).read_bytes()).decode("utf-8", "replace")
        _same_tree(text)


def test_extraction_reads_the_same_text_through_either_tree(monkeypatch) -> None:
    path = PAGES / "id_banjir_defects.html"
    ours = extract_article(path.read_bytes(), url="https://example.id/banjir")
    monkeypatch.setattr("audit.extract.parse_html", load_html)
    theirs = extract_article(path.read_bytes(), url="https://example.id/banjir")
    assert ours == theirs
    assert ours.article is not None and ours.article.blocks
