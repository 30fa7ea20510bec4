"""Run health: a crawl that reached nothing, found nothing or mostly failed ends with
its own exit code and says why, in run.json, the log and on stderr."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from audit.schema import validator
from crawler.health import EXIT_CODES, HealthThresholds, assess, exit_code
from tests.paths import CLI, ROOT

ZERO = dict.fromkeys(
    ("discovered", "articles", "unchanged", "duplicates", "filtered", "disallowed", "failed", "rejected"), 0
)


def summary(reasons: dict[str, int] | None = None, sources_failed: list | None = None, **counts: int) -> dict:
    return {"counts": {**ZERO, **counts}, "reasons": reasons or {}, "sources_failed": sources_failed or []}


def test_a_site_that_answered_nothing_is_unreachable():
    health = assess(summary({"connection_refused": 1}, discovered=1, failed=1))
    assert health["status"] == "unreachable" and "connection_refused 1" in health["reasons"][0]
    # Sitemaps and feeds that could not be fetched count too, with nothing discovered.
    down = [{"url": "http://x/sitemap.xml", "kind": "sitemap", "reason": "dns_error", "detail": ""}]
    assert assess(summary(sources_failed=down))["status"] == "unreachable"


def test_a_site_that_answers_with_http_errors_is_reached():
    # A 404 is an answer: the site is up, the URLs are wrong (or too many failed).
    health = assess(summary({"http_404": 2}, discovered=2, failed=2))
    assert health["status"] == "too_many_failures"


def test_nothing_discovered_names_an_offsite_start_url():
    health = assess(summary(), start_urls=["http://127.0.0.1:8808/"], allowed_domains=["example.org"])
    assert health["status"] == "nothing_discovered"
    assert any("outside allowed_domains (example.org)" in r for r in health["reasons"])
    inside = assess(summary(), start_urls=["https://www.example.org/"], allowed_domains=["example.org"])
    assert inside["reasons"] == ["no article URL was discovered"]


def test_failure_shares_are_held_to_the_site_thresholds():
    mostly_ok = summary(discovered=10, articles=8, failed=2)
    assert assess(mostly_ok) == {"status": "healthy", "reasons": []}
    strict = HealthThresholds(max_failed_share=0.1)
    assert assess(mostly_ok, strict)["status"] == "too_many_failures"
    rejected = summary(discovered=4, articles=1, rejected=3)
    assert "3 of 4 extracted articles failed the feed schema" in assess(rejected)["reasons"][0]
    # Unchanged pages of an incremental run are fetched (304) and healthy.
    assert assess(summary(discovered=30, unchanged=30))["status"] == "healthy"


def test_each_status_has_its_own_exit_code():
    codes = [exit_code({"status": s}) for s in EXIT_CODES]
    assert codes[0] == 0 and len(set(codes)) == len(codes) and 1 not in codes[1:] and 3 not in codes
    assert exit_code({"status": "output_error"}) == 1


def crawl(config: Path, out: Path) -> tuple[subprocess.CompletedProcess[str], dict]:
    proc = subprocess.run(
        [str(CLI), "crawl", "--config", str(config), "--output-dir", str(out), "--no-progress"],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    (run_dir,) = [p for p in out.iterdir() if p.is_dir() and p.name != "latest"]
    run = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    assert not list(validator("run").iter_errors(run))
    return proc, run


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def down_config(tmp_path: Path, closed_port: int) -> Path:
    """A site config whose only start URL is a port nobody listens on."""
    config = tmp_path / "down.toml"
    config.write_text(
        f'name = "down"\nallowed_domains = ["127.0.0.1"]\nlanguage = "id"\n'
        f'start_urls = ["http://127.0.0.1:{closed_port}/"]\n[politeness]\ndelay = 0.0\ntimeout = 2\n',
        encoding="utf-8",
    )
    return config


def test_a_crawl_of_a_site_that_is_down_exits_4_with_one_line_per_problem(tmp_path, down_config):
    config = down_config
    proc, run = crawl(config, tmp_path / "out")
    assert proc.returncode == EXIT_CODES["unreachable"] == 4, proc.stderr
    assert run["health"]["status"] == "unreachable"
    assert "unhealthy run (unreachable, exit 4)" in proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr  # robots.txt's failure is one warning line
    assert "robots.txt could not be fetched" in proc.stderr


def test_scrapy_crawl_of_a_site_that_is_down_exits_4_too(tmp_path, down_config):
    # A cron job may call Scrapy itself; it must learn the same verdict.
    config = down_config
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"config={config}",
         "-s", f"NEWSAUDIT_OUTPUT_DIR={out}", "-s", "NEWSAUDIT_WORKERS=0", "-s", "LOG_LEVEL=WARNING"],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert proc.returncode == EXIT_CODES["unreachable"] == 4, proc.stderr[-3000:]
    assert "newsaudit health: unreachable" in proc.stderr
    (run_dir,) = [p for p in out.iterdir() if p.is_dir() and p.name != "latest"]
    assert json.loads((run_dir / "run.json").read_text(encoding="utf-8"))["health"]["status"] == "unreachable"


def test_scrapy_crawl_of_a_healthy_site_exits_0(tmp_path, loopback_server):
    article = (ROOT / "tests" / "fixtures" / "review" / "en-budget.html").read_bytes()
    home = b"<html><head><title>Home</title></head><body><a href='/news/budget.html'>budget</a></body></html>"
    server = loopback_server(
        {"/": (200, "text/html", home), "/news/budget.html": (200, "text/html", article)}
    )
    config = tmp_path / "ok.toml"
    config.write_text(
        f'name = "ok"\nallowed_domains = ["127.0.0.1"]\nlanguage = "en"\n'
        f'start_urls = ["{server.base_url}/"]\n[politeness]\ndelay = 0.0\n',
        encoding="utf-8",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"config={config}",
         "-s", f"NEWSAUDIT_OUTPUT_DIR={tmp_path / 'out'}", "-s", "NEWSAUDIT_WORKERS=0", "-s", "LOG_LEVEL=WARNING"],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    (run_dir,) = [p for p in (tmp_path / "out").iterdir() if p.is_dir() and p.name != "latest"]
    run = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    assert run["counts"]["articles"] == 1 and run["health"]["status"] == "healthy", run
    assert proc.returncode == 0, proc.stderr[-3000:]


def test_a_config_whose_domains_miss_its_start_url_exits_5_and_says_so(tmp_path, loopback_server):
    server = loopback_server({"/": (200, "text/html", b"<html><body><a href='/a.html'>a</a></body></html>")})
    config = tmp_path / "typo.toml"
    config.write_text(
        f'name = "typo"\nallowed_domains = ["example.org"]\nlanguage = "en"\n'
        f'start_urls = ["{server.base_url}/"]\n[politeness]\ndelay = 0.0\n',
        encoding="utf-8",
    )
    proc, run = crawl(config, tmp_path / "out")
    assert proc.returncode == EXIT_CODES["nothing_discovered"] == 5, proc.stderr
    assert any("outside allowed_domains (example.org)" in r for r in run["health"]["reasons"])
    assert "outside allowed_domains" in proc.stderr


def test_thresholds_are_site_settings(tmp_path):
    from crawler.siteconfig import SiteConfigError, from_mapping

    base = {"name": "s", "allowed_domains": ["a.b"], "language": "id", "start_urls": ["https://a.b/"]}
    assert from_mapping({**base, "health": {"max_failed_share": 0.6}}).health == {"max_failed_share": 0.6}
    with pytest.raises(SiteConfigError, match="/health/max_failed_share"):
        from_mapping({**base, "health": {"max_failed_share": 2}})
    with pytest.raises(SiteConfigError, match="/health/max_failures"):
        from_mapping({**base, "health": {"max_failures": 0.2}})


def test_a_distributed_worker_that_got_no_url_is_healthy():
    # With a shared Redis frontier the other workers may have taken every URL.
    assert assess(summary(), shared_frontier=True)["status"] == "healthy"
    assert (
        assess(summary({"connection_refused": 1}, discovered=1, failed=1), shared_frontier=True)["status"]
        == "unreachable"
    )
