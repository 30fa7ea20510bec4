"""Drift alerts learned from history: three normal runs, then the demo site's template
change; the fourth run's date coverage falls outside the learned range, run.json and
the report name it, --fail-on-alert exits 7 and a webhook receives the alerts."""

from __future__ import annotations

import json
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from audit.schema import errors
from crawler.drift import DriftSettings, detect, expected_range
from crawler.health import ALERT_EXIT_CODE
from tests.crawl_runs import demo_config
from tests.paths import CLI, ROOT


def test_range_is_median_plus_minus_k_mad_with_a_floor():
    assert expected_range([0.9, 0.9, 0.9], DriftSettings()) == (0.9 - 0.09, 0.9 + 0.09)
    lo, hi = expected_range([10, 12, 11, 30], DriftSettings(k=3))
    assert lo < 11.5 < hi < 30  # one odd run does not widen the range to itself
    history = [{"values": {"coverage.date": 1.0, "flag_rate.AQ801": 0.0}}] * 3
    assert detect(history[:2], {"values": {"coverage.date": 0.0}}) == []  # too little history
    alerts = detect(history, {"values": {"coverage.date": 0.0, "flag_rate.AQ801": 1.0}})
    assert [a["measure"] for a in alerts] == ["coverage.date", "flag_rate.AQ801"]
    assert detect(history, {"values": {"coverage.date": 0.98, "flag_rate.AQ801": 0.02}}) == []


def test_a_template_change_after_three_runs_raises_alerts(tmp_path):
    from crawler.demo.server import DemoServer

    received: list[dict] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    hook = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    server = DemoServer(port=0).start()
    try:
        config = demo_config(tmp_path, server.port)
        config.write_text(
            config.read_text(encoding="utf-8")
            + f'\n[alerts]\nwebhook = "http://127.0.0.1:{hook.server_address[1]}/alerts"\n',
            encoding="utf-8",
        )
        out = tmp_path / "out"

        def crawl() -> tuple[subprocess.CompletedProcess[str], dict]:
            known = set(out.iterdir()) if out.exists() else set()
            proc = subprocess.run(
                [str(CLI), "crawl", "--config", str(config), "--output-dir", str(out), "--no-progress",
                 "--full", "--fail-on-alert"],
                capture_output=True, text=True, cwd=ROOT, timeout=300,
            )  # fmt: skip
            (run_dir,) = [p for p in set(out.iterdir()) - known if p.is_dir() and p.name != "latest"]
            return proc, json.loads((run_dir / "run.json").read_text(encoding="utf-8"))

        for _ in range(3):
            proc, run = crawl()
            assert proc.returncode == 0, proc.stderr
            assert run["alerts"] == [] and errors("run", run) == []
        assert received == []
        server.use_variant("template-change")
        proc, run = crawl()
    finally:
        server.stop()
        hook.shutdown()
    assert proc.returncode == ALERT_EXIT_CODE == 7, proc.stdout + proc.stderr
    assert errors("run", run) == []
    by_measure = {a["measure"]: a for a in run["alerts"]}
    date = by_measure["coverage.date"]
    assert date["value"] < 0.2 < 0.5 < date["expected"][0]  # a few pages still carry a date in their text
    assert "flag_rate.AQ801" in by_measure  # every page now lacks a date
    assert f"coverage.date = {date['value']}, expected" in proc.stderr
    assert received and received[0]["alerts"] == run["alerts"] and received[0]["run_id"] == run["run_id"]
    report = (out / run["run_id"] / "report.html").read_text(encoding="utf-8")
    assert 'id="alerts-table"' in report and "coverage.date" in report
    view = (out / "latest" / "demo" / "report.html").read_text(encoding="utf-8")
    assert "coverage.date" in view
