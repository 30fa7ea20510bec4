"""boilerplate (AQ7xx): read-also lines, calls to action and FAQ filler."""

from __future__ import annotations

import json
import random

import pytest

from audit.config import load_config
from audit.engine import audit_article
from audit.model import Article, Block
from tests.paths import shared_path

ONLY = load_config(override={"rules": {"select": ["AQ7"]}})

STORY = {
    "id": [
        "Pemerintah kota mulai memperbaiki saluran air di sejumlah kawasan padat penduduk.",
        "Warga berharap perbaikan itu selesai sebelum musim hujan tiba bulan depan.",
    ],
    "en": [
        "The city began repairing drains in several crowded neighbourhoods on Monday.",
        "Residents hope the work will be finished before the rainy season arrives next month.",
    ],
    "vi": [
        "Thành phố bắt đầu sửa chữa hệ thống cống tại nhiều khu dân cư đông đúc.",
        "Người dân hy vọng công trình hoàn thành trước mùa mưa vào tháng tới.",
    ],
    "tl": [
        "Sinimulan ng lungsod ang pagkukumpuni ng mga kanal sa ilang mataong lugar.",
        "Umaasa ang mga residente na matatapos ito bago dumating ang tag-ulan.",
    ],
    "th": [
        "เทศบาลเริ่มซ่อมแซมท่อระบายน้ำในชุมชนหนาแน่นหลายแห่งเมื่อวันจันทร์",
        "ชาวบ้านหวังว่างานจะเสร็จก่อนฤดูฝนจะมาถึงในเดือนหน้า",
    ],
    "ms": [
        "Majlis bandaraya mula membaiki longkang di beberapa kawasan padat penduduk.",
        "Penduduk berharap kerja itu siap sebelum musim tengkujuh bermula bulan depan.",
    ],
}


def article(language: str, filler: str, kind: str = "paragraph") -> Article:
    first, second = STORY[language]
    blocks = (
        Block(0, "paragraph", first, language=language),
        Block(1, kind, filler, language=language),  # type: ignore[arg-type]
        Block(2, "paragraph", second, language=language),
    )
    return Article(url=None, title="Test", blocks=blocks, language=language)


def findings(art: Article) -> list[tuple[str, str, str]]:
    return [(f.type, f.rule, f.evidence) for f in audit_article(art, ONLY).findings]


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("id", "Baca juga: Harga beras naik menjelang akhir tahun"),
        ("vi", "Xem thêm: Giá xăng giảm lần thứ ba trong tháng"),
        ("tl", "Basahin din: Presyo ng gasolina, bababa ngayong linggo"),
        ("th", "อ่านเพิ่มเติม: ราคาน้ำมันลดลงอีกครั้ง"),
        ("en", "Read more: How the city plans to fix its drains"),
        ("ms", "BACA: Harga minyak turun lagi minggu depan"),
    ],
)
def test_read_also_lines_are_flagged(language: str, line: str) -> None:
    assert findings(article(language, line)) == [("boilerplate", "AQ701", line)]


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("id", "Tetap ikuti perkembangan berita terbaru hanya di situs kami."),
        ("en", "Follow us on Instagram for more stories like this."),
        ("tl", "Abangan ang mga susunod na balita dito lamang."),
        ("ms", "Ikuti kami di Telegram untuk berita terkini."),
        ("vi", "Mời bạn đọc theo dõi tin tức mới nhất trên trang của chúng tôi."),
        ("th", "กดติดตามเพจของเราเพื่อไม่พลาดข่าวสาร"),
        ("en", "Don't miss our newsletter: sign up today."),
        ("en", "Please follow us on Facebook for more news."),
        ("id", "Jangan lupa follow akun Instagram kami untuk update terbaru."),
        ("tl", "Para sa iba pang balita, bisitahin ang aming website."),
        # Pleas for money.
        ("en", "Support our newsroom by contributing as little as $1 a month."),
        ("en", "Help keep news free for every reader: a gift of as little as $1 makes a difference."),
        ("id", "Dukung jurnalisme independen dengan berdonasi kepada redaksi kami."),
        ("ms", "Sokong kami dengan menderma untuk berita tanpa iklan."),
        ("tl", "Suportahan ang aming pahina sa pamamagitan ng maliit na donasyon."),
    ],
)
def test_calls_to_action_are_flagged(language: str, line: str) -> None:
    assert findings(article(language, line)) == [("boilerplate", "AQ702", line)]


