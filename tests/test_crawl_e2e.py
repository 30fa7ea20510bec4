"""End to end: the real spider, in a subprocess, crawls the demo site served on a
loopback port, and the feed it writes is checked line by line."""

from __future__ import annotations

import json
import socket
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from audit.schema import errors
from crawler.demo.site import BROKEN_404, BROKEN_500, DISALLOWED_PREFIX, EMPTY_BODY, NOT_HTML
from crawler.siteconfig import SITES_DIR
from tests.crawl_runs import one_copy_each
from tests.paths import CLI, ROOT


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    """Serve the demo site on a free port and crawl it once for every test here."""
    from crawler.demo.server import DemoServer

    tmp = tmp_path_factory.mktemp("e2e")
    server = DemoServer(port=0).start()
    try:
        config = tmp / "demo-e2e.toml"
        text = (SITES_DIR / "demo.toml").read_text(encoding="utf-8")
        config.write_text(text.replace("127.0.0.1:8808", f"127.0.0.1:{server.port}"), encoding="utf-8")
        proc = subprocess.run(
            [str(CLI), "crawl", "--config", str(config), "--output-dir", str(tmp / "out"), "--no-progress"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=300,
        )
        requests = server.requests
        site = server.site
    finally:
        server.stop()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (run_dir,) = [
        p for p in (tmp / "out").iterdir() if p.is_dir() and p.name != "latest"
    ]  # beside state.sqlite
    return {"proc": proc, "run_dir": run_dir, "requests": requests, "site": site}


def test_counts_add_up_and_match_the_files(crawl):
    run_dir = crawl["run_dir"]
    summary = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    assert errors("run", summary) == []
    # The report is built by a child process after the feed is written.
    assert summary["files"]["report"] == "report.html" and (run_dir / "report.html").stat().st_size > 0
    counts = summary["counts"]
    assert counts["discovered"] == sum(v for k, v in counts.items() if k != "discovered")
    assert len(lines(run_dir / "articles.jsonl")) == counts["articles"]
    assert len(lines(run_dir / "rejects.jsonl")) == counts["rejected"]
    assert len(lines(run_dir / "failures.jsonl")) == (
        counts["failed"] + counts["disallowed"] + counts["duplicates"] + counts["filtered"]
    )
    site = crawl["site"]
    assert counts["articles"] == len(site.public_articles())
    assert counts["disallowed"] == len([a for a in site.articles if a.premium])
    assert counts["rejected"] == 0 and counts["unchanged"] == 0
    assert str(run_dir / "articles.jsonl") in crawl["proc"].stdout.replace("\n", "")


def test_every_article_once_valid_and_unduplicated(crawl):
    records = lines(crawl["run_dir"] / "articles.jsonl")
    for record in records:
        assert errors("article", record) == [], record["url"]
    urls = [r["url"] for r in records]
    assert len(urls) == len(set(urls))
    hashes = [r["content_hash"] for r in records]
    assert len(hashes) == len(set(hashes))
    site = crawl["site"]
    # A syndicated copy (same text, another section, no canonical link) is fetched in
    # whatever order responses arrive: whichever comes first is the article, the
    # other its duplicate. Every public article must appear exactly once either way.
    assert one_copy_each(set(urls), site)
    assert {r["language"] for r in records} >= {"id", "ms", "en", "vi"}


def test_each_page_fetched_at_most_once_without_tracking_parameters(crawl):
    gets = Counter(r.path for r in crawl["requests"] if r.path != BROKEN_500)
    assert max(gets.values()) == 1, gets.most_common(3)
    assert not any("utm_" in path or "fbclid" in path for path in gets)
    assert all("newsaudit" in r.user_agent for r in crawl["requests"])


def test_robots_disallowed_page_never_fetched(crawl):
    assert not [r for r in crawl["requests"] if r.path.startswith(DISALLOWED_PREFIX)]
    assert any(r.path == "/robots.txt" for r in crawl["requests"])
    failures = lines(crawl["run_dir"] / "failures.jsonl")
    disallowed = [f for f in failures if f["reason"] == "robots_disallowed"]
    assert len(disallowed) == 1 and DISALLOWED_PREFIX in disallowed[0]["url"]


@pytest.mark.parametrize(
    ("path", "reason", "status"),
    [
        (BROKEN_404, "http_404", 404),
        (BROKEN_500, "http_500", 500),
        (NOT_HTML, "not_html", 200),
        (EMPTY_BODY, "empty_body", 200),
    ],
)
def test_bad_pages_are_failure_records_with_reasons(crawl, path, reason, status):
    failures = {f["url"]: f for f in lines(crawl["run_dir"] / "failures.jsonl")}
    record = failures[crawl["site"].url(path)]
    assert (record["reason"], record["http_status"]) == (reason, status)
    assert errors("failure", record) == []


def test_malformed_and_duplicate_pages(crawl):
    site = crawl["site"]
    records = {r["url"]: r for r in lines(crawl["run_dir"] / "articles.jsonl")}
    malformed = next(a for a in site.articles if a.malformed)
    assert len(records[site.url(malformed.path)]["blocks"]) >= 4
    failures = lines(crawl["run_dir"] / "failures.jsonl")
    reasons = Counter(f["reason"] for f in failures)
    # The syndicated copy (same text, no canonical) is one duplicate; the print version
    # is a duplicate of its canonical URL, which is fetched and emitted itself.
    assert reasons["duplicate_content"] == 1
    assert reasons["canonical_duplicate"] == 1


def test_findings_are_present_on_defective_articles(crawl):
    """Loose on purpose: rules evolve; the feed must carry their findings."""
    records = lines(crawl["run_dir"] / "articles.jsonl")
    site = crawl["site"]
    defective = {site.url(a.path) for a in site.public_articles() if a.defects}
    flagged = {r["url"] for r in records if r["findings"]}
    assert len(flagged & defective) >= len(defective) // 2


ARTICLE = """<!DOCTYPE html><html lang="id"><head><meta charset="{charset}"><title>{title} - Kabar Uji</title>
<meta property="og:type" content="article"></head><body><main><article><h1>{title}</h1>
<p>Pemerintah kabupaten meresmikan jembatan gantung baru yang menghubungkan dua desa di tepi sungai.
Warga sebelumnya harus menyeberang dengan perahu kayu yang sering terbalik saat arus deras.</p>
<p>Kepala desa mengatakan jembatan itu dibangun secara gotong royong selama enam bulan dengan bantuan
dana desa dan sumbangan para perantau yang bekerja di kota.</p>
<p>Anak-anak sekolah kini dapat berangkat lebih pagi tanpa takut terlambat, dan petani lebih mudah
membawa hasil panen ke pasar kecamatan setiap hari Kamis.</p>
{extra}</article></main></body></html>"""


def article_page(title: str, charset: str = "utf-8", extra: str = "") -> bytes:
    return ARTICLE.format(title=title, charset=charset, extra=extra).encode(charset)


def test_bad_input_from_a_loopback_site_ends_in_records(tmp_path, loopback_server):
    """Timeouts, refused connections, non-HTML, empty and text-less pages are failures with
    reasons; malformed and non-UTF-8 pages are articles; the crawl goes on."""
    import time

    def slow():
        time.sleep(2.5)
        return 200, "text/html", article_page("Terlambat")

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    malformed = article_page("Rusak", extra="<p>Paragraf <b>tanpa penutup <div><p>dan <i>tag</span> liar")
    links = ["ok", "lambat", "rusak", "latin", "kosong", "gambar", "menu"]
    home = "".join(f'<a href="/berita/{s}.html">{s}</a> ' for s in links)
    home += f'<a href="http://127.0.0.1:{closed_port}/berita/putus.html">putus</a>'
    server = loopback_server(
        {
            "/": (200, "text/html", f"<html><body><nav>{home}</nav></body></html>".encode()),
            "/berita/ok.html": (200, "text/html; charset=utf-8", article_page("Jembatan Baru")),
            "/berita/lambat.html": slow,
            "/berita/rusak.html": (200, "text/html", malformed),
            "/berita/latin.html": (
                200,
                "text/html; charset=iso-8859-1",
                article_page("Café Desa", "iso-8859-1"),
            ),
            "/berita/kosong.html": (200, "text/html", b""),
            "/berita/gambar.html": (200, "image/png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
            "/berita/menu.html": (
                200,
                "text/html",
                b"<html><body><nav><a href='/'>Beranda</a></nav></body></html>",
            ),
        }
    )
    config = tmp_path / "uji.toml"
    config.write_text(
        f"""name = "uji"
allowed_domains = ["127.0.0.1"]
language = "id"
start_urls = ["{server.base_url}/"]
[urls]
allow = ['/berita/[a-z]+\\.html$']
[politeness]
delay = 0.0
concurrency = 8
timeout = 1
""",
        encoding="utf-8",
    )
    proc = subprocess.run(
        [str(CLI), "crawl", "--config", str(config), "--output-dir", str(tmp_path / "out"), "--no-progress"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    # Every page is accounted for, and a site where most pages fail is reported as
    # unhealthy (exit 6) for cron to see, not passed off as a good run.
    assert proc.returncode == 6, proc.stdout + proc.stderr
    assert "5 of 8 article URLs failed" in proc.stderr
    (run_dir,) = [p for p in (tmp_path / "out").iterdir() if p.is_dir() and p.name != "latest"]
    counts = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))["counts"]
    articles = {r["url"].rsplit("/", 1)[1]: r for r in lines(run_dir / "articles.jsonl")}
    failures = {r["url"].rsplit("/", 1)[1]: r for r in lines(run_dir / "failures.jsonl")}
    assert set(articles) == {"ok.html", "rusak.html", "latin.html"}
    assert articles["latin.html"]["title"].startswith("Café Desa")
    assert {k: v["reason"] for k, v in failures.items()} == {
        "lambat.html": "timeout",
        "kosong.html": "empty_body",
        "gambar.html": "not_html",
        "menu.html": "no_article_text",
        "putus.html": "connection_refused",
    }
    assert failures["menu.html"]["stage"] == "extract"
    assert counts["discovered"] == 8 and counts["articles"] == 3 and counts["failed"] == 5
