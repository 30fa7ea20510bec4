"""Crash safety with real processes: a crawl is SIGKILLed mid-way, a second run of the
same site meanwhile is refused by the lock, and the run after the crash completes the
feed. The two runs' ``articles.jsonl`` together hold every article exactly once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import pytest

from audit.schema import errors
from crawler.state import SqliteStore
from tests.crawl_runs import demo_config, lines, one_copy_each
from tests.paths import CLI, ROOT


def run_dirs(out):
    return sorted(p for p in out.iterdir() if p.is_dir() and p.name != "latest") if out.exists() else []


def wait_for_articles(out, at_least: int, proc, timeout: float = 120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the crawl finished before it could be killed"
        for run_dir in run_dirs(out):
            feed = run_dir / "articles.jsonl"
            if feed.exists() and feed.read_bytes().count(b"\n") >= at_least:
                return run_dir
        time.sleep(0.05)
    pytest.fail(f"no {at_least} articles within {timeout}s")


@pytest.fixture
def slow_demo(tmp_path):
    from crawler.demo.server import DemoServer

    server = DemoServer(port=0).start()
    try:
        # One request at a time with a delay, so there is a "middle" to kill the crawl in.
        yield server, demo_config(tmp_path, server.port, delay=0.15, concurrency=1)
    finally:
        server.stop()


def test_sigkill_then_rerun_emits_every_article_exactly_once(tmp_path, slow_demo):
    server, config = slow_demo
    out = tmp_path / "out"
    command = [str(CLI), "crawl", "--config", str(config), "--output-dir", str(out), "--no-progress"]
    victim = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, start_new_session=True
    )
    try:
        crashed_dir = wait_for_articles(out, 4, victim)
        # Meanwhile a second run of the same site stops at once, touching nothing.
        second = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert second.returncode == 3, second.stdout + second.stderr
        assert "another newsaudit run of site 'demo' is in progress" in second.stderr
        assert run_dirs(out) == [crashed_dir]
        assert victim.poll() is None
    finally:
        os.killpg(victim.pid, signal.SIGKILL)  # the crawl and its pool workers
        victim.wait(timeout=30)
    assert victim.returncode == -signal.SIGKILL
    assert not (crashed_dir / "run.json").exists()
    crashed = lines(crashed_dir / "articles.jsonl")
    total = len(server.site.public_articles())
    assert 4 <= len(crashed) < total

    resumed = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    (resumed_dir,) = [p for p in run_dirs(out) if p != crashed_dir]
    again = lines(resumed_dir / "articles.jsonl")

    urls = [r["url"] for r in crashed + again]
    assert len(urls) == len(set(urls)), "an article was emitted twice"
    assert one_copy_each(set(urls), server.site), "an article was lost"
    for record in crashed + again:
        assert errors("article", record) == [] and record["version"] == 1

    counts = json.loads((resumed_dir / "run.json").read_text(encoding="utf-8"))["counts"]
    assert counts["articles"] == len(again) and counts["unchanged"] == len(crashed)
    assert counts["discovered"] == sum(v for k, v in counts.items() if k != "discovered")
    feed = json.loads((crashed_dir / "feed.json").read_text(encoding="utf-8"))  # written by the recovery
    assert feed["_newsaudit"]["status"] == "crashed" and len(feed["items"]) == len(crashed)
    assert errors("json-feed", feed) == []
    store = SqliteStore(out / "state.sqlite", "demo")
    try:
        statuses = {r["run_id"]: r["status"] for r in store.runs()}
        assert statuses == {crashed_dir.name: "crashed", resumed_dir.name: "finished"}
        assert store.pages() == total
    finally:
        store.close()
