"""Distributed mode: real ``redis-server`` processes on 127.0.0.1, real ``newsaudit crawl
--redis`` workers in subprocesses, one generated news site on a loopback port.

Checked: three workers fetch every page exactly once between them and the union of
their feeds is the whole site without duplicates; Redis down before the crawl or lost
during it is a clear error; a worker killed mid-crawl loses no URL.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from crawler.demo.bulk import BulkServer, site_config_toml
from tests.paths import CLI, ROOT
from tests.redis_service import free_port

pytestmark = pytest.mark.service


def start_worker(config: Path, out: Path, redis_url: str, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(CLI), "crawl", "--config", str(config), "--output-dir", str(out), "--no-progress",
         "--redis", redis_url, *extra],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,  # a kill takes the worker's pool processes with it, like a dead machine
    )  # fmt: skip


def feed(out: Path) -> list[dict]:
    """Complete records of a worker's articles.jsonl (a killed worker may leave none)."""
    records = []
    for path in out.glob("*/articles.jsonl"):
        text = path.read_text(encoding="utf-8")
        records += [json.loads(line) for line in text.split("\n")[:-1] if line]
    return records


def outcomes(out: Path) -> set[str]:
    """Every URL a worker recorded an outcome for, in any of its files."""
    urls = {r["url"] for r in feed(out)}
    for path in out.glob("*/failures.jsonl"):
        urls |= {json.loads(line)["url"] for line in path.read_text(encoding="utf-8").splitlines()}
    return urls


def run_summary(out: Path) -> dict:
    (path,) = out.glob("*/run.json")
    return json.loads(path.read_text(encoding="utf-8"))


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def articles_fetched(server: BulkServer) -> int:
    return sum(n for path, n in server.requests.items() if path.endswith(".html"))


def test_three_workers_fetch_every_page_once_and_their_feeds_make_the_whole_site(tmp_path, redis_server):
    with BulkServer(articles=240) as site_server:
        config = tmp_path / "bulk.toml"
        # A little politeness so no worker can finish the site before the others start.
        config.write_text(site_config_toml(site_server.base_url, 240, delay=0.02, concurrency=2))
        outs = [tmp_path / f"worker{i}" for i in range(3)]
        workers = [start_worker(config, out, redis_server.url) for out in outs]
        results = [w.communicate(timeout=240) for w in workers]
        requests = site_server.requests
        site = site_server.site
    for worker, (stdout, stderr) in zip(workers, results, strict=True):
        assert worker.returncode == 0, stdout + stderr
    # Every page exactly once across the three workers (robots.txt is per worker).
    pages = {path: n for path, n in requests.items() if path != "/robots.txt"}
    assert set(site.article_paths()) <= set(pages)
    assert max(pages.values()) == 1, sorted(pages.items(), key=lambda kv: -kv[1])[:5]
    assert requests["/sitemap.xml"] == 1 and requests["/sitemaps/0.xml"] == 1
    # The union of the feeds is the whole site, each article once.
    records = [r for out in outs for r in feed(out)]
    urls = [r["url"] for r in records]
    assert len(urls) == len(set(urls)) == 240
    assert set(urls) == site.article_urls()
    # Each worker's own accounting adds up; together they cover every URL once.
    discovered = 0
    for out in outs:
        summary = run_summary(out)
        counts = summary["counts"]
        assert summary["finish_reason"] == "finished"
        assert counts["discovered"] == sum(v for k, v in counts.items() if k != "discovered")
        discovered += counts["discovered"]
    assert discovered == 240
    assert sum(1 for out in outs if feed(out)) >= 2, "the work was not shared"


