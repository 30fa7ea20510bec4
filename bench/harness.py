"""Shared plumbing for the crawl benchmarks: a bulk site in its own process, and
crawls run in child processes (Twisted's reactor runs once per process).

A child crawl prints one JSON line with its timings; the throughput window runs from
the first response to the last page finished (fetched, for the bare spider; fetched,
extracted, audited and written, for ours), so interpreter start-up, pool start-up and
the HTML report built after the crawl do not count against either side.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


@dataclass
class Site:
    base_url: str
    config: Path
    articles: int


@contextmanager
def bulk_site(articles: int) -> Iterator[Site]:
    """Serve a generated site of ``articles`` pages from a child process."""
    with tempfile.TemporaryDirectory(prefix="newsaudit-bench-") as tmp:
        config = Path(tmp) / "bulk.toml"
        proc = subprocess.Popen(
            [PYTHON, "-m", "crawler.demo.bulk", "--articles", str(articles), "--config-out", str(config)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert proc.stdout is not None
            base = proc.stdout.readline().strip()
            if not base.startswith("http://"):
                raise RuntimeError("the bulk site server did not start")
            yield Site(base, config, articles)
        finally:
            assert proc.stdin is not None
            proc.stdin.close()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def run_child(*args: str, timeout: float = 1800) -> dict[str, Any]:
    """Run ``python -m bench.<module> ...`` and parse the JSON line it prints last."""
    start = time.perf_counter()
    proc = subprocess.run(
        [PYTHON, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=os.environ.copy()
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(
            f"{' '.join(args)} printed no result:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
        )
    result = json.loads(lines[-1])
    result["process_seconds"] = time.perf_counter() - start
    return result


def load_average() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def crawl_child(mode: str, config: Path, workers: str = "auto") -> dict[str, Any]:
    """Crawl in a child process; ``mode`` is ``full`` (our pipeline) or ``bare`` (fetch only)."""
    return run_child("-m", "bench.crawlchild", mode, str(config), "--workers", workers)
