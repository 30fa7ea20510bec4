"""repeated_heading (AQ101 headline pasted again, AQ102 heading pasted again)."""

from __future__ import annotations

from audit.config import load_config
from audit.engine import audit_article
from audit.model import Article, Block

ONLY = load_config(override={"rules": {"select": ["AQ1"]}})


def article(headline: str, *blocks: tuple, language: str = "en", site: str | None = None) -> Article:
    """``blocks`` are ("h", level, text) or ("p", text)."""
    built = []
    for i, spec in enumerate(blocks):
        if spec[0] == "h":
            built.append(Block(i, "heading", spec[2], level=spec[1], language=language))
        else:
            built.append(Block(i, "paragraph", spec[1], language=language))
    return Article(
        url=None, title=headline, headline=headline, blocks=tuple(built), language=language, site_name=site
    )


def findings(art: Article) -> list[tuple[str, str, int | None, str]]:
    return [(f.type, f.rule, f.block, f.evidence) for f in audit_article(art, ONLY).findings]


ID_TITLE = "Harga Beras Medium Naik di Pasar Induk Cipinang Jelang Lebaran"
ID_BODY = (
    "Harga beras medium di Pasar Induk Beras Cipinang naik Rp500 per kilogram dalam sepekan terakhir.",
    "Pedagang menyebut pasokan dari sentra produksi di Jawa Tengah berkurang karena panen mundur.",
)
TL_TITLE = "Presyo ng bigas sa mga palengke sa Maynila, tumaas bago mag-Pasko"
TL_BODY = (
    "Tumaas ang presyo ng bigas sa ilang palengke sa Maynila ngayong linggo, ayon sa mga tindero.",
    "Sinabi ng mga nagtitinda na kulang ang suplay mula sa mga probinsiya dahil sa nagdaang bagyo.",
)
EN_TITLE = "Floodwaters recede in Hat Yai as residents begin the clean-up"


def test_headline_pasted_as_h2_and_h3_is_flagged_twice_indonesian():
    art = article(
        ID_TITLE,
        ("h", 1, ID_TITLE),
        ("p", ID_BODY[0]),
        ("h", 2, ID_TITLE),
        ("p", ID_BODY[1]),
        ("h", 3, ID_TITLE.upper() + "!"),
        language="id",
    )
    assert findings(art) == [
        ("repeated_heading", "AQ101", 2, ID_TITLE),
        ("repeated_heading", "AQ101", 4, ID_TITLE.upper() + "!"),
    ]


def test_headline_pasted_when_extraction_dropped_the_h1_tagalog():
    # The h1 is gone; the copies sit under a section heading, so neither is the display.
    art = article(
        TL_TITLE,
        ("h", 2, "Ang sitwasyon sa mga palengke"),
        ("h", 3, TL_TITLE),
        ("p", TL_BODY[0]),
        ("h", 3, TL_TITLE.rstrip(".") + "."),
        ("p", TL_BODY[1]),
        language="tl",
    )
    assert findings(art) == [
        ("repeated_heading", "AQ101", 1, TL_TITLE),
        ("repeated_heading", "AQ101", 3, TL_TITLE + "."),
    ]


def test_page_title_with_site_name_pasted_as_heading_is_flagged():
    art = article(
        EN_TITLE,
        ("h", 1, EN_TITLE),
        ("p", "Water levels in the city centre fell by almost a metre overnight, officials said."),
        ("h", 2, f"{EN_TITLE} | Southern Daily"),
        language="en",
        site="Southern Daily",
    )
    assert findings(art) == [("repeated_heading", "AQ101", 2, f"{EN_TITLE} | Southern Daily")]


def test_headline_shown_once_is_not_flagged_indonesian_and_tagalog():
    id_art = article(ID_TITLE, ("h", 1, ID_TITLE), ("p", ID_BODY[0]), ("p", ID_BODY[1]), language="id")
    # No h1: the first copy outranks everything before it, so it is the display headline.
    tl_art = article(TL_TITLE, ("p", "Balita"), ("h", 2, TL_TITLE), ("p", TL_BODY[0]), language="tl")
    assert findings(id_art) == []
    assert findings(tl_art) == []


