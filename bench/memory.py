"""Peak memory of a 20,000-page crawl against a 2,000-page crawl of the same kind of site.

Each crawl is the full pipeline (``bench/crawlchild.py full``: spider, process pool,
feed files, SQLite state) in a fresh process, against a generated loopback site served
from another process. psutil samples the crawler's process tree every 0.1 s; the
peak is reported for the crawler process alone and for the tree (crawler plus its
pool workers), up to the last page written; the whole run, including ``feed.json``
and the HTML report built after the crawl (in a child process), on its own line.
Target: peak at 20k <= 1.3 x peak at 2k.
Run: ``.venv/bin/python bench/memory.py [--small 2000] [--large 20000]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import contextlib

import psutil  # noqa: E402

from bench.harness import PYTHON, ROOT, bulk_site, load_average  # noqa: E402


def tree_rss(proc: psutil.Process) -> tuple[int, int]:
    """(RSS of the process, RSS of it and all its descendants), in bytes."""
    try:
        own = proc.memory_info().rss
    except psutil.Error:
        return 0, 0
    total = own
    for child in proc.children(recursive=True):
        with contextlib.suppress(psutil.Error):
            total += child.memory_info().rss
    return own, total


def measured_crawl(pages: int, workers: str, extra: list[str] | None = None) -> dict[str, Any]:
    with bulk_site(pages) as site:
        child = subprocess.Popen(
            [PYTHON, "-m", "bench.crawlchild", "full", str(site.config), "--workers", workers]
            + [arg for pair in extra or [] for arg in ("-s", pair)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        proc = psutil.Process(child.pid)
        samples: list[tuple[float, int, int]] = []
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                own, total = tree_rss(proc)
                samples.append((time.time(), own, total))
                time.sleep(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        stdout, stderr = child.communicate()
        stop.set()
        sampler.join()
    if child.returncode != 0:
        raise RuntimeError(f"crawl of {pages} pages failed:\n{stderr[-3000:]}")
    result = json.loads([line for line in stdout.splitlines() if line.startswith("{")][-1])
    # The crawl proper ends with the last page written; after it the run writes feed.json
    # and builds report.html (in a child process, which the tree figures include).
    crawling = [s for s in samples if s[0] <= result["last_page_epoch"]]
    result["peak_main_mib"] = max(s[1] for s in crawling) / 2**20
    result["peak_tree_mib"] = max(s[2] for s in crawling) / 2**20
    result["peak_main_with_report_mib"] = max(s[1] for s in samples) / 2**20
    result["peak_tree_with_report_mib"] = max(s[2] for s in samples) / 2**20
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=2000)
    parser.add_argument("--large", type=int, default=20000)
    parser.add_argument("--workers", default="auto")
    parser.add_argument("-s", dest="settings", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args()
    print(f"load average before: {load_average()}")
    small = measured_crawl(args.small, args.workers, args.settings)
    large = measured_crawl(args.large, args.workers, args.settings)
    print(f"load average after : {load_average()}")
    for r in (small, large):
        assert r["counts"]["articles"] == r["pages"], r["counts"]
        print(
            f"{r['pages']:>6} pages: peak RSS crawler {r['peak_main_mib']:7.1f} MiB, with pool workers "
            f"{r['peak_tree_mib']:7.1f} MiB  ({r['pages_per_second']:.1f} pages/s, wall {r['wall_seconds']:.0f}s)"
        )
    print(
        f"peak RSS while crawling, {args.large} / {args.small}: crawler "
        f"{large['peak_main_mib'] / small['peak_main_mib']:.2f}, with pool workers "
        f"{large['peak_tree_mib'] / small['peak_tree_mib']:.2f}  (target <= 1.3)"
    )
    print(
        "peak RSS of the whole run (crawl, then feed.json and the report child process): crawler "
        f"{small['peak_main_with_report_mib']:.1f} / {large['peak_main_with_report_mib']:.1f} MiB = "
        f"{large['peak_main_with_report_mib'] / small['peak_main_with_report_mib']:.2f}, with children "
        f"{small['peak_tree_with_report_mib']:.1f} / {large['peak_tree_with_report_mib']:.1f} MiB = "
        f"{large['peak_tree_with_report_mib'] / small['peak_tree_with_report_mib']:.2f}"
    )


if __name__ == "__main__":
    main()
