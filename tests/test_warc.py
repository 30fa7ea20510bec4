"""``--warc``: the first incremental run archived every exchange; read it back with
warcio and check every record (types, target URIs, digests, request/response pairs)."""

from __future__ import annotations

import base64
import hashlib

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


def test_every_record_is_complete_and_its_digests_match(incremental):
    run = incremental.runs["first"]
    assert run.summary["files"]["warc"] == "responses.warc.gz"
    records = read_records(run.run_dir / "responses.warc.gz")
    info, _ = records[0]
    assert info.rec_type == "warcinfo"
    assert info.rec_headers.get_header("WARC-Filename") == "responses.warc.gz"
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
        for record, payload in read_records(run.run_dir / "responses.warc.gz")
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


def test_runs_without_warc_write_none(incremental):
    assert not (incremental.runs["again"].run_dir / "responses.warc.gz").exists()
    assert "warc" not in incremental.runs["again"].summary["files"]
