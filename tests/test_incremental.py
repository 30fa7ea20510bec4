"""Incremental runs against the real demo server: conditional requests, unchanged
pages counted and not emitted, a changed page emitted as a new version, ``--full``,
the state's per-URL and per-run rows, and two ``newsaudit demo`` runs in a row."""

from __future__ import annotations

import json
import socket
import subprocess
from urllib.parse import urlsplit

from audit.schema import errors
from crawler.state import SqliteStore
from tests.crawl_runs import CHANGED_PATH, incremental_runs, lines, one_copy_each  # noqa: F401 - the session fixture
from tests.paths import CLI, ROOT


def article_requests(run, site, emitted=None):
    """Requests for the articles: those ``emitted`` (a run whose records name them), else
    every public article's own path."""
    paths = (
        {urlsplit(r["url"]).path for r in emitted.articles}
        if emitted
        else {a.path for a in site.public_articles()}
    )
    return [r for r in run.requests if r.path in paths]


def test_first_run_emits_every_article_once_as_version_one(incremental):
    run = incremental.runs["first"]
    site = incremental.server.site
    records = run.articles
    assert len(records) == run.counts["articles"] == len(site.public_articles())
    assert one_copy_each({r["url"] for r in records}, site)
    assert all(r["version"] == 1 and r["previous_hash"] is None for r in records)
    assert not any(r.if_none_match or r.if_modified_since for r in run.requests)  # nothing known yet
    assert "incremental run" in run.proc.stdout


def test_second_run_is_all_304_and_emits_nothing(incremental):
    first, again = incremental.runs["first"], incremental.runs["again"]
    site = incremental.server.site
    assert again.articles == []
    counts = again.counts
    assert counts["articles"] == 0
    assert counts["unchanged"] == first.counts["articles"]
    assert counts["discovered"] == sum(v for k, v in counts.items() if k != "discovered")
    for key in ("duplicates", "failed", "disallowed", "filtered"):
        assert counts[key] == first.counts[key], key
    assert again.summary["reasons"]["not_modified"] == counts["unchanged"]
    fetched = article_requests(again, site, emitted=first)
    assert fetched and all(r.if_none_match and r.status == 304 for r in fetched)
    assert any(r.if_modified_since for r in fetched)  # sent where the page had a Last-Modified
    assert len(lines(again.run_dir / "failures.jsonl")) == (
        counts["failed"] + counts["disallowed"] + counts["duplicates"] + counts["filtered"]
    )
    feed = json.loads((again.run_dir / "feed.json").read_text(encoding="utf-8"))
    assert feed["items"] == [] and errors("json-feed", feed) == []


def test_changed_article_is_a_new_version_with_previous_hash(incremental):
    first, changed = incremental.runs["first"], incremental.runs["changed"]
    url = incremental.server.site.url(CHANGED_PATH)
    (record,) = changed.articles
    old = next(r for r in first.articles if r["url"] == url)
    assert record["url"] == url and errors("article", record) == []
    assert record["version"] == 2
    assert record["previous_hash"] == old["content_hash"] != record["content_hash"]
    assert "second batch of salt-tolerant seed" in " ".join(b["text"] for b in record["blocks"])
    assert changed.counts["articles"] == 1
    assert changed.counts["unchanged"] == first.counts["articles"] - 1
    (item,) = json.loads((changed.run_dir / "feed.json").read_text(encoding="utf-8"))["items"]
    assert item["id"] == url and item["_newsaudit"]["version"] == 2
    assert item["_newsaudit"]["previous_hash"] == old["content_hash"]
    assert "date_modified" in item


def test_full_run_refetches_everything_and_keeps_versions(incremental):
    first, full = incremental.runs["first"], incremental.runs["full"]
    site = incremental.server.site
    url = site.url(CHANGED_PATH)
    assert not any(r.if_none_match or r.if_modified_since for r in full.requests)
    assert all(r.status == 200 for r in article_requests(full, site))
    assert full.counts["articles"] == first.counts["articles"] and full.counts["unchanged"] == 0
    versions = {r["url"]: r["version"] for r in full.articles}
    assert versions.pop(url) == 2 and set(versions.values()) == {1}
    assert "full run" in full.proc.stdout


def test_state_rows_per_url_and_per_run(incremental):
    site = incremental.server.site
    store = SqliteStore(incremental.out / "state.sqlite", "demo")
    try:
        assert store.pages() == len(site.public_articles())
        row = store.page(site.url(CHANGED_PATH))
        changed = incremental.runs["changed"].articles[0]
        assert row["version"] == 2 and row["content_hash"] == changed["content_hash"]
        assert row["previous_hash"] == changed["previous_hash"]
        assert row["etag"].startswith('"') and row["last_modified"].endswith("GMT")
        assert row["first_seen"] <= row["changed_at"] <= row["last_seen"]
        assert row["audit_summary"]["score"] == changed["score"]
        runs = store.runs()
        assert [r["status"] for r in runs] == ["finished"] * 4
        by_id = {r["run_id"]: r for r in runs}
        for run in incremental.runs.values():
            assert by_id[run.summary["run_id"]]["counts"] == run.counts
    finally:
        store.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_two_demo_runs_in_a_row(tmp_path):
    port = free_port()
    runs = []
    for _ in range(2):
        proc = subprocess.run(
            [str(CLI), "demo", "--port", str(port), "--output-dir", str(tmp_path), "--no-progress"],
            capture_output=True, text=True, cwd=ROOT, timeout=300,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stdout + proc.stderr
        runs.append(proc)
    first_dir, second_dir = sorted(p for p in tmp_path.iterdir() if p.is_dir() and p.name != "latest")
    first = json.loads((first_dir / "run.json").read_text(encoding="utf-8"))["counts"]
    second = json.loads((second_dir / "run.json").read_text(encoding="utf-8"))["counts"]
    assert first["articles"] > 30 and first["unchanged"] == 0
    assert second["articles"] == 0 and second["unchanged"] == first["articles"]
    assert lines(second_dir / "articles.jsonl") == []
    assert (tmp_path / "state.sqlite").is_file()
