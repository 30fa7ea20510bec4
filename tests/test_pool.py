"""The process pool behind the pipeline: order, backpressure, dead workers, and a pooled
crawl reaching exactly the outcomes of an inline one."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from crawler.demo.bulk import BulkServer, site_config_toml
from crawler.pool import cpu_count, resolve_workers
from tests.paths import CLI, ROOT


def test_workers_setting():
    assert resolve_workers("auto") == cpu_count() >= 1
    assert resolve_workers("3") == 3 and resolve_workers(0) == 0 and resolve_workers(None) == 0
    for bad in ("-1", "many", "1.5"):
        with pytest.raises(ValueError, match="NEWSAUDIT_WORKERS"):
            resolve_workers(bad)


POOL_SCRIPT = textwrap.dedent(
    """
    import faulthandler, json, sys
    faulthandler.dump_traceback_later(90, exit=True)  # a hang reports its threads' stacks
    from twisted.internet import reactor
    from twisted.internet.defer import DeferredList, inlineCallbacks
    from concurrent.futures.process import BrokenProcessPool
    from crawler.pool import OrderedPool
    from tests.pool_tasks import die, square_after

    pool = OrderedPool(2, backlog=3)
    out = {"order": [], "max_in_flight": 0, "errors": []}

    def conclude(i, outcome):
        out["max_in_flight"] = max(out["max_in_flight"], pool.in_flight)
        if isinstance(outcome, BaseException):
            out["errors"].append([i, type(outcome).__name__])
        else:
            out["order"].append([i, outcome])

    @inlineCallbacks
    def run():
        try:
            # Early tasks sleep longest, so workers finish them out of order.
            first = [pool.submit(square_after, (i, 0.3 - 0.05 * i), lambda o, i=i: conclude(i, o))
                     for i in range(6)]
            yield DeferredList(first)
            # A worker dies mid-task: the tasks in flight beside it are run again and succeed.
            yield DeferredList([
                pool.submit(square_after, (10, 0.2), lambda o: conclude(10, o)),
                pool.submit(die, (), lambda o: conclude("die", o)),
                pool.submit(square_after, (11, 0.2), lambda o: conclude(11, o)),
            ])
            after = [pool.submit(square_after, (i, 0.01), lambda o, i=i: conclude(i, o)) for i in range(6, 9)]
            yield DeferredList(after)
            out["restarts"] = pool.restarts
        finally:
            pool.close()
            reactor.stop()

    reactor.callWhenRunning(run)
    reactor.run()
    print(json.dumps(out))
    """
)


def test_ordered_pool_concludes_in_order_bounds_its_backlog_and_survives_a_dead_worker():
    proc = subprocess.run(
        [sys.executable, "-c", POOL_SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    expected = [*range(6), 10, 11, *range(6, 9)]
    assert out["order"] == [[i, i * i] for i in expected]  # submission order, every result
    assert out["errors"] == [["die", "BrokenProcessPool"]]  # recorded, not raised
    assert out["restarts"] == 2 and out["max_in_flight"] <= 3  # the killer task ran twice


def crawl(config: Path, out: Path, workers: str) -> dict[str, tuple]:
    proc = subprocess.run(
        [str(CLI), "crawl", "--config", str(config), "--output-dir", str(out), "--no-progress",
         "--workers", workers, "--no-memory"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (run_dir,) = [p for p in out.iterdir() if p.is_dir() and p.name != "latest"]  # beside state.sqlite
    records = [json.loads(line) for line in (run_dir / "articles.jsonl").read_text().splitlines()]
    return {
        r["url"]: (r["content_hash"], r["score"], json.dumps(r["findings"], sort_keys=True), r["language"])
        for r in records
    }


def test_pooled_crawl_matches_an_inline_crawl(tmp_path):
    # Without the site memory: at 16 requests at a time the two crawls conclude pages in
    # different orders, and memory findings follow that order. test_memory_crawl.py
    # compares pooled and inline crawls with the memory, one request at a time.
    with BulkServer(articles=60) as server:
        config = tmp_path / "bulk.toml"
        config.write_text(site_config_toml(server.base_url, 60))
        inline = crawl(config, tmp_path / "inline", "0")
        pooled = crawl(config, tmp_path / "pooled", "2")
        urls = server.site.article_urls()
    assert set(inline) == set(pooled) == urls
    assert pooled == inline
