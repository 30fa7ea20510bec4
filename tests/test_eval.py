"""``newsaudit eval``: the matching rule, the scoring, and the evaluation gate.

The gate runs the real command over ``../shared/evalset`` (skipped when absent) and
pins floors a little below what is measured today, as Trafilatura's eval gate does,
so a regression fails CI. Edit :data:`FLOORS` when a rule legitimately improves.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from audit.evaluate import Flagged, Label, LabelError, PageResult, evaluate, load_labels, overlaps
from tests.paths import CLI, shared_path

#: The gate reads the *worst* of this many cross-site folds (issue 13), not the pooled figure.
GATE_FOLDS = 5
#: Minimum precision / recall per type on the worst fold of ../shared/evalset (None = not gated),
#: a little under what is measured. Issue 13 targets (worst fold): repeated_heading and
#: duplicate_paragraph >= 0.95/0.95; off_topic_paragraph >= 0.85/0.85; truncated_text >= 0.85/0.80;
#: language_mixing and boilerplate >= 0.90/0.90; unsourced_statistic recall >= 0.90 with <= 5% of
#: controls flagged. Raise a floor when a rule legitimately improves; never lower one to land a change.
FLOORS: dict[str, dict[str, float | None]] = {
    "unsourced_statistic": {"precision": None, "recall": 0.95},
    "language_mixing": {"precision": 0.96, "recall": 0.90},
    "boilerplate": {"precision": 0.70, "recall": 0.96},
    "repeated_heading": {"precision": 0.97, "recall": 0.98},
    "duplicate_paragraph": {"precision": 0.92, "recall": 0.89},
    "off_topic_paragraph": {"precision": 0.86, "recall": 0.73},
    "truncated_text": {"precision": 0.82, "recall": 0.72},
}
#: Ceilings on the share of sourced controls flagged, per type, on the worst fold.
MAX_CONTROLS_FLAGGED = {"unsourced_statistic": 0.05}
#: Ceiling on false flags per 100 clean pages on the worst fold (issue 13's target is 5; measured 5.1).
MAX_FALSE_FLAGS_PER_100_CLEAN: float | None = 6.5
#: Ceiling per type on flags per 100 clean pages (all folds pooled), for non-genuine types already tuned.
MAX_CLEAN_FLAGS_PER_100 = {"language_mixing": 3.0}


def test_overlap_follows_design_section_3() -> None:
    sentence = "Dalam dua tahun terakhir, tercatat peningkatan frekuensi bencana sekitar 15 persen."
    assert overlaps(
        sentence, "  dalam dua tahun terakhir,   TERCATAT peningkatan frekuensi bencana sekitar 15 persen. "
    )
    paragraph = "Asia Tenggara rawan bencana. " + sentence + " Diskusi berlanjut."
    assert overlaps(paragraph, sentence) and overlaps(sentence, paragraph)  # containment either way
    assert overlaps("the cat sat on the mat today", "the cat sat on a mat")  # Jaccard 4/7 >= 0.5
    assert not overlaps("the cat sat on the mat", "a dog ran in the park")
    assert not overlaps("", sentence) and not overlaps(sentence, None)


def _label(page: str, defects: list[tuple[str, str]], negatives: list[tuple[str, str]] = ()) -> Label:
    return Label(
        page,
        "id",
        tuple({"type": t, "text": x} for t, x in defects),
        tuple({"type": t, "text": x} for t, x in negatives),
    )


def test_scoring_with_hand_made_labels() -> None:
    stat = "Harga beras naik 20 persen sejak awal tahun."
    control = "Menurut BPS, harga gula naik 5 persen tahun ini."
    cta = "Baca juga: Banjir di Jakarta"
    labels = [
        _label(
            "a", [("unsourced_statistic", stat), ("boilerplate", cta)], [("unsourced_statistic", control)]
        ),
        _label("b", [("language_mixing", "The council approved the plan on Monday evening.")]),
        _label("clean", []),
    ]
    results = [
        PageResult(
            "a",
            [
                Flagged("unsourced_statistic", "AQ401", "warning", stat),  # true positive
                Flagged("unsourced_statistic", "AQ401", "warning", control),  # control flagged: false
                Flagged(
                    "unsourced_statistic", "AQ402", "info", "Biaya proyek Rp 5 miliar."
                ),  # unmatched: false
            ],
        ),
        PageResult(
            "b",
            [
                Flagged(
                    "boilerplate", "AQ702", "warning", "Follow us on Twitter"
                ),  # genuine type, unlabelled
                Flagged(
                    "language_mixing", "AQ601", "warning", "Another foreign block entirely here"
                ),  # false
            ],
        ),
        PageResult(
            "clean",
            [
                Flagged("truncated_text", "AQ501", "warning", "Cut off in the"),  # false flag on a clean page
                Flagged("metadata_defect", "AQ801", "info", "date: missing"),  # genuine: not a false flag
            ],
        ),
    ]
    report, outcomes = evaluate(labels, results)
    stats = report["types"]["unsourced_statistic"]
    assert (stats["defects"], stats["found"], stats["true_positives"], stats["false_positives"]) == (
        1,
        1,
        1,
        2,
    )
    assert (stats["controls"], stats["controls_flagged"], stats["precision"]) == (1, 1, round(1 / 3, 4))
    bp = report["types"]["boilerplate"]
    assert (bp["defects"], bp["found"], bp["recall"], bp["unlabelled"], bp["false_positives"]) == (
        1,
        0,
        0.0,
        1,
        0,
    )
    lm = report["types"]["language_mixing"]
    assert (lm["found"], lm["false_positives"], lm["precision"], lm["recall"], lm["f1"]) == (
        0,
        1,
        0.0,
        0.0,
        None,
    )
    assert report["clean_pages"] == 1
    assert report["false_flags_on_clean_pages"] == 1
    assert report["false_flags_per_100_clean_pages"] == 100.0
    assert report["flags_per_100_clean_pages_incl_genuine"] == 200.0
    assert [m["text"] for m in outcomes[0].missed] == [cta]
    assert outcomes[0].controls_flagged == [{"type": "unsourced_statistic", "text": control}]


def test_bad_label_lines_are_reported_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text('{"page": "a.html", "defects": []}\n{"page": 3}\n', encoding="utf-8")
    with pytest.raises(LabelError, match=r"labels.jsonl:2"):
        load_labels(path)
    path.write_text('{"page": "a.html", "defects": [{"type": "boilerplate"}]}\n', encoding="utf-8")
    with pytest.raises(LabelError, match="defects"):
        load_labels(path)


def test_eval_command_on_a_small_label_file(tmp_path: Path) -> None:
    page = tmp_path / "pages" / "p.html"
    page.parent.mkdir()
    body = "".join(
        f"<p>Warga di kawasan itu sudah lama menunggu perbaikan jalan nomor {i} yang rusak parah.</p>"
        for i in range(4)
    )
    stat = "Dalam tiga bulan terakhir, tercatat kenaikan harga sekitar 27 persen."
    page.write_text(
        f"<html><head><title>Jalan Rusak</title></head><body><article><h1>Jalan Rusak</h1>{body}"
        f"<p>Harga bahan bangunan ikut melonjak. {stat}</p></article></body></html>",
        encoding="utf-8",
    )
    labels = tmp_path / "labels.jsonl"
    labels.write_text(
        json.dumps(
            {
                "page": "pages/p.html",
                "language": "id",
                "defects": [{"type": "unsourced_statistic", "text": stat}],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [str(CLI), "eval", str(labels), "--json", "--jobs", "1"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["types"]["unsourced_statistic"]["found"] == 1
    assert "eval: 1/1 pages" in done.stderr
    text = subprocess.run(
        [str(CLI), "eval", str(labels), "--quiet", "--jobs", "1"], capture_output=True, text=True
    )
    assert "unsourced_statistic" in text.stdout and "per 100 clean pages" in text.stdout


def test_missing_labels_file_is_a_clear_error(tmp_path: Path) -> None:
    done = subprocess.run([str(CLI), "eval", str(tmp_path / "nope.jsonl")], capture_output=True, text=True)
    assert done.returncode == 2 and "cannot read labels" in done.stderr


def test_evaluation_gate() -> None:
    labels = shared_path("evalset", "labels.jsonl")
    done = subprocess.run(
        [str(CLI), "eval", str(labels), "--json", "--quiet", "--jobs", "2", "--folds", str(GATE_FOLDS)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    worst = report["folds"]["worst"]
    failures = []
    for kind, floors in FLOORS.items():
        scores = worst["types"][kind]
        for metric, floor in floors.items():
            if floor is not None and (scores[metric] or 0.0) < floor:
                failures.append(f"{kind} {metric} (worst fold) {scores[metric]} < {floor}")
    for kind, ceiling in MAX_CONTROLS_FLAGGED.items():
        rate = worst["types"][kind]["controls_flagged_rate"]
        if rate is not None and rate > ceiling:
            failures.append(f"{kind}: {rate:.1%} of controls flagged on the worst fold > {ceiling:.0%}")
    per_100 = worst["false_flags_per_100_clean_pages"]
    if MAX_FALSE_FLAGS_PER_100_CLEAN is not None and per_100 > MAX_FALSE_FLAGS_PER_100_CLEAN:
        failures.append(
            f"{per_100} false flags per 100 clean pages on the worst fold > {MAX_FALSE_FLAGS_PER_100_CLEAN}"
        )
    for kind, ceiling in MAX_CLEAN_FLAGS_PER_100.items():
        rate = 100 * report["clean_page_flags_by_type"].get(kind, 0) / report["clean_pages"]
        if rate > ceiling:
            failures.append(f"{kind}: {rate:.1f} flags per 100 clean pages > {ceiling}")
    assert not failures, "evaluation gate: " + "; ".join(failures)
