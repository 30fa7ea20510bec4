"""audit.sentence_end: counting how often a word ends a sentence, and the shipped table."""

from __future__ import annotations

import json

from audit.sentence_end import DATA_PATH, count_sentence_ends, languages, sentence_end_rate, word_counts
from bench.build_sentence_end_stats import build, dump


def test_counts_words_and_the_sentences_they_end_indonesian():
    counts = count_sentence_ends(
        [
            "Dia datang kemarin. Kami pulang ke rumah dia!",
            "Menurut Dr. Sri Wahyuni, inflasi naik pada tahun 2019. Kata dia, “Kami siap.”",
        ]
    )
    assert counts.sentences == 4
    assert (counts.seen["dia"], counts.ends["dia"]) == (3, 1)
    assert counts.ends["kemarin"] == 1 and counts.ends["siap"] == 1  # closing quote after the stop
    assert counts.seen["dr"] == 1 and counts.ends["dr"] == 0  # an abbreviation ends no sentence
    assert "2019" not in counts.seen and counts.ends["tahun"] == 0  # figures are not words


def test_counts_pairs_of_syllables_vietnamese():
    counts = count_sentence_ends(["Hôm nay trời đẹp. Tôi đi học.", "Bà ấy nói: “Tôi đi học.”"], "vi")
    assert (counts.seen["trời đẹp"], counts.ends["trời đẹp"]) == (1, 1)
    assert (counts.seen["hôm nay"], counts.ends["hôm nay"]) == (1, 0)
    assert (counts.seen["đi học"], counts.ends["đi học"]) == (2, 2)
    assert "đẹp tôi" not in counts.seen  # no pair across a sentence end
    assert counts.sentences == 3


def test_the_build_is_deterministic_and_keeps_languages_with_enough_text(tmp_path):
    root = tmp_path / "corpus_text" / "tl"
    root.mkdir(parents=True)
    article = {
        "language": "tl",
        "source_dataset": "test",
        "paragraphs": ["Umuulan sa Maynila ngayon. Sarado ang mga paaralan sa lungsod ngayon."],
    }
    (root / "a.json").write_text(json.dumps(article), encoding="utf-8")
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "manifest.jsonl").write_text("", encoding="utf-8")
    data = build(tmp_path, min_count=2, min_sentences=1)
    assert data["tl"]["words"] == {"ngayon": [2, 2], "sa": [2, 0]}
    assert data["tl"]["sources"] == {"corpus_text/test": 1}
    assert json.loads(dump(data)) == data and dump(data) == dump(build(tmp_path, 2, 1))
    assert build(tmp_path, min_count=2, min_sentences=3).keys() == {"_meta"}


def test_the_shipped_table_loads_and_covers_the_languages():
    assert DATA_PATH.is_file()
    assert {"en", "id", "ms", "tl", "vi"} <= languages()
    header = json.loads(DATA_PATH.read_text(encoding="utf-8"))["_meta"]
    assert header["generated_by"] == "bench/build_sentence_end_stats.py"
    assert sentence_end_rate(["yang"], "ms", 50) == 0.0  # Malay pooled with Indonesian
    assert sentence_end_rate(["of"], "en", 50) < 0.005 < sentence_end_rate(["year"], "en", 50)
    assert sentence_end_rate(["có", "thể"], "vi", 50) is not None
    assert word_counts("th") is None and sentence_end_rate(["yang"], None, 1) is None
