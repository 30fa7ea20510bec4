"""duplicate_paragraph (AQ201 exact repeat, AQ202 near repeat)."""

from __future__ import annotations

from audit.config import load_config
from audit.engine import audit_article
from audit.model import Article, Block

ONLY = load_config(override={"rules": {"select": ["AQ2"]}})


def article(*paragraphs: str, language: str = "en", kinds: dict[int, str] | None = None) -> Article:
    kinds = kinds or {}
    blocks = tuple(
        Block(i, kinds.get(i, "paragraph"), text, language=language)  # type: ignore[arg-type]
        for i, text in enumerate(paragraphs)
    )
    return Article(url=None, title="Test", blocks=blocks, language=language)


def findings(art: Article) -> list[tuple[str, str, int | None, str]]:
    return [(f.type, f.rule, f.block, f.evidence) for f in audit_article(art, ONLY).findings]


VI = (
    "Sáng nay, giá xăng RON95 được điều chỉnh giảm 320 đồng mỗi lít theo quyết định của liên bộ.",
    "Các cửa hàng bán lẻ tại Hà Nội đã niêm yết giá mới ngay từ 15 giờ chiều cùng ngày.",
    "Nhiều tài xế xe công nghệ cho biết họ vẫn chờ thêm các đợt giảm giá trong tháng tới.",
)
MS = (
    "Kerajaan negeri akan menambah 40 buah bas elektrik bagi laluan utama di Kuala Lumpur tahun depan.",
    "Menurut pengerusi syarikat pengendali, bas baharu itu mampu membawa 60 penumpang setiap perjalanan.",
    "Pengguna tetap berharap kekerapan perkhidmatan pada waktu puncak turut ditambah baik.",
)
EN = (
    "The city council voted on Tuesday to extend the night market on Walking Street until midnight.",
    "Stall holders had asked for the change for two years, saying tourists arrive late in the evening.",
    "Residents living above the market said they would ask the council to limit amplified music.",
)


def test_exact_repeat_is_flagged_once_vietnamese_and_malay():
    vi = article(VI[0], VI[1], VI[0].upper(), VI[2], language="vi")
    ms = article(MS[0], MS[1], MS[2], MS[1], language="ms")
    assert findings(vi) == [("duplicate_paragraph", "AQ201", 2, VI[0].upper())]
    assert findings(ms) == [("duplicate_paragraph", "AQ201", 3, MS[1])]


def test_near_repeat_with_a_word_changed_is_flagged_english_and_malay():
    # Near means most word 3-shingles shared: a word changed in a long paragraph.
    long = (
        "Stall holders had asked for the change for two years, saying that most tourists only arrive "
        "after dinner, when the heat has gone, and that closing at ten left them with unsold food "
        "and little to show for a long day of preparation."
    )
    en_copy = long.replace("two years", "three years")
    en = article(EN[0], long, EN[2], en_copy)
    ms_long = (
        "Kerajaan negeri akan menambah 40 buah bas elektrik bagi laluan utama di Kuala Lumpur tahun depan, "
        "dan bas tersebut akan digunakan terutamanya di kawasan yang sesak pada waktu pagi serta petang "
        "apabila ramai pekerja pulang dari pejabat."
    )
    ms_copy = ms_long.replace("40 buah", "empat puluh buah")
    ms = article(ms_long, MS[1], ms_copy, MS[2], language="ms")
    assert [f[:3] for f in findings(en)] == [("duplicate_paragraph", "AQ202", 3)]
    assert findings(en)[0][3] == en_copy
    assert findings(ms) == [("duplicate_paragraph", "AQ202", 2, ms_copy)]


def test_copy_cut_short_of_an_extended_paragraph_is_flagged():
    extended = EN[0] + " Traders expect the longer hours to add about a fifth to their takings."
    en = article(extended, EN[1], EN[0], EN[2])
    assert findings(en) == [("duplicate_paragraph", "AQ202", 2, EN[0])]


def test_distinct_paragraphs_are_not_flagged_vietnamese_and_english():
    assert findings(article(*VI, language="vi")) == []
    assert findings(article(*EN)) == []


def test_standfirst_expanded_in_the_body_is_not_a_repeat():
    lead = "Kerajaan negeri akan menambah 40 buah bas elektrik bagi laluan utama di Kuala Lumpur"
    ms = article(lead, MS[0] + " Langkah itu diumumkan semalam.", MS[1], MS[2], language="ms")
    assert findings(ms) == []


def test_layout_run_repeated_is_not_a_pasted_paragraph():
    # A live blog's pinned summary rendered twice: a run of consecutive repeats.
    en = article(EN[0], EN[1], EN[2], "The market opens at five every afternoon.", EN[0], EN[1], EN[2])
    assert findings(en) == []


