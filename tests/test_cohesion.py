"""Lexical cohesion: in-article TF-IDF, weighted by each term's rarity in the language."""

from __future__ import annotations

from audit.cohesion import paragraph_cohesion, rarity

STORY = (
    "The Penang ferry service between Butterworth and George Town will resume on Monday after engine repairs.",
    "The ferries were taken out of service last month when one vessel lost power near the Butterworth terminal.",
    "Commuters who rely on the ferry have queued for buses over the Penang Bridge since the ferries stopped.",
    "The ferry operator said both vessels passed inspections and that a third ferry would be refitted.",
)
# Shares only everyday words with the story ("said", "last month", "people", "time").
EVERYDAY = "People said last month that the time had come to change the way things work in the city."
MS_STORY = (
    "Kerajaan negeri akan menambah bas elektrik bagi laluan utama di Kuala Lumpur tahun depan.",
    "Bas elektrik baharu itu mampu membawa enam puluh penumpang bagi setiap perjalanan di laluan utama.",
    "Pengguna bas di Kuala Lumpur berharap kekerapan bas pada waktu puncak turut ditambah.",
)
MS_EVERYDAY = "Menurut orang ramai, tahun depan adalah masa yang baik untuk semua pihak di negara ini."


def _relative(texts: tuple[str, ...], language: str | None) -> float:
    return paragraph_cohesion(list(texts), "", language)[-1].relative


def test_everyday_words_count_for_less_than_topical_ones_english_and_malay():
    assert rarity("the", "en") < rarity("said", "en") < rarity("ferry", "en") <= rarity("butterworth", "en")
    assert rarity("yang", "ms") < rarity("elektrik", "ms")
    # A paragraph that only shares everyday words looks less cohesive once they are discounted.
    assert _relative((*STORY, EVERYDAY), "en") < _relative((*STORY, EVERYDAY), None)
    assert _relative((*MS_STORY, MS_EVERYDAY), "ms") < _relative((*MS_STORY, MS_EVERYDAY), None)


def test_languages_without_a_word_list_keep_plain_weights():
    texts = [*STORY, EVERYDAY]
    plain = paragraph_cohesion(texts, "")
    assert paragraph_cohesion(texts, "", "xx") == plain
    thai = ["กรุงเทพมหานครเตรียมเครื่องสูบน้ำเพิ่ม", "ผู้ว่าราชการกล่าวว่าประชาชนแจ้งปัญหาได้", "ฝนจะตกหนักต่อเนื่อง"]
    assert paragraph_cohesion(thai, "", "th") == paragraph_cohesion(thai, "")


def test_rarity_cache_is_bounded_and_gives_the_same_values(monkeypatch):
    from audit import cohesion

    cohesion.rarity_cache_clear()
    words_ms = ["yang", "elektrik", "kerajaan", "feri", "jambatan", "penumpang"]
    first = [rarity(w, "ms") for w in words_ms]
    monkeypatch.setattr(cohesion, "_RARITY_CACHE_SIZE", 4)
    cohesion.rarity_cache_clear()
    again = [rarity(w, "ms") for w in words_ms]
    assert again == first
    assert len(cohesion._RARITY_CACHE["ms"]) <= 4


def test_language_tables_are_not_walked_by_the_garbage_collector():
    # langdetect's 88,000 per-n-gram probability rows and wordfreq's word lists made
    # every full collection cost 150-200 ms in a crawl process.
    import gc

    from langdetect import detector_factory

    from audit import cohesion, language

    language.detect("Pemerintah kota memutuskan untuk memperpanjang jam operasional pasar malam.")
    rarity("ferry", "en")
    gc.collect()
    rows = detector_factory._factory.word_lang_prob_map
    assert not any(gc.is_tracked(row) for row in list(rows.values())[:1000])
    assert not gc.is_tracked(cohesion._frequencies("en"))
    assert cohesion._frequencies("en")["the"] > 0.01
    from wordfreq import get_frequency_list

    assert get_frequency_list.cache_info().currsize == 0  # its word lists were let go


def test_frequency_table_cache_round_trip(tmp_path, monkeypatch) -> None:
    """The table read back from the user cache is wordfreq's own, to the last float."""
    import gc

    from wordfreq import get_frequency_dict

    from audit import cohesion

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    cohesion._frequencies.cache_clear()
    try:
        written = cohesion._frequencies("da")  # a miss: built by wordfreq, then stored
        assert list(tmp_path.rglob("da.marshal"))
        cohesion._frequencies.cache_clear()
        read = cohesion._frequencies("da")  # a hit
        assert read == written == get_frequency_dict("da")
        assert not gc.is_tracked(read)
        (next(tmp_path.rglob("da.marshal"))).write_bytes(b"\x00garbage")
        cohesion._frequencies.cache_clear()
        assert cohesion._frequencies("da") == written  # a corrupt file falls back to wordfreq
        # A damaged float marshal would still read: the digest catches it.
        path = next(tmp_path.rglob("da.marshal"))
        cohesion._frequencies.cache_clear()
        cohesion._frequencies("da")  # rewritten whole
        data = bytearray(path.read_bytes())
        data[-3] ^= 0x01
        path.write_bytes(bytes(data))
        cohesion._frequencies.cache_clear()
        assert cohesion._read_table_cache(path) is None
        assert cohesion._frequencies("da") == written
    finally:
        cohesion._frequencies.cache_clear()


def test_no_home_directory_means_no_cache_not_a_crash(monkeypatch) -> None:
    from audit import cohesion

    def no_home() -> None:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(cohesion.Path, "home", staticmethod(no_home))
    assert cohesion._cache_root() is None
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # ignored, as the XDG spec says
    assert cohesion._cache_root() is None
    cohesion._frequencies.cache_clear()
    try:
        assert cohesion._frequencies("da")  # loaded from wordfreq, nothing written
    finally:
        cohesion._frequencies.cache_clear()
