"""``newsaudit audit``: JSON records per the finding contract, readable summaries, failures recorded."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from audit.cli import main
from audit.schema import errors
from tests.paths import PAGES, ROOT, shared_path


def _records(capsys) -> list[dict]:
    out = capsys.readouterr().out
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_json_record_per_input_in_order(capsys):
    files = [str(PAGES / "id_banjir_defects.html"), str(PAGES / "en_clean_harbour.html")]
    assert main(["audit", "--json", *files]) == 0
    records = _records(capsys)
    assert [r["source"] for r in records] == files
    for record in records:
        assert errors("audit-report", record) == []
        assert record["schema_version"] == "1.1"
    defects = records[0]
    assert {f["type"] for f in defects["findings"]} >= {"repeated_heading", "off_topic_paragraph"}
    heading = next(f for f in defects["findings"] if f["type"] == "repeated_heading")
    block = defects["blocks"][heading["block"]]
    assert heading["evidence"] == block["text"]  # evidence is the exact extracted text
    assert records[1]["findings"] == [] and records[1]["score"] == 100


def test_gzip_and_unreadable_inputs_each_get_a_record(tmp_path, capsys):
    gz = tmp_path / "page.html.gz"
    gz.write_bytes(gzip.compress((PAGES / "en_clean_harbour.html").read_bytes()))
    missing = tmp_path / "nope.html"
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    code = main(["audit", "--json", str(gz), str(missing), str(empty), str(PAGES / "binary.png.html")])
    assert code == 0  # some inputs succeeded
    records = _records(capsys)
    assert len(records) == 4
    assert records[0]["title"].startswith("Port city opens")
    assert [r.get("failure", {}).get("reason") for r in records[1:]] == [
        "not_found",
        "empty_body",
        "binary_content",
    ]
    for record in records:
        assert errors("audit-report", record) == []


def test_all_inputs_failing_exits_non_zero(tmp_path, capsys):
    assert main(["audit", str(tmp_path / "missing.html")]) == 1
    assert "FAILED (not_found)" in capsys.readouterr().out


def test_readable_summary_shows_evidence_and_why(capsys):
    main(["audit", str(PAGES / "id_banjir_defects.html")])
    out = capsys.readouterr().out
    assert "AQ101" in out and "why: Heading repeats the article headline" in out
    assert 'evidence: "Banjir Rob Rendam Pesisir Semarang, Ribuan Warga Mengungsi"' in out
    assert "score:" in out


def test_invalid_audit_config_is_a_clear_error(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("[score]\nwarning = -3\n")
    assert main(["audit", "--config", str(bad), str(PAGES / "en_clean_harbour.html")]) == 2
    assert "bad.toml: score.warning" in capsys.readouterr().err


@pytest.fixture
def loopback_page():
    body = (PAGES / "en_clean_harbour.html").read_bytes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server API
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/article"
    server.shutdown()


def test_url_on_loopback_is_refused_without_allow_private(loopback_page, capsys):
    main(["audit", "--json", loopback_page])
    record = _records(capsys)[0]
    assert record["failure"]["reason"] == "private_address"
    main(["audit", "--json", "--allow-private", loopback_page])
    record = _records(capsys)[0]
    assert "failure" not in record and record["url"] == loopback_page


def test_control_characters_still_serialise(tmp_path, capsys):
    page = (PAGES / "en_clean_harbour.html").read_text(encoding="utf-8")
    path = tmp_path / "odd.html"
    path.write_text(page.replace("Harbour master", "Harbour \x07master"), encoding="utf-8")
    main(["audit", "--json", str(path)])
    record = _records(capsys)[0]
    assert errors("audit-report", record) == []


def test_console_script_on_the_seed_prints_one_valid_record():
    seed = shared_path("seed", "asean_beritaburung.html")
    proc = subprocess.run(
        [sys.executable, "-m", "audit.cli", "audit", "--json", str(seed)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    assert len(lines) == 1
    assert errors("audit-report", json.loads(lines[0])) == []


def test_seed_check_passes():
    tool = shared_path("tools", "check_seed.py")
    cli = ROOT / ".venv" / "bin" / "newsaudit"
    if not cli.exists():
        pytest.skip("the console script is installed by `make install`")
    proc = subprocess.run([sys.executable, str(tool), str(cli)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture
def redirecting_server():
    """127.0.0.1 answering /hop with a 302 to the Location given in the query."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import parse_qs, urlsplit

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            parts = urlsplit(self.path)
            if parts.path == "/hop":
                self.send_response(302)
                self.send_header("Location", parse_qs(parts.query)["to"][0])
                self.end_headers()
                return
            body = b"<html><body><article><h1>Jembatan baru</h1><p>Jembatan baru dibuka hari ini.</p></article></body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_every_redirect_hop_is_checked_for_private_addresses(redirecting_server, monkeypatch):
    from audit import inputs

    # Pretend 127.0.0.1 is a public host, so only the hop to 127.0.0.2 is private.
    monkeypatch.setattr(inputs, "_private_host", lambda host: host != "127.0.0.1")
    port = redirecting_server.rsplit(":", 1)[1]
    refused = inputs.fetch_url(f"{redirecting_server}/hop?to=http://127.0.0.2:{port}/secret")
    assert refused.reason == "private_address" and "redirected (302)" in refused.detail
    not_http = inputs.fetch_url(f"{redirecting_server}/hop?to=ftp://127.0.0.1/pub/x.html")
    assert not_http.reason == "bad_redirect"
    followed = inputs.fetch_url(f"{redirecting_server}/hop?to={redirecting_server}/page")
    assert isinstance(followed, bytes) and b"Jembatan" in followed


def test_a_corrupt_gzip_page_is_a_failure_record_not_a_traceback(tmp_path, capsys):
    import gzip

    packed = gzip.compress(("<html><body><p>" + "Berita banjir. " * 400 + "</p></body></html>").encode())
    bad = tmp_path / "rusak.html.gz"
    bad.write_bytes(packed[:20] + b"\xff" * 30 + packed[50:])  # the deflate stream broken mid-way
    assert main(["audit", "--json", str(bad)]) in (0, 1)
    record = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert record["failure"]["reason"] == "bad_gzip"
