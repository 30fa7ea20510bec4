"""audit.text: the shared tokenisers every rule calls on the same blocks."""

from __future__ import annotations

from audit import text


def test_words_are_casefolded_and_cached_without_sharing_the_list():
    first = text.words("Harga Cabai NAIK di Jakarta")
    assert first == ["harga", "cabai", "naik", "di", "jakarta"]
    first.append("changed")  # a caller may change its list...
    assert text.words("Harga Cabai NAIK di Jakarta") == [
        "harga",
        "cabai",
        "naik",
        "di",
        "jakarta",
    ]  # ...not the cache
    assert text.words("") == [] and text.words(None) == []  # type: ignore[arg-type]


def test_normalize_and_the_cache_can_be_cleared():
    assert text.normalize("  Xem thêm:  Giá  XĂNG tăng! ") == "xem thêm giá xăng tăng"
    text.cache_clear()
    assert text.normalize("Baca juga: Harga naik") == "baca juga harga naik"
    assert text.words("Ikuti kami") == ["ikuti", "kami"]


def test_a_full_stop_after_an_abbreviation_or_initial_does_not_end_the_sentence():
    assert text.sentences(
        "Menurut Dr. Sri Wahyuni dari Puskesmas di Jl. Merdeka No. 5, kasus turun. Warga lega."
    ) == ["Menurut Dr. Sri Wahyuni dari Puskesmas di Jl. Merdeka No. 5, kasus turun.", "Warga lega."]
    assert text.sentences("Ayon kay Atty. Maria Santos ng Brgy. San Isidro, tama ito. Umalis siya.") == [
        "Ayon kay Atty. Maria Santos ng Brgy. San Isidro, tama ito.",
        "Umalis siya.",
    ]
    assert text.sentences("Theo PGS. TS. Trần Văn Bình, giá tại TP. Hồ Chí Minh tăng. Dân lo.") == [
        "Theo PGS. TS. Trần Văn Bình, giá tại TP. Hồ Chí Minh tăng.",
        "Dân lo.",
    ]
    assert text.sentences("The award went to Joko W. Widodo. Others left.") == [
        "The award went to Joko W. Widodo.",
        "Others left.",
    ]


def test_ordinary_words_before_a_full_stop_still_end_sentences():
    # Case matters: "no." closing a sentence is not "No. 5"; a word that is no
    # abbreviation ("Merdeka.") ends the sentence as before.
    assert text.sentences("He said no. Then he left.") == ["He said no.", "Then he left."]
    assert text.sentences("Mereka tinggal di Jalan Merdeka. Rumahnya kecil.") == [
        "Mereka tinggal di Jalan Merdeka.",
        "Rumahnya kecil.",
    ]


def test_abbreviations_come_from_one_language_or_all():
    assert "Jl" in text.abbreviations("id") and "Jl" not in text.abbreviations("en")
    assert {"Dr", "Jl", "Brgy", "TP"} <= text.abbreviations()


def test_thai_is_cut_into_newmm_words():
    sentence = "นายกรัฐมนตรีเดินทางไปเชียงใหม่ 3 วัน กับ Reuters ๆ"
    assert text.thai_words(sentence) == ["นายกรัฐมนตรี", "เดินทาง", "ไป", "เชียงใหม่", "วัน", "กับ"]
    # words() keeps the Latin and digits, in order, and no longer cuts Thai at its vowel signs.
    assert text.words(sentence) == ["นายกรัฐมนตรี", "เดินทาง", "ไป", "เชียงใหม่", "3", "วัน", "กับ", "reuters"]
    assert text.words("ราคาน้ำมันขึ้น") == ["ราคา", "น้ำมัน", "ขึ้น"]  # "ำ" stays whole (no NFKC on Thai)
    assert text.thai_words("Penang ferry") == []
