"""``--warc``: the first incremental run archived every exchange; read it back with
warcio and check every record (types, target URIs, digests, request/response pairs).
The second run (unchanged pages, answered 304) archived revisit records pointing at the
first run's captures, under its own file name."""

from __future__ import annotations

import base64
import hashlib
import json

from warcio.archiveiterator import ArchiveIterator

from tests.crawl_runs import CHANGED_PATH, incremental_runs  # noqa: F401 - the session fixture


def sha1_b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def read_records(path):
    records = []
    with path.open("rb") as handle:
        for record in ArchiveIterator(handle, check_digests="raise"):
            payload = record.content_stream().read()
            records.append((record, payload))
    return records


def archive(run):
    return run.run_dir / run.summary["files"]["warc"]


def test_each_run_names_its_archive_uniquely(incremental):
    first, again = incremental.runs["first"], incremental.runs["again"]
    names = {first.summary["files"]["warc"], again.summary["files"]["warc"]}
    assert names == {f"{first.summary['run_id']}.warc.gz", f"{again.summary['run_id']}.warc.gz"}
    for run in (first, again):
        info, _ = read_records(archive(run))[0]
        assert info.rec_type == "warcinfo"
        assert info.rec_headers.get_header("WARC-Filename") == run.summary["files"]["warc"]


def test_every_record_is_complete_and_its_digests_match(incremental):
    run = incremental.runs["first"]
    records = read_records(archive(run))
    info, _ = records[0]
    assert info.rec_type == "warcinfo"
    ids = set()
    responses, requests = {}, {}
    for record, payload in records[1:]:
        headers = record.rec_headers
        assert record.rec_type in ("response", "request")
        assert headers.get_header("WARC-Target-URI").startswith(
            f"http://127.0.0.1:{incremental.server.port}/"
        )
        assert headers.get_header("WARC-Date") and headers.get_header("WARC-Block-Digest")
        assert headers.get_header("WARC-Payload-Digest") == sha1_b32(payload)
        record_id = headers.get_header("WARC-Record-ID")
        assert record_id not in ids
        ids.add(record_id)
        if record.rec_type == "response":
            assert record.http_headers.get_statuscode().isdigit()
            assert int(record.http_headers.get_header("Content-Length")) == len(payload)
            responses[record_id] = (record, payload)
        else:
            assert record.http_headers.protocol in ("GET", "HEAD")
            requests[headers.get_header("WARC-Concurrent-To")] = record
    assert set(requests) == set(responses)  # each response has its request, and only one
    for record_id, request in requests.items():
        response, _ = responses[record_id]
        uri = request.rec_headers.get_header("WARC-Target-URI")
        assert uri == response.rec_headers.get_header("WARC-Target-URI")
        assert request.http_headers.get_header("User-Agent").startswith("newsaudit/")


def test_every_article_body_is_archived_as_served(incremental):
    run = incremental.runs["first"]
    site = incremental.server.site
    bodies = {
        record.rec_headers.get_header("WARC-Target-URI"): (record.http_headers.get_statuscode(), payload)
        for record, payload in read_records(archive(run))
        if record.rec_type == "response"
    }
    for article in run.articles:
        status, payload = bodies[article["url"]]
        assert status == "200"
        path = article["url"].split(str(incremental.server.port), 1)[1]
        if path == CHANGED_PATH:  # edited on the server after this run
            assert b"second batch of salt-tolerant seed" not in payload
        else:
            assert payload == site.render(path).body
    assert bodies[site.url("/robots.txt")][0] == "200"
    assert bodies[site.url("/en/business/market-wrap-live.html")][0] == "500"


def test_not_modified_pages_are_revisits_of_the_earlier_capture(incremental):
    first = {
        record.rec_headers.get_header("WARC-Target-URI"): record.rec_headers
        for record, _ in read_records(archive(incremental.runs["first"]))
        if record.rec_type == "response" and record.http_headers.get_statuscode() == "200"
    }
    revisits = [r for r, _ in read_records(archive(incremental.runs["again"])) if r.rec_type == "revisit"]
    unchanged = incremental.runs["again"].counts.get("unchanged")
    assert revisits and len(revisits) == unchanged
    for record in revisits:
        headers = record.rec_headers
        url = headers.get_header("WARC-Target-URI")
        assert record.http_headers.get_statuscode() == "304"
        assert headers.get_header("WARC-Profile").endswith("/revisit/server-not-modified")
        assert headers.get_header("WARC-Refers-To-Target-URI") == url
        earlier = first[url]
        assert headers.get_header("WARC-Refers-To") == earlier.get_header("WARC-Record-ID")
        assert headers.get_header("WARC-Refers-To-Date") == earlier.get_header("WARC-Date")
        assert headers.get_header("WARC-Payload-Digest") == earlier.get_header("WARC-Payload-Digest")


def test_a_revisit_is_a_failure_naming_its_capture_when_audited(incremental, capsys):
    from audit.cli import main

    again = archive(incremental.runs["again"])
    main(["audit", "--json", str(again)])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    revisits = [r["failure"] for r in lines if (r.get("failure") or {}).get("reason") == "warc_revisit"]
    assert len(revisits) == incremental.runs["again"].counts.get("unchanged")
    assert all("(20" in r["detail"] for r in revisits)  # the date of the capture it points to


def test_runs_without_warc_write_none(incremental):
    changed = incremental.runs["changed"]
    assert not list(changed.run_dir.glob("*.warc.gz"))
    assert "warc" not in changed.summary["files"]


def test_a_broken_earlier_archive_is_skipped_not_fatal(tmp_path, caplog):
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from crawler.warc import earlier_captures

    good, broken, current = (tmp_path / name for name in ("run-a", "run-b", "run-c"))
    for folder in (good, broken, current):
        folder.mkdir()
    (broken / "run-b.warc.gz").write_bytes(b"\x1f\x8b not really gzip")
    with (good / "run-a.warc.gz").open("wb") as handle:
        writer = WARCWriter(handle, gzip=True, warc_version="1.1")
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                "http://x.test/a", "response", payload=BytesIO(b"<p>a</p>"), http_headers=http
            )
        )
    found = earlier_captures(current)
    assert set(found) == {"http://x.test/a"}
    assert "run-b.warc.gz" in caplog.text