def test_headline_in_a_teaser_list_above_the_h1_is_not_flagged():
    art = article(
        EN_TITLE,
        ("h", 2, EN_TITLE),
        ("h", 2, "Ferry services resume between Koh Samui and the mainland"),
        ("h", 1, EN_TITLE),
        ("p", "Water levels in the city centre fell by almost a metre overnight, officials said."),
    )
    assert findings(art) == []


def test_long_heading_repeated_later_is_flagged_english_and_malay():
    en_heading = "What the new flood barrier means for families living along the river"
    en = article(
        EN_TITLE,
        ("h", 2, en_heading),
        ("p", "The barrier was designed after the 2010 floods and took four years to build."),
        ("h", 2, "Who pays for the repairs"),
        ("p", "The provincial government has promised grants of up to 20,000 baht per household."),
        ("h", 2, en_heading),
    )
    ms_heading = "Apa yang perlu diketahui oleh pengundi sebelum hari mengundi"
    ms = article(
        "Pilihan raya kecil Kuala Kubu Baharu",
        ("h", 2, ms_heading),
        ("p", "Pusat mengundi akan dibuka dari jam 8 pagi hingga 6 petang."),
        ("h", 2, "Calon yang bertanding"),
        ("p", "Empat calon bertanding bagi kerusi yang kosong itu."),
        ("h", 2, ms_heading),
        language="ms",
    )
    assert findings(en) == [("repeated_heading", "AQ102", 4, en_heading)]
    assert findings(ms) == [("repeated_heading", "AQ102", 4, ms_heading)]


ID_FUEL_TITLE = "Pemerintah Umumkan Harga Baru Pertalite dan Solar Mulai Besok"


def test_heading_repeated_nearly_later_is_flagged_indonesian_and_english():
    # The same heading again, with a different case and a function word added.
    first = "Dampak Kenaikan Harga BBM bagi Warga Jakarta Timur"
    again = "Dampak kenaikan harga BBM bagi warga di Jakarta Timur"
    idn = article(
        ID_FUEL_TITLE,
        ("h", 2, first),
        ("p", "Sopir angkot di Kampung Melayu mengeluhkan setoran yang makin berat sejak pekan lalu."),
        ("h", 2, "Tanggapan Pemerintah Provinsi"),
        ("p", "Pemprov DKI menyiapkan subsidi transportasi bagi warga berpenghasilan rendah."),
        ("h", 2, again),
        language="id",
    )
    # A slip and different punctuation: still the same heading pasted twice.
    en = article(
        EN_TITLE,
        ("h", 2, "Where residents can collect drinking water and sandbags"),
        ("p", "Distribution points open at 8am at the city hall and at two temples."),
        ("h", 2, "How long the clean-up will take"),
        ("p", "Officials expect schools to reopen next week, once the roads are cleared."),
        ("h", 2, "Where residents can collect drinking-water and sandbag"),
    )
    assert findings(idn) == [("repeated_heading", "AQ102", 4, again)]
    assert findings(en) == [
        ("repeated_heading", "AQ102", 4, "Where residents can collect drinking-water and sandbag")
    ]


def test_four_word_subhead_of_some_length_repeated_is_flagged_indonesian_and_tagalog():
    idn = article(
        "Banjir Rendam Tiga Kecamatan di Kota Bekasi",
        ("h", 2, "Kronologi Lengkap Banjir Kemarin"),
        ("p", "Hujan deras mengguyur Bekasi sejak Senin sore hingga Selasa dini hari."),
        ("h", 2, "Bantuan untuk Pengungsi"),
        ("p", "Dinas Sosial membuka dapur umum di dua lokasi pengungsian."),
        ("h", 2, "Kronologi lengkap banjir kemarin"),
        language="id",
    )
    tl = article(
        TL_TITLE,
        ("h", 2, "Listahan ng Presyong Ipinatutupad"),
        ("p", TL_BODY[0]),
        ("h", 2, "Reaksyon ng mga mamimili"),
        ("p", TL_BODY[1]),
        ("h", 2, "Listahan ng Presyong Ipinatutupad"),
        language="tl",
    )
    assert findings(idn) == [("repeated_heading", "AQ102", 4, "Kronologi lengkap banjir kemarin")]
    assert findings(tl) == [("repeated_heading", "AQ102", 4, "Listahan ng Presyong Ipinatutupad")]