@pytest.mark.parametrize(
    ("language", "line"),
    [
        # The verb is there but not as an imperative at the start of a clause.
        ("en", "Police said they would follow up on the news reports about the missing boat."),
        ("id", "Polisi akan terus mengikuti perkembangan kasus ini bersama keluarga korban."),
        # "Read" and "news" in ordinary prose.
        ("en", "Readers of the local news site had warned about the blocked drains for years."),
        ("tl", "Sinabi ng alkalde na susundan nila ang mga ulat ng mga residente."),
        ("vi", "Người dân theo dõi sát diễn biến của cơn bão trong suốt đêm qua."),
        ("en", "Please do not use the fake version of the site, the company warned."),
        # The same verbs in reporting: not the outlet asking the reader.
        ("en", "Support for the journalism bill grew in the Senate after the vote on Tuesday."),
        ("en", "Residents who want to donate blood can visit the Red Cross centre on Jalan Ampang."),
        ("id", "Dukungan warga terhadap program vaksinasi terus meningkat sejak bulan lalu."),
        ("ms", "Penduduk kampung menderma beras dan air bersih kepada mangsa banjir di Kelantan."),
        ("tl", "Nagbigay ng donasyon ang alkalde sa mga pamilyang nasunugan sa Tondo."),
        # A subject before the verb, and an object that is also a call to action's ("aplikasi", "latest").
        ("id", "Pemkot dukung UMKM lewat aplikasi baru."),
        ("ms", "Rakyat sokong kerajaan, kata Perdana Menteri dalam hantaran di Facebook."),
        ("tl", "Suportahan natin ang ating mga atleta, sabi ng Pangulo sa isang video."),
        ("en", "Exports contribute to growth, the latest data showed."),
        ("en", "Subsidies help keep prices low, the latest report said."),
    ],
)
def test_ordinary_sentences_are_left_alone(language: str, line: str) -> None:
    assert findings(article(language, line)) == []


def test_paragraph_ending_in_a_call_to_action_is_info() -> None:
    text = (
        "Pertemuan itu menjadi momentum penting bagi kerja sama kedua kota. Dengan komitmen baru, "
        "kedua pihak berharap hasilnya segera terasa bagi warga di kedua wilayah dalam waktu dekat. "
        "Tetap ikuti perkembangan terbaru karena kerja sama ini diprediksi menjadi tonggak penting."
    )
    result = audit_article(article("id", text), ONLY)
    assert [(f.rule, f.severity, f.evidence) for f in result.findings] == [("AQ702", "info", text)]


def _faq_article(answers: list[str]) -> Article:
    body = [
        "Pemerintah kota memperbaiki saluran air di kawasan padat penduduk untuk mencegah banjir.",
        "Perbaikan saluran air ditargetkan selesai sebelum musim hujan agar warga terhindar dari banjir.",
    ]
    blocks = [Block(i, "paragraph", t, language="id") for i, t in enumerate(body)]
    blocks.append(Block(2, "heading", "FAQ", level=2))
    for answer in answers:
        blocks.append(Block(len(blocks), "heading", "Apa tujuan perbaikan saluran air?", level=3))
        blocks.append(Block(len(blocks), "paragraph", answer, language="id"))
    blocks.append(Block(len(blocks), "heading", "Penutup", level=2))
    return Article(url=None, title="T", blocks=tuple(blocks), language="id")


