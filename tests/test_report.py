"""The self-contained run report, from real audits of the pages in fixtures/review."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import html as lxml_html
from review_helpers import PAGES, make_run

from audit.report import build_report, json_island
from audit.report.rundir import load_run
from audit.report.view import Segment, highlight, safe_href, score_histogram


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_run(tmp_path_factory.mktemp("runs"))


@pytest.fixture(scope="module")
def report(run_dir: Path) -> lxml_html.HtmlElement:
    path = build_report(run_dir)
    assert path == run_dir / "report.html"
    return lxml_html.fromstring(path.read_bytes())


@pytest.fixture(scope="module")
def records(run_dir: Path) -> list[dict]:
    return load_run(run_dir).articles


def test_fixtures_produce_real_findings(records: list[dict]) -> None:
    # the report tests below are only meaningful if the auditor flagged something
    by_url = {r["url"]: r for r in records}
    banjir = by_url[PAGES["id-banjir.html"][1]]
    assert [f["type"] for f in banjir["findings"]].count("repeated_heading") == 2


def test_report_loads_nothing_from_the_network(report: lxml_html.HtmlElement, run_dir: Path) -> None:
    for el in report.iter():
        if not isinstance(el.tag, str):
            continue
        for attr in ("src", "srcset", "data", "poster", "action", "formaction"):
            assert attr not in el.attrib, f"<{el.tag} {attr}=...> would load a resource"
        assert not (el.tag == "link" and "stylesheet" in el.get("rel", "")), "external stylesheet"
    text = (run_dir / "report.html").read_text(encoding="utf-8")
    assert "url(" not in text and "@import" not in text
    csp = report.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    assert "default-src 'none'" in csp


def test_only_our_script_can_run(report: lxml_html.HtmlElement) -> None:
    scripts = report.xpath("//script")
    assert [s.get("type") for s in scripts] == ["application/json", None]
    code = scripts[1].text
    digest = "sha256-" + base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()
    csp = report.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    assert f"script-src '{digest}'" in csp


def test_summary_counts(report: lxml_html.HtmlElement, records: list[dict]) -> None:
    def card(name: str) -> int:
        return int(report.get_element_by_id(f"n-{name}").find_class("n")[0].text_content())

    assert card("audited") == len(records) == 4
    assert card("failed") == 2
    assert card("rejected") == 1
    assert card("crawled") == 7  # from run.json counts
    total = sum(len(r["findings"]) for r in records)
    assert card("defects") == total
    by_type = {
        row[0].text_content(): int(row[1].text_content())
        for row in report.xpath("//table[@id='by-type']/tbody/tr")
    }
    expected: dict[str, int] = {}
    for r in records:
        for f in r["findings"]:
            expected[f["type"]] = expected.get(f["type"], 0) + 1
    assert by_type == expected
    sites = {row[0].text_content() for row in report.xpath("//table[@id='by-site']/tbody/tr")}
    assert sites == {"warta-pantura", "harbour-times", "khao-rimnam"}


def test_score_chart_is_inline_svg(report: lxml_html.HtmlElement, records: list[dict]) -> None:
    bars = report.xpath("//svg[@id='score-chart']//rect")
    assert len(bars) == 10
    titles = [t.text_content() for t in report.xpath("//svg[@id='score-chart']//title")]
    counted = sum(int(t.split(": ")[1].split()[0]) for t in titles)
    assert counted == len(records)


def test_every_flagged_block_is_highlighted_with_its_finding(
    report: lxml_html.HtmlElement, records: list[dict]
) -> None:
    flagged = 0
    for number, record in enumerate(records, start=1):
        section = report.get_element_by_id(f"article-{number}")
        for finding in record["findings"]:
            if finding.get("block") is None:
                continue
            flagged += 1
            block = section.xpath(f".//div[@data-block='{finding['block']}']")[0]
            assert "flagged" in block.get("class")
            assert [m.text_content() for m in block.xpath(".//mark")] == [finding["evidence"]]
            items = block.getnext().xpath("./li")
            shown = [(li.get("data-type"), li.find_class("message")[0].text_content()) for li in items]
            assert (finding["type"], finding["message"]) in shown
            evidence = [q.text_content() for q in block.getnext().find_class("evidence")]
            assert finding["evidence"] in evidence
    assert flagged >= 3


def test_links_to_originals_are_http_only(report: lxml_html.HtmlElement, records: list[dict]) -> None:
    originals = report.xpath("//a[contains(@class, 'original')]")
    assert sorted(a.get("href") for a in originals) == sorted(
        r["url"] for r in records if r["url"].startswith("https://")
    )
    for a in report.xpath("//a[@href]"):
        assert a.get("href").startswith(("#", "https://", "http://"))
    inert = report.xpath("//span[contains(@class, 'inert') and contains(@class, 'original')]")
    assert [s.text_content() for s in inert] == [PAGES["hostile.html"][1]]


def test_hostile_text_is_escaped(report: lxml_html.HtmlElement, run_dir: Path) -> None:
    text = (run_dir / "report.html").read_text(encoding="utf-8")
    assert "<script>window.__xss" not in text
    assert "<img src=x" not in text
    for el in report.iter():
        if isinstance(el.tag, str):
            assert not any(name.startswith("on") for name in el.attrib), el.tag
    # the text itself is shown, as text
    assert "Harbour festival draws record crowds <script>window.__xss=1</script>" in report.text_content()


def test_failures_and_rejects_are_listed(report: lxml_html.HtmlElement) -> None:
    rows = report.xpath("//table[@id='failures-table']/tbody/tr")
    reasons = sorted(r[2].text_content() for r in rows)
    assert reasons == ["http_404", "no_text"]
    rejects = report.xpath("//table[@id='rejects-table']/tbody/tr")
    assert "greater than the maximum" in rejects[0].text_content()


def test_unreadable_lines_are_reported_not_dropped(tmp_path: Path) -> None:
    run_dir = make_run(tmp_path, names=["en-council.html"])
    with (run_dir / "articles.jsonl").open("a", encoding="utf-8") as fh:
        fh.write('{"url": "https://harbour.example/cut-off", "blocks": [\n')
        fh.write("[1, 2]\n")
    page = lxml_html.fromstring(build_report(run_dir).read_bytes())
    rows = [[td.text_content() for td in tr] for tr in page.xpath("//table[@id='problems-table']/tbody/tr")]
    assert [r[:2] for r in rows] == [["articles.jsonl", "2"], ["articles.jsonl", "3"]]
    assert rows[1][2] == "expected an object, got list"


def test_tolerates_minimal_run_dir(tmp_path: Path) -> None:
    (tmp_path / "r1").mkdir()
    (tmp_path / "r1" / "failures.jsonl").write_text(
        json.dumps({"url": "https://x.example/a", "reason": "timeout"}) + "\n", encoding="utf-8"
    )
    page = lxml_html.fromstring(build_report(tmp_path / "r1").read_bytes())
    assert page.get_element_by_id("n-audited").text_content().strip().startswith("0")
    assert "timeout" in page.get_element_by_id("failures-table").text_content()


def test_cli_regenerates_report(run_dir: Path, tmp_path: Path) -> None:
    (run_dir / "report.html").unlink()
    cmd = [sys.executable, "-m", "audit.cli", "report", str(run_dir)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(run_dir / "report.html")
    assert (run_dir / "report.html").is_file()
    bad = subprocess.run([*cmd[:-1], str(tmp_path / "nope")], capture_output=True, text=True, check=False)
    assert bad.returncode == 1 and "not a run directory" in bad.stderr


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://warta.example/a?b=1", "https://warta.example/a?b=1"),
        ("http://x.example/", "http://x.example/"),
        ("javascript:alert(1)", None),
        ("JavaScript:alert(1)", None),
        ("java\tscript:alert(1)", None),
        (" https://x.example/", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("//evil.example/x", None),
        ("/relative/path", None),
        ("https:///nohost", None),
        (None, None),
    ],
)
def test_safe_href(url: str | None, expected: str | None) -> None:
    assert safe_href(url) == expected


def test_highlight_marks_every_occurrence_and_merges_overlaps() -> None:
    assert highlight("Baca juga: banjir. Baca juga!", ["Baca juga"]) == [
        Segment("Baca juga", True),
        Segment(": banjir. "),
        Segment("Baca juga", True),
        Segment("!"),
    ]
    assert highlight("abcdef", ["bcd", "cde"]) == [Segment("a"), Segment("bcde", True), Segment("f")]
    assert highlight("no finding here", []) == [Segment("no finding here")]


def test_highlight_marks_the_evidence_span_not_the_block() -> None:
    text = "The committee met. Spending will rise by 40 percent. Members moved on."
    sentence = "Spending will rise by 40 percent."
    assert highlight(text, [sentence]) == [
        Segment("The committee met. "),
        Segment(sentence, True),
        Segment(" Members moved on."),
    ]
    # found once whitespace is normalised: the original characters are marked
    spaced = "The committee met.  Spending will\nrise by 40 percent. Members moved on."
    assert highlight(spaced, [sentence]) == [
        Segment("The committee met.  "),
        Segment("Spending will\nrise by 40 percent.", True),
        Segment(" Members moved on."),
    ]
    assert highlight(text, ["  Spending   will rise\tby 40 percent. "])[1] == Segment(sentence, True)
    # not found at all (or no evidence): the whole block is marked, flagged as a fallback
    assert highlight(text, ["absent"]) == [Segment(text, True, whole=True)]
    assert highlight(text, [""]) == [Segment(text, True, whole=True)]


def test_json_island_cannot_close_its_script() -> None:
    data = {"t": "</script><script>window.__xss=1</script><!-- & \u2028"}
    island = str(json_island(data))
    assert "<" not in island and ">" not in island and "&" not in island
    assert json.loads(island) == data


def test_score_histogram_buckets() -> None:
    hist = dict(score_histogram([0, 9, 10, 95, 100, 100]))
    assert hist["0–9"] == 2 and hist["10–19"] == 1 and hist["90–100"] == 3
    assert sum(hist.values()) == 6


def test_text_is_capped_for_huge_runs_keeping_flagged_articles(run_dir: Path, records: list[dict]) -> None:
    from audit.report import render_report

    page = lxml_html.fromstring(render_report(load_run(run_dir), max_text_articles=2))
    shown = sorted(int(s.get("id").split("-")[1]) for s in page.xpath("//article[@class='article']"))
    by_priority = sorted(
        range(1, len(records) + 1), key=lambda n: (not records[n - 1]["findings"], records[n - 1]["score"], n)
    )
    assert shown == sorted(by_priority[:2])
    assert all(records[n - 1]["findings"] for n in shown)  # at least two fixtures are flagged
    assert len(page.xpath("//table[@id='articles-table']/tbody/tr")) == len(records)
    assert "Text is included for 2 of 4 articles" in page.get_element_by_id("text-cap").text_content()


def test_capped_load_keeps_only_the_chosen_texts_in_memory(run_dir: Path, records: list[dict]) -> None:
    """A huge run is read with bounded text: only the articles the report will show keep blocks."""
    from audit.report import render_report

    full = lxml_html.fromstring(render_report(load_run(run_dir), max_text_articles=2))
    capped_run = load_run(run_dir, keep_text=2)
    assert sum(1 for a in capped_run.articles if "blocks" in a) == 2
    assert all(
        set(a) <= {"url", "title", "headline", "site", "language", "score", "findings"}
        for a in capped_run.articles
        if "blocks" not in a
    )
    assert len(capped_run.articles) == len(records)
    capped = lxml_html.fromstring(render_report(capped_run, max_text_articles=2))
    ids = "//article[@class='article']/@id"
    assert capped.xpath(ids) == full.xpath(ids)
    assert len(capped.xpath("//mark")) == len(full.xpath("//mark"))


def test_cards_of_a_crawl_use_its_run_json_counts_and_names(tmp_path: Path) -> None:
    """Duplicates and robots-disallowed URLs are not "failed": the cards say what the
    CLI and run.json say, and an unhealthy run says so with its reasons."""
    run_dir = make_run(tmp_path, names=["en-council.html"])
    meta = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    counts = {
        "discovered": 12,
        "articles": 1,
        "unchanged": 5,
        "duplicates": 2,
        "filtered": 0,
        "disallowed": 1,
    }
    meta["counts"] = {**counts, "failed": 2, "rejected": 1}
    meta["health"] = {"status": "too_many_failures", "reasons": ["2 of 9 article URLs failed"]}
    (run_dir / "run.json").write_text(json.dumps(meta), encoding="utf-8")
    page = lxml_html.fromstring(build_report(run_dir).read_bytes())

    def card(name: str) -> int:
        return int(page.get_element_by_id(f"n-{name}").find_class("n")[0].text_content())

    assert [card(k) for k in ("discovered", "articles", "unchanged", "duplicates", "disallowed", "failed")] == [
        12, 1, 5, 2, 1, 2,
    ]  # fmt: skip
    assert "2 of 9 article URLs failed" in page.get_element_by_id("health").text_content()


@pytest.mark.parametrize(
    ("memory", "expected"),
    [
        (
            {"status": "used", "backend": "redis", "path": "redis://127.0.0.1:6379/0", "articles_before": 1200,
             "articles_after": 1260},
            "Site memory: 1200 articles before this run, 1260 after (redis, redis://127.0.0.1:6379/0)",
        ),
        (
            {"status": "used", "path": "/out/memory.sqlite", "articles_before": 0, "articles_after": 4},
            "Site memory: 0 articles before this run, 4 after (sqlite, /out/memory.sqlite)",
        ),  # run schema 1.2: no backend
        (
            {"status": "unavailable", "backend": "redis", "path": "redis://h:6379/0", "articles_before": 0,
             "articles_after": 0, "error": "the site memory in Redis at redis://h:6379/0 is unavailable (x)"},
            "Site memory unavailable (redis, redis://h:6379/0): pages were audited alone from then on. "
            "the site memory in Redis at redis://h:6379/0 is unavailable (x)",
        ),
        ({"status": "off", "articles_before": 0, "articles_after": 0}, "Site memory off"),
    ],
)  # fmt: skip
def test_report_says_what_the_site_memory_held(tmp_path: Path, memory: dict, expected: str) -> None:
    run_dir = make_run(tmp_path, names=["en-council.html"])
    meta = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    (run_dir / "run.json").write_text(json.dumps({**meta, "memory": memory}), encoding="utf-8")
    page = lxml_html.fromstring(build_report(run_dir).read_bytes())
    assert page.get_element_by_id("memory-note").text_content().startswith(expected)
    (run_dir / "run.json").write_text(json.dumps(meta), encoding="utf-8")
    page = lxml_html.fromstring(build_report(run_dir).read_bytes())
    assert not page.xpath("//*[@id='memory-note']")  # no memory object: no line


def test_report_shows_review_decisions_and_survives_a_bad_store(run_dir: Path, tmp_path: Path) -> None:
    from audit.review.store import DecisionStore

    records = load_run(run_dir).articles
    number, record = next((n, r) for n, r in enumerate(records, start=1) if len(r["findings"]) >= 2)
    db = tmp_path / "review.sqlite3"
    DecisionStore(db).decide(record, 1, "dismissed", "house style")
    page = lxml_html.fromstring(build_report(run_dir, review_db=db).read_bytes())
    items = page.get_element_by_id(f"article-{number}").find_class("finding")
    assert [[d.text_content() for d in li.find_class("decision")] for li in items][:2] == [[], ["dismissed"]]
    assert items[1].find_class("note")[0].text_content() == "house style"
    assert "0 confirmed, 1 dismissed" in page.get_element_by_id("review-note").text_content()
    # without a store, nothing is claimed; a damaged store is named, and the report is still written
    assert not lxml_html.fromstring(build_report(run_dir).read_bytes()).find_class("decision")
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"not a database at all" * 100)
    page = lxml_html.fromstring(build_report(run_dir, review_db=bad).read_bytes())
    assert "could not be read" in page.get_element_by_id("review-note").text_content()
    assert not page.find_class("decision")
    assert not (tmp_path / "missing.sqlite3").exists()
    build_report(run_dir, review_db=tmp_path / "missing.sqlite3")
    assert not (tmp_path / "missing.sqlite3").exists()  # read-only: never created