def test_captions_restating_the_body_and_repeated_interview_questions_are_not_flagged():
    caption = EN[1].rstrip(".")  # the same sentence under a photo, without its full stop
    interview = article(
        "What did you think when you heard the market would stay open later?",
        "I was happy, because most of my customers come after nine in the evening.",
        "What did you think when you heard the market would stay open later?",
        "Honestly, I worry about getting home safely after midnight on my motorbike.",
    )
    assert findings(article(EN[0], EN[1], EN[2], caption)) == []
    assert findings(interview) == []


def test_numbered_captions_and_short_lines_are_not_flagged():
    vi = article(
        "Người dân xếp hàng mua xăng tại cửa hàng trên phố Láng Hạ - Ảnh 1.",
        VI[0],
        "Người dân xếp hàng mua xăng tại cửa hàng trên phố Láng Hạ - Ảnh 2.",
        "Ảnh: Minh Đức",
        VI[1],
        "Ảnh: Minh Đức",
        language="vi",
    )
    assert findings(vi) == []


def test_degenerate_articles_do_not_raise():
    assert findings(Article(url=None, title=None, blocks=())) == []
    assert findings(article("SINGLE PARAGRAPH IN CAPITALS WITHOUT ANY PUNCTUATION AT ALL HERE")) == []
    assert findings(article("", "   ", "")) == []


ID_LONG = (
    "Pemerintah provinsi menyiapkan 12 posko pengungsian di sepanjang daerah aliran sungai. "
    "Setiap posko dilengkapi dapur umum dan tenaga kesehatan yang bertugas bergantian siang dan malam. "
    "Warga yang rumahnya berada di bantaran diminta segera mengungsi sebelum debit air naik lagi."
)
TL_LONG = (
    "Nagbukas na muli ang mga paaralan sa lalawigan matapos ang isang linggong pagsasara dahil sa bagyo. "
    "Ayon sa mga guro, marami pa ring silid-aralan ang kailangang linisin bago magamit nang buo. "
    "Humiling sila ng dagdag na pondo para sa pagkukumpuni ng mga bubong at bintana."
)


def _cut(text: str, keep_words: int) -> str:
    return " ".join(text.split()[:keep_words])


def test_whole_copy_of_a_paragraph_cut_mid_sentence_is_flagged_indonesian_and_tagalog():
    # The earlier copy stops mid-sentence; the later one is the whole paragraph.
    id_cut = _cut(ID_LONG, 22)
    tl_cut = _cut(TL_LONG, 24)
    ind = article(id_cut, MS[1], ID_LONG, language="id")
    tl = article(tl_cut, EN[1], TL_LONG, language="tl")
    assert findings(ind) == [("duplicate_paragraph", "AQ202", 2, ID_LONG)]
    assert findings(tl) == [("duplicate_paragraph", "AQ202", 2, TL_LONG)]


def test_teaser_line_expanded_in_the_body_is_not_a_copy_english_and_thai():
    # A one-sentence teaser without a full stop, then the body opening with it:
    # a standfirst, not a cut copy. Thai leads end without punctuation by design.
    teaser = _cut(EN[0], 14) + " and the mayor welcomed the vote after a long debate with residents"
    en = article(teaser, EN[1], teaser + ". " + EN[2])
    th_lead = (
        "กรุงเทพมหานคร เตรียม ขยาย เวลา เปิด ตลาดนัด กลางคืน บน ถนน คนเดิน จนถึง เที่ยงคืน "
        "หลังจาก ผู้ค้า เรียกร้อง มานาน สองปี โดย ระบุ ว่า นักท่องเที่ยว ส่วนใหญ่ มาถึง ใน ช่วงค่ำ "
        "เมื่อ อากาศ เย็นลง ราว 18.00 น. ของ ทุกวัน"
    )
    th = article(
        th_lead, "ผู้ค้าหลายรายกล่าวว่ายอดขายเพิ่มขึ้นอย่างชัดเจน", th_lead + " ชาวบ้านขอให้จำกัดเสียงเพลง", language="th"
    )
    assert findings(en) == []
    assert findings(th) == []


# One word of a 20-odd-word paragraph swapped for a synonym: three of its word
# 3-shingles break (Jaccard about 0.7), but every other word matches in order.
ID_AID = (
    "Pemerintah daerah menyalurkan bantuan beras dan air bersih kepada warga terdampak banjir "
    "di berbagai desa di Kecamatan Muara Gembong sejak Senin pagi."
)
VI_AID = (
    "Chính quyền địa phương đã phân phát gạo và nước sạch cho người dân bị ảnh hưởng "
    "bởi lũ lụt tại nhiều xã ven sông từ sáng thứ Hai."
)


