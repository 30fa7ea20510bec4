"""Property-based tests: no text or HTML makes extraction or any rule raise.

A rule that raised would show up as an AQ000 finding, so the properties check that
none appears, and that every record still serialises and validates.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.engine import audit_article
from audit.extract import extract_article
from audit.model import Article, Block
from audit.records import audit_record, json_line
from audit.schema import errors

# Text drawn from the scripts we audit, plus punctuation, digits, controls and surrogates.
ALPHABET = st.characters(
    codec=None,
    categories=("L", "M", "N", "P", "S", "Z", "Cc", "Cs"),
)
SEA_WORDS = st.sampled_from(
    [
        "persen",
        "menurut",
        "kata",
        "Baca juga",
        "ayon sa",
        "porsiyento",
        "phần trăm",
        "theo",
        "ร้อยละ",
        "ระบุว่า",
        "15%",
        "2025",
        "juta",
        "JAKARTA - 1 Juli,",
        "FAQ",
        "admin",
        "(nds/krs)",
        "Tetap ikuti perkembangan terbaru",
        "Follow us",
        "Xem thêm",
        ".",
        ",",
        "?",
        "\u201c",
        "\u201d",
    ]
)
TEXT = st.one_of(
    st.text(ALPHABET, max_size=400),
    st.lists(st.one_of(SEA_WORDS, st.text(ALPHABET, min_size=1, max_size=12)), max_size=80).map(" ".join),
)
KINDS = st.sampled_from(["heading", "paragraph", "list_item", "quote", "table"])
LANGS = st.sampled_from([None, "id", "ms", "en", "tl", "vi", "th", "de", "zz"])


@st.composite
def articles(draw) -> Article:
    n = draw(st.integers(0, 12))
    blocks = []
    for i in range(n):
        kind = draw(KINDS)
        blocks.append(
            Block(
                index=i,
                kind=kind,
                text=draw(TEXT),
                level=draw(st.integers(1, 6)) if kind == "heading" else None,
                language=draw(LANGS),
            )
        )
    title = draw(st.one_of(st.none(), TEXT))
    return Article(
        url=draw(st.one_of(st.none(), st.just("https://example.test/a"))),
        title=title,
        headline=draw(st.one_of(st.none(), st.just(title), TEXT)),
        html_title=draw(st.one_of(st.none(), TEXT)),
        blocks=tuple(blocks),
        language=draw(LANGS),
        author=draw(st.one_of(st.none(), TEXT)),
        published=draw(st.one_of(st.none(), TEXT, st.dates().map(str))),
        site_name=draw(st.one_of(st.none(), TEXT)),
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(articles())
def test_no_rule_raises_on_any_article(article):
    result = audit_article(article)
    crashed = [f.message for f in result.findings if f.rule == "AQ000"]
    assert not crashed, crashed
    assert 0 <= result.score <= 100
    line = json_line(audit_record(result, source="prop"))
    record = json.loads(line)
    assert errors("audit-report", record) == []


HTML_TAGS = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<h1>",
        "</h1>",
        "<h2>",
        "<h3>",
        "</h2>",
        "<article>",
        "</article>",
        "<div>",
        "</div>",
        "<ul><li>",
        "</li></ul>",
        "<script>",
        "</script>",
        "<title>",
        "</title>",
        "<meta charset='tis-620'>",
        "<br>",
        "<!--",
        "-->",
        "<![CDATA[",
        "<table><tr><td>",
        "&amp;",
        "&#0;",
        "&#xD800;",
        "<",
        ">",
        "\x00",
    ]
)
HTML = st.lists(st.one_of(HTML_TAGS, TEXT), max_size=60).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(HTML, HTML.map(lambda s: s.encode("utf-8", "surrogatepass")), st.binary(max_size=2000)))
def test_extraction_never_raises_and_always_explains(data):
    extraction = extract_article(data)
    assert (extraction.article is None) != (extraction.failure is None)
    if extraction.failure is not None:
        assert extraction.failure.reason
        assert extraction.failure.reason != "extraction_error", extraction.failure.detail
    else:
        result = audit_article(extraction.article)
        assert not [f for f in result.findings if f.rule == "AQ000"]
        json_line(audit_record(result, source="prop")).encode("utf-8")
