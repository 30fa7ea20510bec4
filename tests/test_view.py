"""The stable view OUTPUT_DIR/latest/<site>/: after an incremental re-run that fetched
nothing new it still holds every article, its rolling feed pages link up and validate,
dates keep their zone, and it is replaced atomically (a failed rebuild changes nothing)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from audit.schema import errors
from crawler.state import SqliteStore
from tests.crawl_runs import Scenario, demo_config, lines

PAGE_SIZE = 8


@pytest.fixture(scope="module")
def twice(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    """The demo site crawled twice over one state: a first run, then an incremental one."""
    from crawler.demo.server import DemoServer

    tmp = tmp_path_factory.mktemp("view")
    server = DemoServer(port=0).start()
    try:
        config = demo_config(tmp, server.port)
        config.write_text(
            config.read_text(encoding="utf-8") + f"\n[view]\npage_size = {PAGE_SIZE}\n", "utf-8"
        )
        scenario = Scenario(server, tmp / "out", config)
        scenario.crawl("first")
        scenario.runs["first"].view_target = os.readlink(tmp / "out" / "latest" / "demo")  # type: ignore[attr-defined]
        scenario.crawl("again")
        yield scenario
    finally:
        server.stop()


def island(report: Path) -> dict:
    text = report.read_text(encoding="utf-8")
    start = text.index('<script type="application/json" id="report-data">') + len(
        '<script type="application/json" id="report-data">'
    )
    return json.loads(text[start : text.index("</script>", start)])


def state_urls(out: Path) -> set[str]:
    store = SqliteStore(out / "state.sqlite", "demo")
    try:
        return {url for urls in store.latest_runs().values() for url in urls}
    finally:
        store.close()


def test_the_second_runs_view_reports_every_article_not_zero(twice):
    first, again = twice.runs["first"], twice.runs["again"]
    assert first.counts["articles"] > 20 and again.counts["articles"] == 0  # nothing new: an empty run
    assert again.counts["unchanged"] == first.counts["articles"]
    view = twice.out / "latest" / "demo"
    # The run's own report audits nothing; the view's lists every article, as last seen.
    assert island(again.run_dir / "report.html")["articles"] == []
    listed = island(view / "report.html")["articles"]
    assert len(listed) == first.counts["articles"]
    assert {a["title"] for a in listed} == {r["title"] or r["headline"] for r in first.articles}
    html = (view / "report.html").read_text(encoding="utf-8")
    assert f'<div class="n">{first.counts["articles"]}</div><div class="l">articles audited' in html
    # Unchanged articles keep their open findings in the view.
    flagged = sum(len(r["findings"]) for r in first.articles)
    assert flagged and f'id="n-defects"><div class="n">{flagged}</div>' in html
    records = lines(view / "articles.jsonl")
    assert {r["url"] for r in records} == state_urls(twice.out) == {r["url"] for r in first.articles}
    # The trend has a row per run.
    assert html.count("<tr><td>20") >= 2 and 'id="trend-table"' in html


def _path(url: str) -> Path:
    parts = urlsplit(url)
    assert parts.scheme == "file", url
    return Path(unquote(parts.path))


def test_feed_pages_link_up_validate_and_run_newest_first(twice):
    view = twice.out / "latest" / "demo"
    url = json.loads((view / "view.json").read_text(encoding="utf-8"))["feed_url"]
    assert url == (
        Path(os.path.abspath(view)).as_uri() + "/feed.json"
    )  # the default base: the view's file URL
    pages, items = [], []
    while url:
        page = json.loads(_path(url).read_text(encoding="utf-8"))
        assert errors("json-feed", page) == [], url
        assert page["feed_url"] == url
        pages.append(page)
        items.extend(page["items"])
        url = page.get("next_url")
    total = twice.runs["first"].counts["articles"]
    assert len(pages) == -(-total // PAGE_SIZE) > 1
    assert all(len(p["items"]) == PAGE_SIZE for p in pages[:-1])
    assert [p["_newsaudit"]["page"] for p in pages] == list(range(1, len(pages) + 1))
    assert {p["_newsaudit"]["pages"] for p in pages} == {len(pages)}
    ids = [i["id"] for i in items]
    assert len(ids) == len(set(ids)) == total
    dated = [i["date_published"] for i in items if "date_published" in i]
    assert dated and dated == sorted(
        dated, reverse=True
    )  # one zone on the demo site: text order is time order
    assert "date_published" not in items[-1] or len(dated) == len(items)  # undated articles come last


def test_feed_timestamps_keep_time_of_day_and_zone(twice):
    site = twice.server.site
    dates = {site.url(a.path): a.date for a in site.articles if a.date}
    items = json.loads((twice.out / "latest" / "demo" / "feed.json").read_text(encoding="utf-8"))["items"]
    checked = 0
    for item in items:
        if item["id"] in dates:
            assert item["date_published"] == f"{dates[item['id']]}T08:00:00+07:00"  # as the page declares it
            checked += 1
    assert checked >= 3


def test_the_view_was_swapped_atomically_and_left_no_temporary_directory(twice):
    root = twice.out / "latest"
    again = twice.runs["again"].summary["run_id"]
    assert os.readlink(root / "demo") == f".demo.{again}"
    assert twice.runs["first"].view_target != os.readlink(root / "demo")
    assert sorted(p.name for p in root.iterdir()) == [f".demo.{again}", "demo"]  # old version gone, no .tmp


def test_a_failed_rebuild_leaves_the_old_view_intact(twice, monkeypatch):
    import crawler.view as view_module

    root = twice.out / "latest"
    before = {p.name: p.read_bytes() for p in (root / "demo").iterdir()}
    target = os.readlink(root / "demo")

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(view_module, "build_report", broken, raising=False)
    monkeypatch.setattr("audit.report.build_report", broken)
    with pytest.raises(view_module.ViewError, match="No space left on device"):
        view_module.build_view(twice.out, "demo")
    assert os.readlink(root / "demo") == target
    assert {p.name: p.read_bytes() for p in (root / "demo").iterdir()} == before
    assert not [p for p in root.iterdir() if p.name.endswith(".tmp")]


def test_a_configured_base_url_prefixes_every_page(twice, tmp_path):
    from crawler.view import build_view

    out = tmp_path / "copy"
    (out).mkdir()
    # A copy of the output (state paths point at the original run directories, which stay put).
    (out / "state.sqlite").write_bytes((twice.out / "state.sqlite").read_bytes())
    link = build_view(out, "demo", base_url="https://feeds.example/demo", page_size=20, report=False)
    first = json.loads((link / "feed.json").read_text(encoding="utf-8"))
    assert first["feed_url"] == "https://feeds.example/demo/feed.json"
    assert first["next_url"] == "https://feeds.example/demo/feed-2.json"
    second = json.loads((link / "feed-2.json").read_text(encoding="utf-8"))
    assert "next_url" not in second and errors("json-feed", second) == []


def test_the_views_report_shows_editors_decisions(twice, tmp_path):
    """Decisions made in the review server (OUTPUT_DIR/review.sqlite3 by default) are shown
    beside their findings in latest/<site>/report.html."""
    from lxml import html as lxml_html

    from audit.review.store import DecisionStore
    from crawler.view import build_view

    out = tmp_path / "copy"
    out.mkdir()
    (out / "state.sqlite").write_bytes((twice.out / "state.sqlite").read_bytes())
    records = lines(twice.out / "latest" / "demo" / "articles.jsonl")
    flagged = [r for r in records if len(r.get("findings") or []) >= 1]
    assert len(flagged) >= 2
    store = DecisionStore(out / "review.sqlite3")
    store.decide(flagged[0], 0, "confirmed", "the desk agrees")
    store.decide(flagged[1], 0, "dismissed")
    link = build_view(out, "demo")
    page = lxml_html.fromstring((link / "report.html").read_bytes())
    numbers = {r["url"]: n for n, r in enumerate(lines(link / "articles.jsonl"), start=1)}

    def decision(record: dict) -> tuple[str, str]:
        article = page.get_element_by_id(f"article-{numbers[record['url']]}")
        item = next(
            li for li in article.find_class("finding")
            if li.find_class("evidence")[0].text_content() == record["findings"][0]["evidence"]
        )  # fmt: skip
        states = [s.text_content() for s in item.find_class("decision")]
        notes = [s.text_content() for s in item.find_class("note")]
        return (states[0] if states else "", notes[0] if notes else "")

    assert decision(flagged[0]) == ("confirmed", "the desk agrees")
    assert decision(flagged[1]) == ("dismissed", "")
    assert len(page.find_class("decision")) == 2  # no other finding claims a decision
    note = page.get_element_by_id("review-note").text_content()
    assert "1 confirmed, 1 dismissed" in note and str(out / "review.sqlite3") in note
