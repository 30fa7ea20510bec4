"""``feed.json``: JSON Feed 1.1 with the ``_newsaudit`` extension, valid against our
schema and checked by ``newsaudit validate``; item mapping on real records."""

from __future__ import annotations

import json
import subprocess

from audit.schema import errors
from crawler.jsonfeed import JSON_FEED_VERSION, build_feed, feed_item, rfc3339
from tests.crawl_runs import incremental_runs  # noqa: F401 - the session fixture
from tests.paths import CLI, ROOT


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_first_feed_holds_every_new_article_with_its_audit(incremental):
    run = incremental.runs["first"]
    feed = load(run.run_dir / "feed.json")
    assert errors("json-feed", feed) == []
    assert feed["version"] == JSON_FEED_VERSION and feed["title"]
    assert feed["home_page_url"] == incremental.server.base_url + "/"
    records = {r["url"]: r for r in run.articles}
    items = {i["id"]: i for i in feed["items"]}
    assert set(items) == set(records)
    for url, item in items.items():
        record = records[url]
        ext = item["_newsaudit"]
        assert item["url"] == url and item["title"] == record["title"]
        assert item["content_text"] == "\n\n".join(b["text"] for b in record["blocks"])
        assert ext["findings"] == record["findings"] and ext["score"] == record["score"]
        assert ext["content_hash"] == record["content_hash"] and ext["version"] == 1
        assert ext["schema_version"] == record["schema_version"]
    meta = feed["_newsaudit"]
    assert meta["run_id"] == run.summary["run_id"] and meta["counts"] == run.counts
    summary = meta["summary"]
    assert summary["items"] == summary["new"] == len(records) and summary["changed"] == 0
    assert summary["findings"] == run.summary["findings"]
    assert summary["flagged"] == sum(1 for r in records.values() if r["findings"])


def test_newsaudit_validate_accepts_feed_files_and_reports_bad_lines(incremental, tmp_path):
    run = incremental.runs["changed"]
    files = [run.run_dir / name for name in ("feed.json", "articles.jsonl", "failures.jsonl", "run.json")]
    proc = subprocess.run([str(CLI), "validate", *map(str, files)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "feed.json: 1 record(s) checked against json-feed: ok" in proc.stderr
    bad = load(run.run_dir / "feed.json")
    del bad["items"][0]["content_text"]
    bad["items"][0]["_newsaudit"]["version"] = 0
    (tmp_path / "feed.json").write_text(json.dumps(bad), encoding="utf-8")
    proc = subprocess.run([str(CLI), "validate", str(tmp_path / "feed.json")], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "feed.json:1: items/0" in proc.stdout and "version" in proc.stdout


def test_item_mapping_dates_and_authors():
    record = {
        "schema_version": "1.0",
        "url": "https://news.example/id/a.html",
        "title": "Banjir rob rendam pesisir utara",
        "description": "Ringkasan",
        "published": "2025-11-24",
        "author": "Rina Wulandari",
        "tags": ["banjir"],
        "language": "id",
        "blocks": [{"index": 0, "kind": "paragraph", "text": "Air laut naik.", "language": "id"}],
        "findings": [],
        "score": 100,
        "content_hash": "sha256:" + "a" * 64,
        "previous_hash": "sha256:" + "b" * 64,
        "fetched_at": "2025-11-25T01:02:03Z",
        "version": 3,
    }
    item = feed_item(record)
    assert item["date_published"] == "2025-11-24T00:00:00Z"
    assert item["date_modified"] == "2025-11-25T01:02:03Z"  # a later version is an update
    assert item["authors"] == [{"name": "Rina Wulandari"}] and item["summary"] == "Ringkasan"
    feed = build_feed([record], site="demo", run_id="20251125T010203Z-demo-abcdef")
    assert errors("json-feed", feed) == []
    assert feed["_newsaudit"]["summary"]["changed"] == 1
    assert (
        rfc3339("24 November 2025") is None
        and rfc3339("2025-11-24T08:30+07:00") == "2025-11-24T08:30:00+07:00"
    )


def test_streamed_feed_equals_the_document_built_in_memory(incremental, tmp_path):
    """write_feed streams item by item; the file must be the same feed build_feed makes."""
    from crawler.jsonfeed import read_records, write_feed

    run = incremental.runs["first"]
    (tmp_path / "articles.jsonl").write_bytes((run.run_dir / "articles.jsonl").read_bytes())
    counts = load(run.run_dir / "run.json")["counts"]
    args = {"site": "demo", "run_id": "r1", "home_page_url": "http://x.test/", "counts": counts}
    streamed = load(write_feed(tmp_path, **args))
    built = build_feed(list(read_records(tmp_path / "articles.jsonl")), **args)
    assert errors("json-feed", streamed) == []
    for doc in (streamed, built):
        doc["_newsaudit"].pop("generated_at")
    assert streamed == built
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "articles.jsonl").write_text("", encoding="utf-8")
    feed = load(write_feed(empty, site="demo", run_id="r2"))
    assert feed["items"] == [] and errors("json-feed", feed) == []


def test_a_declared_time_of_day_and_zone_reach_the_feed():
    """Trafilatura keeps only the day; the feed must not turn 08:15+07:00 into midnight UTC."""
    from audit.engine import audit_article
    from audit.extract import extract_article

    body = "".join(
        f"<p>Paragraf {n}: pemerintah kota menambah jadwal bus malam untuk pekerja pabrik di kawasan industri.</p>"
        for n in range(4)
    )
    html = (
        "<html lang='id'><head><title>Bus malam</title>"
        "<meta property='article:published_time' content='2025-11-24T08:15:00+07:00'></head>"
        f"<body><article><h1>Bus malam</h1>{body}</article></body></html>"
    )
    article = extract_article(html.encode(), url="https://news.example/id/bus.html").article
    assert article is not None and article.published == "2025-11-24T08:15:00+07:00"
    from audit.config import load_config
    from audit.records import feed_record

    record = feed_record(
        audit_article(article, load_config()),
        site="demo", url=article.url, run_id="r", fetched_at="2025-11-24T02:00:00Z", version=1, previous_hash=None,
    )  # fmt: skip
    assert feed_item(record)["date_published"] == "2025-11-24T08:15:00+07:00"
