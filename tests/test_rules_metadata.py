"""metadata_defect (AQ8xx): date, author and title defects, evidence "field: problem"."""

from __future__ import annotations

from datetime import date

import pytest

from audit.config import load_config
from audit.engine import audit_article
from audit.model import Article, Block
from audit.rules import metadata

ONLY = load_config(override={"rules": {"select": ["AQ8"]}})

BODY = (
    Block(
        0, "paragraph", "Warga kota menyambut baik perbaikan jalan yang selesai lebih cepat.", language="id"
    ),
)


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metadata, "today", lambda: date(2025, 11, 29))


def article(**meta: object) -> Article:
    fields: dict = {"url": None, "title": "Perbaikan Jalan Selesai", "blocks": BODY, "language": "id"}
    fields.setdefault("published", "2025-11-24")
    fields.update(meta)
    return Article(**fields)


def findings(art: Article) -> list[tuple[str, str, str]]:
    return [(f.type, f.rule, f.evidence) for f in audit_article(art, ONLY).findings]


def test_a_well_formed_article_has_no_metadata_findings() -> None:
    art = article(
        author="Siti Rahmawati",
        html_title="Perbaikan Jalan Selesai Lebih Cepat - Kabar Kota",
        headline="Perbaikan Jalan Selesai Lebih Cepat",
        site_name="Kabar Kota",
        published="2025-11-24T08:15:00+07:00",
    )
    assert findings(art) == []


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        (None, ("metadata_defect", "AQ801", "date: missing")),
        ("24/13/2025", ("metadata_defect", "AQ802", "date: cannot be parsed ('24/13/2025')")),
        ("2031-02-01", ("metadata_defect", "AQ803", "date: in the future ('2031-02-01')")),
    ],
)
def test_date_defects(published: str | None, expected: tuple[str, str, str]) -> None:
    assert findings(article(published=published)) == [expected]


def test_tomorrow_is_tolerated_for_time_zones() -> None:
    assert findings(article(published="2025-11-30")) == []


@pytest.mark.parametrize("author", ["admin", "Administrator", "admin2", "Admin BeritaBurung", "แอดมิน"])
def test_placeholder_authors(author: str) -> None:
    art = article(author=author, site_name="BeritaBurung")
    assert findings(art) == [("metadata_defect", "AQ804", f"author: placeholder '{author}'")]


@pytest.mark.parametrize("author", ["Redaksi Kabar Kota", "Nguyễn Văn An", "Maria Santos", "Tim Liputan"])
def test_real_bylines_are_left_alone(author: str) -> None:
    assert findings(article(author=author)) == []


@pytest.mark.parametrize(
    ("html_title", "headline"),
    [
        ("Harga Beras Naik Menjelang Natal 2025 - Kabar Kota", "Harga Beras Naik Menjelang Natal"),
        ("Giá xăng giảm lần thứ ba trong tháng (2025)", "Giá xăng giảm lần thứ ba trong tháng"),
        (
            "Presyo ng bigas tumaas ngayong Disyembre Update 2025 | Balita Ngayon",
            "Presyo ng bigas tumaas ngayong Disyembre",
        ),
    ],
)
def test_title_stuffed_with_a_year(html_title: str, headline: str) -> None:
    art = article(html_title=html_title, headline=headline, site_name="Kabar Kota")
    assert findings(art) == [("metadata_defect", "AQ805", "title: ends with the year '2025'")]


@pytest.mark.parametrize(
    ("html_title", "headline"),
    [
        # The year belongs to the headline itself.
        ("Budget 2025: What Changes for Families - City Times", "Budget 2025: What Changes for Families"),
        # A date suffix, not stuffing.
        ("Wahl: Kandidat setzt auf Wandel – DW – 30.01.2024", "Wahl: Kandidat setzt auf Wandel"),
        # A section label with a year.
        ("A Year of Home Repairs — Best of 2014 | Home Daily", "A Year of Home Repairs"),
    ],
)
def test_legitimate_years_in_titles(html_title: str, headline: str) -> None:
    assert findings(article(html_title=html_title, headline=headline, site_name="City Times")) == []


