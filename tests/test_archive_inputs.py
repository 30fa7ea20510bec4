"""``newsaudit audit`` on archives, folders and lists: one output per record, in order,
the same for any ``--jobs``, and ``--out`` run directories that validate and add up."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import pytest

from audit.cli import main
from audit.schema import errors
from tests.archive_fixtures import EXPECTED, PAGES, corrupt_gzip, gz_page, page_html, write_wacz, write_warc
from tests.paths import CLI, ROOT


def _records(capsys) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]


def _outcome(record: dict) -> str:
    return record["failure"]["reason"] if "failure" in record else record["language"]


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_each_warc_capture_gets_exactly_one_record(tmp_path, capsys, gz):
    warc = write_warc(tmp_path / ("news.warc.gz" if gz else "news.warc"), gz=gz)
    assert main(["audit", "--json", "--jobs", "1", str(warc)]) == 0
    records = _records(capsys)
    # warcinfo and request records are not captures: no output for them.
    assert [_outcome(r) for r in records] == EXPECTED
    for record in records:
        assert errors("audit-report", record) == []
        path, offset = record["source"].rsplit("#", 1)
        assert path == str(warc) and offset.isdigit()
    offsets = [int(r["source"].rsplit("#", 1)[1]) for r in records]
    assert offsets == sorted(set(offsets))
    articles = {r["language"]: r for r in records if "failure" not in r}
    for lang, (title, _author, url, paras) in PAGES.items():
        assert articles[lang]["url"] == url
        assert articles[lang]["title"] == title
        texts = [b["text"] for b in articles[lang]["blocks"]]
        assert paras[0] in texts and paras[-1] in texts
    # The English page is windows-1252, labelled only by the archived HTTP header.
    assert any("jetty’s new café" in b["text"] for b in articles["en"]["blocks"])
    revisit = records[4]["failure"]
    assert "2026-11-01T00:00:00Z" in revisit["detail"]


def test_a_corrupt_gzip_archive_is_one_failure_not_a_traceback(tmp_path, capsys):
    bad = corrupt_gzip(tmp_path / "rusak.warc.gz")
    assert main(["audit", "--json", str(bad)]) == 1  # every input failed
    (record,) = _records(capsys)
    assert record["failure"]["reason"] == "bad_gzip"
    assert record["source"] == f"{bad}#0"
    assert errors("audit-report", record) == []


def test_garbage_named_warc_is_a_bad_record(tmp_path, capsys):
    junk = tmp_path / "junk.warc"
    junk.write_bytes(b"this is not a WARC file\r\n\r\n" * 3)
    main(["audit", "--json", str(junk)])
    (record,) = _records(capsys)
    assert record["failure"]["reason"] == "bad_warc_record"


def test_wacz_reads_its_archive_folder(tmp_path, capsys):
    warc = write_warc(tmp_path / "data.warc.gz", gz=True, truncate=False)
    wacz = write_wacz(tmp_path / "crawl.wacz", warc)
    main(["audit", "--json", "--jobs", "1", str(wacz)])
    records = _records(capsys)
    assert [_outcome(r) for r in records] == EXPECTED[:-1]
    assert all(r["source"].startswith(f"{wacz}!archive/data.warc.gz#") for r in records)
    not_zip = tmp_path / "broken.wacz"
    not_zip.write_bytes(b"PK\x03\x04 torn")
    main(["audit", "--json", str(not_zip)])
    assert _records(capsys)[0]["failure"]["reason"] == "bad_wacz"


def test_folders_lists_and_stdin_expand_in_order(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "arsip"
    (folder / "b").mkdir(parents=True)
    (folder / "a.html").write_bytes(page_html("id"))
    gz_page(folder / "b" / "c.html.gz", "tl")
    write_warc(folder / "b" / "d.warc", truncate=False)
    (folder / "notes.txt").write_text("not an input")
    assert main(["audit", "--json", "--jobs", "1", str(folder)]) == 0
    records = _records(capsys)
    assert [r["source"] for r in records[:2]] == [str(folder / "a.html"), str(folder / "b" / "c.html.gz")]
    assert [_outcome(r) for r in records] == ["id", "tl", *EXPECTED[:-1]]

    listing = tmp_path / "list.txt"
    listing.write_text(f"# saved pages\n{folder / 'a.html'}\n\n{tmp_path / 'missing.html'}\n")
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{folder / 'b' / 'c.html.gz'}\n"))
    main(["audit", "--json", "--jobs", "1", f"@{listing}", "-", f"@{tmp_path / 'nolist.txt'}"])
    records = _records(capsys)
    assert [_outcome(r) for r in records] == ["id", "not_found", "tl", "unreadable"]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CLI), *args], capture_output=True, text=True, cwd=ROOT, timeout=300)


@pytest.fixture(scope="module")
def mixed_inputs(tmp_path_factory) -> list[str]:
    tmp = tmp_path_factory.mktemp("mixed")
    warc = write_warc(tmp / "news.warc.gz", gz=True)
    page = tmp / "halaman.html"
    page.write_bytes(page_html("id"))
    return [str(warc), str(page), str(corrupt_gzip(tmp / "rusak.warc.gz")), str(tmp / "missing.html")]


def test_jobs_one_and_two_give_identical_output(mixed_inputs):
    if not CLI.exists():
        pytest.skip("the console script is installed by `make install`")
    one = _cli("audit", "--json", "--jobs", "1", *mixed_inputs)
    two = _cli("audit", "--json", "--jobs", "2", *mixed_inputs)
    assert one.returncode == two.returncode == 0, one.stderr + two.stderr
    assert "Traceback" not in one.stderr + two.stderr
    assert one.stdout == two.stdout
    outcomes = [_outcome(json.loads(line)) for line in one.stdout.splitlines()]
    assert outcomes == [*EXPECTED, "id", "bad_gzip", "not_found"]


def test_out_writes_a_run_directory_that_validates_and_adds_up(tmp_path, mixed_inputs):
    if not CLI.exists():
        pytest.skip("the console script is installed by `make install`")
    proc = _cli("audit", "--json", "--jobs", "2", "--out", str(tmp_path / "out"), *mixed_inputs)
    assert proc.returncode == 0, proc.stderr
    (run_dir,) = (tmp_path / "out").iterdir()
    summary = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    assert errors("run", summary) == []
    counts = summary["counts"]
    inputs = len(proc.stdout.splitlines())
    assert counts["discovered"] == inputs == len(EXPECTED) + 3
    assert counts["discovered"] == sum(v for k, v in counts.items() if k != "discovered")
    articles = [json.loads(x) for x in (run_dir / "articles.jsonl").read_text().splitlines()]
    failures = [json.loads(x) for x in (run_dir / "failures.jsonl").read_text().splitlines()]
    assert counts["articles"] == len(articles) == 5 and counts["failed"] == len(failures) == 6
    assert counts["rejected"] == 0 and (run_dir / "rejects.jsonl").read_text() == ""
    assert sum(summary["reasons"].values()) == counts["failed"]
    assert [a["url"] for a in articles[:4]] == [PAGES[lang][2] for lang in ("id", "tl", "vi", "en")]
    assert articles[0]["source"].startswith(mixed_inputs[0] + "#")
    assert articles[4]["url"].startswith("file://") and articles[4]["source"] == mixed_inputs[1]
    for article in articles:
        assert errors("article", article) == []
    for failure in failures:
        assert errors("failure", failure) == []
    assert {f["reason"] for f in failures} == {
        "warc_revisit", "not_html", "http_404", "truncated_record", "bad_gzip", "not_found",
    }  # fmt: skip
    assert summary["files"]["report"] == "report.html" and (run_dir / "report.html").stat().st_size > 0
    files = [str(run_dir / name) for name in ("articles.jsonl", "failures.jsonl", "run.json")]
    checked = _cli("validate", *files)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert _cli("report", str(run_dir)).returncode == 0


def test_out_refuses_an_unwritable_directory(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["audit", "--out", str(blocker / "sub"), str(Path(__file__))]) == 1
    assert "newsaudit:" in capsys.readouterr().err


def test_damage_mid_archive_keeps_the_records_before_it(tmp_path, capsys):
    warc = write_warc(tmp_path / "news.warc.gz", gz=True, truncate=False)
    main(["audit", "--json", "--jobs", "1", str(warc)])
    whole = _records(capsys)
    third = int(whole[2]["source"].rsplit("#", 1)[1])  # the Vietnamese capture's gzip member
    data = bytearray(warc.read_bytes())
    data[third + 40 : third + 80] = b"\xff" * 40
    warc.write_bytes(bytes(data))
    main(["audit", "--json", "--jobs", "1", str(warc)])
    records = _records(capsys)
    assert [_outcome(r) for r in records] == ["id", "tl", "bad_gzip"]
    assert records[:2] == whole[:2]
    assert records[2]["source"] == f"{warc}#{third}"
