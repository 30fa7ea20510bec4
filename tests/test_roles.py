"""Block roles from the page's HTML (audit.roles) and their use by truncated_text (AQ501)."""

from __future__ import annotations

from dataclasses import replace

import lxml.html
import pytest

from audit.config import load_config
from audit.engine import audit_article
from audit.extract import extract_article
from audit.model import Article
from audit.roles import block_roles, class_tokens

ONLY = load_config(override={"rules": {"select": ["AQ501"]}})

ID_PROSE = (
    "Banjir rob kembali merendam permukiman di pesisir utara Semarang pada Senin pagi, memaksa lebih dari "
    "dua ribu warga meninggalkan rumah mereka.",
    "Kepala Badan Penanggulangan Bencana Daerah mengatakan air laut masuk ke permukiman karena tanggul di "
    "Kelurahan Tanjung Mas jebol sepanjang dua puluh meter.",
    "Petugas gabungan dari kepolisian, TNI dan relawan membantu mengevakuasi warga lanjut usia dan anak-anak "
    "ke gedung sekolah yang tidak terendam.",
    "Pemerintah kota berjanji memperbaiki tanggul yang jebol dalam satu pekan dan menyiapkan dapur umum bagi "
    "para pengungsi di tiga lokasi.",
)
ID_CUT = (
    "Menurut warga, genangan kali ini lebih tinggi dibandingkan tahun lalu dan air belum juga surut hingga "
    "sore hari meskipun pompa sudah dinyalakan sejak pagi di"
)
ID_CAPTION = (
    "Warga menumpang perahu karet menuju posko pengungsian di Kelurahan Tanjung Mas. Perbaikan tanggul "
    "ditargetkan selesai dalam satu pekan oleh dinas pekerjaan umum kota"
)
ID_CREDIT = "Laporan wartawan Rina Kartika dari Kelurahan Tanjung Mas untuk Kabar Pesisir"
ID_ERROR = "Maaf, telah terjadi kesalahan saat memuat komentar dan silakan muat ulang halaman ini nanti"
ID_STANDFIRST = "Ribuan warga pesisir Semarang mengungsi setelah banjir rob merendam permukiman mereka"

TL_PROSE = (
    "Umabot na sa mahigit limang libong pamilya ang lumikas sa kanilang mga tahanan matapos ang malakas na "
    "pag-ulan sa Marikina nitong Martes.",
    "Ayon sa lokal na pamahalaan, itinaas na sa ikatlong alarma ang babala sa ilog matapos umabot sa "
    "labing-walong metro ang tubig.",
    "Namahagi ng pagkain at kumot ang mga boluntaryo sa mga evacuation center na itinayo sa mga paaralan "
    "ng lungsod.",
    "Pinayuhan ng alkalde ang mga residente na manatili muna sa mga evacuation center hanggang bumaba ang "
    "tubig sa ilog.",
)
TL_CUT = (
    "Sinabi ng mga residente na mas mabilis tumaas ang tubig ngayong taon kaysa noong nakaraang bagyo at "
    "marami ang hindi na nakapagligtas ng kanilang mga gamit dahil sa"
)
TL_CREDIT = "Ulat nina Maria Santos at Jose Reyes, Balitang Bayan"
TL_RELATED = "Mga residente ng Marikina inilikas dahil sa pagtaas ng tubig sa ilog"
TL_CAPTION = (
    "Inililikas ng mga rescuer ang isang matandang residente sa Barangay Malanday kahapon. Patuloy pa rin "
    "ang pagtaas ng tubig sa ilog hanggang kaninang umaga"
)
EN_ITEM = "Pack drinking water and medicine for at least three days"


def _page(lang: str, body: str) -> str:
    return (
        f'<html lang="{lang}"><head><title>Berita</title></head><body>'
        f'<article><h1>Judul berita</h1><div class="article-body">{body}</div></article></body></html>'
    )


def _p(text: str, attrs: str = "") -> str:
    return f"<p{attrs}>{text}</p>"


def _roles(html: str, texts: list[str]) -> list[str | None]:
    return block_roles(lxml.html.fromstring(html), texts)


def test_class_tokens_are_words_not_substrings():
    assert {"article", "caption"} <= class_tokens("article-caption")
    assert "caption" in class_tokens("wp-caption-text")
    assert "caption" in class_tokens("imageCaption")
    assert "pullquote" in class_tokens("pull-quote")
    assert "lead" not in class_tokens("leading-image misleading")


