"""Language detection on text set in capitals."""

from __future__ import annotations

import pytest

from audit import language
from audit.extract import extract_article

PARAGRAPHS = {
    "id": [
        "Pemerintah kota memutuskan pada hari Selasa untuk memperpanjang jam operasional pasar malam di "
        "kawasan kota lama hingga tengah malam mulai bulan depan.",
        "Para pedagang sudah meminta perubahan itu selama dua tahun karena sebagian besar wisatawan baru "
        "datang setelah makan malam ketika udara sudah sejuk.",
        "Dinas pariwisata memperkirakan perpanjangan jam itu akan menambah pendapatan pedagang hingga "
        "seperlima selama musim liburan sekolah.",
    ],
    "tl": [
        "Humigit kumulang sa tatlong libong pamilya ang inilikas matapos umapaw ang ilog sa bayan noong "
        "Lunes ng gabi, ayon sa tanggapan ng lokal na pamahalaan.",
        "Sinabi ng alkalde na bukas ang mga paaralan bilang pansamantalang tirahan hanggang bumaba ang "
        "tubig sa mga kalsada at mabuksan muli ang tulay.",
        "Nanawagan din ang mga opisyal sa mga residente na huwag munang bumalik sa kanilang mga bahay "
        "hangga't hindi pa idinedeklarang ligtas ang lugar.",
    ],
    "en": [
        "The city council decided on Tuesday to extend the opening hours of the night market in the old "
        "town until midnight from next month.",
        "Traders have asked for the change for two years because most visitors only arrive after dinner, "
        "when the air has cooled down.",
        "The tourism office expects the longer hours to raise traders' income by a fifth over the school "
        "holidays.",
    ],
}


@pytest.mark.parametrize("lang", sorted(PARAGRAPHS))
def test_text_in_capitals_is_detected_like_running_text(lang):
    for paragraph in PARAGRAPHS[lang]:
        found = language.detect(paragraph.upper())
        assert found is not None and found[0] == lang, (paragraph, found)


@pytest.mark.parametrize("lang", ["id", "tl"])
def test_a_page_set_in_capitals_keeps_its_language(lang):
    body = "".join(f"<p>{p.upper()}</p>" for p in PARAGRAPHS[lang])
    html = f"<html><head><title>BERITA</title></head><body><article><h1>BERITA KOTA</h1>{body}</article></body></html>"
    article = extract_article(html.encode()).article
    assert article.language == lang
    assert {b.language for b in article.blocks if b.kind == "paragraph"} == {lang}


def test_acronyms_and_names_in_running_text_are_not_capitals():
    text = "Kepala BPBD DKI Jakarta dan KPK bertemu di Balai Kota pada hari Senin untuk membahas banjir."
    assert not language._mostly_upper(text)
    assert language._mostly_upper(text.upper())
