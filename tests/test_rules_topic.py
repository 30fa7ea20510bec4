"""off_topic_paragraph (AQ301): a paragraph pasted from another story."""

from __future__ import annotations

from dataclasses import replace

from audit.config import load_config
from audit.engine import audit_article
from audit.model import Article, Block

ONLY = load_config(override={"rules": {"select": ["AQ3"]}})


def article(headline: str, *paragraphs: str, language: str = "en") -> Article:
    blocks = tuple(Block(i, "paragraph", text, language=language) for i, text in enumerate(paragraphs))
    return Article(url=None, title=headline, headline=headline, blocks=blocks, language=language)


def findings(art: Article) -> list[tuple[str, str, int | None, str]]:
    return [(f.type, f.rule, f.block, f.evidence) for f in audit_article(art, ONLY).findings]


EN_HEADLINE = "Penang ferry service to resume after engine repairs"
EN = (
    "The Penang ferry service between Butterworth and George Town will resume on Monday after two of its "
    "vessels completed engine repairs, the port operator said on Friday.",
    "The ferries were taken out of service last month when one of them lost power in the channel and had "
    "to be towed back to the Butterworth terminal with 90 passengers on board.",
    "Commuters who rely on the ferry to cross to the island have since queued for buses over the Penang "
    "Bridge, adding up to an hour to their journeys at peak times.",
    "The operator said both vessels had passed safety inspections by the Marine Department and that a "
    "third ferry would be refitted before the end of the year.",
    "Fares will stay unchanged, and the ferries will run every 30 minutes from 6.30 in the morning until "
    "midnight, the operator added.",
    "Passengers' groups welcomed the news but asked for more frequent crossings during the morning rush, "
    "when queues at the terminal regularly stretch onto the street.",
)
EN_PASTED = (
    "MADRID - 3 March, Real Sociedad striker Mikel Oyarzabal scored twice in the second half as his side "
    "came from behind to beat Osasuna at the Anoeta, lifting the Basque club into the top four of La Liga."
)

ID_HEADLINE = "Harga cabai rawit di Pasar Kramat Jati melonjak jelang Natal"
ID = (
    "Harga cabai rawit merah di Pasar Induk Kramat Jati, Jakarta Timur, melonjak hingga Rp90.000 per "
    "kilogram pada Senin, naik hampir dua kali lipat dibandingkan awal bulan.",
    "Para pedagang cabai menyebut pasokan dari sentra produksi di Jawa Tengah dan Jawa Timur berkurang "
    "karena hujan deras merusak tanaman cabai menjelang panen.",
    "Kenaikan harga cabai rawit juga dirasakan pedagang eceran di pasar tradisional sekitar Jakarta yang "
    "kini hanya berani membeli cabai dalam jumlah kecil.",
    "Dinas Ketahanan Pangan DKI Jakarta berencana menggelar operasi pasar cabai di sejumlah pasar "
    "tradisional untuk menekan harga menjelang Natal dan Tahun Baru.",
    "Pedagang berharap harga cabai rawit kembali turun setelah musim panen di Jawa Tengah dimulai pada "
    "pertengahan Januari mendatang.",
    "Sebagian pembeli cabai mengaku mengurangi belanja dan beralih ke cabai kering atau sambal kemasan "
    "untuk kebutuhan sehari-hari di rumah.",
)
ID_PASTED = (
    "SURABAYA - 2 Desember, Persebaya Surabaya menundukkan Arema FC dengan skor 3-1 di Stadion Gelora Bung "
    "Tomo dalam lanjutan Liga 1, berkat dua gol Bruno Moreira dan satu gol Toni Firmansyah di babak kedua."
)


def test_paragraph_from_another_story_is_flagged_english_and_indonesian():
    en = article(EN_HEADLINE, *EN[:3], EN_PASTED, *EN[3:])
    id_ = article(ID_HEADLINE, *ID[:3], ID_PASTED, *ID[3:], language="id")
    assert findings(en) == [("off_topic_paragraph", "AQ301", 3, EN_PASTED)]
    assert findings(id_) == [("off_topic_paragraph", "AQ301", 3, ID_PASTED)]


