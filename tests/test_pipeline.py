"""The audit pipeline and the output writer, without a network: every item ends in
exactly one file, counts add up, records validate, and odd text still serialises."""

from __future__ import annotations

import json

import pytest
from scrapy.utils.test import get_crawler

from audit.output import JsonlWriter, OutputError, new_run_id, run_directory, sanitize
from audit.schema import errors
from crawler import pipelines
from crawler.demo.site import DemoSite
from crawler.items import OutcomeItem, PageItem
from crawler.pipelines import AuditPipeline
from crawler.siteconfig import load
from crawler.spiders.news import NewsSpider
from crawler.state import Ledger, LedgerError

BASE = "http://127.0.0.1:8808"


def lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def run(tmp_path):
    crawler = get_crawler(NewsSpider, {"NEWSAUDIT_OUTPUT_DIR": str(tmp_path), "NEWSAUDIT_RUN_ID": None})
    spider = NewsSpider.from_crawler(crawler, site_config=load("demo"))
    crawler.spider = spider
    pipeline = AuditPipeline.from_crawler(crawler)
    pipeline.open_spider()
    return spider, pipeline


def page_item(site: DemoSite, article, url: str | None = None) -> PageItem:
    url = url or site.url(article.path)
    return PageItem(
        url=url,
        article_url=url,
        body=site.render(article.path).body.decode("utf-8"),
        http_status=200,
        fetched_at="2025-11-20T10:00:00Z",
        language_hint=article.language,
    )


def test_every_item_ends_in_one_file_and_counts_add_up(run, monkeypatch):
    spider, pipeline = run
    site = DemoSite(BASE)
    articles = site.public_articles()[:4]
    for a in articles:
        spider.ledger.discover(site.url(a.path))
        pipeline.process_item(page_item(site, a))
    # The same text under another URL is a duplicate, not a second article.
    copy_url = site.url("/en/region/copy.html")
    spider.ledger.discover(copy_url)
    pipeline.process_item(page_item(site, articles[0], url=copy_url))
    # A page with no article text is an extraction failure with its reason.
    nav_url = site.url("/en/region/nav-only.html")
    spider.ledger.discover(nav_url)
    pipeline.process_item(PageItem(nav_url, nav_url, "<html><body><nav>a | b</nav></body></html>", 200, "x"))
    # An outcome from the spider (HTTP error).
    gone = site.url("/id/nasional/gone.html")
    spider.ledger.discover(gone)
    pipeline.process_item(OutcomeItem(gone, "failed", "http_404", "HTTP 404", http_status=404))
    # A record the schema refuses is quarantined with the error.
    monkeypatch.setattr(pipelines.schema, "errors", lambda name, record: ["score: -1 is less than 0"])
    bad = site.public_articles()[5]
    spider.ledger.discover(site.url(bad.path))
    pipeline.process_item(page_item(site, bad))
    monkeypatch.undo()
    # Discovered but never fetched before the crawl stopped.
    never = site.url("/vi/thoi-su/never.html")
    spider.ledger.discover(never)

    pipeline.spider_closed(spider, "closespider_pagecount")
    run_dir = pipeline.run_dir
    summary = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    assert errors("run", summary) == []
    counts = summary["counts"]
    assert counts == {
        "discovered": 9,
        "articles": 4,
        "unchanged": 0,
        "duplicates": 1,
        "filtered": 1,
        "disallowed": 0,
        "failed": 2,
        "rejected": 1,
    }
    assert summary["finish_reason"] == "closespider_pagecount"
    records = lines(run_dir / "articles.jsonl")
    assert [r["url"] for r in records] == [site.url(a.path) for a in articles]
    for record in records:
        assert errors("article", record) == []
        assert record["version"] == 1 and record["previous_hash"] is None
        assert record["run_id"] == summary["run_id"] and record["site"] == "demo"
    rejects = lines(run_dir / "rejects.jsonl")
    assert [r["url"] for r in rejects] == [site.url(bad.path)]
    assert rejects[0]["errors"] == ["score: -1 is less than 0"] and rejects[0]["record"]["title"]
    failures = {r["url"]: r for r in lines(run_dir / "failures.jsonl")}
    assert failures[copy_url]["reason"] == "duplicate_content"
    assert failures[nav_url]["stage"] == "extract" and failures[nav_url]["reason"] == "no_article_text"
    assert failures[gone]["http_status"] == 404
    assert failures[never]["reason"] == "not_fetched" and "closespider_pagecount" in failures[never]["detail"]
    for record in failures.values():
        assert errors("failure", record) == []
    assert (
        len(failures) == counts["failed"] + counts["duplicates"] + counts["filtered"] + counts["disallowed"]
    )
    stats = spider.crawler.stats.get_stats()
    assert stats["newsaudit/articles"] == 4 and stats["newsaudit/rejected"] == 1


def test_lone_surrogates_in_a_page_still_give_a_valid_article(run):
    spider, pipeline = run
    site = DemoSite(BASE)
    article = site.public_articles()[0]
    item = page_item(site, article)
    words = " ".join(article.body[0].split()[:3])
    assert words in item.body
    item.body = item.body.replace(words, words + " \ud800")
    spider.ledger.discover(item.url)
    pipeline.process_item(item)
    pipeline.spider_closed(spider, "finished")
    (record,) = lines(pipeline.run_dir / "articles.jsonl")
    assert errors("article", record) == []
    assert any("\ufffd" in block["text"] for block in record["blocks"])


def test_ledger_refuses_double_accounting():
    ledger = Ledger()
    assert ledger.discover("u") and not ledger.discover("u")
    ledger.finish("u", "articles")
    with pytest.raises(LedgerError, match="twice"):
        ledger.finish("u", "failed")
    with pytest.raises(LedgerError, match="never discovered"):
        ledger.finish("v", "failed")
    ledger.alias("canonical", of="u")
    assert ledger.knows("canonical") and not ledger.discover("canonical")
    assert ledger.counts()["discovered"] == 1


def test_lone_surrogates_are_written_as_valid_utf8(tmp_path):
    writer = JsonlWriter(tmp_path / "a.jsonl")
    writer.write(
        {"text": "Harga naik \ud83d tajam", "pair": "\ud83d\ude00", "nested": ["ok", {"k\udcff": 1}]}
    )
    writer.close()
    raw = (tmp_path / "a.jsonl").read_bytes()
    raw.decode("utf-8")  # strict: must not raise
    record = json.loads(raw)
    assert record["text"] == "Harga naik \ufffd tajam"
    assert record["pair"] == "😀"
    assert sanitize("plain") == "plain"


def test_run_ids_and_directories_stay_inside_the_output_dir(tmp_path):
    run_id = new_run_id("../../etc/Demo Site!")
    assert "/" not in run_id and ".." not in run_id
    assert run_directory(tmp_path, run_id).parent == tmp_path.resolve()
    for bad in ("../escape", "a/b", "..", ""):
        with pytest.raises(OutputError):
            run_directory(tmp_path, bad)
    with pytest.raises(OutputError, match="already exists"):
        run_directory(tmp_path, run_id)
