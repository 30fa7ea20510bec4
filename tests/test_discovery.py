"""Discovery without explicit sources: sitemaps from robots.txt, feeds the home page announces."""

from __future__ import annotations

import json
import subprocess

from crawler.demo.server import DemoServer
from crawler.spiders.news import robots_urls
from tests.paths import CLI, ROOT

MINIMAL = """\
name = "demo-minimal"
allowed_domains = ["127.0.0.1"]
start_urls = ["http://127.0.0.1:{port}/"]

[urls]
allow = ['^https?://[^/]+/(premium/)?(id|ms|en|vi)/[a-z-]+/[a-z0-9-]+\\\\.html$']
deny = ['\\\\.(xml|txt|pdf|jpg|png)$']
listing = ['^https?://[^/]+/$']

[limits]
max_pages = 200
max_depth = 1

[politeness]
delay = 0.0
"""


def test_robots_urls_one_per_origin_in_order():
    assert robots_urls(["http://a.test/x", "https://a.test/", "http://a.test/y?z", "ftp://b.test/"]) == [
        "http://a.test/robots.txt",
        "https://a.test/robots.txt",
    ]


def _crawl(tmp_path, text: str) -> tuple[dict, list]:
    server = DemoServer(port=0).start()
    try:
        config = tmp_path / "minimal.toml"
        config.write_text(text.format(port=server.port), encoding="utf-8")
        proc = subprocess.run(
            [str(CLI), "crawl", "--config", str(config), "--output-dir", str(tmp_path / "out"), "--no-progress"],
            capture_output=True, text=True, cwd=ROOT, timeout=300,
        )  # fmt: skip
        requests = list(server.requests)
        expected = {server.site.url(a.path) for a in server.site.articles if not a.premium}
    finally:
        server.stop()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (run_dir,) = [p for p in (tmp_path / "out").iterdir() if p.is_dir() and p.name != "latest"]
    summary = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    articles = [
        json.loads(line) for line in (run_dir / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    return {"summary": summary, "urls": {a["url"] for a in articles}, "expected": expected}, requests


def test_a_config_without_sitemaps_or_feeds_finds_them_from_robots_and_the_home_page(tmp_path):
    # Only the home page as a listing and one hop: without the robots.txt sitemap and
    # the announced feed, the crawl would reach only the articles linked from the home page.
    found, requests = _crawl(tmp_path, MINIMAL)
    paths = [r.path for r in requests]
    assert "/sitemap.xml" in paths and "/rss.xml" in paths
    listings = found["summary"]["listings"]
    assert listings["robots_sitemaps"] == 1 and listings["feeds_discovered"] == 1
    assert found["expected"] <= found["urls"] | {u for u in found["expected"] if "/print/" in u}


def test_explicit_sources_switch_discovery_off(tmp_path):
    text = MINIMAL.replace(
        'start_urls = ["http://127.0.0.1:{port}/"]',
        'start_urls = ["http://127.0.0.1:{port}/"]\nfeeds = ["http://127.0.0.1:{port}/en/atom.xml"]\n'
        'sitemaps = ["http://127.0.0.1:{port}/news-sitemap.xml"]',
    )
    found, requests = _crawl(tmp_path, text)
    paths = [r.path for r in requests]
    assert "/en/atom.xml" in paths and "/rss.xml" not in paths and "/sitemap.xml" not in paths
    assert "robots_sitemaps" not in found["summary"]["listings"]