def test_indonesian_furniture_has_its_role_and_prose_is_prose():
    body = (
        _p(ID_STANDFIRST, ' class="article-summary"')
        + "".join(_p(t) for t in ID_PROSE[:2])
        + f"<figure><img src='a.jpg'><figcaption>{ID_CAPTION}</figcaption></figure>"
        + "".join(_p(t) for t in ID_PROSE[2:])
        + _p(ID_CREDIT, ' class="author-line"')
        + f'<div role="alert"><p>{ID_ERROR}</p></div>'
        + f"<ul><li>{EN_ITEM}</li></ul>"
    )
    texts = [ID_STANDFIRST, *ID_PROSE[:2], ID_CAPTION, *ID_PROSE[2:], ID_CREDIT, ID_ERROR, EN_ITEM]
    assert _roles(_page("id", body), texts) == [
        "standfirst",
        "prose",
        "prose",
        "caption",
        "prose",
        "prose",
        "credit",
        "widget",
        "list_item",
    ]


def test_tagalog_credit_in_small_print_and_related_headline_are_not_prose():
    body = (
        "".join(_p(t) for t in TL_PROSE)
        + f"<p><small>{TL_CREDIT}</small></p>"
        + f'<div class="related-stories"><a href="/x"><span>{TL_RELATED}</span></a></div>'
    )
    roles = _roles(_page("tl", body), [*TL_PROSE, TL_CREDIT, TL_RELATED])
    assert roles == ["prose"] * 4 + ["credit", "link"]  # the nearest role: the line is one link


def test_hidden_lines_embedded_posts_and_whole_links_are_not_prose_indonesian_and_tagalog():
    # What the reader never sees (a "sent" confirmation in a hidden modal), another
    # author's post embedded whole, a line that is one link: structure, whatever the words.
    id_sent = "Artikel ini telah dikirim ke"
    tl_post = "Salamat sa lahat ng tumulong sa amin kagabi sa evacuation center ng Barangay Malanday"
    body = (
        "".join(_p(t) for t in ID_PROSE)
        + f'<div class="email-modal hide"><p>{id_sent}</p></div>'
        + f'<div style="display: none"><p>{ID_ERROR}</p></div>'
        + f'<p><a href="/berita/lain">{ID_STANDFIRST}</a></p>'
        + f'<blockquote class="twitter-tweet"><p>{tl_post}</p></blockquote>'
        + f'<p aria-hidden="true">{TL_RELATED}</p>'
    )
    texts = [*ID_PROSE, id_sent, ID_ERROR, ID_STANDFIRST, tl_post, TL_RELATED]
    assert _roles(_page("id", body), texts) == ["prose"] * 4 + ["widget", "widget", "link", "embed", "widget"]
    # A link inside a sentence, and a class that only hides on small screens, keep prose prose.
    body = (
        f'<p>{ID_PROSE[0]} <a href="/x">Baca</a> selengkapnya.</p><p class="hide-on-mobile">{ID_PROSE[1]}</p>'
    )
    texts = [f"{ID_PROSE[0]} Baca selengkapnya.", ID_PROSE[1]]
    assert _roles(_page("id", body + "".join(_p(t) for t in ID_PROSE[2:])), texts) == ["prose", "prose"]


def test_the_article_body_wrapper_does_not_lend_its_class_to_paragraphs():
    # The body sits in a "summary"/"lead"-named wrapper: that is the article, not its standfirst.
    html = _page("tl", f'<div class="lead-story summary">{"".join(_p(t) for t in TL_PROSE)}</div>')
    assert _roles(html, list(TL_PROSE)) == ["prose"] * 4


def test_a_role_covering_most_of_the_text_is_the_body_markup():
    # A gallery whose every paragraph sits in its own "deck": those are the story's prose.
    body = "".join(f'<div class="gallery-deck">{_p(t)}</div>' for t in ID_PROSE)
    assert _roles(_page("id", body), list(ID_PROSE)) == ["prose"] * 4


def test_text_not_on_the_page_has_no_role():
    assert _roles(_page("id", _p(ID_PROSE[0])), [ID_PROSE[0], "Teks yang tidak ada di halaman"]) == [
        "prose",
        None,
    ]
    assert block_roles(None, ["Teks biasa"]) == [None]


def _flagged(html: str) -> tuple[Article, list[str]]:
    extraction = extract_article(html)
    assert extraction.article is not None, extraction.failure
    article = extraction.article
    return article, [f.evidence for f in audit_article(article, ONLY).findings]


def _without_roles(article: Article) -> list[str]:
    blocks = tuple(replace(b, role=None) for b in article.blocks)
    return [f.evidence for f in audit_article(replace(article, blocks=blocks), ONLY).findings]