def test_title_stuffed_with_the_site_name() -> None:
    art = article(
        html_title="Kabar Kota | Harga Beras Naik | Kabar Kota",
        headline="Harga Beras Naik",
        site_name="Kabar Kota",
    )
    assert findings(art) == [
        ("metadata_defect", "AQ806", "title: repeats the site name 'Kabar Kota' 2 times")
    ]


def test_site_name_inside_the_headline_is_not_stuffing() -> None:
    art = article(
        html_title="NASA Tests a New Laser Link - NASA",
        headline="NASA Tests a New Laser Link",
        site_name="NASA",
    )
    assert findings(art) == []


def test_parse_date_accepts_partial_dates() -> None:
    assert metadata.parse_date("2025") == date(2025, 1, 1)
    assert metadata.parse_date("2025-11") == date(2025, 11, 1)
    assert metadata.parse_date("2025-11-24T08:15:00Z") == date(2025, 11, 24)
    assert metadata.parse_date("kemarin sore") is None


ODD_BLOCKS = [
    (),
    (Block(0, "paragraph", "X"),),
    (Block(0, "paragraph", "HARGA BERAS NAIK 20 PERSEN KATA MENTERI " * 30, language="id"),),
    (Block(0, "paragraph", "tanpa tanda baca sama sekali " * 200, language="id"),),
    (Block(0, "heading", "FAQ", level=2),),
    (Block(0, "paragraph", "混合 scripts ผสม 15% ตัวอักษร и кириллица 3 triệu", language="th"),),
]


@pytest.mark.parametrize("blocks", ODD_BLOCKS)
def test_odd_articles_never_crash_these_rules(blocks: tuple[Block, ...]) -> None:
    config = load_config(override={"rules": {"select": ["AQ4", "AQ6", "AQ7", "AQ8"]}})
    for meta in (
        {},
        {"published": "", "author": "", "html_title": "", "headline": "", "site_name": "", "language": None},
    ):
        art = Article(url=None, title=None, blocks=blocks, **meta)
        assert not [f for f in audit_article(art, config).findings if f.type == "rule_error"]


# From the page: Trafilatura and htmldate validate a future or malformed date and a
# placeholder byline away, so these defects could never fire on a real page.
PAGE_BODY = {
    "id": (
        "<h1>Perbaikan Jalan Lingkar Selatan Selesai Lebih Cepat</h1>"
        "<p>Dinas pekerjaan umum kota menyelesaikan perbaikan jalan lingkar selatan dua minggu lebih cepat "
        "dari jadwal, kata kepala dinas kepada wartawan pada hari Senin.</p>"
        "<p>Warga yang setiap hari melintas mengatakan perjalanan ke pasar kini jauh lebih lancar, "
        "terutama pada jam sibuk pagi dan sore hari.</p>"
        "<p>Pemerintah kota berencana memperbaiki dua ruas jalan lain di kawasan utara setelah musim "
        "hujan berakhir tahun depan.</p>"
    ),
    "en": (
        "<h1>Southern Ring Road Repairs Finish Early</h1>"
        "<p>The city's public works department finished repairing the southern ring road two weeks ahead "
        "of schedule, its director told reporters on Monday.</p>"
        "<p>Commuters who use the road every day said the trip to the market was now much smoother, "
        "especially during the morning and evening rush.</p>"
        "<p>The city plans to repair two more roads in the northern district once the rainy season ends "
        "next year.</p>"
    ),
}


def page_findings(head: str, lang: str = "id", byline: str = "") -> list[tuple[str, str]]:
    from audit.extract import extract_article

    html = (
        f"<html lang='{lang}'><head><meta charset='utf-8'><title>Kabar Kota</title>{head}</head>"
        f"<body><article>{byline}{PAGE_BODY[lang]}</article></body></html>"
    )
    art = extract_article(html.encode()).article
    return [
        (f.rule, f.evidence)
        for f in audit_article(art, ONLY).findings
        if f.rule in ("AQ801", "AQ802", "AQ803", "AQ804")
    ]