def test_redis_down_is_a_clear_error_before_any_request(tmp_path):
    with BulkServer(articles=10) as site_server:
        config = tmp_path / "bulk.toml"
        config.write_text(site_config_toml(site_server.base_url, 10))
        proc = subprocess.run(
            [str(CLI), "crawl", "--config", str(config), "--output-dir", str(tmp_path / "out"),
             "--no-progress", "--redis", f"redis://127.0.0.1:{free_port()}/0"],
            cwd=ROOT, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert site_server.requests == {}
    assert proc.returncode == 2
    assert "cannot reach Redis at redis://127.0.0.1:" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_redis_lost_mid_crawl_stops_the_worker_with_a_clear_error(tmp_path, redis_server):
    with BulkServer(articles=400) as site_server:
        config = tmp_path / "bulk.toml"
        config.write_text(site_config_toml(site_server.base_url, 400, delay=0.05, concurrency=1))
        out = tmp_path / "worker"
        worker = start_worker(config, out, redis_server.url)
        try:
            wait_for(lambda: articles_fetched(site_server) >= 10, 120, "the worker to fetch articles")
            redis_server.stop()
            stdout, stderr = worker.communicate(timeout=120)
        finally:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
        fetched = articles_fetched(site_server)
    assert worker.returncode == 1, stdout + stderr
    assert "lost the shared frontier at redis://127.0.0.1:" in stderr
    summary = run_summary(out)
    assert summary["finish_reason"] == "redis_unavailable"
    counts = summary["counts"]
    assert counts["discovered"] == sum(v for k, v in counts.items() if k != "discovered")
    assert fetched < 400  # it stopped instead of crawling on without its frontier


def test_a_killed_worker_loses_no_url(tmp_path, redis_server):
    n = 200
    with BulkServer(articles=n) as site_server:
        config = tmp_path / "bulk.toml"
        config.write_text(site_config_toml(site_server.base_url, n, delay=0.03, concurrency=2))
        victim_out, survivor_out = tmp_path / "victim", tmp_path / "survivor"
        victim = start_worker(config, victim_out, redis_server.url)
        try:
            wait_for(lambda: articles_fetched(site_server) >= 20, 120, "the first worker to fetch articles")
            survivor = start_worker(config, survivor_out, redis_server.url)
            wait_for(lambda: articles_fetched(site_server) >= 60, 120, "both workers to fetch articles")
            os.killpg(victim.pid, signal.SIGKILL)  # no clean-up of any kind: a machine dying
            victim.wait(timeout=30)
            stdout, stderr = survivor.communicate(timeout=240)
        finally:
            for proc in (victim, locals().get("survivor")):
                if proc is not None and proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGKILL)
        site = site_server.site
    assert survivor.returncode == 0, stdout + stderr
    # The survivor re-queued what the dead worker had taken: every URL has an outcome.
    recorded = outcomes(victim_out) | outcomes(survivor_out)
    assert site.article_urls() <= recorded
    survivor_urls = [r["url"] for r in feed(survivor_out)]
    assert len(survivor_urls) == len(set(survivor_urls))
    summary = run_summary(survivor_out)
    counts = summary["counts"]
    assert counts["discovered"] == sum(v for k, v in counts.items() if k != "discovered")


def test_flushing_a_site_named_memory_leaves_the_shared_memory_alone(redis_server):
    """The site memory lives in the crawl's Redis under ``newsaudit:memory:<layout>-<digest>:``;
    a site may be named ``memory``, and flushing its frontier takes only frontier keys."""
    import redis

    from audit.memory.redis_store import key_prefix
    from audit.memory.session import SiteMemory
    from crawler.distributed import flush_site, keys
    from tests import memory_articles as m

    with SiteMemory(redis_server.url) as memory:
        for page in m.id_site():
            memory.audit(page)
        held = memory.count()
    assert held >= 2
    client = redis.Redis.from_url(redis_server.url)
    prefix = key_prefix()
    assert prefix.startswith("newsaudit:memory:")  # what a match on newsaudit:memory:* would take
    memory_keys = sorted(client.scan_iter(match=prefix + "*"))
    assert memory_keys
    for site in ("memory", "other"):  # a frontier as a crawl leaves it, worker records and all
        k = keys(site)
        client.zadd(k["requests"], {"req": 0})
        client.sadd(k["dupefilter"], "fp")
        client.sadd(k["seen"], "https://x.example/a")
        client.sadd(k["workers"], "w1")
        client.set(k["alive"] + "w1", "1")
        client.sadd(k["inflight"] + "w1", "req2")
        client.sadd(k["reclaim"] + "w0", "req3")

    assert flush_site(redis_server.url, "memory") == 7
    assert not [
        key for key in client.scan_iter(match="newsaudit:memory:*") if not key.startswith(prefix.encode())
    ]
    assert sorted(client.scan_iter(match=prefix + "*")) == memory_keys
    assert len(list(client.scan_iter(match="newsaudit:other:*"))) == 7  # another site's frontier stays
    with SiteMemory(redis_server.url) as memory:
        assert memory.count() == held
    assert flush_site(redis_server.url, "memory") == 0
    client.close()
