"""``newsaudit validate RUN_DIR``: every file of a run against its schema, and the counts."""

from __future__ import annotations

import json

from audit.cli import main
from tests.archive_fixtures import write_warc


def _run_dir(tmp_path, capsys):
    warc = write_warc(tmp_path / "news.warc.gz", gz=True)
    assert main(["audit", "--jobs", "1", "--no-report", "--out", str(tmp_path / "out"), str(warc)]) == 0
    capsys.readouterr()
    (run_dir,) = (tmp_path / "out").iterdir()
    return run_dir


def test_a_run_directory_validates_file_by_file(tmp_path, capsys):
    run_dir = _run_dir(tmp_path, capsys)
    assert main(["validate", str(run_dir)]) == 0
    err = capsys.readouterr().err
    assert "articles.jsonl: 4 record(s) checked against article: ok" in err
    assert "failures.jsonl: 4 record(s) checked against failure: ok" in err
    assert "run.json: 1 record(s) checked against run: ok" in err


def test_counts_that_do_not_add_up_and_bad_records_are_reported(tmp_path, capsys):
    run_dir = _run_dir(tmp_path, capsys)
    summary = json.loads((run_dir / "run.json").read_text())
    summary["counts"]["articles"] += 1
    (run_dir / "run.json").write_text(json.dumps(summary))
    lines = (run_dir / "articles.jsonl").read_text().splitlines()
    broken = json.loads(lines[1])
    broken["fetched_at"] = "yesterday"
    lines[1] = json.dumps(broken)
    (run_dir / "articles.jsonl").write_text("\n".join(lines) + "\n")
    assert main(["validate", str(run_dir)]) == 1
    out = capsys.readouterr().out
    assert f"{run_dir / 'articles.jsonl'}:2: fetched_at:" in out
    assert "counts/discovered is 8, the outcomes add up to 9" in out


def test_a_directory_that_is_not_a_run_is_an_error(tmp_path, capsys):
    assert main(["validate", str(tmp_path)]) == 1
    assert "a directory with none of" in capsys.readouterr().err
