"""Fault injection: the real spider, in a subprocess, crawls the hostile site
(``crawler/faultsite.py``) served on a loopback port. Every case must end in the
terminal state it is specified to reach, with its reason; every discovered URL must
be accounted for exactly once; the crawl must not crash or lose a record."""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from audit.schema import errors
from crawler.faultsite import (
    CASES,
    CRAWL_DELAY,
    DISALLOWED,
    THAI_PARAGRAPHS,
    VI_PARAGRAPHS,
    FaultServer,
    case,
)
from crawler.siteconfig import SITES_DIR, load_site_config
from crawler.state import COUNT_KEYS
from crawler.urls import normalize
from tests.paths import CLI, ROOT

#: Which terminal state each reason code belongs to (failures.jsonl carries the reason).
FILTERED = {
    "offsite",
    "offsite_redirect",
    "denied_pattern",
    "depth_limit",
    "page_limit",
    "not_article",
    "not_fetched",
}
DISALLOWED_REASONS = {"robots_disallowed"}
DUPLICATES = {"canonical_duplicate", "redirect_duplicate", "duplicate_content"}
#: Pages the server serves only as redirect hops; they are not discovered URLs themselves.
REDIRECT_HOPS = re.compile(r"^/(r/\d+/|a/loop-b\.html|a/moved-\d\.html)$")


def outcome_of(reason: str) -> str:
    if reason in FILTERED or reason.startswith("trap_"):
        return "filtered"
    if reason in DISALLOWED_REASONS:
        return "disallowed"
    if reason in DUPLICATES:
        return "duplicates"
    return "failed"


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("faults")
    server = FaultServer(port=0).start()
    try:
        config = tmp / "faults.toml"
        text = (SITES_DIR / "faults.toml").read_text(encoding="utf-8")
        config.write_text(text.replace("127.0.0.1:8809", f"127.0.0.1:{server.port}"), encoding="utf-8")
        command = [str(CLI), "crawl", "--config", str(config), "--output-dir", str(tmp / "out"), "--no-progress",
                   "--log-level", "INFO"]  # fmt: skip
        proc = subprocess.run(
            [*command, "--run-id", "20260101T000000Z-faults-first"],
            capture_output=True, text=True, cwd=ROOT, timeout=300,
        )  # fmt: skip
        requests = server.requests
        # A second run over the same output directory: its state makes articles "unchanged".
        again = subprocess.run(
            [*command, "--run-id", "20260101T000001Z-faults-again"],
            capture_output=True, text=True, cwd=ROOT, timeout=300,
        )  # fmt: skip
        site = server.site
    finally:
        server.stop()
    return {
        **run_result(proc, tmp / "out" / "20260101T000000Z-faults-first"),
        "again": run_result(again, tmp / "out" / "20260101T000001Z-faults-again"),
        "requests": requests,
        "site": site,
        "config": load_site_config(config),
    }


def run_result(proc: subprocess.CompletedProcess, run_dir: Path) -> dict:
    assert (run_dir / "run.json").is_file(), proc.stdout + proc.stderr
    return {
        "proc": proc,
        "run_dir": run_dir,
        "summary": json.loads((run_dir / "run.json").read_text(encoding="utf-8")),
        "articles": lines(run_dir / "articles.jsonl"),
        "failures": lines(run_dir / "failures.jsonl"),
        "rejects": lines(run_dir / "rejects.jsonl"),
    }


def url_of(crawl, path: str) -> str:
    return normalize(crawl["site"].url(path)) or path


def crashes(crawl) -> list[str]:
    """Signs of a crash: a non-zero exit, a traceback, a callback exception, an ERROR log."""
    proc = crawl["proc"]
    found = []
    if proc.returncode != 0:
        found.append(f"exit code {proc.returncode}")
    for sign in (
        "Traceback (most recent call last)",
        "spider_exceptions",
        "'log_count/ERROR'",
        "LedgerError",
    ):
        if sign in proc.stderr:
            found.append(sign)
    return found


def lost_records(crawl) -> list[str]:
    """Cases (and served pages) with no record where their outcome says there must be one."""
    articles = {r["url"] for r in crawl["articles"]}
    failures = {r["url"]: r["reason"] for r in crawl["failures"]}
    reasons = crawl["summary"]["reasons"]
    lost = []
    for c in CASES:
        if c.listing:
            if not reasons.get(c.reason):
                lost.append(c.name)
        elif c.outcome == "articles":
            if url_of(crawl, c.published or c.path) not in articles:
                lost.append(c.name)
        elif failures.get(url_of(crawl, c.path)) != c.reason:
            lost.append(c.name)
    # From the server's side: every article page it served ended in some record.
    recorded = articles | set(failures)
    recorded |= {
        url_of(crawl, c.path) for c in CASES if c.published and url_of(crawl, c.published) in articles
    }
    for request in crawl["requests"]:
        path = request.path.split("?")[0]
        served_article = path.startswith(("/a/", "/th/")) and not REDIRECT_HOPS.match(path)
        if served_article and url_of(crawl, path) not in recorded:
            lost.append(f"served {path}")
    return lost


