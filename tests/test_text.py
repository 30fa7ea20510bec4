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
