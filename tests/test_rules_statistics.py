"""unsourced_statistic (AQ4xx): real sentences in several languages, bad and good."""

from __future__ import annotations

import pytest

from audit.config import load_config
from audit.engine import audit_article
from audit.model import Article, Block

ONLY = load_config(override={"rules": {"select": ["AQ4"]}})


def article(*paragraphs: str, language: str = "en", kind: str = "paragraph") -> Article:
    blocks = tuple(Block(i, kind, text, language=language) for i, text in enumerate(paragraphs))  # type: ignore[arg-type]
    return Article(url=None, title="Test", blocks=blocks, language=language)


def findings(art: Article) -> list[tuple[str, str, str]]:
    return [(f.type, f.rule, f.evidence) for f in audit_article(art, ONLY).findings]


@pytest.mark.parametrize(
    ("language", "paragraph", "sentence"),
    [
        (
            "id",
            "Harga cabai di pasar tradisional melonjak tajam pekan ini. "
            "Dalam tiga bulan terakhir, tercatat kenaikan harga sekitar 27 persen.",
            "Dalam tiga bulan terakhir, tercatat kenaikan harga sekitar 27 persen.",
        ),
        (
            "ms",
            "Ramai peniaga di pasar borong mengeluh tentang kos operasi. Harga sayur naik 14 peratus sejak bulan lalu.",
            "Harga sayur naik 14 peratus sejak bulan lalu.",
        ),
        (
            "tl",
            "Dumami ang mga mamimili sa palengke ngayong Disyembre. "
            "Tumaas ng 18 porsiyento ang presyo ng bigas mula noong Oktubre.",
            "Tumaas ng 18 porsiyento ang presyo ng bigas mula noong Oktubre.",
        ),
        (
            "vi",
            "Giá thịt lợn tăng khoảng 12% so với tháng trước.",
            "Giá thịt lợn tăng khoảng 12% so với tháng trước.",
        ),
        (
            "th",
            # No sentence punctuation in Thai: the evidence is the clause holding the figure.
            "ราคาผักในตลาดสดปรับตัวสูงขึ้นต่อเนื่อง ราคาผักชีเพิ่มขึ้นร้อยละ 40 ภายในหนึ่งเดือน",
            "ราคาผักชีเพิ่มขึ้นร้อยละ 40",
        ),
        (
            "en",
            # A source earlier in the paragraph does not cover a figure tacked on after it.
            "The minister said the budget would be balanced by 2027. Rents have climbed 12 percent since January.",
            "Rents have climbed 12 percent since January.",
        ),
    ],
)
def test_unsourced_percentage_is_flagged(language: str, paragraph: str, sentence: str) -> None:
    assert findings(article(paragraph, language=language)) == [("unsourced_statistic", "AQ401", sentence)]


def test_unsourced_amount_is_flagged_at_info() -> None:
    art = article("The city quietly spent $4.5 million on the unfinished bridge.", language="en")
    result = audit_article(art, ONLY)
    assert [(f.rule, f.severity, f.evidence) for f in result.findings] == [
        ("AQ402", "info", "The city quietly spent $4.5 million on the unfinished bridge.")
    ]
    assert "$4.5 million" in result.findings[0].message


@pytest.mark.parametrize(
    ("language", "paragraph"),
    [
        ("en", "According to the Bureau of Statistics, unemployment fell to 4.1 percent in May."),
        ("id", "“Angka kemiskinan turun menjadi 9 persen tahun ini,” kata Menteri Sosial di Jakarta."),
        ("ms", "Menurut Jabatan Perangkaan, kadar inflasi negara ialah 2.1 peratus pada bulan Mac."),
        ("tl", "Ayon sa PSA, bumaba sa 4 porsiyento ang inflation noong Marso."),
        ("vi", "Theo Tổng cục Thống kê, chỉ số giá tiêu dùng tăng 3,5% trong quý I."),
        ("th", "กระทรวงพาณิชย์ระบุว่า อัตราเงินเฟ้อเพิ่มขึ้นร้อยละ 1.2 ในเดือนที่ผ่านมา"),
        # A statistic inside a closed quotation is the speaker's.
        ("id", '"Penjualan kami naik 30 persen. Kami sangat senang," ujar Budi, pemilik toko.'),
        # The next sentence names where the figures come from.
        ("en", "Unemployment rose to 6 percent in March. The figures come from the latest national census."),
        # A bracketed citation.
        ("id", "Konsumsi beras turun rata-rata 1,6 persen per tahun (BPS 2014)."),
        # Not statistics at all: a year in a name, ages, scores, dates.
        (
            "id",
            "Pertemuan ini menjadi landasan penguatan implementasi ASC Blueprint 2025 dengan strategi yang jelas.",
        ),
        ("en", "The 34-year-old scored 28 points on 12 March as the Lakers won 112-104."),
        ("tl", "Sa edad na 21, nanalo siya ng 3 gintong medalya noong 2019 SEA Games."),
        ("en", "COVID-19 cases were discussed at the G20 meeting."),
    ],
)
def test_sourced_or_non_statistics_are_left_alone(language: str, paragraph: str) -> None:
    assert findings(article(paragraph, language=language)) == []


def test_a_weak_named_source_is_not_flagged_above_info() -> None:
    text = (
        "Berdasarkan data ASEAN Development Outlook, lebih dari 40 persen masyarakat rentan di kawasan "
        "belum menerima perlindungan sosial yang memadai."
    )
    result = audit_article(article(text, language="id"), ONLY)
    assert all(f.severity == "info" for f in result.findings)


def test_quote_blocks_and_headings_are_not_searched() -> None:
    art = Article(
        url=None,
        title="T",
        language="en",
        blocks=(
            Block(0, "heading", "Inflation hits 9 percent", level=2),
            Block(1, "quote", "Inflation hit 9 percent and we must act now.", language="en"),
        ),
    )
    assert findings(art) == []


def test_one_flag_per_sentence_even_with_two_figures() -> None:
    text = "Exports fell 8 percent while imports rose 3 percent over the quarter."
    assert findings(article(text)) == [("unsourced_statistic", "AQ401", text)]


def test_amounts_can_be_switched_off() -> None:
    config = load_config(
        override={
            "rules": {"select": ["AQ4"]},
            "thresholds": {"unsourced_statistic": {"flag_amounts": False}},
        }
    )
    art = article("The city quietly spent $4.5 million on the unfinished bridge.")
    assert audit_article(art, config).findings == ()


def test_thai_amount_is_not_split_from_its_unit() -> None:
    text = "โครงการนี้ใช้งบประมาณ 45,000 ล้านบาท ในการก่อสร้างถนน"
    assert findings(article(text, language="th")) == [
        ("unsourced_statistic", "AQ402", "โครงการนี้ใช้งบประมาณ 45,000 ล้านบาท")
    ]


def test_thai_source_clause_before_the_figure() -> None:
    text = "สำนักงานสถิติแห่งชาติระบุว่า จำนวนผู้ว่างงานเพิ่มขึ้นร้อยละ 3 ในไตรมาสแรก"
    assert findings(article(text, language="th")) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "The disease kills 12 people per 100,000 every year.",
        "Angka kematian ibu mencapai 305 per 100.000 kelahiran hidup.",
    ],
)
def test_unsourced_rates_are_flagged(sentence: str) -> None:
    assert findings(article(sentence)) == [("unsourced_statistic", "AQ401", sentence)]


def test_a_per_game_average_is_not_a_rate() -> None:
    assert findings(article("He averaged 30 points per game last season.")) == []