def test_pasted_paragraph_without_a_dateline_is_still_flagged():
    pasted = EN_PASTED.split(", ", 1)[1]  # no dateline: cohesion and unseen names alone
    en = article(EN_HEADLINE, *EN[:3], pasted, *EN[3:])
    assert findings(en) == [("off_topic_paragraph", "AQ301", 3, pasted)]


def test_coherent_articles_are_left_alone_english_and_indonesian():
    assert findings(article(EN_HEADLINE, *EN)) == []
    assert findings(article(ID_HEADLINE, *ID, language="id")) == []


def test_a_paragraph_is_never_flagged_just_for_being_short():
    short = "Photo: Bernama"
    aside = "It was a long month."
    en = article(EN_HEADLINE, EN[0], short, EN[1], aside, *EN[2:])
    assert findings(en) == []


def test_background_paragraph_on_the_same_story_is_not_flagged():
    background = (
        "The ferry link, which opened in 1894, is one of the oldest in the region and was used by about "
        "12,000 commuters a day before the Penang Bridge opened."
    )
    en = article(EN_HEADLINE, *EN[:4], background, *EN[4:])
    assert findings(en) == []


def test_paragraph_in_another_language_is_left_to_language_mixing():
    tagalog = Block(
        6,
        "paragraph",
        "Nanalo ang Ginebra laban sa San Miguel sa iskor na 102-98 sa Araneta Coliseum nitong Linggo ng gabi.",
        language="tl",
    )
    base = article(EN_HEADLINE, *EN)
    art = Article(
        url=None, title=EN_HEADLINE, headline=EN_HEADLINE, blocks=(*base.blocks, tagalog), language="en"
    )
    assert findings(art) == []


def _english_article_with(third: str) -> Article:
    """The Penang ferry story with ``third`` inserted as block 3, its language undetected."""
    base = article(EN_HEADLINE, *EN)
    blocks = (
        *base.blocks[:3],
        Block(3, "paragraph", third, language=None),
        *(Block(i + 4, b.kind, b.text, language="en") for i, b in enumerate(base.blocks[3:])),
    )
    return Article(url=None, title=EN_HEADLINE, headline=EN_HEADLINE, blocks=blocks, language="en")


def test_paragraph_langdetect_was_unsure_of_is_left_to_language_mixing_tagalog_and_indonesian():
    # No detected language (names dilute the n-grams), but its function words are
    # another language's: language_mixing reports it, off-topic does not judge it.
    unsure_tl = (
        "Ang mga koponan na magbabalik sa karera ngayong taon ay ang Giant Racing Team ng Australia, ang "
        "Cycling Team ng Brazil at ang Infinite Cycling Team ng Thailand, ayon sa mga tagapag-ayos ng karera."
    )
    assert findings(_english_article_with(unsure_tl)) == []
    assert findings(_english_article_with(ID[1])) == []
    # The same pasted story in the article's own language is judged, and flagged.
    pasted = EN_PASTED.replace("MADRID - 3 March, ", "")
    assert [f[2] for f in findings(_english_article_with(pasted))] == [3]


def test_degenerate_articles_do_not_raise():
    assert findings(Article(url=None, title=None, blocks=())) == []
    assert findings(article("", EN[0])) == []
    caps = [p.upper() for p in EN]
    assert findings(article(EN_HEADLINE.upper(), *caps)) == []
    bare = [p.replace(".", "").replace(",", "") for p in EN]
    assert findings(article(EN_HEADLINE, *bare)) == []


def test_threshold_comes_from_the_config():
    strict = load_config(
        override={"rules": {"select": ["AQ3"]}, "thresholds": {"topic": {"threshold": 50.0}}}
    )
    en = article(EN_HEADLINE, *EN[:3], EN_PASTED, *EN[3:])
    assert [f.rule for f in audit_article(en, strict).findings] == []
    no_dateline_weight = load_config(
        override={"rules": {"select": ["AQ3"]}, "thresholds": {"topic": {"weights": {"dateline": 0.0}}}}
    )
    pasted = article(EN_HEADLINE, *EN[:3], EN_PASTED, *EN[3:])
    # Without the dateline the paragraph still stands out by cohesion and names alone.
    assert [f.block for f in audit_article(pasted, no_dateline_weight).findings] == [3]