def test_a_word_swapped_in_a_long_paragraph_is_a_near_repeat_indonesian_and_vietnamese():
    id_copy = ID_AID.replace("berbagai", "sejumlah")
    vi_copy = VI_AID.replace("nhiều", "một số")
    ind = article(ID_AID, MS[1], ID_LONG, id_copy, language="id")
    vi = article(VI_AID, VI[1], VI[2], vi_copy, language="vi")
    assert findings(ind) == [("duplicate_paragraph", "AQ202", 3, id_copy)]
    assert findings(vi) == [("duplicate_paragraph", "AQ202", 3, vi_copy)]
    rule = [f for f in audit_article(ind, ONLY).findings][0]
    assert "a few words changed" in rule.message


def test_parallel_entries_a_word_apart_are_not_near_repeats_english_and_malay():
    # Sources listed one per line, short list items, and data cards that differ
    # in their figures share most words by design.
    sources = article(
        EN[0],
        "Facebook, Official page of the Ministry of Transport, accessed on 12 March 2024",
        EN[1],
        "Instagram, Official page of the Ministry of Transport, accessed on 12 March 2024",
    )
    cards = article(
        "Rekod: 21 menang, 3 kalah, 2 seri. Perlawanan terakhir: menang mata menentang pasukan Johor "
        "di Stadium Sultan Ibrahim pada 4 Mei. Perlawanan seterusnya: belum ditetapkan.",
        MS[1],
        "Rekod: 18 menang, 6 kalah, 2 seri. Perlawanan terakhir: menang mata menentang pasukan Johor "
        "di Stadium Sultan Ibrahim pada 11 Mei. Perlawanan seterusnya: belum ditetapkan.",
        MS[2],
        language="ms",
    )
    items = article(
        MS[0],
        "Pastikan anda membawa kad pengenalan dan salinan sijil kelahiran ke kaunter pendaftaran.",
        MS[2],
        "Pastikan anda membawa kad pengenalan dan salinan sijil perkahwinan ke kaunter pendaftaran.",
        language="ms",
    )
    assert findings(sources) == []
    assert findings(cards) == []
    assert findings(items) == []


def test_a_pasted_pair_of_paragraphs_is_still_layout_when_consecutive():
    # layout_run stays 2: on the evalset, 3 flagged pinned live-blog posts and
    # sign-up dialogs rendered twice (7 more false flags, 2 on clean pages).
    en = article(EN[0], EN[1], EN[2], "The market opens at five every afternoon.", EN[0], EN[1])
    assert findings(en) == []


def _with_roles(art: Article, roles: dict[int, str]) -> Article:
    from dataclasses import replace

    return replace(art, blocks=tuple(replace(b, role=roles.get(b.index, "prose")) for b in art.blocks))


def test_repeats_the_page_structure_explains_are_left_alone_english_and_malay():
    # A dish in two recipes' lists, a meal on two days of a plan: list entries by
    # their markup, whatever their words.
    dish_en = "Crisp lettuce cups with grilled chicken, shredded carrot, cucumber and a squeeze of lime"
    meal_ms = "Nasi lemak dengan telur rebus, sambal bilis, kacang goreng dan hirisan timun segar"
    listed = {1: "list_item", 4: "list_item"}
    assert findings(article(EN[0], dish_en, EN[1], EN[2], dish_en, kinds=listed)) == []
    assert findings(article(MS[0], meal_ms, MS[1], MS[2], meal_ms, language="ms", kinds=listed)) == []
    # A caption quoting a body sentence; a related link and an embedded post shown twice.
    caption = _with_roles(article(EN[0], EN[1], EN[2], EN[1]), {3: "caption"})
    assert findings(caption) == []
    furniture = _with_roles(article(MS[0], MS[1], MS[2], MS[1]), {1: "link", 3: "embed"})
    assert findings(furniture) == []


def test_a_prose_paragraph_pasted_into_a_list_or_beside_furniture_is_still_a_repeat():
    # One copy prose: a paste, not structure (the English dish line pasted as a paragraph).
    dish_en = "Crisp lettuce cups with grilled chicken, shredded carrot, cucumber and a squeeze of lime."
    assert findings(article(EN[0], dish_en, EN[1], EN[2], dish_en, kinds={1: "list_item"})) == [
        ("duplicate_paragraph", "AQ201", 4, dish_en)
    ]
    pasted = _with_roles(article(MS[0], MS[1], MS[2], MS[1]), {1: "link"})
    assert findings(pasted) == [("duplicate_paragraph", "AQ201", 3, MS[1])]


