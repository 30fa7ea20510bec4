"""The bundled demo site: its content, its server and ``newsaudit demo`` end to end."""

from __future__ import annotations

import json
import socket
import subprocess
import urllib.error
import urllib.request
from collections import Counter

import pytest

from audit.model import FINDING_TYPES
from crawler.demo.server import DemoServer, DemoServerError
from crawler.demo.site import BROKEN_404, BROKEN_500, DISALLOWED_PREFIX, DemoSite, load_articles
from crawler.spiders.news import feed_links, sitemap_entries
from tests.paths import CLI, ROOT


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_content_is_large_multilingual_and_covers_every_defect_type():
    articles = load_articles()
    public = [a for a in articles if not a.premium]
    assert len(public) >= 30
    languages = Counter(a.language for a in public)
    assert len(languages) >= 4 and min(languages.values()) >= 5
    assert len({(a.language, a.slug) for a in articles}) == len(articles)
    for a in articles:
        paragraphs = [text for tag, text in a.blocks() if tag == "p"]
        assert len(paragraphs) >= 3, a.slug
        assert all(d in FINDING_TYPES for d in a.defects), a.slug
    covered = {d for a in articles for d in a.defects}
    assert covered == set(FINDING_TYPES) - {"rule_error"}
    assert sum(1 for a in public if not a.defects) >= 5  # clean controls


def test_defects_are_really_in_the_text():
    by_type: dict[str, list] = {}
    for a in load_articles():
        for d in a.defects:
            by_type.setdefault(d, []).append(a)
    for a in by_type["repeated_heading"]:
        assert [t for tag, t in a.blocks() if tag == "h3"].count(a.title) == 2
    for a in by_type["duplicate_paragraph"]:
        texts = [t for tag, t in a.blocks() if tag == "p"]
        assert len(texts) > len(set(texts))
    for a in by_type["truncated_text"] + by_type["off_topic_paragraph"]:
        assert any(not t.rstrip().endswith((".", "”", '"', "!", "?")) for _, t in a.blocks()), a.slug
    assert {a.author for a in by_type["metadata_defect"]} & {"admin"}
    assert any(not a.date for a in by_type["metadata_defect"])


def test_served_pages_use_the_real_base_url(demo_server):
    base = demo_server.base_url
    status, ctype, body = fetch(base + "/robots.txt")
    assert status == 200 and f"Disallow: {DISALLOWED_PREFIX}" in body.decode()
    assert f"Sitemap: {base}/sitemap.xml" in body.decode()
    kind, children = sitemap_entries(fetch(base + "/sitemap.xml")[2])
    assert kind == "sitemapindex" and all(c.startswith(base + "/") for c in children)
    for child in children:
        kind, locs = sitemap_entries(fetch(child)[2])
        assert kind == "urlset" and locs and all(loc.startswith(base + "/") for loc in locs)
    assert b"xmlns:news" in fetch(base + "/news-sitemap.xml")[2]
    links = feed_links(fetch(base + "/rss.xml")[2])
    assert links and all(link.startswith(base + "/") for link in links)
    assert feed_links(fetch(base + "/en/atom.xml")[2])
    status, ctype, body = fetch(base + "/")
    assert status == 200 and ctype.startswith("text/html") and b"/id/nasional/" in body


def test_pagination_and_broken_links(demo_server):
    base = demo_server.base_url
    first = fetch(base + "/ms/semasa/")[2].decode()
    assert 'rel="next" href="/ms/semasa/page/2/"' in first
    second = fetch(base + "/ms/semasa/page/2/")[2].decode()
    assert 'rel="prev"' in second
    assert fetch(base + "/ms/semasa/page/99/")[0] == 404
    assert BROKEN_404 in fetch(base + "/id/nasional/")[2].decode()
    assert fetch(base + BROKEN_404)[0] == 404
    assert fetch(base + BROKEN_500)[0] == 500
    assert [r.path for r in demo_server.requests][-2:] == [BROKEN_404, BROKEN_500]


def test_busy_port_is_a_clear_error(demo_server):
    with pytest.raises(DemoServerError, match=f"port {demo_server.port} .* already in use"):
        DemoServer(port=demo_server.port).start()
    proc = subprocess.run(
        [str(CLI), "demo", "--port", str(demo_server.port), "--no-progress"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "already in use" in proc.stderr and "--port" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_site_renders_without_a_server():
    site = DemoSite("http://news.test:9000")
    article = site.public_articles()[0]
    body = site.render(article.path).body.decode()
    assert f'<link rel="canonical" href="http://news.test:9000{article.path}">' in body
    assert site.render("/no/such/page.html").status == 404


def test_newsaudit_demo_end_to_end(tmp_path):
    port = free_port()
    proc = subprocess.run(
        [str(CLI), "demo", "--port", str(port), "--output-dir", str(tmp_path), "--max-pages", "60"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (run_dir,) = [
        p for p in tmp_path.iterdir() if p.is_dir() and p.name != "latest"
    ]  # state.sqlite and the lock sit beside it
    summary = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    assert summary["counts"]["articles"] > 0
    assert f"http://127.0.0.1:{port}/" in proc.stdout
    assert str(run_dir / "articles.jsonl") in proc.stdout and "demo server stopped" in proc.stdout
    assert "progress:" in proc.stderr  # progress lines when not on a terminal
    assert proc.stdout.rstrip().splitlines()[-1] == f"report: {run_dir / 'report.html'}"
    with socket.socket() as sock:  # the server is gone: the port can be bound again
        sock.bind(("127.0.0.1", port))