def test_closing_author_bio_is_not_a_pasted_paragraph_english_and_malay():
    # The last paragraph of a story often stands apart by design: the author's
    # bio with an address to write to. Without the position and contact signals
    # this bio would be flagged (it shares no words with the story).
    bio = (
        "Farah Lim covers transport and infrastructure for the northern region, having previously reported "
        "on courts and crime; she can be reached at farah.lim@example.com or on X at @farahlim_news."
    )
    en_end = article(EN_HEADLINE, *EN, bio)
    assert findings(en_end) == []
    no_position = load_config(
        override={
            "rules": {"select": ["AQ3"]},
            "thresholds": {"topic": {"weights": {"last": 0.0, "contact": 0.0}}},
        }
    )
    assert [f.evidence for f in audit_article(en_end, no_position).findings] == [bio]
    ms_bio = (
        "Nurul Aina Zainal ialah wartawan kanan yang menulis tentang pendidikan tinggi dan belia sejak "
        "tahun 2015; beliau boleh dihubungi melalui nurul.aina@example.my atau di Instagram @nurulaina."
    )
    ms = article(ID_HEADLINE, *ID, ms_bio, language="ms")
    assert findings(ms) == []


def test_same_subject_snippet_with_its_own_dateline_and_a_cut_is_flagged_indonesian_and_english():
    # Pasted from another story on the same subject: it shares the article's names
    # and words, so cohesion alone clears it; its dateline and cut-off ending do not.
    id_snippet = (
        "ANTARA - 4 Desember, Dinas Ketahanan Pangan DKI Jakarta kembali menggelar operasi pasar cabai "
        "rawit di Pasar Induk Kramat Jati, dan para pedagang cabai menyebut harga cabai rawit merah"
    )
    en_snippet = (
        "BERNAMA - 2 March, The Penang ferry operator said the Butterworth terminal would close for two "
        "days while the ferry vessels completed engine repairs and safety inspections by the"
    )
    id_ = article(ID_HEADLINE, *ID[:3], id_snippet, *ID[3:], language="id")
    en = article(EN_HEADLINE, *EN[:3], en_snippet, *EN[3:])
    assert findings(id_) == [("off_topic_paragraph", "AQ301", 3, id_snippet)]
    assert findings(en) == [("off_topic_paragraph", "AQ301", 3, en_snippet)]
    # The article's own dateline, on its first paragraph, is ordinary news style.
    lead = "GEORGE TOWN - 1 March, " + EN[0]
    assert findings(article(EN_HEADLINE, lead, *EN[1:])) == []


def test_a_call_to_action_is_boilerplate_not_another_story_english_and_indonesian():
    # Filler shares no words with the story, but it is reported once, as boilerplate.
    cta = (
        "Follow us on Facebook, Instagram and X for the latest updates on transport, weather and "
        "everything else happening around Penang this week."
    )
    cta_id = (
        "Ikuti kami di Instagram, Facebook dan X untuk mendapatkan informasi terbaru seputar harga "
        "kebutuhan pokok dan berita menarik lainnya setiap hari."
    )
    # Even with the threshold far down (where the filler would be the first flag), it is not judged.
    eager = load_config(override={"rules": {"select": ["AQ3"]}, "thresholds": {"topic": {"threshold": -6.0}}})
    for art, filler in (
        (article(EN_HEADLINE, *EN[:3], cta, *EN[3:]), cta),
        (article(ID_HEADLINE, *ID[:3], cta_id, *ID[3:], language="id"), cta_id),
    ):
        assert filler not in [f.evidence for f in audit_article(art, eager).findings]
    both = load_config(override={"rules": {"select": ["AQ3", "AQ7"]}})
    flagged = audit_article(article(EN_HEADLINE, *EN[:3], cta, *EN[3:]), both).findings
    assert [(f.type, f.evidence) for f in flagged] == [("boilerplate", cta)]


