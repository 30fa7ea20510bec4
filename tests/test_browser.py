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


def test_the_highlight_marks_the_evidence_sentence_not_the_block(page, tmp_path: Path) -> None:
    run = make_run(tmp_path, names=["en-budget.html", "en-council.html"])
    build_report(run)
    record = load_run(run).articles[0]
    finding = next(f for f in record["findings"] if f["type"] == "unsourced_statistic")
    block_text = next(b["text"] for b in record["blocks"] if b["index"] == finding["block"])
    assert finding["evidence"] in block_text and len(finding["evidence"]) < len(block_text)
    page.goto(run.joinpath("report.html").as_uri() + "#article-1")
    block = page.locator(f"#article-1 .block[data-block='{finding['block']}']")
    marks = block.locator("mark")
    assert marks.all_text_contents() == [finding["evidence"]]
    assert marks.first.is_visible() and block.locator("mark.whole-block").count() == 0
    # the mark is a part of the block, the sentences around it are not marked
    assert block.evaluate("b => b.textContent").strip().endswith("promenade.")
    mark_box, block_box = marks.first.bounding_box(), block.bounding_box()
    assert mark_box["width"] * mark_box["height"] < block_box["width"] * block_box["height"] / 2
    # the block itself is not painted: only the mark carries a background
    assert block.evaluate("b => getComputedStyle(b).backgroundColor") == "rgba(0, 0, 0, 0)"
    assert marks.first.evaluate("m => getComputedStyle(m).backgroundColor") != "rgba(0, 0, 0, 0)"