def test_faq_that_restates_the_article_is_flagged() -> None:
    art = _faq_article(
        ["Tujuannya memperbaiki saluran air agar warga terhindar dari banjir saat musim hujan."]
    )
    # The evidence is the filler itself (the restating answers), not the heading.
    assert findings(art) == [
        (
            "boilerplate",
            "AQ703",
            "Tujuannya memperbaiki saluran air agar warga terhindar dari banjir saat musim hujan.",
        )
    ]


def test_faq_evidence_holds_every_restating_answer() -> None:
    answers = [
        "Tujuannya memperbaiki saluran air agar warga terhindar dari banjir saat musim hujan.",
        "Perbaikan saluran air di kawasan padat penduduk ditargetkan selesai sebelum musim hujan.",
    ]
    flags = audit_article(_faq_article(answers), ONLY).findings
    assert [f.rule for f in flags] == ["AQ703"]
    assert all(answer in flags[0].evidence for answer in answers)
    assert "FAQ" not in flags[0].evidence


def test_faq_with_new_information_is_not_flagged() -> None:
    art = _faq_article(
        [
            "Kontraktor memakai pipa beton berdiameter besar yang didatangkan dari Surabaya, "
            "dan biaya proyek ditanggung anggaran provinsi tahun depan."
        ]
    )
    assert findings(art) == []


def test_real_articles_have_few_calls_to_action() -> None:
    """Real SEA article texts (../shared/corpus_text): calls to action are rare, and
    every one found must open with an imperative or a fixed filler phrase."""
    root = shared_path("corpus_text")
    rows = [json.loads(line) for line in (root / "manifest.jsonl").open(encoding="utf-8")]
    sample = random.Random(3).sample(rows, 150)
    flagged = 0
    for row in sample:
        data = json.loads((root / row["path"]).read_text(encoding="utf-8"))
        blocks = tuple(
            Block(i, "paragraph", p, language=data["language"]) for i, p in enumerate(data["paragraphs"])
        )
        result = audit_article(Article(None, data.get("title"), blocks, language=data["language"]), ONLY)
        flagged += any(f.rule == "AQ702" for f in result.findings)
    assert flagged <= len(sample) * 0.05


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("en", "Follow us."),
        ("en", "Follow us on X and Threads."),
        ("en", "Like and share this post."),
        ("en", "Follow us on LinkedIn and Bluesky for daily briefings."),
        ("id", "Like dan share postingan ini ya!"),
        ("id", "Ikuti kami di X dan Threads."),
        ("tl", "I-like at i-share ang post na ito."),
        ("tl", "Sundan kami sa X at Threads."),
        ("vi", "Like và chia sẻ bài viết này nếu bạn thấy hữu ích."),
        ("vi", "Theo dõi chúng tôi trên X và Threads."),
        ("th", "ติดตามเราได้ที่ X และ Threads"),
        ("th", "กดไลก์และแชร์โพสต์นี้"),
        ("ms", "Jangan lupa like dan share hantaran ini."),
    ],
)
def test_follow_like_and_share_calls_to_action_are_flagged(language: str, line: str) -> None:
    assert findings(article(language, line)) == [("boilerplate", "AQ702", line)]


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("en", "Share prices fell 3 percent on the news of the merger."),
        ("en", "Like other channels, the station cut its news budget this year."),
        ("en", "The US embassy posted the update on its website on Friday."),
        ("vi", "Chia sẻ với phóng viên, ông Nam cho biết trang trại đã mất một nửa đàn gà."),
        ("id", "Warga berbagi informasi lewat grup WhatsApp karena listrik padam seharian."),
    ],
)
def test_share_and_like_in_ordinary_prose_are_left_alone(language: str, line: str) -> None:
    assert findings(article(language, line)) == []