def _every_paragraph_scored(art: Article, config) -> list[int]:
    """The rule as it was before it cleared paragraphs early: every signal of every
    judged paragraph computed, then the same threshold and margin."""
    from audit.cohesion import paragraph_cohesion
    from audit.rules import topic
    from audit.rules.language import UnsureBlockLimits, settled_language

    unsure, settled = UnsureBlockLimits.from_config(config), settled_language(art)
    paras = [b for b in art.blocks if topic._judged(b, art, config, unsure, settled)]
    weights = {**topic.DEFAULT_WEIGHTS, **config.threshold("topic", "weights", {})}
    threshold = config.threshold("topic", "threshold", -1.1)
    margin = config.threshold("topic", "extra_margin", 1.0)
    cohesion = paragraph_cohesion([b.text for b in paras], art.headline or "", art.language)
    text = topic.ArticleText(art)
    scored = [
        (sum(weights.get(k, 0.0) * v for k, v in topic.signals(b, i, len(paras), text, c).items()), b.index)
        for i, (b, c) in enumerate(zip(paras, cohesion, strict=True))
    ]
    best = max(scored)[1]
    return [i for s, i in scored if s > threshold and (i == best or s > threshold + margin)]


def test_clearing_paragraphs_early_changes_no_finding_english_and_indonesian():
    # The rule skips the cosines of a paragraph whose score cannot pass the
    # threshold whatever they are; under any weights the findings must be those
    # of scoring everything, including when a cosine's weight is set positive.
    loose = load_config(
        override={
            "rules": {"select": ["AQ3"]},
            "thresholds": {"topic": {"threshold": -6.45, "weights": {"closest": 2.5, "headline": 1.0}}},
        }
    )
    articles = [
        article(EN_HEADLINE, *EN[:3], EN_PASTED, *EN[3:]),
        article(EN_HEADLINE, *EN),
        article(ID_HEADLINE, *ID[:3], ID_PASTED, *ID[3:], language="id"),
        article(ID_HEADLINE, *ID, language="id"),
    ]
    for config in (ONLY, loose):
        for art in articles:
            expected = _every_paragraph_scored(art, config)
            assert [f.block for f in audit_article(art, config).findings] == expected
    assert _every_paragraph_scored(articles[1], loose)  # the loose setting does flag more


def test_no_paragraph_scores_above_its_highest_possible_score_english_and_indonesian():
    from audit.cohesion import paragraph_cohesion
    from audit.rules import topic

    for weights in (topic.DEFAULT_WEIGHTS, {**topic.DEFAULT_WEIGHTS, "closest": 2.5, "neighbour": 0.7}):
        for headline, paras in ((EN_HEADLINE, [*EN, EN_PASTED]), (ID_HEADLINE, [*ID, ID_PASTED])):
            art = article(headline, *paras)
            text = topic.ArticleText(art)
            cohesion = paragraph_cohesion(list(paras), headline, "en")
            for i, (block, coh) in enumerate(zip(art.blocks, cohesion, strict=True)):
                full = topic._score(topic.signals(block, i, len(paras), text, coh), weights)
                first = topic.first_signals(block, i, len(paras), text, coh.loo, coh.relative)
                assert full <= topic.highest_possible_score(first, weights)