def test_evidence_not_found_verbatim_marks_the_whole_block(page, tmp_path: Path) -> None:
    run = make_run(tmp_path, names=["en-budget.html"])
    lines = (run / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[0])
    i = next(i for i, f in enumerate(record["findings"]) if f["type"] == "unsourced_statistic")
    sentence = record["findings"][i]["evidence"]
    # a spaced-out copy of the sentence is still found; a paraphrase is not
    record["findings"][i]["evidence"] = sentence.replace(" ", "\n  ")
    record["findings"].append(dict(record["findings"][i], evidence="rises forty per cent", block=3))
    (run / "articles.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    build_report(run)
    page.goto(run.joinpath("report.html").as_uri() + "#article-1")
    spaced = page.locator(f"#article-1 .block[data-block='{record['findings'][i]['block']}'] mark")
    assert spaced.all_text_contents() == [sentence]
    whole = page.locator("#article-1 .block[data-block='3'] mark")
    assert whole.count() == 1 and "whole-block" in whole.get_attribute("class")
    block_text = next(b["text"] for b in record["blocks"] if b["index"] == 3)
    assert whole.text_content() == block_text


def many_failures(root: Path, n: int) -> Path:
    """A run with a few articles and ``n`` generated failures under four reasons."""
    run = make_run(root)
    reasons = ["http_404", "timeout", "no_text", "http_500"]
    with (run / "failures.jsonl").open("w", encoding="utf-8") as fh:
        for i in range(n):
            reason = reasons[i % 7 % 4]
            fh.write(
                json.dumps(
                    {"url": f"https://warta.example/gone/{i:05d}", "reason": reason, "stage": "fetch",
                     "detail": f"failure {i}", "site": "warta-pantura", "run_id": "run-test"}
                )
                + "\n"
            )  # fmt: skip
    build_report(run)
    return run


def test_ten_thousand_failures_are_paged(page, tmp_path: Path) -> None:
    n = 10_000
    run = many_failures(tmp_path, n)
    reasons = [json.loads(x)["reason"] for x in (run / "failures.jsonl").read_text().splitlines()]
    page.goto((run / "report.html").as_uri())
    rows = page.locator("#failures-table tbody tr")
    assert rows.count() == 100  # one page in the document, not 10,000 rows
    count = page.locator("#failures-count")
    assert count.text_content() == f"1–100 of {n} · page 1 of 100"
    assert rows.first.locator("td").first.text_content() == "https://warta.example/gone/00000"
    assert page.locator("#ff-prev").is_disabled()
    page.click("#ff-next")
    assert rows.count() == 100
    assert rows.first.locator("td").first.text_content() == "https://warta.example/gone/00100"
    assert count.text_content() == f"101–200 of {n} · page 2 of 100"
    page.click("#ff-prev")
    assert rows.first.locator("td").first.text_content() == "https://warta.example/gone/00000"
    # filter by reason: the count says how many match, paging restarts
    timeouts = reasons.count("timeout")
    page.select_option("#ff-reason", "timeout")
    assert count.text_content().startswith(f"1–100 of {timeouts} matching ({n} in all)")
    assert set(page.locator("#failures-table tbody tr td:nth-child(3)").all_text_contents()) == {"timeout"}
    # clicking a reason in the summary groups on it too (and again clears it)
    page.locator("#failure-reasons button[data-reason='no_text']").click()
    assert page.locator("#ff-reason").input_value() == "no_text"
    assert set(page.locator("#failures-table tbody tr td:nth-child(3)").all_text_contents()) == {"no_text"}
    last_page = -(-reasons.count("no_text") // 100)
    for _ in range(last_page - 1):
        page.click("#ff-next")
    assert page.locator("#ff-next").is_disabled()
    assert rows.count() == reasons.count("no_text") - 100 * (last_page - 1)
    page.locator("#failure-reasons button[data-reason='no_text']").click()
    assert page.locator("#ff-reason").input_value() == ""
    page.fill("#ff-url", "gone/0999")
    assert rows.count() == 10 and count.text_content().startswith("1–10 of 10 matching")
    links = page.locator("#failures-table tbody tr a")
    assert links.count() == 10 and links.first.get_attribute("href").startswith("https://warta.example/")
    assert all(url.startswith("file://") for url in page.requests), page.requests


def row_order(page) -> list[int]:
    """Article numbers in the table's current order."""
    ids = page.locator("#articles-table tbody tr[data-id]").evaluate_all(
        "rows => rows.map(r => r.getAttribute('data-id'))"
    )
    return [int(x) for x in ids]


def test_the_article_opens_beside_its_row_with_next_and_previous_flagged(page, run_dir: Path) -> None:
    records = load_run(run_dir).articles
    page.goto((run_dir / "report.html").as_uri())
    order = row_order(page)
    flagged = [n for n in order if records[n - 1]["findings"]]
    assert len(flagged) >= 3 and len(flagged) < len(order)
    first = flagged[0]
    page.locator(f"#articles-table tbody tr[data-id='{first}'] a.open-article").click()
    # in place: the article sits in the row right below its own row, inside the table
    below = page.locator(f"#articles-table tbody tr[data-id='{first}'] + tr.detail #article-{first}")
    assert below.is_visible()
    assert page.locator("#flagged-pos").text_content() == f"flagged 1 of {len(flagged)}"
    assert page.locator("#prev-flagged").is_disabled()

    def opened() -> list[int]:
        return [int(x.split("-")[1]) for x in page.locator("article.article:visible").evaluate_all(
            "els => els.map(e => e.id)")]  # fmt: skip

    page.click("#next-flagged")
    assert opened() == [flagged[1]]
    assert page.locator(f"tr[data-id='{flagged[1]}'] + tr.detail #article-{flagged[1]}").is_visible()
    page.keyboard.press("n")
    assert opened() == [flagged[2]]
    page.keyboard.press("p")
    assert opened() == [flagged[1]]
    page.keyboard.press("Escape")
    assert opened() == [] and page.locator("tr.detail").count() == 0

    # the navigation follows the table's sort ...
    page.click("th button[data-sort='title']")
    by_title = [n for n in row_order(page) if records[n - 1]["findings"]]
    assert by_title != flagged  # the sort changed the order the buttons follow
    page.keyboard.press("n")
    assert opened() == [by_title[0]]
    page.click("#next-flagged")
    assert opened() == [by_title[1]]
    # ... and its filter: with one defect type, only its articles are visited
    page.keyboard.press("Escape")
    page.select_option("#f-type", "repeated_heading")
    with_type = [
        n for n in by_title if any(f["type"] == "repeated_heading" for f in records[n - 1]["findings"])
    ]
    assert 0 < len(with_type) < len(flagged)
    page.keyboard.press("n")
    seen = [opened()[0]]
    while not page.locator("#next-flagged").is_disabled():
        page.click("#next-flagged")
        seen.append(opened()[0])
    assert seen == with_type
    assert page.locator("#flagged-pos").text_content() == f"flagged {len(with_type)} of {len(with_type)}"
    page.click("#close-article")
    assert opened() == []
    assert all(url.startswith("file://") for url in page.requests), page.requests
