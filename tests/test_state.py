"""The SQLite state, the site lock, crash replay and output faults, without a crawl:
what is stored per URL and per run, and the clear errors for a corrupt or locked
database, a second run, a full disk."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from scrapy.utils.test import get_crawler

from audit.output import JsonlWriter
from audit.schema import errors
from crawler import lock as site_lock
from crawler.demo.site import DemoSite
from crawler.items import PageItem
from crawler.pipelines import AuditPipeline
from crawler.recovery import recover, repair_tail
from crawler.siteconfig import load
from crawler.spiders.news import NewsSpider
from crawler.state import MemoryStore, SqliteStore, StateError
from tests.paths import CLI, ROOT

HASH_A, HASH_B = "sha256:" + "a" * 64, "sha256:" + "b" * 64
BASE = "http://127.0.0.1:8808"


def test_rows_survive_reopening(tmp_path):
    path = tmp_path / "state.sqlite"
    store = SqliteStore(path, "demo")
    store.begin_run("r1", str(tmp_path / "r1"))
    store.remember(
        "https://x.test/a.html", content_hash=HASH_A, version=1, etag='"e1"',
        last_modified="Mon, 03 Nov 2025 00:00:00 GMT", audit_summary={"score": 90, "findings": {"boilerplate": 1}},
        run_id="r1",
    )  # fmt: skip
    store.seen("https://x.test/a.html", etag='"e2"')
    store.finish_run("r1", {"articles": 1}, "finished")
    store.close()

    store = SqliteStore(path, "demo")
    prev = store.previous("https://x.test/a.html")
    assert (prev.content_hash, prev.version, prev.etag, prev.last_modified) == (
        HASH_A, 1, '"e2"', "Mon, 03 Nov 2025 00:00:00 GMT",
    )  # fmt: skip
    row = store.page("https://x.test/a.html")
    assert row["audit_summary"] == {"score": 90, "findings": {"boilerplate": 1}} and row["last_run"] == "r1"
    assert row["first_seen"] <= row["last_seen"]
    assert store.owner_of(HASH_A) == "https://x.test/a.html" and store.owner_of(HASH_B) is None
    (run,) = store.runs()
    assert run["status"] == "finished" and run["counts"] == {"articles": 1}
    assert store.unfinished_runs() == []
    other = SqliteStore(path, "other-site")  # rows are scoped by site
    assert other.previous("https://x.test/a.html") is None
    other.close()
    store.close()


def test_corrupt_database_is_a_clear_error_and_is_left_alone(tmp_path):
    path = tmp_path / "state.sqlite"
    path.write_bytes(b"this is not sqlite; a half-copied backup perhaps\n" * 200)
    before = path.read_bytes()
    with pytest.raises(StateError) as info:
        SqliteStore(path, "demo")
    message = str(info.value)
    assert "corrupt" in message and f"mv {path} {path}.bad" in message and "--full" in message
    assert path.read_bytes() == before  # never silently started over


def test_locked_database_is_a_clear_error(tmp_path):
    path = tmp_path / "state.sqlite"
    SqliteStore(path, "demo").close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StateError, match="locked by another process"):
            SqliteStore(path, "demo", timeout=0.2)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_newer_state_schema_is_refused(tmp_path):
    path = tmp_path / "state.sqlite"
    SqliteStore(path, "demo").close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StateError, match="state schema 99"):
        SqliteStore(path, "demo")


def test_lock_is_exclusive_across_processes_and_freed_by_sigkill(tmp_path):
    path = site_lock.lock_path(tmp_path, "demo")
    child = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from crawler import lock; lock.acquire(sys.argv[1], 'x'); print('held', flush=True); "
         "time.sleep(60)", str(path)],
        stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    try:
        assert child.stdout.readline().strip() == "held"
        with pytest.raises(site_lock.LockBusy) as info:
            site_lock.acquire(path, "site 'demo'")
        assert f"pid {child.pid}" in str(info.value) and "in progress" in str(info.value)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    with site_lock.acquire(path, "site 'demo'"), site_lock.acquire(path, "site 'demo'"):
        pass  # re-entrant within a process


def test_repair_tail_cuts_only_a_torn_last_line(tmp_path):
    path = tmp_path / "articles.jsonl"
    path.write_bytes(b'{"a":1}\n{"b":2}\n{"c":')
    assert repair_tail(path) == len(b'{"c":')
    assert path.read_bytes() == b'{"a":1}\n{"b":2}\n'
    assert repair_tail(path) == 0
    path.write_bytes(b'{"torn')
    assert repair_tail(path) == 6 and path.read_bytes() == b""


def record(url: str, digest: str, version: int = 1) -> dict:
    return {"url": url, "content_hash": digest, "version": version, "previous_hash": None, "score": 80,
            "findings": [{"type": "boilerplate"}], "schema_version": "1.0", "title": "t", "blocks": [],
            "fetched_at": "2025-11-20T10:00:00Z"}  # fmt: skip


def test_recovery_replays_records_the_state_missed(tmp_path):
    """A run killed after writing a record but before advancing the state."""
    store = SqliteStore(tmp_path / "state.sqlite", "demo")
    run_dir = tmp_path / "20251120T100000Z-demo-aaaaaa"
    run_dir.mkdir()
    store.begin_run(run_dir.name, str(run_dir))
    store.remember("https://x.test/a.html", content_hash=HASH_A, version=1, etag=None, last_modified=None)
    lines = [
        json.dumps(record("https://x.test/a.html", HASH_A)),
        json.dumps(record("https://x.test/b.html", HASH_B)),
    ]
    (run_dir / "articles.jsonl").write_text(
        "\n".join(lines) + '\n{"url": "https://x.test/c.ht', encoding="utf-8"
    )
    (done,) = recover(store)
    assert (done.records, done.replayed) == (2, 1) and done.truncated == {"articles.jsonl": 28}
    assert store.previous("https://x.test/b.html").content_hash == HASH_B
    assert store.previous("https://x.test/c.html") is None
    assert store.unfinished_runs() == [] and store.runs()[0]["status"] == "crashed"
    feed = json.loads((run_dir / "feed.json").read_text(encoding="utf-8"))
    assert feed["_newsaudit"]["status"] == "crashed" and len(feed["items"]) == 2
    assert recover(store) == []  # idempotent
    store.close()


@pytest.fixture
def pipeline(tmp_path):
    crawler = get_crawler(
        NewsSpider,
        {"NEWSAUDIT_OUTPUT_DIR": str(tmp_path), "NEWSAUDIT_STATE": "sqlite", "NEWSAUDIT_RUN_ID": None},
    )
    spider = NewsSpider.from_crawler(crawler, site_config=load("demo"))
    crawler.spider = spider
    pipe = AuditPipeline.from_crawler(crawler)
    pipe.open_spider()
    yield spider, pipe
    if pipe.store is not None and not pipe.closing:
        pipe.spider_closed(spider, "finished")


def page(site: DemoSite, article) -> PageItem:
    url = site.url(article.path)
    body = site.render(article.path).body.decode("utf-8")
    return PageItem(url, url, body, 200, "2025-11-20T10:00:00Z", article.language, etag='"v1"')


def test_disk_full_stops_the_run_without_advancing_the_state(pipeline, tmp_path):
    spider, pipe = pipeline
    site = DemoSite(BASE)
    first, second, third = site.public_articles()[:3]
    for article in (first, second, third):
        spider.ledger.discover(site.url(article.path))
    pipe.process_item_inline(page(site, first))
    # The disk fills up: /dev/full fails every write with ENOSPC.
    full = JsonlWriter(os.devnull)
    os.close(full._fd)
    full._fd = os.open("/dev/full", os.O_WRONLY)
    full.path = pipe.writers["articles"].path
    saved, pipe.writers["articles"] = pipe.writers["articles"], full
    pipe.process_item_inline(page(site, second))
    pipe.process_item_inline(page(site, third))
    pipe.writers["articles"] = saved
    full.close = lambda: None
    assert pipe.output_error and "No space left on device" in pipe.output_error
    pipe.spider_closed(spider, "output_error")
    store = SqliteStore(tmp_path / "state.sqlite", "demo")
    assert store.previous(site.url(second.path)) is None  # never written, so never remembered
    assert store.previous(site.url(third.path)) is None
    assert store.runs()[0]["status"] == "output_error"
    # The next run starts by replaying what this one did write, so it is not emitted twice.
    (replayed,) = recover(store)
    assert replayed.records == 1
    assert store.previous(site.url(first.path)) is not None
    assert store.previous(site.url(second.path)) is None and store.unfinished_runs() == []
    store.close()
    summary = json.loads((pipe.run_dir / "run.json").read_text(encoding="utf-8"))
    assert summary["finish_reason"].startswith("output_error: cannot write to")
    assert summary["counts"]["articles"] == 1 and summary["reasons"]["output_error"] == 2
    assert errors("run", summary) == []
    assert len((pipe.run_dir / "articles.jsonl").read_text(encoding="utf-8").splitlines()) == 1


def test_memory_store_keeps_the_old_behaviour_for_bare_crawlers(tmp_path):
    crawler = get_crawler(NewsSpider, {"NEWSAUDIT_OUTPUT_DIR": str(tmp_path)})
    spider = NewsSpider.from_crawler(crawler, site_config=load("demo"))
    assert isinstance(spider.store, MemoryStore) and not (tmp_path / "state.sqlite").exists()


def cli_crawl(out, *extra):
    return subprocess.run(
        [str(CLI), "crawl", "demo", "--output-dir", str(out), "--no-progress", *extra],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip


def test_cli_refuses_a_corrupt_state_before_any_request(tmp_path):
    (tmp_path / "state.sqlite").write_bytes(b"\x00garbage" * 1000)
    proc = cli_crawl(tmp_path)
    assert proc.returncode == 2
    assert "corrupt" in proc.stderr and "--full" in proc.stderr and "Traceback" not in proc.stderr
    assert [p for p in tmp_path.iterdir() if p.is_dir() and p.name != "latest"] == []  # no run was started


def test_cli_second_run_of_a_site_exits_at_once(tmp_path):
    path = site_lock.lock_path(tmp_path, "demo")
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from crawler import lock; lock.acquire(sys.argv[1], 'x'); print('held', flush=True); "
         "time.sleep(60)", str(path)],
        stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        proc = cli_crawl(tmp_path)
        assert proc.returncode == 3, proc.stdout + proc.stderr
        assert "another newsaudit run of site 'demo' is in progress" in proc.stderr
        assert time.monotonic() - started < 60  # it did not wait for the holder
        assert not (tmp_path / "state.sqlite").exists()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)


def test_cli_unwritable_output_dir_is_reported(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the output folder should be", encoding="utf-8")
    proc = cli_crawl(blocker / "out")
    assert proc.returncode == 2 and "cannot create output directory" in proc.stderr