TH_HEADLINE = "น้ำท่วมเชียงใหม่ขยายวงกว้าง จังหวัดเร่งอพยพชาวบ้านริมแม่น้ำปิง"
TH = (
    "ระดับน้ำในแม่น้ำปิงที่ไหลผ่านตัวเมืองเชียงใหม่เพิ่มสูงขึ้นอย่างต่อเนื่องตั้งแต่เช้าวันอาทิตย์ "
    "หลังจากฝนตกหนักติดต่อกันหลายวันในพื้นที่ต้นน้ำ ทำให้น้ำเอ่อล้นตลิ่งเข้าท่วมบ้านเรือนประชาชนหลายชุมชน",
    "ผู้ว่าราชการจังหวัดเชียงใหม่สั่งการให้หน่วยงานที่เกี่ยวข้องเร่งอพยพชาวบ้านที่อาศัยอยู่ริมแม่น้ำปิง "
    "ไปยังศูนย์พักพิงชั่วคราวที่โรงเรียนและวัดในพื้นที่ พร้อมจัดเตรียมอาหารและน้ำดื่มให้เพียงพอ",
    "เจ้าหน้าที่ป้องกันและบรรเทาสาธารณภัยจังหวัดเชียงใหม่นำเรือท้องแบนออกช่วยเหลือชาวบ้านที่ติดอยู่ในบ้าน "
    "ซึ่งน้ำท่วมสูงเกือบหนึ่งเมตร โดยเฉพาะชุมชนริมแม่น้ำปิงย่านวัดเกตและถนนเจริญราษฎร์",
    "ศูนย์อุทกวิทยาภาคเหนือคาดว่าระดับน้ำในแม่น้ำปิงจะสูงสุดในคืนวันจันทร์ "
    "และเตือนให้ประชาชนริมแม่น้ำขนย้ายทรัพย์สินขึ้นที่สูงและติดตามประกาศของจังหวัดอย่างใกล้ชิด",
    "ชาวบ้านริมแม่น้ำปิงหลายรายกล่าวว่าน้ำท่วมครั้งนี้มาเร็วกว่าทุกปี ทำให้ขนย้ายข้าวของไม่ทัน และรถจักรยานยนต์หลายคันจมน้ำเสียหาย",
    "จังหวัดเชียงใหม่ประกาศให้พื้นที่ริมแม่น้ำปิงเป็นเขตประสบภัยพิบัติ เพื่อให้หน่วยงานสามารถใช้งบประมาณช่วยเหลือผู้ประสบภัยน้ำท่วมได้ทันที",
)
# Another story (a football match), pasted in without a dateline of its own.
TH_PASTED = (
    "ทีมชาติไทยเอาชนะเวียดนามสองประตูต่อหนึ่งในการแข่งขันฟุตบอลชิงแชมป์อาเซียนที่สนามราชมังคลากีฬาสถาน "
    "โดยกองหน้าทำประตูชัยได้ในนาทีสุดท้าย ส่งผลให้ทัพช้างศึกผ่านเข้ารอบชิงชนะเลิศ "
    "ซึ่งจะพบกับมาเลเซียในนัดแรกที่กัวลาลัมเปอร์ปลายเดือนนี้ ก่อนกลับมาเล่นนัดที่สองในบ้าน"
)


def test_thai_paragraph_from_another_story_is_flagged():
    # Thai has no spaces between words: cohesion compares newmm words, not fragments.
    th = article(TH_HEADLINE, *TH[:3], TH_PASTED, *TH[3:], language="th")
    assert findings(th) == [("off_topic_paragraph", "AQ301", 3, TH_PASTED)]


def test_coherent_thai_article_is_left_alone():
    assert findings(article(TH_HEADLINE, *TH, language="th")) == []


def test_a_list_set_as_one_paragraph_is_not_judged_english_and_indonesian():
    # The same stranger text set as a bulleted list is a widget's list, not a story paragraph.
    en_list = "- " + EN_PASTED.replace(", ", " - ", 2)
    id_list = "• " + ID_PASTED.replace(", ", " • ", 2)
    assert findings(article(EN_HEADLINE, *EN[:3], en_list, *EN[3:])) == []
    assert findings(article(ID_HEADLINE, *ID[:3], id_list, *ID[3:], language="id")) == []
    # Without the bullets the same text is flagged.
    assert [f[2] for f in findings(article(EN_HEADLINE, *EN[:3], EN_PASTED, *EN[3:]))] == [3]


def test_a_quotation_in_another_script_is_not_another_story_malay_and_english():
    # A verse quoted in Arabic script in a Malay report, a Thai sign quoted in an English one:
    # another script is language_mixing's business or a quotation, never a pasted story.
    verse = "وَتَمَّتْ كَلِمَتُ رَبِّكَ صِدْقًا وَعَدْلًا لَا مُبَدِّلَ لِكَلِمَاتِهِ وَهُوَ السَّمِيعُ الْعَلِيمُ فِي كُلِّ شَيْءٍ"
    sign = "ประกาศ ห้ามจอดรถบริเวณหน้าท่าเรือ ตั้งแต่เวลาหกโมงเช้าถึงเที่ยงคืน ฝ่าฝืนปรับห้าร้อยบาท ตามข้อบังคับของกรมเจ้าท่า"
    ms = tuple(t.replace("Penang", "Pulau Pinang") for t in ID)
    assert findings(article(ID_HEADLINE, *ms[:3], verse, *ms[3:], language="ms")) == []
    assert findings(article(EN_HEADLINE, *EN[:3], sign, *EN[3:])) == []