def unaccounted(crawl) -> int:
    """Discovered URLs without exactly one terminal record."""
    counts = crawl["summary"]["counts"]
    terminal = sum(counts[k] for k in COUNT_KEYS[1:])
    # Articles are published under their final URL; one line each, like every other outcome.
    records = len(crawl["articles"]) + len(crawl["failures"]) + len(crawl["rejects"]) + counts["unchanged"]
    return abs(counts["discovered"] - terminal) + abs(counts["discovered"] - records)


def test_a_second_run_accounts_unchanged_articles_too(crawl):
    again = crawl["again"]
    assert crashes(again) == [], again["proc"].stderr[-3000:]
    assert unaccounted(again) == 0
    counts, first = again["summary"]["counts"], crawl["summary"]["counts"]
    assert counts["unchanged"] == first["articles"] and counts["articles"] == 0
    assert counts["discovered"] == first["discovered"]
    for outcome in ("failed", "filtered", "disallowed", "duplicates"):
        assert counts[outcome] == first[outcome], outcome


def test_no_crash_no_record_lost_no_url_unaccounted(crawl):
    figures = {
        "hostile cases": len(CASES),
        "crashes": len(crashes(crawl)),
        "records lost": len(lost_records(crawl)),
        "URLs unaccounted for": unaccounted(crawl),
    }
    print("fault-injection figures:", figures)
    assert crashes(crawl) == [], crawl["proc"].stderr[-3000:]
    assert lost_records(crawl) == []
    assert figures["URLs unaccounted for"] == 0
    assert len(CASES) >= 40


@pytest.mark.parametrize("fault", [c for c in CASES if not c.listing], ids=lambda c: c.name)
def test_each_article_case_ends_in_its_state(crawl, fault):
    articles = {r["url"]: r for r in crawl["articles"]}
    failures = {r["url"]: r for r in crawl["failures"]}
    url = url_of(crawl, fault.path)
    if fault.outcome == "articles":
        published = url_of(crawl, fault.published or fault.path)
        assert published in articles, (fault.name, sorted(failures.get(url, {}).items()))
        assert url not in failures
    else:
        assert url in failures, fault.name
        assert failures[url]["reason"] == fault.reason, failures[url]
        assert outcome_of(failures[url]["reason"]) == fault.outcome
        assert failures[url]["detail"]


@pytest.mark.parametrize("fault", [c for c in CASES if c.listing], ids=lambda c: c.name)
def test_traps_terminate_and_skipped_urls_are_filtered_with_reasons(crawl, fault):
    trapped = [r for r in crawl["failures"] if r["reason"] == fault.reason]
    assert trapped, fault.name
    assert all(outcome_of(r["reason"]) == "filtered" for r in trapped)
    assert crawl["summary"]["finish_reason"] == "finished"  # ended by the caps, not a timeout
    # The endless spaces were cut short: a bounded number of listing fetches.
    listing_gets = [r for r in crawl["requests"] if r.path.startswith(("/list", "/calendar/", "/section/"))]
    assert len(listing_gets) <= 60 + 10 + 5


def test_run_counts_add_up_and_match_the_files(crawl):
    summary = crawl["summary"]
    assert errors("run", summary) == []
    counts = summary["counts"]
    assert counts["discovered"] == sum(counts[k] for k in COUNT_KEYS[1:])
    assert len(crawl["articles"]) == counts["articles"]
    assert len(crawl["rejects"]) == counts["rejected"] == 0
    by_outcome = Counter(outcome_of(r["reason"]) for r in crawl["failures"])
    for outcome in ("failed", "filtered", "disallowed", "duplicates"):
        assert by_outcome[outcome] == counts[outcome], outcome
    assert Counter(r["reason"] for r in crawl["failures"]) == Counter(summary["reasons"])
    # Each URL has exactly one line across the files.
    urls = [r["url"] for r in crawl["articles"]] + [r["url"] for r in crawl["failures"]]
    assert [u for u, n in Counter(urls).items() if n > 1] == []


def test_every_record_validates(crawl):
    for record in crawl["articles"]:
        assert errors("article", record) == [], record["url"]
    for record in crawl["failures"]:
        assert errors("failure", record) == [], record["url"]
    for name in ("articles.jsonl", "failures.jsonl"):
        raw = (crawl["run_dir"] / name).read_bytes()
        raw.decode("utf-8")  # strict: no lone surrogates or stray bytes reached the feed
        assert b"\\ud800" not in raw.lower()


def test_duplicates_are_fetched_once(crawl):
    gets = Counter(r.path.split("?")[0] for r in crawl["requests"])
    for path in ("/a/tracked.html", "/a/clean.html", "/a/story.html", "/a/slow.html"):
        assert gets[path] == 1, (path, gets[path])
    thai = [r for r in crawl["requests"] if r.path.startswith("/a/%E0%B8")]
    assert len(thai) == 1  # linked raw, percent-encoded and from the sitemap
    assert not any("utm_" in r.path or "fbclid" in r.path or "gclid" in r.path for r in crawl["requests"])