def test_parallel_labels_numbered_series_and_short_subheads_are_not_repeats_english_and_indonesian():
    en = article(
        "Five days on the Mekong: a river journey from Luang Prabang",
        ("h", 2, "Day 1: from Huay Xai to Pakbeng"),
        ("p", "The slow boat leaves at 11am and the first day on the river lasts about seven hours."),
        ("h", 2, "Day 2: from Pakbeng to Luang Prabang"),
        ("p", "Mist hangs over the water until mid-morning, and the boat stops at a village school."),
        ("h", 2, "Best early deals on home appliances"),
        ("p", "Rice cookers and fans are the most discounted items this week."),
        ("h", 2, "Best early deals on travel gadgets"),
        ("p", "Power banks and compact adapters sell out first, retailers say."),
        ("h", 3, "Video"),
        ("p", "Passengers watch the sunset from the deck near Pakbeng."),
        ("h", 3, "Video"),
    )
    idn = article(
        ID_FUEL_TITLE,
        ("h", 3, "10.45 WIB"),
        ("p", "Antrean kendaraan mengular di SPBU Jalan Raya Bogor sejak pagi."),
        ("h", 3, "Update"),
        ("p", "Pertamina menambah pasokan ke SPBU di wilayah Jakarta Timur."),
        ("h", 3, "10.45 WIB"),
        ("p", "Polisi mengatur lalu lintas di sekitar SPBU yang padat."),
        ("h", 3, "Update"),
        ("h", 2, "Harga Pertalite di Wilayah Jawa dan Bali"),
        ("p", "Harga di Jawa dan Bali sama dengan harga di wilayah lain."),
        ("h", 2, "Harga Pertalite di Wilayah Papua dan Maluku"),
        language="id",
    )
    assert findings(en) == []
    assert findings(idn) == []


def test_update_and_timestamp_subheads_and_section_labels_repeat_legitimately():
    en = article(
        "Live: Typhoon Yagi makes landfall in northern Vietnam",
        ("h", 3, "Update"),
        ("p", "Wind speeds of 150 km/h were recorded in Quang Ninh province."),
        ("h", 3, "10:45"),
        ("p", "Power has been cut to large parts of Hai Phong."),
        ("h", 3, "Update"),
        ("p", "Authorities say more than 50,000 people have been evacuated."),
        ("h", 3, "10:45"),
    )
    vi = article(
        "Bão Yagi đổ bộ vào Quảng Ninh và Hải Phòng",
        ("h", 3, "Cập nhật"),
        ("p", "Gió mạnh cấp 14 được ghi nhận tại Quảng Ninh vào trưa nay."),
        ("h", 3, "Cập nhật"),
        ("p", "Hơn 50.000 người dân đã được sơ tán đến nơi an toàn."),
        language="vi",
    )
    listicle = article(
        "Best rice cookers of the year",
        ("h", 3, "Our verdict on this model"),
        ("p", "It cooks jasmine rice evenly and keeps it warm for hours."),
        ("h", 3, "Our verdict on this model"),
        ("p", "The steaming basket is small but the bowl is easy to clean."),
        ("h", 3, "Our verdict on this model"),
    )
    assert findings(en) == []
    assert findings(vi) == []
    assert findings(listicle) == []  # a label on every item is layout, not a paste


def test_degenerate_articles_do_not_raise():
    assert findings(Article(url=None, title=None, blocks=())) == []
    assert findings(article("", ("h", 2, ""), ("p", "..."))) == []
    assert findings(article("NO PUNCTUATION AT ALL", ("h", 2, "NO PUNCTUATION AT ALL"))) == []
