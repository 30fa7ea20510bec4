"""Scrapyd end to end: start ``scrapyd`` on 127.0.0.1 with its own working directory,
deploy the project with ``scrapyd-deploy`` (scrapy.cfg's ``[deploy]`` target), schedule
the ``news`` spider with ``site=demo`` against the demo site on loopback, poll
``listjobs.json`` until the job finishes, and check the feed it wrote."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from audit.schema import errors
from tests.crawl_runs import one_copy_each
from tests.paths import ROOT

pytestmark = pytest.mark.service

BIN = ROOT / ".venv" / "bin"
PROJECT_FILES = ("scrapy.cfg", "setup.py", "pyproject.toml", "README.md", "audit", "crawler", "schemas")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_json(url: str, data: list[tuple[str, str]] | None = None) -> dict:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(url, data=body, timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture
def scrapyd(tmp_path):
    if not (BIN / "scrapyd").exists() or not (BIN / "scrapyd-deploy").exists():
        pytest.skip("scrapyd / scrapyd-client are not installed in .venv")
    port = free_port()
    workdir = tmp_path / "scrapyd"
    workdir.mkdir()
    (workdir / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\neggs_dir = {workdir / 'eggs'}\n"
        f"logs_dir = {workdir / 'logs'}\ndbs_dir = {workdir / 'dbs'}\nitems_dir =\n"
        "poll_interval = 0.5\nmax_proc = 1\n",
        encoding="utf-8",
    )
    log = (workdir / "scrapyd.out").open("wb")
    proc = subprocess.Popen(
        [str(BIN / "scrapyd"), "--pidfile", str(workdir / "twistd.pid")],
        cwd=workdir, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        env={**os.environ, "NEWSAUDIT_EGG_CACHE": str(workdir / "egg-cache")},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if get_json(base + "daemonstatus.json")["status"] == "ok":
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("scrapyd did not start: " + (workdir / "scrapyd.out").read_text(errors="replace"))
            time.sleep(0.2)
        yield base, workdir
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # scrapyd and any job it still runs
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=15)
        log.close()


def deploy(tmp_path: Path, url: str) -> subprocess.CompletedProcess[str]:
    """``scrapyd-deploy`` from a copy of the project (it writes build/ and *.egg-info/)."""
    project = tmp_path / "project"
    project.mkdir()
    for name in PROJECT_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, project / name)
    cfg = project / "scrapy.cfg"
    text = cfg.read_text(encoding="utf-8")
    assert re.search(r"^\[deploy\]$", text, re.M) and "project = newsaudit" in text
    cfg.write_text(re.sub(r"^url = .*$", f"url = {url}", text, flags=re.M), encoding="utf-8")
    return subprocess.run(
        [str(BIN / "scrapyd-deploy")], cwd=project, capture_output=True, text=True, timeout=180
    )


def test_deploy_schedule_and_poll_a_demo_crawl(tmp_path, scrapyd, demo_server):
    base, workdir = scrapyd
    deployed = deploy(tmp_path, base)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    assert '"status": "ok"' in deployed.stdout + deployed.stderr
    assert get_json(base + "listspiders.json?project=newsaudit")["spiders"] == ["news"]

    out = tmp_path / "feeds"
    job = get_json(
        base + "schedule.json",
        [("project", "newsaudit"), ("spider", "news"), ("site", "demo"), ("origin", demo_server.base_url),
         ("setting", f"NEWSAUDIT_OUTPUT_DIR={out}"), ("setting", "LOG_LEVEL=INFO")],
    )  # fmt: skip
    assert job["status"] == "ok", job
    deadline = time.monotonic() + 240
    while True:
        jobs = get_json(base + "listjobs.json?project=newsaudit")
        if any(j["id"] == job["jobid"] for j in jobs["finished"]):
            break
        assert time.monotonic() < deadline, f"job still not finished: {jobs}"
        time.sleep(0.5)

    log = next((workdir / "logs").rglob(f"{job['jobid']}.log")).read_text(encoding="utf-8", errors="replace")
    (run_dir,) = [p for p in out.iterdir() if p.is_dir() and p.name != "latest"]
    summary = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    assert summary["finish_reason"] == "finished", log[-3000:]
    assert errors("run", summary) == []
    site = demo_server.site
    records = [
        json.loads(line) for line in (run_dir / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert summary["counts"]["articles"] == len(records) == len(site.public_articles())
    assert one_copy_each({r["url"] for r in records}, site)
    assert all(errors("article", r) == [] for r in records)
    feed = json.loads((run_dir / "feed.json").read_text(encoding="utf-8"))
    assert errors("json-feed", feed) == [] and len(feed["items"]) == len(records)
    assert (out / "state.sqlite").is_file()  # incremental by default under Scrapyd too
    assert "newsaudit run" in log
    # The deployed egg's code ran (unpacked from the egg so its data files are readable).
    (unpacked,) = (workdir / "egg-cache").glob("*/.complete")
    assert (unpacked.parent / "crawler" / "sites" / "demo.toml").is_file()
