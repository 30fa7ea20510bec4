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
            # No sentence punctuation in Thai: the evidence is the group of clauses read as
            # the sentence holding the figure ("ภายใน..." continues it).
            "ราคาผักในตลาดสดปรับตัวสูงขึ้นต่อเนื่อง ราคาผักชีเพิ่มขึ้นร้อยละ 40 ภายในหนึ่งเดือน",
            "ราคาผักชีเพิ่มขึ้นร้อยละ 40 ภายในหนึ่งเดือน",
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
    assert findings(article(text, language="th")) == [("unsourced_statistic", "AQ402", text)]


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


# -- Cues that are also ordinary words ------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        # "kata" inside "dengan kata lain" (in other words) names no speaker.
        ("id", "Dengan kata lain, sekitar 15 persen lulusan baru masih menganggur setahun setelah wisuda."),
        # "riset mereka" is the students' own research, not a source.
        ("id", "Hampir 20 persen mahasiswa tingkat akhir gagal menyelesaikan riset mereka tepat waktu."),
        ("ms", "Dalam erti kata lain, kira-kira 12 peratus graduan masih belum mendapat pekerjaan tetap."),
        # Tagalog "ani" is the harvest here, not "said".
        ("tl", "Bumaba ng 15 porsiyento ang ani ng palay sa Nueva Ecija dahil sa matinding tagtuyot."),
        # "nói chung" = in general; "chia sẻ nỗi lo" = share a worry.
        ("vi", "Nói chung, khoảng 15% hộ gia đình ở vùng ven biển vẫn chưa có nước sạch để dùng."),
        ("vi", "Nhiều người dân chia sẻ nỗi lo khi giá điện sinh hoạt tăng thêm 15% từ tháng này."),
        # "report" and "study" as verbs.
        ("en", "About 15 percent of drivers never report minor accidents to their insurers."),
        ("en", "Nearly 30 percent of local students study abroad at some point during their degree."),
        ("en", "In other words, roughly 40 percent of the new flats are still empty."),
        # "dikatakan" without an agent is hearsay ("is said to"), not a source.
        ("ms", "Hutan paya itu dikatakan menyerap 20 peratus karbon di seluruh negeri setiap tahun."),
        ("id", "Kebijakan itu dikatakan akan menaikkan tarif hingga 30 persen mulai tahun depan."),
    ],
)
def test_ordinary_words_that_look_like_cues_do_not_source(language: str, sentence: str) -> None:
    assert findings(article(sentence, language=language)) == [("unsourced_statistic", "AQ401", sentence)]


@pytest.mark.parametrize(
    ("language", "paragraph"),
    [
        # The same words with a named source beside them still attribute the figure.
        ("en", "In a Gallup poll released in May, 42 percent of voters backed the plan."),
        ("en", "Nearly 30 percent of graduates left the region, the study found."),
        ("en", "A 2023 survey put the share of renters at 38 percent."),
        ("id", "Hasil survei Indikator Politik pada Mei mencatatkan 62 persen responden puas."),
        ("id", "Sebanyak 15 persen pelajar mengalami perundungan, menurut riset UNICEF Indonesia."),
        ("tl", "Tumaas ng 10 porsiyento ang benta ngayong buwan, ani Mang Tomas na nagtitinda sa Divisoria."),
        ("tl", "Umabot sa 35 porsiyento ang nawalang ani, ani ng DA sa isang pahayag."),
        ("vi", "Doanh thu của cửa hàng tăng 20% so với cùng kỳ năm ngoái, anh Tuấn chia sẻ."),
        ("vi", "Khoảng 30% sinh viên làm thêm, theo khảo sát của Đại học Quốc gia Hà Nội."),
        ("vi", "Anh này chia sẻ thêm, giá thuê mặt bằng đã tăng 25% chỉ trong nửa năm."),
        ("tl", "Base sa survey, 58 porsiyento ng mga tsuper ang nagtatrabaho nang higit 12 oras."),
        (
            "id",
            "Riset yang dibuat oleh Lembaga Demografi menunjukkan hanya 34 persen pekerja punya asuransi.",
        ),
        ("ms", "Perkara itu diumumkan oleh Perdana Menteri: cukai akan dikurangkan 2 peratus."),
    ],
)
def test_ambiguous_cues_with_a_named_source_still_attribute(language: str, paragraph: str) -> None:
    assert findings(article(paragraph, language=language)) == []


# -- A source named in the next sentence that refers back to the figure ------------------


