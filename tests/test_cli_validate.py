"""``newsaudit validate`` and ``newsaudit rules``: tools for downstream consumers and editors."""

from __future__ import annotations

import json

from audit.cli import main
from audit.engine import audit_article
from audit.extract import extract_article
from audit.records import feed_record, json_line, now_iso
from tests.paths import PAGES


def _feed_line() -> dict:
    article = extract_article((PAGES / "en_clean_harbour.html").read_bytes()).article
    return feed_record(
        audit_article(article), site="demo", url="https://x.test/a", run_id="r1", fetched_at=now_iso()
    )


def test_valid_feed_passes(tmp_path, capsys):
    feed = tmp_path / "articles.jsonl"
    feed.write_text(json_line(_feed_line()) * 2, encoding="utf-8")
    assert main(["validate", str(feed)]) == 0
    assert "2 record(s) checked against article: ok" in capsys.readouterr().err


def test_each_invalid_line_is_reported_with_its_error(tmp_path, capsys):
    good = _feed_line()
    missing = dict(good)
    del missing["content_hash"]
    feed = tmp_path / "articles.jsonl"
    feed.write_text(json_line(good) + json_line(missing) + '{"truncated": \n', encoding="utf-8")
    assert main(["validate", str(feed)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert any(line.startswith(f"{feed}:2: ") and "content_hash" in line for line in out)
    assert any(line.startswith(f"{feed}:3: not JSON") for line in out)
    assert not any(line.startswith(f"{feed}:1:") for line in out)


def test_schema_can_be_named_and_unknown_schema_is_an_error(tmp_path, capsys):
    path = tmp_path / "out.jsonl"
    path.write_text(json.dumps({"schema_version": "1.0"}) + "\n", encoding="utf-8")
    assert main(["validate", "--schema", "audit-report", str(path)]) == 1
    assert main(["validate", "--schema", "no-such-schema", str(path)]) == 1
    assert "no schema named 'no-such-schema'" in capsys.readouterr().err


def test_rules_lists_every_code(capsys):
    assert main(["rules", "--json"]) == 0
    rules = json.loads(capsys.readouterr().out)
    codes = [r["code"] for r in rules]
    assert codes == sorted(codes) and "AQ101" in codes and "AQ301" in codes


def test_version_names_the_release_and_the_record_schema():
    import subprocess

    from tests.paths import CLI

    done = subprocess.run([str(CLI), "--version"], capture_output=True, text=True, check=False)
    assert (
        done.returncode == 0 and done.stdout.startswith("newsaudit 0.") and "record schema 1." in done.stdout
    )