def test_retries_and_retry_after(crawl):
    gets = Counter(r.path for r in crawl["requests"])
    assert gets["/a/flaky-500.html"] == 3  # two 500s, then the article
    assert gets["/a/always-500.html"] == 3  # RETRY_TIMES = 2
    assert gets["/a/retry-after.html"] == 2
    assert gets["/a/retry-after-date.html"] == 2
    assert gets["/a/retry-after-long.html"] == 1  # 3600 s is over the cap: not retried, recorded
    failure = next(r for r in crawl["failures"] if r["url"].endswith("/a/retry-after-long.html"))
    assert failure["http_status"] == 429 and "Retry-After: 3600" in failure["detail"]
    assert "retrying after 1s (Retry-After)" in crawl["proc"].stderr


def test_robots_rules_and_crawl_delay_are_obeyed(crawl):
    paths = [r.path for r in crawl["requests"]]
    assert "/robots.txt" in paths
    assert not [p for p in paths if p.startswith(DISALLOWED)]
    assert f"honouring robots.txt Crawl-delay {float(CRAWL_DELAY):g}s" in crawl["proc"].stderr


def test_user_agent_names_the_tool_and_the_configured_contact(crawl):
    contact = crawl["config"].user_agent_contact
    assert contact != "https://github.com/newsaudit/newsaudit"  # the config's own, not the default
    assert crawl["requests"]
    for request in crawl["requests"]:
        assert "newsaudit" in request.user_agent and contact in request.user_agent


def block_text(record: dict) -> str:
    return "\n".join(b["text"] for b in record["blocks"])


def test_mislabelled_charsets_decode_to_the_right_text(crawl):
    records = {r["url"]: r for r in crawl["articles"]}
    for name, paragraph in (("tis620", 0), ("tis620_meta", 1), ("tis620_unlabelled", 2)):
        record = records[url_of(crawl, case(name).path)]
        assert record["language"] == "th"
        assert THAI_PARAGRAPHS[paragraph] in block_text(record), name
        assert "\ufffd" not in block_text(record) + record["title"]
    cp1252 = records[url_of(crawl, case("cp1252").path)]
    assert cp1252["title"].startswith("Café owners “delighted”")
    assert "€2 million — naïve" in block_text(cp1252)
    bare = records[url_of(crawl, case("cp1252_unlabelled").path)]
    assert bare["title"].startswith("Crème brûlée stall “wins”")
    latin = records[url_of(crawl, case("latin1_as_utf8").path)]
    assert latin["title"].startswith("São Tomé delegation visits the café")
    utf16 = records[url_of(crawl, case("utf16_bom").path)]
    assert utf16["title"].startswith("Typhoon shelter “Kai Tak” reopens")
    stray = records[url_of(crawl, case("utf8_stray_bytes").path)]
    assert VI_PARAGRAPHS[1] in block_text(stray) and stray["language"] == "vi"


def test_hostile_text_is_kept_as_text(crawl):
    records = {r["url"]: r for r in crawl["articles"]}
    script = records[url_of(crawl, case("script_text").path)]
    assert "<script>alert(document.cookie)</script>" in block_text(script)
    nested = records[url_of(crawl, case("deep_nesting").path)]
    # libxml2 stops nesting at depth 255: the article survives, text below that depth does not.
    assert "This report was filed for the page at /a/nested.html" in block_text(nested)
    control = records[url_of(crawl, case("control_chars").path)]
    assert "lone surrogate" in block_text(control)


def test_internationalised_urls_are_published_percent_encoded(crawl):
    urls = {r["url"] for r in crawl["articles"]}
    thai = url_of(crawl, case("idn_thai_path").path)
    assert thai in urls and thai.isascii()
    offsite = next(r for r in crawl["failures"] if r["reason"] == "offsite")
    assert offsite["url"].startswith("http://xn--")


def test_broken_sources_are_reported_not_fatal(crawl):
    failed = {f["url"].rsplit("/", 1)[1]: f["reason"] for f in crawl["summary"]["sources_failed"]}
    assert failed == {"broken-sitemap.xml": "bad_sitemap"}
    # The truncated RSS feed still yielded the links before the cut.
    assert crawl["summary"]["listings"].get("feed") == 1


def test_serve_faults_lists_cases_and_refuses_a_busy_port():
    import socket

    listed = subprocess.run(
        [str(CLI), "serve-faults", "--list"], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert listed.returncode == 0
    assert [line.split()[0] for line in listed.stdout.splitlines()] == [c.name for c in CASES]
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = subprocess.run(
            [str(CLI), "serve-faults", "--port", str(port)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
        )
    assert proc.returncode == 2 and "already in use" in proc.stderr
