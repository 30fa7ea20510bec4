"""Site memory during crawls of the demo site: the pasted paragraph is traced to its
source article, run.json says what the memory held, pooled and inline crawls agree,
and a memory that cannot be opened never fails the crawl."""

from __future__ import annotations

import json
import subprocess

import pytest

from audit.schema import errors
from crawler.demo.server import DemoServer
from tests.crawl_runs import demo_config, lines
from tests.paths import CLI, ROOT

PASTE_SLUG = "jembatan-kaliwungu-kudus-dibuka"
SOURCE_SLUG = "banjir-rob-pesisir-semarang-warga-mengungsi"


def crawl(config, out, *extra):
    proc = subprocess.run(
        [str(CLI), "crawl", "--config", str(config), "--output-dir", str(out), "--no-progress", *extra],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    run_dir = max(p for p in out.iterdir() if p.is_dir() and p.name != "latest")  # run ids sort by time
    return run_dir, json.loads((run_dir / "run.json").read_text(encoding="utf-8")), proc


@pytest.fixture(scope="module")
def server():
    demo = DemoServer(port=0).start()
    try:
        yield demo
    finally:
        demo.stop()


def _pasted(run_dir):
    [record] = [r for r in lines(run_dir / "articles.jsonl") if r["url"].endswith(f"/{PASTE_SLUG}.html")]
    return [f for f in record["findings"] if f["rule"] == "AQ302"]


def test_the_demo_paste_names_its_source_article(server, tmp_path):
    config = demo_config(tmp_path, server.port)
    out = tmp_path / "out"
    first_dir, first, _ = crawl(config, out)
    assert errors("run", first) == []
    assert first["memory"]["status"] == "used" and first["memory"]["articles_before"] == 0
    assert first["memory"]["articles_after"] == first["counts"]["articles"]
    assert (out / "memory.sqlite").is_file()
    source = server.site.url(f"/id/daerah/{SOURCE_SLUG}.html")
    # In the first run the paste is traced only if its source was concluded before it
    # (responses arrive in any order); it is never traced anywhere else.
    assert all(f["origin_url"] == source for f in _pasted(first_dir))
    # Run again over everything: every page now sees all the others.
    second_dir, second, _ = crawl(config, out, "--full")
    assert second["memory"]["articles_before"] == first["counts"]["articles"]
    [finding] = _pasted(second_dir)
    assert finding["origin_url"] == source and finding["type"] == "off_topic_paragraph"
    assert finding["evidence"].startswith("Menurut Badan Meteorologi") and finding["evidence"].endswith(
        "dokumen penting dan"
    )
    assert source in finding["message"]
    for record in lines(second_dir / "articles.jsonl"):
        assert errors("article", record) == [], record["url"]
        if not record["url"].endswith(f"/{PASTE_SLUG}.html"):
            assert not [f for f in record["findings"] if f["rule"] == "AQ302"], record["url"]


def _records(run_dir):
    return {
        r["url"]: (r["score"], json.dumps(r["findings"], sort_keys=True), r.get("duplicate_of"))
        for r in lines(run_dir / "articles.jsonl")
    }


def test_pooled_and_inline_crawls_with_memory_agree(server, tmp_path):
    """One request at a time, so both crawls see the pages in the same order; the memory
    is read and written in the main process in that order in both."""
    config = demo_config(tmp_path, server.port, concurrency=1)
    for extra in ([], ["--full"]):  # the second run: a memory that already holds the site
        inline_dir, _, _ = crawl(config, tmp_path / "inline", "--workers", "0", *extra)
        pooled_dir, _, _ = crawl(config, tmp_path / "pooled", "--workers", "2", *extra)
        inline, pooled = _records(inline_dir), _records(pooled_dir)
        assert inline == pooled
    assert any("AQ302" in findings for _, findings, _ in inline.values())


def test_an_unusable_memory_never_fails_the_crawl(server, tmp_path):
    config = demo_config(tmp_path, server.port)
    bad = tmp_path / "memory.sqlite"
    bad.write_bytes(b"not a database" * 1000)
    run_dir, summary, _ = crawl(config, tmp_path / "out", "--memory", str(bad))
    assert summary["memory"]["status"] == "unavailable"
    assert "corrupt" in summary["memory"]["error"] and f"mv {bad}" in summary["memory"]["error"]
    assert summary["counts"]["articles"] == len(lines(run_dir / "articles.jsonl")) > 0
    off_dir, off, _ = crawl(config, tmp_path / "off", "--no-memory")
    assert off["memory"] == {"status": "off", "articles_before": 0, "articles_after": 0}
    assert not (tmp_path / "off" / "memory.sqlite").exists()
