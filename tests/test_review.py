"""The review app (Flask test client), the decision store and the label export."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import html as lxml_html
from review_helpers import PAGES, audited_record, finding_index, findings_of, make_run

from audit.engine import audit_article
from audit.extract import extract_article
from audit.review.app import create_app
from audit.review.export import export_labels
from audit.review.keys import canonical_url, finding_keys
from audit.review.store import MAX_NOTE, DecisionError, DecisionStore

TOKEN = "test-token"
BANJIR_URL = PAGES["id-banjir.html"][1]
# the two repeated-heading findings of the Indonesian page, and the hostile page's one
RH0 = finding_index(audited_record("id-banjir.html"), "repeated_heading", 0)
RH1 = finding_index(audited_record("id-banjir.html"), "repeated_heading", 1)
HOSTILE_RH = finding_index(audited_record("hostile.html"), "repeated_heading")


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    return make_run(tmp_path / "output")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "review.sqlite3"


def client(run_dirs: list[Path], db: Path):
    return create_app(run_dirs, db, output_root=None, token=TOKEN).test_client()


def article_number(run_dir: Path, fixture: str) -> int:
    lines = (run_dir / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    return 1 + [json.loads(x)["url"] for x in lines].index(PAGES[fixture][1])


def decide(c, run_id: str, number: int, index: int, decision: str, note: str = "", **extra):
    data = {"decision": decision, "note": note, "csrf_token": TOKEN, **extra}
    return c.post(f"/runs/{run_id}/articles/{number}/findings/{index}", data=data)


def decisions_on_page(c, run_id: str, number: int) -> dict[int, tuple[str, str]]:
    page = lxml_html.fromstring(c.get(f"/runs/{run_id}/articles/{number}").data)
    out = {}
    for div in page.find_class("review"):
        state = div.find_class("decision")[0].text_content()
        notes = div.find_class("note")
        out[int(div.get("id").split("-")[1])] = (state, notes[0].text_content() if notes else "")
    return out


def test_pages_render_with_security_headers(run_dir: Path, db: Path) -> None:
    c = client([run_dir], db)
    for path in ("/", "/runs/run-test", "/runs/run-test/articles/1"):
        r = c.get(path)
        assert r.status_code == 200, path
        csp = r.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "script-src" not in csp  # no script may run at all
        assert r.headers["X-Content-Type-Options"] == "nosniff"
    index = lxml_html.fromstring(c.get("/").data)
    assert index.xpath("//table[@id='runs-table']//a/text()") == ["run-test"]
    assert c.get("/runs/other").status_code == 404
    assert c.get("/runs/run-test/articles/99").status_code == 404


def test_decisions_persist_across_restart(run_dir: Path, db: Path) -> None:
    c = client([run_dir], db)
    n = article_number(run_dir, "id-banjir.html")
    r = decide(c, "run-test", n, RH0, "confirmed", "headline pasted again as a subhead")
    assert r.status_code == 303 and r.headers["Location"].endswith(
        f"/runs/run-test/articles/{n}#finding-{RH0}"
    )
    assert decide(c, "run-test", n, RH1, "dismissed").status_code == 303
    restarted = client([run_dir], db)  # a new app on the same store
    shown = decisions_on_page(restarted, "run-test", n)
    assert shown[RH0] == ("confirmed", "headline pasted again as a subhead")
    assert shown[RH1] == ("dismissed", "")
    assert all(v == ("undecided", "") for k, v in shown.items() if k not in (RH0, RH1))
    # changing one's mind replaces the decision
    assert decide(restarted, "run-test", n, RH1, "confirmed", "on second look").status_code == 303
    assert decisions_on_page(client([run_dir], db), "run-test", n)[RH1] == ("confirmed", "on second look")


def test_decisions_follow_the_finding_into_a_recrawl(run_dir: Path, db: Path, tmp_path: Path) -> None:
    c = client([run_dir], db)
    n = article_number(run_dir, "id-banjir.html")
    decide(c, "run-test", n, RH1, "dismissed", "kept by the desk")
    # a later crawl: new run id, articles in another order, same article URL with a different case and fragment
    later = tmp_path / "output2" / "run-later"
    later.mkdir(parents=True)
    records = [audited_record(name, "run-later") for name in reversed(list(PAGES))]
    for r in records:
        if r["url"] == BANJIR_URL:
            r["url"] = BANJIR_URL.replace("https://warta.example", "HTTPS://Warta.Example:443") + "#top"
    (later / "articles.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    c2 = client([run_dir, later], db)
    n2 = 1 + [r["url"].lower().startswith("https://warta.example") for r in records].index(True)
    assert decisions_on_page(c2, "run-later", n2) == {
        0: ("undecided", ""),
        1: ("dismissed", "kept by the desk"),
    }


def test_json_decisions(run_dir: Path, db: Path) -> None:
    c = client([run_dir], db)
    n = article_number(run_dir, "hostile.html")
    url = f"/runs/run-test/articles/{n}/findings/{HOSTILE_RH}"
    r = c.post(url, json={"decision": "dismissed", "note": "fine"}, headers={"X-CSRF-Token": TOKEN})
    assert r.status_code == 200
    assert r.json["decision"] == "dismissed" and r.json["note"] == "fine" and len(r.json["key"]) == 64
    r = c.post(url, json={"decision": "yes"}, headers={"X-CSRF-Token": TOKEN})
    assert r.status_code == 400 and "confirmed, dismissed" in r.json["detail"]
    r = c.post(url, json=["dismissed"], headers={"X-CSRF-Token": TOKEN})
    assert r.status_code == 400
    assert c.post(url, json={"decision": "dismissed"}).status_code == 403


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"decision": "maybe"}, 400),
        ({"decision": ""}, 400),
        ({"decision": "confirmed", "note": "x" * (MAX_NOTE + 1)}, 400),
        ({"decision": "confirmed", "note": "bell\x07"}, 400),
        ({"decision": "confirmed", "csrf_token": "wrong"}, 403),
        ({"decision": "confirmed", "index": 99}, 400),
        ({"decision": "confirmed", "number": 42}, 404),
    ],
)
def test_invalid_decisions_are_refused(run_dir: Path, db: Path, kwargs: dict, status: int) -> None:
    c = client([run_dir], db)
    number = kwargs.pop("number", article_number(run_dir, "id-banjir.html"))
    index = kwargs.pop("index", RH0)
    data = {"csrf_token": TOKEN, **kwargs}
    r = c.post(f"/runs/run-test/articles/{number}/findings/{index}", data=data)
    assert r.status_code == status
    assert DecisionStore(db).count() == {}


def test_cross_origin_and_wrong_methods_are_refused(run_dir: Path, db: Path) -> None:
    c = client([run_dir], db)
    url = f"/runs/run-test/articles/{article_number(run_dir, 'id-banjir.html')}/findings/{RH0}"
    good = {"decision": "confirmed", "csrf_token": TOKEN}
    assert c.post(url, data=good, headers={"Origin": "https://evil.example"}).status_code == 403
    assert c.post(url, data=good, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert c.post(url, data="decision=confirmed", content_type="text/plain").status_code == 415
    for method in ("PUT", "DELETE", "PATCH", "OPTIONS"):
        assert c.open(url, method=method).status_code == 405, method
    for method in ("POST", "PUT", "DELETE", "OPTIONS"):
        assert c.open("/", method=method).status_code == 405, method
    assert c.get("/", headers={"Host": "rebound.example"}).status_code == 400  # DNS rebinding
    assert c.post(url, data=good, headers={"Origin": "http://localhost"}).status_code == 303


def test_hostile_article_is_inert_in_the_server(run_dir: Path, db: Path) -> None:
    c = client([run_dir], db)
    n = article_number(run_dir, "hostile.html")
    decide(c, "run-test", n, HOSTILE_RH, "dismissed", '<img src=x onerror="window.__xss=5">')
    body = c.get(f"/runs/run-test/articles/{n}").data.decode()
    page = lxml_html.fromstring(body)
    assert "<script>window" not in body and "<img src=x" not in body
    assert not page.xpath("//script")
    assert not [a for a in page.xpath("//a/@href") if not a.startswith(("/", "#", "http://", "https://"))]
    for el in page.iter():
        if isinstance(el.tag, str):
            assert not any(name.startswith("on") for name in el.attrib)
    assert page.find_class("note")[0].text_content() == '<img src=x onerror="window.__xss=5">'
    assert page.find_class("original")[0].tag == "span"  # the javascript: URL is not a link


def test_finding_keys_are_stable_and_distinct() -> None:
    record = audited_record("id-banjir.html")
    keys = finding_keys(record)
    assert len(keys) == len(set(keys)) == 2  # same evidence twice -> two keys
    moved = dict(
        record, url=BANJIR_URL.upper().replace("/2025/11/BANJIR-SEMARANG", "/2025/11/banjir-semarang")
    )
    moved["findings"] = [dict(f, evidence="  " + f["evidence"].upper() + " ") for f in record["findings"]]
    assert finding_keys(moved) == keys
    assert canonical_url("HTTP://Example.COM:80/a?b=1#frag") == "http://example.com/a?b=1"
    other_page = dict(record, url=BANJIR_URL + "-2")
    assert set(finding_keys(other_page)).isdisjoint(keys)


def test_store_validates_directly(db: Path) -> None:
    store = DecisionStore(db)
    record = audited_record("id-banjir.html")
    with pytest.raises(DecisionError):
        store.decide(record, RH0, "CONFIRMED")
    with pytest.raises(DecisionError):
        store.decide(record, 99, "confirmed")
    saved = store.decide(record, RH0, "confirmed", " note \r\n")
    assert saved.note == "note" and saved.type == "repeated_heading"
    assert store.count() == {"confirmed": 1}


def test_export_writes_design_labels_and_pages(run_dir: Path, db: Path, tmp_path: Path) -> None:
    c = client([run_dir], db)
    banjir = article_number(run_dir, "id-banjir.html")
    hostile = article_number(run_dir, "hostile.html")
    decide(c, "run-test", banjir, RH0, "confirmed")
    decide(c, "run-test", banjir, RH1, "dismissed")  # same text as the confirmed one: dropped as a conflict
    decide(c, "run-test", hostile, HOSTILE_RH, "dismissed", "the site's style")
    out = tmp_path / "labels" / "labels.jsonl"
    counts = export_labels(db, out)
    assert counts == {"articles": 2, "defects": 1, "negatives": 1, "conflicts": 1}
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    by_url = {line["url"]: line for line in lines}
    assert set(by_url) == {BANJIR_URL, PAGES["hostile.html"][1]}
    for line in lines:
        assert set(line) == {"page", "url", "language", "defects", "negatives"}
        assert (out.parent / line["page"]).is_file()
    banjir_record = audited_record("id-banjir.html")
    evidence = findings_of(banjir_record, "repeated_heading")[0]["evidence"]
    assert by_url[BANJIR_URL]["defects"] == [{"type": "repeated_heading", "text": evidence}]
    assert by_url[BANJIR_URL]["negatives"] == []
    assert by_url[BANJIR_URL]["language"] == "id"
    hostile_line = by_url[PAGES["hostile.html"][1]]
    assert hostile_line["defects"] == []
    assert hostile_line["negatives"] == [
        {
            "type": "repeated_heading",
            "text": audited_record("hostile.html")["findings"][HOSTILE_RH]["evidence"],
        }
    ]
    # the exported page re-audits to the findings the editor judged
    page = (out.parent / by_url[BANJIR_URL]["page"]).read_bytes()
    article = extract_article(page).article
    assert article is not None and article.language == "id"
    again = [f.to_dict() for f in audit_article(article).findings]
    assert [(f["type"], f["evidence"], f["block"]) for f in again] == [
        (f["type"], f["evidence"], f["block"]) for f in banjir_record["findings"]
    ]
    hostile_page = (out.parent / hostile_line["page"]).read_text(encoding="utf-8")
    assert "<script>" not in hostile_page and "&lt;script&gt;" in hostile_page


def test_export_then_eval(run_dir: Path, db: Path, tmp_path: Path) -> None:
    pytest.importorskip("audit.evaluate", reason="newsaudit eval (audit/evaluate.py) is not built yet")
    c = client([run_dir], db)
    decide(c, "run-test", article_number(run_dir, "id-banjir.html"), RH0, "confirmed")
    decide(c, "run-test", article_number(run_dir, "hostile.html"), HOSTILE_RH, "dismissed")
    out = tmp_path / "gold" / "labels.jsonl"
    cli = [sys.executable, "-m", "audit.cli"]
    done = subprocess.run(
        [*cli, "export-labels", "--db", str(db), "-o", str(out)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "2 articles, 1 confirmed defects, 1 dismissed" in done.stdout
    shutil.rmtree(run_dir)  # eval must need nothing but the labels and their pages
    done = subprocess.run([*cli, "eval", "--json", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert_eval_scores(result)


def assert_eval_scores(result: dict) -> None:
    """The confirmed heading is found (recall 1); the dismissed one, flagged again, is a control
    hit and a false positive, so precision drops below 1."""
    rh = result["types"]["repeated_heading"]
    assert result["labels"] == 2 and result["pages_audited"] == 2
    assert (rh["defects"], rh["found"], rh["recall"]) == (1, 1, 1.0)
    assert (rh["controls"], rh["controls_flagged"]) == (1, 1)
    assert rh["false_positives"] == 1 and rh["true_positives"] >= 1
    assert rh["precision"] == round(rh["true_positives"] / (rh["true_positives"] + 1), 4)


def test_cli_errors(tmp_path: Path) -> None:
    cli = [sys.executable, "-m", "audit.cli"]
    done = subprocess.run([*cli, "serve", str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 2 and "not a run directory" in done.stderr
    missing = tmp_path / "none.sqlite3"
    done = subprocess.run(
        [*cli, "export-labels", "--db", str(missing), "-o", str(tmp_path / "l.jsonl")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1 and "no decision store" in done.stderr


def test_run_page_filters_by_type_and_undecided(run_dir: Path, db: Path) -> None:
    c = client([run_dir], db)

    def listed(query: str) -> list[str]:
        page = lxml_html.fromstring(c.get(f"/runs/run-test{query}").data)
        return page.xpath("//table[@id='articles-table']//a[@class='open-article']/text()")

    assert len(listed("")) == 4
    with_heading = listed("?type=repeated_heading")
    assert len(with_heading) == 2 and "Banjir Rendam Ratusan Rumah di Pesisir Semarang" in with_heading
    n = article_number(run_dir, "id-banjir.html")
    record = audited_record("id-banjir.html")
    for i in range(len(record["findings"])):
        decide(c, "run-test", n, i, "confirmed")
    assert "Banjir Rendam Ratusan Rumah di Pesisir Semarang" not in listed(
        "?type=repeated_heading&undecided=1"
    )
    assert listed("?type=no_such_type") == []


def form_token(c, path: str) -> str:
    page = lxml_html.fromstring(c.get(path).data)
    tokens = set(page.xpath("//form[@class='decide']/input[@name='csrf_token']/@value"))
    assert len(tokens) == 1
    return tokens.pop()


def test_an_open_tab_still_posts_after_a_restart(run_dir: Path, db: Path, tmp_path: Path) -> None:
    """The token is derived from a secret kept beside the store (0600, created once), so a
    form rendered before a restart is accepted after it and its note is saved."""
    n = article_number(run_dir, "id-banjir.html")
    before = create_app([run_dir], db, output_root=None).test_client()
    token = form_token(before, f"/runs/run-test/articles/{n}")
    secret = db.with_suffix(".secret")
    assert secret.is_file() and oct(secret.stat().st_mode & 0o777) == "0o600"
    kept = secret.read_bytes()

    after = create_app([run_dir], db, output_root=None).test_client()  # the restarted server
    assert secret.read_bytes() == kept
    note = "typed before the restart"
    data = {"decision": "confirmed", "note": note, "csrf_token": token}
    r = after.post(f"/runs/run-test/articles/{n}/findings/{RH0}", data=data)
    assert r.status_code == 303
    assert decisions_on_page(after, "run-test", n)[RH0] == ("confirmed", note)
    assert form_token(after, f"/runs/run-test/articles/{n}") == token

    # another store has another secret: its token is refused here
    other = create_app([run_dir], tmp_path / "other" / "review.sqlite3", output_root=None).test_client()
    foreign = form_token(other, f"/runs/run-test/articles/{n}")
    assert foreign != token
    r = after.post(f"/runs/run-test/articles/{n}/findings/{RH1}", data={**data, "csrf_token": foreign})
    assert r.status_code == 403


def test_a_loose_or_damaged_secret_file_is_repaired(db: Path) -> None:
    from audit.review.secret import load_or_create_secret

    path = db.with_suffix(".secret")
    first = load_or_create_secret(path)
    path.chmod(0o644)
    assert load_or_create_secret(path) == first and path.stat().st_mode & 0o077 == 0
    path.write_text("short\n", encoding="ascii")
    fresh = load_or_create_secret(path)
    assert fresh != first and len(fresh) == 64 and load_or_create_secret(path) == fresh


def big_run(root: Path, copies: int) -> Path:
    """A run of ``copies`` x the four fixtures, each copy at its own URL."""
    run = root / "run-big"
    run.mkdir(parents=True)
    base = [audited_record(name, "run-big") for name in PAGES]
    with (run / "articles.jsonl").open("w", encoding="utf-8") as fh:
        for i in range(copies):
            for r in base:
                fh.write(
                    json.dumps(dict(r, url=f"{r['url']}/{i}", headline=f"copy {i}: {r['headline']}")) + "\n"
                )
    (run / "run.json").write_text(json.dumps({"run_id": "run-big"}), encoding="utf-8")
    return run


def test_a_large_run_is_paged(tmp_path: Path, db: Path) -> None:
    run = big_run(tmp_path, 30)  # 120 articles
    c = create_app([run], db, output_root=None, token=TOKEN).test_client()

    def page(query: str):
        return lxml_html.fromstring(c.get(f"/runs/run-big{query}").data)

    def numbers(doc) -> list[int]:
        return [int(x) for x in doc.xpath("//table[@id='articles-table']/tbody/tr/td[1]/text()")]

    first = page("")
    assert numbers(first) == list(range(1, 51))
    assert first.get_element_by_id("page-of").text_content() == "page 1 of 3"
    assert first.get_element_by_id("shown-count").text_content().startswith("1–50 of 120 matching")
    assert not first.find_class("prev-page")
    following = first.find_class("next-page")[0].get("href")
    second = page(following.split("/runs/run-big", 1)[1])
    assert numbers(second) == list(range(51, 101))
    assert numbers(page("?page=3")) == list(range(101, 121))
    assert numbers(page("?page=99")) == list(range(101, 121))  # past the end: the last page
    assert numbers(page("?page=zero")) == list(range(1, 51))
    # a filter is paged too, and the page links keep it
    heading = page("?type=repeated_heading")  # 2 of every 4 articles
    assert heading.get_element_by_id("page-of").text_content() == "page 1 of 2"
    link = heading.find_class("next-page")[0].get("href")
    assert "type=repeated_heading" in link and "page=2" in link
    assert len(numbers(page(link.split("/runs/run-big", 1)[1]))) == 10


def test_next_goes_to_the_next_undecided_finding_across_articles(run_dir: Path, db: Path) -> None:
    c = client([run_dir], db)
    records = [json.loads(x) for x in (run_dir / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    order = [(n, i) for n, r in enumerate(records, start=1) for i in range(len(r["findings"]))]
    assert len({n for n, _ in order}) >= 2 and len(order) >= 4

    def follow(query: str) -> str:
        r = c.get(f"/runs/run-test/next{query}")
        assert r.status_code == 303
        return r.headers["Location"]

    def at(n: int, i: int) -> str:
        return f"/runs/run-test/articles/{n}#finding-{i}"

    assert follow("").endswith(at(*order[0]))
    # decide the second and third findings: next after the first skips them
    for n, i in order[1:3]:
        assert decide(c, "run-test", n, i, "dismissed").status_code == 303
    assert follow(f"?from={order[0][0]}&after={order[0][1]}").endswith(at(*order[3]))
    # from the last finding it wraps round to the first undecided one
    last_n, last_i = order[-1]
    assert follow(f"?from={last_n}&after={last_i}").endswith(at(*order[0]))
    # the article page's "next" link skips the rest of its article's decided findings too
    n = order[0][0]
    page = lxml_html.fromstring(c.get(f"/runs/run-test/articles/{n}").data)
    href = page.get_element_by_id("next-undecided").get("href")
    expected = next(pos for pos in order[3:] if pos[0] > n)
    assert follow(href.split("/next", 1)[1]).endswith(at(*expected))
    # once all are decided, "next" lands on the run page saying so
    for n, i in order:
        decide(c, "run-test", n, i, "confirmed")
    done = follow("?from=1&after=0")
    assert done.endswith("/runs/run-test?done=1")
    assert "Every finding of this run is decided" in c.get(done).data.decode()