def _dateline_signal(art: Article, position: int) -> float:
    from audit.rules.topic import ArticleText, first_signals

    block = art.blocks[position]
    return first_signals(block, position, len(art.blocks), ArticleText(art), 0.5, 1.0)["dateline"]


def _on_site(url: str, headline: str, *paragraphs: str, language: str = "en") -> Article:
    blocks = tuple(Block(i, "paragraph", t, language=language) for i, t in enumerate(paragraphs))
    return Article(url=url, title=headline, headline=headline, blocks=blocks, language=language)


def test_the_sites_own_dateline_on_the_lead_after_a_caption_is_not_another_storys():
    caption_id = "DIAWASI: Petugas memeriksa takaran bahan bakar di sebuah SPBU di Manado, Senin. Foto: Dok"
    url_id = "https://manadopostonline.com/read/2017/04/25/harga-cabai/1"
    own = _on_site(url_id, ID_HEADLINE, caption_id, "MANADOPOST – " + ID[0], *ID[1:], language="id")
    assert _dateline_signal(own, 1) == 0.0
    caption_en = "QUEUES: Commuters wait for buses at the Butterworth terminal on Friday. Photo: The Star"
    url_en = "https://www.thestar.com.my/news/nation/2024/03/03/penang-ferry"
    own_en = _on_site(url_en, EN_HEADLINE, caption_en, "THE STAR - 3 March, " + EN[0], *EN[1:])
    assert _dateline_signal(own_en, 1) == 0.0


def test_another_storys_dateline_or_the_sites_own_deeper_in_the_body_still_counts():
    # Another source's dateline in the lead's place, and the site's own name deeper down
    # (a story of the same agency pasted in), stay evidence of a paste.
    blocks = ("Foto: Dok", "JICA - 1 Juli, " + ID[0], *ID[1:3], "MANADOPOST – " + ID[3], *ID[4:])
    art = _on_site("https://manadopostonline.com/read/1", ID_HEADLINE, *blocks, language="id")
    assert _dateline_signal(art, 1) == 1.0
    assert _dateline_signal(art, 4) == 1.0
    en = article(EN_HEADLINE, *EN[:3], EN_PASTED, *EN[3:])
    assert _dateline_signal(en, 3) == 1.0


def test_the_first_item_after_a_lead_in_line_is_not_judged_english_and_indonesian():
    # "Accomplishments:" opens an enumeration set as paragraphs; its first item leaves the
    # story's thread by design. The same paragraph after ordinary prose is still flagged.
    en = article(EN_HEADLINE, *EN[:3], "What else happened:", EN_PASTED, *EN[3:])
    assert findings(en) == []
    id_ = article(ID_HEADLINE, *ID[:3], "Hal lain pekan ini:", ID_PASTED, *ID[3:], language="id")
    assert findings(id_) == []
    assert findings(article(EN_HEADLINE, *EN[:3], EN_PASTED, *EN[3:])) == [
        ("off_topic_paragraph", "AQ301", 3, EN_PASTED)
    ]
    # A long sentence ending on a colon is prose introducing a quote, not a list's lead-in.
    lead = "The operator gave the following explanation for the delay to reporters on Friday:"
    assert findings(article(EN_HEADLINE, *EN[:3], lead, EN_PASTED, *EN[3:])) == [
        ("off_topic_paragraph", "AQ301", 4, EN_PASTED)
    ]


def test_a_line_that_is_or_ends_on_a_link_is_not_judged_english_and_indonesian():
    # The page marks it as pointing elsewhere (a teaser, a policy ending on "Read our ..."):
    # boilerplate's business. The same text with no role, or as a widget's text, is judged.
    for art, pasted in (
        (article(EN_HEADLINE, *EN[:3], EN_PASTED, *EN[3:]), EN_PASTED),
        (article(ID_HEADLINE, *ID[:3], ID_PASTED, *ID[3:], language="id"), ID_PASTED),
    ):
        assert [f[3] for f in findings(art)] == [pasted]
        for role, judged in (("signpost", False), ("link", False), ("widget", True), ("prose", True)):
            blocks = tuple(replace(b, role=role) if b.text == pasted else b for b in art.blocks)
            assert bool(findings(replace(art, blocks=blocks))) is judged, role