@pytest.mark.parametrize(
    ("lang", "body", "furniture", "cut"),
    [
        (
            "id",
            _p(ID_PROSE[0])
            + f'<div class="photo"><img src="a.jpg"><p class="imageCaption">{ID_CAPTION}</p></div>'
            + "".join(_p(t) for t in ID_PROSE[1:3])
            + _p(ID_CUT)
            + _p(ID_PROSE[3])
            + f"<p><em>{ID_CREDIT}</em></p>",
            [ID_CAPTION, ID_CREDIT],
            ID_CUT,
        ),
        (
            "tl",
            "".join(_p(t) for t in TL_PROSE[:2])
            + f'<p class="photo-credit">{TL_CAPTION}</p>'
            + _p(TL_PROSE[2])
            + _p(TL_CUT)
            + _p(TL_PROSE[3])
            + f"<p><small>{TL_CREDIT}</small></p>",
            [TL_CAPTION, TL_CREDIT],
            TL_CUT,
        ),
    ],
)
def test_unpunctuated_caption_and_credit_are_not_cuts_but_a_cut_paragraph_is(lang, body, furniture, cut):
    article, flagged = _flagged(_page(lang, body))
    kept = {b.text: b.role for b in article.blocks}
    assert all(kept.get(text) in ("caption", "credit") for text in furniture), kept
    assert flagged == [cut]
    # without the roles the unpunctuated caption is taken for a cut
    assert set(_without_roles(article)) & set(furniture)


#: A line whose last words are a link's label: it points the reader elsewhere.
ID_POLICY = (
    "Kami mengundang pembaca berdiskusi dengan sopan di kolom komentar, dan redaksi berhak menghapus "
    'komentar yang melanggar aturan. Baca <a href="/pedoman">pedoman komentar kami</a>'
)
EN_POLICY = (
    "Our members receive offers and updates from us and our partners, and you can unsubscribe at any "
    'time you like. Read our <a href="/privacy">privacy policy</a>'
)


def _text(html_fragment: str) -> str:
    return lxml.html.fromstring(f"<p>{html_fragment}</p>").text_content()


@pytest.mark.parametrize(
    ("lang", "prose", "pointer"), [("id", ID_PROSE, ID_POLICY), ("tl", TL_PROSE, EN_POLICY)]
)
def test_a_line_ending_on_a_link_is_a_signpost_and_a_link_mid_line_is_not(lang, prose, pointer):
    inline = f'{prose[1][:-1]} <a href="/x">di sini</a>.'
    body = _p(prose[0]) + _p(inline) + _p(pointer) + "".join(_p(t) for t in prose[2:])
    texts = [prose[0], _text(inline), _text(pointer), *prose[2:]]
    assert _roles(_page(lang, body), texts) == ["prose", "prose", "signpost", "prose", "prose"]


@pytest.mark.parametrize(
    ("lang", "prose", "pointer", "last_words"),
    [("id", ID_PROSE, ID_POLICY, "pedoman komentar kami"), ("tl", TL_PROSE, EN_POLICY, "privacy policy")],
)
def test_an_unpunctuated_signpost_is_not_a_cut_but_the_same_words_unlinked_are(
    lang, prose, pointer, last_words
):
    body = "".join(_p(t) for t in prose[:3]) + _p(pointer) + _p(prose[3])
    _, flagged = _flagged(_page(lang, body))
    assert flagged == []
    unlinked = _text(pointer)
    _, flagged = _flagged(_page(lang, "".join(_p(t) for t in prose[:3]) + _p(unlinked) + _p(prose[3])))
    assert [f.rstrip()[-len(last_words) :] for f in flagged] == [last_words]


@pytest.mark.parametrize(("lang", "prose"), [("id", ID_PROSE), ("tl", TL_PROSE)])
def test_a_footnote_mark_a_hidden_link_or_a_closed_link_make_no_signpost(lang, prose):
    cut = prose[1].rstrip(".")
    footnote = f'{cut}<sup><a href="#fn1">1</a></sup>'  # an anchor on this page
    hidden = f'{cut} <a href="/x" aria-hidden="true">lagi</a>'  # no reader sees the link
    closed = f'{cut} <a href="/x">di sini.</a>'  # the link's label closes the sentence
    body = _p(prose[0]) + _p(footnote) + _p(hidden) + _p(closed) + "".join(_p(t) for t in prose[2:])
    texts = [prose[0], _text(footnote), f"{cut} ", _text(closed), *prose[2:]]
    assert _roles(_page(lang, body), texts) == ["prose"] * 6