LD = '<script type="application/ld+json">{json}</script>'


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (
            '<meta property="article:published_time" content="2031-06-01">',
            ("AQ803", "date: in the future ('2031-06-01')"),
        ),
        (
            LD.format(json='{"@type": "NewsArticle", "datePublished": "2031-06-01T08:00:00+07:00"}'),
            ("AQ803", "date: in the future ('2031-06-01T08:00:00+07:00')"),
        ),
        (
            LD.format(
                json='{"@graph": [{"@type": "WebPage"}, {"@type": "NewsArticle", "datePublished": "2030-01-15"}]}'
            ),
            ("AQ803", "date: in the future ('2030-01-15')"),
        ),
        (
            '<meta property="article:published_time" content="kemarin sore">',
            ("AQ802", "date: cannot be parsed ('kemarin sore')"),
        ),
        (
            '<meta name="date" content="2024-13-45">',
            ("AQ802", "date: cannot be parsed ('2024-13-45')"),
        ),
    ],
)
def test_declared_date_defects_on_a_page(head: str, expected: tuple[str, str], lang: str) -> None:
    assert page_findings(head, lang) == [expected]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_future_byline_time_is_a_future_date(lang: str) -> None:
    byline = '<p class="byline"></p><time datetime="2030-03-02">2 Maret 2030</time>'
    assert page_findings("", lang, byline) == [("AQ803", "date: in the future ('2030-03-02')")]


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize(
    "head",
    [
        '<meta name="author" content="admin">',
        '<meta name="author" content="Administrator">',
        '<meta name="author" content="webmaster">',
        LD.format(json='{"@type": "NewsArticle", "author": {"@type": "Person", "name": "admin"}}'),
    ],
)
def test_placeholder_author_on_a_page(head: str, lang: str) -> None:
    date_meta = '<meta property="article:published_time" content="2025-11-20T09:00:00+07:00">'
    name = head.split('content="')[1].split('"')[0] if "content=" in head else "admin"
    assert page_findings(date_meta + head, lang) == [("AQ804", f"author: placeholder '{name}'")]


@pytest.mark.parametrize(
    ("head", "byline", "published", "author"),
    [
        # nothing declared (the <time> in the story dates an event, not the article)
        ("", "", None, None),
        # a local format Trafilatura reads keeps its normalised date
        ('<meta name="date" content="Thu, 20 Nov 2025 14:00:00 GMT">', "", "2025-11-20", None),
        # an ISO timestamp of the day Trafilatura read keeps its time of day and zone (feeds need them)
        (
            '<meta property="article:published_time" content="2025-11-20T23:30:00-05:00">',
            "",
            "2025-11-20T23:30:00-05:00",
            None,
        ),
        # bylines Trafilatura reads are its own
        ('<meta name="author" content="Siti Rahmawati">', "", None, "Siti Rahmawati"),
        ('<meta name="author" content="Kabar Kota">', "", None, "Kabar Kota"),
        # a byline <time> in the past is read by Trafilatura
        ("", '<time datetime="2025-11-20">20 November 2025</time>', "2025-11-20", None),
    ],
)
def test_declared_metadata_keeps_trafilaturas_reading_otherwise(head, byline, published, author) -> None:
    from audit.extract import extract_article

    body = PAGE_BODY["id"].replace(
        "pada hari Senin", 'pada <time datetime="2031-01-05">5 Januari 2031</time>'
    )
    html = (
        f"<html><head><meta charset='utf-8'><title>Jalan - Kabar Kota</title>"
        f"<meta property='og:site_name' content='Kabar Kota'>{head}</head>"
        f"<body><article>{byline}{body}</article></body></html>"
    )
    art = extract_article(html.encode()).article
    assert (art.published, art.author) == (published, author)