@pytest.mark.parametrize(
    ("language", "paragraph"),
    [
        (
            "id",
            "Sekitar 15 persen warga di bantaran kali belum menerima bantuan sosial tahun ini. "
            "Hal itu disampaikan Kepala Dinas Sosial DKI Jakarta dalam rapat di Balai Kota, Senin.",
        ),
        (
            "id",
            "Tingkat pengangguran terbuka di kota itu naik menjadi 7 persen. "
            "Hal tersebut dikatakan oleh Kepala BPS setempat saat ditemui wartawan.",
        ),
        (
            "ms",
            "Kira-kira 20 peratus isi rumah di kawasan itu masih belum menerima bantuan tunai. "
            "Perkara itu dimaklumkan Pegawai Kebajikan Daerah ketika ditemui pemberita.",
        ),
        (
            "tl",
            "Umabot sa 12 porsiyento ang itinaas ng presyo ng gulay sa Baguio ngayong linggo. "
            "Ito ang sinabi ni Mayor Santos sa isang panayam sa radyo.",
        ),
        (
            "vi",
            "Khoảng 18% hộ dân trong xã chưa được tiếp cận nước sạch. "
            "Điều này được Chủ tịch UBND xã cho biết tại buổi họp chiều qua.",
        ),
        (
            "en",
            "Nearly 22 percent of households in the district still lack running water. "
            "This was stated by the district health officer at Tuesday's council meeting.",
        ),
        (
            "en",
            "Rents in the capital have climbed 14 percent since January. "
            "That figure was confirmed by the national housing agency on Friday.",
        ),
    ],
)
def test_a_next_sentence_that_refers_back_sources_the_figure(language: str, paragraph: str) -> None:
    assert findings(article(paragraph, language=language)) == []


@pytest.mark.parametrize(
    ("language", "paragraph", "sentence"),
    [
        # A next sentence that speaks about something else does not source the figure.
        (
            "en",
            "Rents in the capital have climbed 14 percent since January. "
            "Next year the council will vote on new rules, the mayor said.",
            "Rents in the capital have climbed 14 percent since January.",
        ),
        (
            "id",
            "Harga beras medium naik 9 persen dalam sebulan terakhir. "
            "Pasar Induk Cipinang juga dipadati pembeli, kata seorang pedagang.",
            "Harga beras medium naik 9 persen dalam sebulan terakhir.",
        ),
    ],
)
def test_an_unrelated_next_sentence_does_not_source(language: str, paragraph: str, sentence: str) -> None:
    assert findings(article(paragraph, language=language)) == [("unsourced_statistic", "AQ401", sentence)]


# -- Thai: spaces separate clauses, not sentences -----------------------------------------


@pytest.mark.parametrize(
    "paragraph",
    [
        # The source closes the sentence, two clauses after the figure.
        "ประชากรร้อยละ 15 ยังไม่ได้รับความช่วยเหลือจากรัฐบาล ตามข้อมูลของสำนักงานสถิติแห่งชาติ",
        "ราคาข้าวสารปรับตัวสูงขึ้นร้อยละ 12 ภายในสามเดือน ตามรายงานของกระทรวงพาณิชย์",
        # The speaker introduces the sentence; the figure sits in a later clause of it.
        "ผู้ว่าราชการจังหวัดเปิดเผยว่า ปีนี้ผลผลิตข้าวลดลง โดยพื้นที่นาเสียหายร้อยละ 30 จากภัยแล้ง",
    ],
)
def test_thai_source_in_another_clause_of_the_sentence(paragraph: str) -> None:
    assert findings(article(paragraph, language="th")) == []


def test_thai_figure_tacked_onto_a_quoted_paragraph_is_flagged_with_its_sentence() -> None:
    text = (
        "นายกเทศมนตรีกล่าวว่า เทศบาลจะเร่งซ่อมถนนให้เสร็จก่อนฤดูฝน "
        "ในช่วงสองปีที่ผ่านมา ค่าครองชีพของชาวบ้านเพิ่มขึ้นประมาณร้อยละ 18 ในทุกอำเภอ"
    )
    assert findings(article(text, language="th")) == [
        ("unsourced_statistic", "AQ401", "ค่าครองชีพของชาวบ้านเพิ่มขึ้นประมาณร้อยละ 18 ในทุกอำเภอ")
    ]


@pytest.mark.parametrize(
    ("language", "paragraph"),
    [
        (
            "id",
            "Menurut Dr. Sri Wahyuni, kepala dinas kesehatan setempat, prevalensi stunting turun 2,4 persen.",
        ),
        (
            "tl",
            "Ayon kay Prof. Jose Reyes ng UP Diliman, tumaas ng 12 porsiyento ang presyo ng bigas ngayong taon.",
        ),
        ("vi", "Theo PGS. TS. Nguyễn Văn An, giá nhà tại TP. Hồ Chí Minh đã tăng 15% trong năm nay."),
        ("en", "According to Dr. Jane Moss of the city council, rents rose 12 percent in a year."),
    ],
)
def test_a_source_named_with_a_title_abbreviation_sources_the_figure(language: str, paragraph: str) -> None:
    # The full stop of "Dr." / "Prof." / "TP." does not end the sentence, so the
    # cue before it still covers the figure after it.
    assert findings(article(paragraph, language=language)) == []


def test_an_abbreviation_does_not_hide_an_unsourced_figure_in_the_next_sentence() -> None:
    paragraph = "Warga Jl. Merdeka No. 5 mengeluh. Harga beras naik 20 persen bulan ini."
    assert [f[2] for f in findings(article(paragraph, language="id"))] == [
        "Harga beras naik 20 persen bulan ini."
    ]
