"""Lexicons are data: the new statistics keys load, validate, and change what the rule does."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit import lexicon
from audit.model import Block
from audit.rules import statistics

SEA = ("en", "id", "ms", "tl", "vi", "th")


@pytest.mark.parametrize("code", SEA)
def test_every_sea_lexicon_loads_with_back_references(code: str) -> None:
    lex = lexicon.load(code)
    assert lex is not None
    assert lex.attribution and lex.units_after
    assert lex.back_references, f"{code}: no back_references"


def test_unknown_statistics_key_is_refused() -> None:
    with pytest.raises(lexicon.LexiconError, match="attribution_excluded"):
        lexicon.parse(
            {"language": "xx", "statistics": {"attribution_excluded": ["in other words"]}}, "x.toml"
        )


def _write(directory: Path, body: str) -> str:
    (directory / "xx.toml").write_text('language = "xx"\n' + body, encoding="utf-8")
    return str(directory)


SENTENCE = "Dengan kata lain, sekitar 15 persen pekerja belum menerima upah minimum."


def _flags(directory: str, text: str) -> list[str]:
    pats = statistics._patterns(directory)
    return [stat for _, stat in statistics.unsourced(Block(0, "paragraph", text), pats)]


def test_an_editor_can_exclude_a_phrase_without_touching_python(tmp_path: Path) -> None:
    base = '[statistics]\nunits_after = ["persen"]\nattribution = ["kata"]\n'
    first = tmp_path / "a"
    first.mkdir()
    assert _flags(_write(first, base), SENTENCE) == []  # "kata" taken for "said"
    second = tmp_path / "b"
    second.mkdir()
    excluded = _write(second, base + 'attribution_exclude = ["dengan kata lain"]\n')
    assert _flags(excluded, SENTENCE) == ["15 persen"]


def test_an_editor_can_make_a_cue_need_a_named_source(tmp_path: Path) -> None:
    body = '[statistics]\nunits_after = ["percent"]\nattribution_named = ["study"]\nname_linkers = ["by"]\n'
    directory = _write(tmp_path, body)
    assert _flags(directory, "Some 30 percent of pupils study abroad.") == ["30 percent"]
    assert _flags(directory, "Some 30 percent of pupils left, a study by UNESCO shows.") == []
