"""Cross-site folds (``newsaudit eval --folds K``): sites, never pages, are split."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from audit.evaluate import Flagged, Label, PageResult, evaluate_folds
from audit.folds import assign_folds, site_of, summarise
from tests.paths import CLI


def test_site_is_the_host_else_the_collection_of_the_base() -> None:
    assert site_of("https://www.kompas.com/a/b.html", "x-1", "p") == "kompas.com"
    assert site_of("https://vnexpress.net/x", None, "p") == "vnexpress.net"
    # fixture layouts share a placeholder host: the base names the collection the text came from
    assert site_of("https://news.example/2024/a.html", "tl-fnf-faad6cae84", "p") == "tl-fnf"
    assert site_of(None, "readability-webmd-2", "p") == "readability-webmd"
    assert site_of(None, None, "pages/a.html") == "pages/a.html"


def test_folds_keep_a_site_together_balanced_and_deterministic() -> None:
    sites = ["a.com"] * 30 + ["b.com"] * 20 + ["c.com"] * 10 + [f"s{i}.com" for i in range(40)]
    folds = assign_folds(sites, 3)
    assert assign_folds(list(reversed(sites)), 3) == folds  # depends on the sites, not the order
    load = [sum(1 for s in sites if folds[s] == f) for f in range(3)]
    assert max(load) - min(load) <= 1, load
    assert len({folds["a.com"], folds["b.com"], folds["c.com"]}) == 3  # the big sites are spread


def test_too_few_sites_or_folds_is_an_error() -> None:
    with pytest.raises(ValueError, match="only 2 sites"):
        assign_folds(["a", "b", "b"], 3)
    with pytest.raises(ValueError, match="at least 2"):
        assign_folds(["a", "b"], 1)


def test_worst_fold_is_the_lowest_rate_and_the_highest_false_flag_rate() -> None:
    def fold(p: float | None, r: float, ctl: float | None, per_100: float | None) -> dict:
        kind = {"precision": p, "recall": r, "f1": None, "strict_precision": p, "controls_flagged_rate": ctl}
        return {"types": {"truncated_text": kind}, "false_flags_per_100_clean_pages": per_100}

    summary = summarise([fold(0.9, 0.7, 0.02, 4.0), fold(None, 0.9, 0.06, None), fold(0.8, 0.8, None, 2.0)])
    worst, mean = summary["worst"], summary["mean"]
    assert worst["types"]["truncated_text"]["precision"] == 0.8  # the undefined fold is left out
    assert worst["types"]["truncated_text"]["recall"] == 0.7
    assert worst["types"]["truncated_text"]["controls_flagged_rate"] == 0.06
    assert worst["false_flags_per_100_clean_pages"] == 4.0
    assert mean["types"]["truncated_text"]["precision"] == 0.85
    assert mean["false_flags_per_100_clean_pages"] == 3.0


def test_each_fold_is_scored_on_its_own_pages() -> None:
    stat = "Harga beras naik 20 persen sejak awal tahun."
    labels = [
        Label("a1", "id", ({"type": "unsourced_statistic", "text": stat},), (), "https://a.com/1"),
        Label("a2", "id", (), (), "https://a.com/2"),
        Label("b1", "id", ({"type": "unsourced_statistic", "text": stat},), (), "https://b.com/1"),
    ]
    results = [
        PageResult("a1", [Flagged("unsourced_statistic", "AQ401", "warning", stat)]),
        PageResult("a2", [Flagged("truncated_text", "AQ501", "warning", "Harga beras naik di")]),
        PageResult("b1", []),
    ]
    folds = evaluate_folds(labels, results, 2)
    by_site = {tuple(r["sites"]): r for r in folds["per_fold"]}
    assert by_site[("a.com",)]["types"]["unsourced_statistic"]["recall"] == 1.0
    assert by_site[("a.com",)]["false_flags_per_100_clean_pages"] == 100.0
    assert by_site[("b.com",)]["types"]["unsourced_statistic"]["recall"] == 0.0
    assert folds["worst"]["types"]["unsourced_statistic"]["recall"] == 0.0
    assert folds["mean"]["types"]["unsourced_statistic"]["recall"] == 0.5


def _page(path: Path, text: str) -> None:
    body = "".join(
        f"<p>{text} Paragraf nomor {i} menjelaskan keadaan jalan yang rusak.</p>" for i in range(4)
    )
    path.write_text(f"<html><body><article><h1>Jalan</h1>{body}</article></body></html>", encoding="utf-8")


def test_eval_folds_on_the_command_line(tmp_path: Path) -> None:
    (tmp_path / "pages").mkdir()
    lines = []
    for i, host in enumerate(["a.com", "b.com", "c.com"]):
        _page(tmp_path / "pages" / f"{i}.html", "Warga di kawasan itu sudah lama menunggu perbaikan jalan.")
        lines.append(json.dumps({"page": f"pages/{i}.html", "url": f"https://{host}/x", "defects": []}))
    labels = tmp_path / "labels.jsonl"
    labels.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = subprocess.run(
        [str(CLI), "eval", str(labels), "--json", "--quiet", "--jobs", "1", "--folds", "3"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    folds = json.loads(done.stdout)["folds"]
    assert folds["k"] == 3 and folds["sites"] == 3
    assert sorted(len(r["sites"]) for r in folds["per_fold"]) == [1, 1, 1]
    assert "worst" in folds and "mean" in folds
    text = subprocess.run(
        [str(CLI), "eval", str(labels), "--quiet", "--jobs", "1", "--folds", "3"],
        capture_output=True,
        text=True,
    )
    assert "cross-site folds: 3 sites in 3 folds" in text.stdout and "worst" in text.stdout
    bad = subprocess.run(
        [str(CLI), "eval", str(labels), "--quiet", "--folds", "4"], capture_output=True, text=True
    )
    assert bad.returncode == 2 and "only 3 sites" in bad.stderr