FLOOD_ID = (
    "Banjir kembali merendam permukiman di pesisir utara Semarang pada Senin pagi.",
    "Petugas gabungan membantu mengevakuasi warga lanjut usia ke gedung sekolah.",
    "Pemerintah kota berjanji memperbaiki tanggul yang jebol dalam satu pekan.",
)


def test_lines_of_a_run_of_short_unpunctuated_lines_are_list_entries_english_and_indonesian():
    sources_en = (
        "Reuters, Flood barriers tested along the Chao Phraya, March 3, 2024",
        "Bangkok Post, City hall reviews drainage budget, April 9, 2024",
        "The Nation, Pumping stations upgraded in six districts, May 2, 2024",
    )
    more_en = "Khaosod English, Canal dredging to start before monsoon, June 1, 2024"
    # A second list of sources lists one of them again, between other entries.
    art = article(
        EN[0], EN[1], *sources_en, EN[2], more_en, sources_en[1], more_en.replace("June 1", "June 8")
    )
    assert findings(art) == []
    # The same line pasted among prose paragraphs, once, is a repeat.
    line_id = "Warga diminta melapor ke posko terdekat bila air kembali naik di permukiman mereka"
    assert findings(article(FLOOD_ID[0], line_id, FLOOD_ID[1], FLOOD_ID[2], line_id, language="id")) == [
        ("duplicate_paragraph", "AQ201", 4, line_id)
    ]


def test_a_source_line_with_abbreviations_is_still_one_unpunctuated_list_entry():
    # "Jr." and "Aug." close no sentence: the line is an entry of the list of sources,
    # repeated in a second list, not a pasted paragraph.
    sources_en = (
        "The Guardian, Robert F. Kennedy Jr. Has Promoted Falsehoods, Aug. 16, 2023",
        "NBC News, Kennedy names a new campaign manager, Sept. 18, 2023",
        "Forbes, How much Robert F. Kennedy Jr. is worth, Oct. 7, 2023",
    )
    more_en = "MSNBC, Kennedy interview on the campaign trail, Dec. 6, 2023"
    art = article(
        EN[0], EN[1], *sources_en, EN[2], more_en, sources_en[0], more_en.replace("Dec. 6", "Dec. 9")
    )
    assert findings(art) == []
    sources_id = (
        "Kompas, Warga Jl. Sudirman mengungsi karena banjir, 3 Maret 2024",
        "Tempo, Dr. Sri Wahyuni memimpin tim medis di posko, 4 Maret 2024",
        "Detik, Tanggul di pesisir utara diperbaiki, 5 Maret 2024",
    )
    more_id = "Antara, Posko kesehatan dibuka di Jl. Pemuda, 6 Maret 2024"
    art = article(FLOOD_ID[0], FLOOD_ID[1], *sources_id, FLOOD_ID[2], more_id, sources_id[1], language="id")
    assert findings(art) == []
    # A prose paragraph with a real sentence break, repeated, is still flagged.
    prose = "Menurut Dr. Sri Wahyuni, posko tetap dibuka. Warga diminta melapor bila air kembali naik"
    assert findings(article(FLOOD_ID[0], prose, FLOOD_ID[1], FLOOD_ID[2], prose, language="id")) == [
        ("duplicate_paragraph", "AQ201", 4, prose)
    ]


def test_a_meal_repeated_on_two_days_of_a_plan_is_structure_not_a_duplicate_english_and_indonesian():
    # Lines that enumerate quantities (a meal plan, a recipe) repeat by design; the same
    # page with a prose paragraph repeated is still flagged.
    en_meal = "Lunch: 1 cup brown rice, 4 oz. grilled chicken, ½ cup steamed broccoli, 1 tsp. olive oil."
    id_meal = "Sarapan: 2 butir telur rebus, 1 potong roti gandum, 200 ml susu rendah lemak, 1 buah pisang."
    for meal, prose, lang in ((en_meal, EN, "en"), (id_meal, ID_PROSE, "id")):
        plan = article(
            "Day 1",
            meal,
            prose[0],
            "Day 2",
            meal,
            prose[1],
            prose[2],
            language=lang,
            kinds={0: "heading", 3: "heading"},
        )
        assert findings(plan) == []
        pasted = article(prose[0], meal, prose[1], prose[0], prose[2], language=lang)
        assert findings(pasted) == [("duplicate_paragraph", "AQ201", 3, prose[0])]


ID_PROSE = (
    "Pemerintah kota menambah jadwal kereta komuter pada jam sibuk mulai pekan depan untuk mengurangi antrean.",
    "Penumpang di Stasiun Manggarai mengeluhkan kepadatan yang terjadi setiap pagi sejak awal bulan ini.",
    "Operator berjanji menambah petugas di peron dan memperbaiki papan informasi yang sering mati.",
)
