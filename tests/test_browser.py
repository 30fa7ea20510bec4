"""The report and the review app in a real browser: Debian's chromium, driven by Playwright.

Never downloads a browser: it uses /usr/bin/chromium (installed by .ci/run) and
skips when that is missing. Screenshots go to output/screenshots/.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from review_helpers import PAGES, audited_record, finding_index, make_run

from audit.report import build_report
from audit.report.rundir import load_run

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "output" / "screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium"),
]

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    pg = context.new_page()
    pg.dialogs = []  # any alert/confirm a script might raise
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.requests = []
    pg.on("request", lambda r: pg.requests.append(r.url))
    yield pg
    context.close()


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    run = make_run(tmp_path_factory.mktemp("output"))
    build_report(run)
    return run


def number_of(run_dir: Path, fixture: str) -> int:
    urls = [r["url"] for r in load_run(run_dir).articles]
    return 1 + urls.index(PAGES[fixture][1])


def shot(pg, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def test_report_filter_sort_and_highlighted_evidence(page, run_dir: Path) -> None:
    records = load_run(run_dir).articles
    page.goto((run_dir / "report.html").as_uri())
    rows = page.locator("#articles-table tbody tr")
    assert rows.count() == len(records)
    assert page.locator("#shown-count").text_content() == f"{len(records)} of {len(records)} shown"
    # The table opens worst first.
    opened = [int(t) for t in page.locator("#articles-table tbody tr td:nth-child(5)").all_text_contents()]
    assert opened == sorted(opened) and opened[0] < opened[-1]
    # Clicking a defect type in a row filters on it.
    page.locator("#articles-table tbody tr span.tag", has_text="repeated_heading").first.click()
    assert page.locator("#f-type").input_value() == "repeated_heading"
    assert page.locator("#articles-table tbody tr:visible").count() == 2
    page.click("#f-reset")
    # Filters by rule and by severity.
    page.select_option("#f-rule", "AQ101")
    with_rule = [r for r in records if any(f["rule"] == "AQ101" for f in r["findings"])]
    assert page.locator("#articles-table tbody tr:visible").count() == len(with_rule) > 0
    page.click("#f-reset")
    page.select_option("#f-severity", "warning")
    with_warning = [r for r in records if any(f["severity"] == "warning" for f in r["findings"])]
    assert page.locator("#articles-table tbody tr:visible").count() == len(with_warning) < len(records)
    page.click("#f-reset")

    page.select_option("#f-type", "repeated_heading")
    with_type = [r for r in records if any(f["type"] == "repeated_heading" for f in r["findings"])]
    visible = page.locator("#articles-table tbody tr:visible")
    assert visible.count() == len(with_type) == 2
    assert page.locator("#shown-count").text_content() == f"2 of {len(records)} shown"
    page.select_option("#f-language", "id")
    assert visible.count() == 1

    page.click("#f-reset")
    page.fill("#f-min", "100")
    assert visible.count() == sum(1 for r in records if r["score"] >= 100)
    page.click("#f-reset")
    page.click("th button[data-sort='score']")
    scores = [int(t) for t in page.locator("#articles-table tbody tr td:nth-child(5)").all_text_contents()]
    assert scores == sorted(scores)
    page.click("th button[data-sort='score']")
    scores = [int(t) for t in page.locator("#articles-table tbody tr td:nth-child(5)").all_text_contents()]
    assert scores == sorted(scores, reverse=True)

    page.select_option("#f-type", "repeated_heading")
    number = number_of(run_dir, "id-banjir.html")
    page.locator(f"#articles-table tbody tr[data-id='{number}'] a.open-article").click()
    section = page.locator(f"#article-{number}")
    assert section.is_visible()
    assert page.locator(f"#article-{number - 1 if number > 1 else number + 1}").is_hidden()
    record = records[number - 1]
    evidence = [f["evidence"] for f in record["findings"] if f["type"] == "repeated_heading"]
    marks = section.locator(".block.flagged mark")
    assert marks.count() == len(evidence) == 2
    assert marks.all_text_contents() == evidence
    for i in range(marks.count()):
        assert marks.nth(i).is_visible()
    messages = section.locator("li.finding[data-type='repeated_heading'] .message").all_text_contents()
    assert messages == [f["message"] for f in record["findings"] if f["type"] == "repeated_heading"]
    assert section.locator("a.original").get_attribute("href") == record["url"]
    shot(page, "report.png")
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert all(url.startswith("file://") for url in page.requests), page.requests


def test_hostile_article_runs_no_script_in_the_report(page, run_dir: Path) -> None:
    number = number_of(run_dir, "hostile.html")
    page.goto((run_dir / "report.html").as_uri() + f"#article-{number}")
    section = page.locator(f"#article-{number}")
    assert section.is_visible()
    assert "<script>window.__xss=1</script>" in section.locator("h3").text_content()
    assert 'onerror="window.__xss=2"' in section.text_content()
    assert (
        page.locator("a[href^='javascript'], a[href^='JAVASCRIPT'], img, iframe, object, embed").count() == 0
    )
    section.locator(".inert.original").click()  # the javascript: URL is plain text
    section.locator("mark").first.click()
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.dialogs == []
    assert all(url.startswith("file://") for url in page.requests), page.requests


class Server:
    """``newsaudit serve`` in a subprocess on a free loopback port."""

    def __init__(self, run_dir: Path, db: Path) -> None:
        cmd = [sys.executable, "-m", "audit.cli", "serve", "--port", "0", "--db", str(db), str(run_dir)]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if "http://127.0.0.1:" not in line:
            self.stop()
            raise AssertionError(f"server did not start: {line!r} {self.proc.stderr.read()}")
        self.url = line.split(" on ")[1].split()[0].rstrip("/")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def test_review_decisions_survive_reload_and_restart_then_eval(page, run_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "review.sqlite3"
    banjir, hostile = number_of(run_dir, "id-banjir.html"), number_of(run_dir, "hostile.html")
    confirm_i = finding_index(audited_record("id-banjir.html"), "repeated_heading", 0)
    dismiss_i = finding_index(audited_record("hostile.html"), "repeated_heading")
    server = Server(run_dir, db)
    try:
        page.goto(server.url + "/")
        page.click("#runs-table a")
        page.locator("#articles-table a.open-article").nth(banjir - 1).click()
        finding = page.locator(f"#finding-{confirm_i}")
        assert finding.locator(".decision").text_content() == "undecided"
        finding.locator("input[name=note]").fill("headline pasted as a subhead")
        finding.locator("button[value=confirmed]").click()
        page.wait_for_url(f"**/articles/{banjir}#finding-{confirm_i}")

        page.goto(f"{server.url}/runs/run-test/articles/{hostile}")
        page.locator(f"#finding-{dismiss_i} button[value=dismissed]").click()
        page.wait_for_url(f"**/articles/{hostile}#finding-{dismiss_i}")
        page.reload()
        assert page.locator(f"#finding-{dismiss_i} .decision").text_content() == "dismissed"
        assert page.evaluate("typeof window.__xss") == "undefined"  # the hostile article, served
        assert page.dialogs == []

        page.goto(f"{server.url}/runs/run-test/articles/{banjir}")
        page.reload()
        assert page.locator(f"#finding-{confirm_i} .decision").text_content() == "confirmed"
        assert page.locator(f"#finding-{confirm_i} .note").text_content() == "headline pasted as a subhead"
        shot(page, "review.png")
    finally:
        server.stop()

    server = Server(run_dir, db)  # a restart keeps both decisions
    try:
        page.goto(f"{server.url}/runs/run-test/articles/{banjir}")
        assert page.locator(f"#finding-{confirm_i} .decision").text_content() == "confirmed"
        page.goto(f"{server.url}/runs/run-test/articles/{hostile}")
        assert page.locator(f"#finding-{dismiss_i} .decision").text_content() == "dismissed"
        assert page.evaluate("typeof window.__xss") == "undefined"
    finally:
        server.stop()
    assert all(url.startswith("http://127.0.0.1:") for url in page.requests), page.requests

    labels = tmp_path / "gold" / "labels.jsonl"
    cli = [sys.executable, "-m", "audit.cli"]
    done = subprocess.run(
        [*cli, "export-labels", "--db", str(db), "-o", str(labels)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(x) for x in labels.read_text(encoding="utf-8").splitlines()]
    by_url = {line["url"]: line for line in lines}
    banjir_evidence = audited_record("id-banjir.html")["findings"][confirm_i]["evidence"]
    hostile_evidence = audited_record("hostile.html")["findings"][dismiss_i]["evidence"]
    assert by_url[PAGES["id-banjir.html"][1]]["defects"] == [
        {"type": "repeated_heading", "text": banjir_evidence}
    ]
    assert by_url[PAGES["hostile.html"][1]]["negatives"] == [
        {"type": "repeated_heading", "text": hostile_evidence}
    ]
    for line in lines:
        assert (labels.parent / line["page"]).is_file()

    try:
        import audit.evaluate  # noqa: F401
    except ModuleNotFoundError:
        pytest.skip("newsaudit eval (audit/evaluate.py) is not built yet; the export format was checked")
    done = subprocess.run([*cli, "eval", "--json", str(labels)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    from test_review import assert_eval_scores

    assert_eval_scores(json.loads(done.stdout))