def test_thai_verb_inside_a_clause_is_not_a_call_to_action() -> None:
    # "The meeting followed up on the progress of the online-fraud measures": ติดตาม
    # (follow) mid-clause, ออนไลน์ (online) is not the LINE app.
    line = "และที่ประชุมได้ติดตามความก้าวหน้าของมาตรการแก้ไขปัญหาการฉ้อโกงทางออนไลน์ที่เพจของกระทรวงเผยแพร่"
    assert findings(article("th", line)) == []


@pytest.mark.parametrize(
    ("language", "line"),
    [
        # A staff writer's contact line asks to follow the writer, not the outlet.
        ("en", "Reporter Dana Whitfield covers city hall. Follow her on X @danawhit or on Threads."),
        ("en", "Follow him on Bluesky, where he posts about transit policy."),
    ],
)
def test_a_writers_bio_is_not_a_call_to_action(language: str, line: str) -> None:
    assert findings(article(language, line)) == []


@pytest.mark.parametrize(
    ("language", "before", "line", "after"),
    [
        (
            "id",
            "Polisi masih menyelidiki penyebab kebakaran gudang di kawasan industri itu pada Senin malam.",
            "(Baca juga: Gudang Plastik di Bekasi Terbakar, Dua Pekerja Luka)",
            "Petugas pemadam kebakaran membutuhkan empat jam untuk memadamkan api. Kerugian belum dihitung.",
        ),
        (
            "en",
            "The council voted on Tuesday to close the old bridge to trucks until repairs are finished.",
            "(Read more: Residents protest bridge closure plan)",
            "Engineers said the steel beams had corroded badly over the winter. Work starts in May.",
        ),
    ],
)
def test_link_line_glued_into_a_paragraph_is_the_evidence_not_the_paragraph(
    language: str, before: str, line: str, after: str
) -> None:
    text = f"{before} {line} {after}"
    result = audit_article(article(language, text), ONLY)
    assert [(f.rule, f.severity, f.evidence) for f in result.findings] == [("AQ701", "info", line)]
    assert line in text  # the evidence is exact text of the block


def test_a_plea_shown_twice_is_one_boilerplate_finding_not_a_duplicate_english_and_indonesian():
    from audit.config import load_config
    from audit.engine import audit_article
    from audit.model import Article, Block

    both = load_config(override={"rules": {"select": ["AQ2", "AQ7"]}})
    cases = (
        (
            "en",
            "Follow us on Facebook and Twitter for the latest news and stories from around the region.",
            (
                "The city council voted on Tuesday to extend the night market on Walking Street until midnight.",
                "Stall holders had asked for the change for two years, saying tourists arrive late in the evening.",
                "Residents living above the market said they would ask the council to limit amplified music.",
            ),
        ),
        (
            "id",
            "Ikuti kami di Instagram dan Facebook untuk mendapatkan berita terbaru setiap hari dari daerah.",
            (
                "Harga beras medium di pasar tradisional Jakarta naik dua ribu rupiah per kilogram pekan ini.",
                "Pedagang mengatakan pasokan dari Karawang berkurang karena panen mundur dua minggu.",
                "Pemerintah berjanji menyalurkan beras cadangan ke pasar-pasar induk mulai Senin.",
            ),
        ),
    )
    for lang, plea, (a, b, c) in cases:
        texts = (a, plea, b, c, plea)
        art = Article(
            url=None,
            title="Test",
            blocks=tuple(Block(i, "paragraph", t, language=lang) for i, t in enumerate(texts)),
            language=lang,
        )
        found = [(f.rule, f.block) for f in audit_article(art, both).findings]
        assert found == [("AQ702", 1)], (lang, found)
        assert "shown 2 times" in audit_article(art, both).findings[0].message
        # A story paragraph shown twice stays a duplicate.
        texts = (a, b, c, b)
        art = Article(
            url=None,
            title="Test",
            blocks=tuple(Block(i, "paragraph", t, language=lang) for i, t in enumerate(texts)),
            language=lang,
        )
        assert [(f.rule, f.block) for f in audit_article(art, both).findings] == [("AQ201", 3)]
