"""Extraction + audit throughput: the pipeline's worker pool against one process.

Both sides run the pipeline's own unit of work (``crawler.pipelines.analyse_page``:
extract, audit, content hash) over the same pages: once in a plain loop in this
process, once through :class:`crawler.pool.OrderedPool` (the pool the pipeline uses:
one worker per core, bounded backlog, results concluded in order on the reactor
thread). Pool start-up is excluded: the clock starts once every worker has finished
a first page.

Pages: a generated bulk site (default), or ``--corpus`` for the real pages in
``../shared/corpus``. Target: pool >= 1.7x the single-process loop on 2 cores.
Run: ``.venv/bin/python bench/cpu_pool.py [--pages N] [--workers W] [--corpus]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _context() -> dict[str, Any]:
    """The run fields of a feed record, as the pipeline passes them."""
    return {"site": "bench", "run_id": "bench", "fetched_at": "2025-11-24T08:00:00Z", "http_status": 200}


def bulk_pages(n: int) -> list[tuple[Any, ...]]:
    """``analyse_page`` arguments for ``n`` generated article pages."""
    from crawler.demo.bulk import BulkSite

    site = BulkSite("http://127.0.0.1:8808", articles=n)
    out = []
    for path in site.article_paths():
        url = site.url(path)
        out.append((site.render(path).body.decode("utf-8"), url, url, path[1:3], _context()))
    return out


def corpus_pages(n: int) -> list[tuple[Any, ...]]:
    from bench.corpus import pages

    out = []
    for page in pages(n):
        body = page.html.decode("utf-8", errors="replace")
        out.append((body, page.url or page.id, page.url or page.id, page.language or None, _context()))
    return out


def single_process(pages: list[tuple[Any, ...]]) -> float:
    """Pages per second of a plain loop in this process."""
    from audit.config import load_config
    from crawler.pipelines import analyse_page

    config = load_config()
    analyse_page(*pages[0], config)  # warm imports and caches, like the pool's first page
    start = time.perf_counter()
    for page in pages:
        analyse_page(*page, config)
    return len(pages) / (time.perf_counter() - start)


def pooled(pages: list[tuple[Any, ...]], workers: int, backlog: int | None) -> dict[str, Any]:
    """Pages per second through the pipeline's OrderedPool, driven by a Twisted reactor."""
    from twisted.internet import reactor
    from twisted.internet.defer import DeferredList, inlineCallbacks

    from crawler.pipelines import analyse_page, init_worker
    from crawler.pool import OrderedPool

    pool = OrderedPool(workers, backlog, initializer=init_worker, initargs=(None,))
    result: dict[str, Any] = {}
    order: list[int] = []

    @inlineCallbacks
    def drive() -> Any:
        try:
            # Warm-up: one page per worker (spawned workers import trafilatura etc. first).
            warm = yield DeferredList(
                [pool.submit(analyse_page, pages[0], lambda r: r) for _ in range(workers)]
            )
            for ok, value in warm:
                if not ok or isinstance(value, BaseException):
                    raise RuntimeError(f"the pool cannot analyse a page: {value!r}")
            start = time.perf_counter()
            pending = []
            for i, page in enumerate(pages):
                # submit() waits for a backlog slot, exactly as the pipeline does.
                pending.append(pool.submit(analyse_page, page, lambda r, i=i: order.append(i)))
            yield DeferredList(pending)
            elapsed = time.perf_counter() - start
            result["pages_per_second"] = len(pages) / elapsed
            result["in_order"] = order == list(range(len(pages)))
        finally:
            pool.close()
            reactor.stop()

    reactor.callWhenRunning(drive)
    reactor.run()
    result["workers"] = workers
    result["backlog"] = pool.backlog
    return result


def measure(
    pages: list[tuple[Any, ...]],
    workers: int,
    backlog: int | None = None,
    pool_only: bool = False,
) -> dict[str, Any]:
    single = 0.0 if pool_only else single_process(pages)
    pool = pooled(pages, workers, backlog)
    return {
        "pages": len(pages),
        "single_pages_per_second": single,
        "pool_pages_per_second": pool["pages_per_second"],
        "ratio": pool["pages_per_second"] / single if single else 0.0,
        "workers": pool["workers"],
        "backlog": pool["backlog"],
        "in_order": pool["in_order"],
    }


def main() -> None:
    from bench.harness import load_average
    from crawler.pool import cpu_count

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=cpu_count(), help="default: one per core")
    parser.add_argument("--backlog", type=int, default=None, help="default: the pipeline's (4 per worker)")
    parser.add_argument("--corpus", action="store_true", help="real pages from ../shared/corpus")
    parser.add_argument("--json", action="store_true", help="print one JSON line only")
    parser.add_argument(
        "--pool-only", action="store_true", help="skip the single-process loop (bench/crawl.py)"
    )
    args = parser.parse_args()
    pages = corpus_pages(args.pages) if args.corpus else bulk_pages(args.pages)
    load_before = load_average()
    result = measure(pages, args.workers, args.backlog, args.pool_only)
    result["load_before"], result["load_after"] = load_before, load_average()
    if args.json:
        print(json.dumps(result))
        return
    print(f"pages: {result['pages']} ({'corpus' if args.corpus else 'generated bulk site'})")
    print(f"load average before/after: {result['load_before']} / {result['load_after']}")
    print(f"single process loop      : {result['single_pages_per_second']:8.1f} pages/s")
    print(
        f"pipeline pool ({result['workers']} workers, backlog {result['backlog']}): "
        f"{result['pool_pages_per_second']:8.1f} pages/s (results in order: {result['in_order']})"
    )
    print(f"pool / single            : {result['ratio']:.2f}x  (target >= 1.7x on 2 cores)")


if __name__ == "__main__":
    main()
