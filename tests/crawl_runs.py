"""Real crawls of the demo site, in subprocesses, shared by the incremental, WARC and
JSON Feed tests (one session fixture, so the site is crawled once per scenario).

The demo site is served from *this* process, so a test can change an article
between runs and read the server's request log (with the conditional headers).
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from crawler.siteconfig import SITES_DIR
from tests.paths import CLI, ROOT

#: The article whose text changes between the second and the third run.
CHANGED_PATH = "/en/region/mekong-delta-farmers-switch-to-salt-tolerant-rice.html"


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def demo_config(tmp: Path, port: int, **politeness: Any) -> Path:
    """The demo config moved to ``port`` (and optionally slower, for crash tests)."""
    text = (
        (SITES_DIR / "demo.toml").read_text(encoding="utf-8").replace("127.0.0.1:8808", f"127.0.0.1:{port}")
    )
    for key, value in politeness.items():
        text = re.sub(rf"^{key} = .*$", f"{key} = {json.dumps(value)}", text, count=1, flags=re.M)
    path = tmp / f"demo-{port}.toml"
    path.write_text(text, encoding="utf-8")
    return path


@dataclass
class Run:
    proc: subprocess.CompletedProcess[str]
    run_dir: Path
    requests: list[Any]

    @property
    def summary(self) -> dict[str, Any]:
        return json.loads((self.run_dir / "run.json").read_text(encoding="utf-8"))

    @property
    def counts(self) -> dict[str, int]:
        return self.summary["counts"]

    @property
    def articles(self) -> list[dict[str, Any]]:
        return lines(self.run_dir / "articles.jsonl")


@dataclass
class Scenario:
    server: Any
    out: Path
    config: Path
    runs: dict[str, Run] = field(default_factory=dict)

    def crawl(self, name: str, *extra: str) -> Run:
        before = len(self.server.requests)
        known = (
            {p for p in self.out.iterdir() if p.is_dir() and p.name != "latest"}
            if self.out.exists()
            else set()
        )
        proc = subprocess.run(
            [str(CLI), "crawl", "--config", str(self.config), "--output-dir", str(self.out), "--no-progress",
             *extra],
            capture_output=True, text=True, cwd=ROOT, timeout=300,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stdout + proc.stderr
        (run_dir,) = {p for p in self.out.iterdir() if p.is_dir() and p.name != "latest"} - known
        run = Run(proc, run_dir, self.server.requests[before:])
        self.runs[name] = run
        return run


@pytest.fixture(scope="session", name="incremental")
def incremental_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    """Four runs over one state: first (with --warc), again unchanged (with --warc: its
    304s become revisit records), after one article changed, and --full."""
    from crawler.demo.server import DemoServer

    tmp = tmp_path_factory.mktemp("incremental")
    server = DemoServer(port=0).start()
    try:
        scenario = Scenario(server, tmp / "out", demo_config(tmp, server.port))
        scenario.crawl("first", "--warc")
        scenario.crawl("again", "--warc")
        site = server.site
        article = site.by_path[CHANGED_PATH]
        changed = dataclasses.replace(
            article,
            body=(
                *article.body,
                "Update: the provincial agriculture office said on Friday that a second batch of "
                "salt-tolerant seed will reach cooperatives in Ben Tre before the next planting season.",
            ),
        )
        site.by_path[CHANGED_PATH] = changed
        site.articles[site.articles.index(article)] = changed
        scenario.crawl("changed")
        scenario.crawl("full", "--full")
        yield scenario
    finally:
        server.stop()


def one_copy_each(urls, site):
    """Each public article is emitted once, under its own path or its syndicated copy's:
    the two share a body, and whichever the crawl fetched first is the article (the
    other is a duplicate_content failure), so which one depends on fetch order."""
    expected = [{site.url(a.path)} | ({site.url(a.syndicated_path)} if a.syndicated_path else set())
                for a in site.public_articles()]  # fmt: skip
    return len(urls) == len(expected) and all(len(options & urls) == 1 for options in expected)
