"""Site configs: every bundled one is valid; a broken one is stopped before any request,
with an error naming the file and the bad field."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from crawler.siteconfig import SITES_DIR, SiteConfigError, load, load_site_config, resolve_site
from tests.paths import CLI, ROOT

VALID = """
name = "harian-contoh"
allowed_domains = ["{host}"]
language = "id"
start_urls = ["{base}/"]
sitemaps = ["{base}/sitemap.xml"]
news_sitemaps = ["{base}/news-sitemap.xml"]
feeds = ["{base}/rss.xml"]
user_agent_contact = "https://example.org/newsaudit"

[urls]
allow = ['/berita/[a-z0-9-]+\\.html$']
deny = ['/tag/']

[limits]
max_pages = 50
max_depth = 2

[politeness]
delay = 0.5
concurrency = 2

[audit.rules]
ignore = ["AQ5"]
"""


def write(tmp_path: Path, text: str, base: str = "https://harian.example") -> Path:
    path = tmp_path / "site.toml"
    host = base.split("://", 1)[1]
    path.write_text(text.replace("{base}", base).replace("{host}", host.split(":")[0]), encoding="utf-8")
    return path


@pytest.mark.parametrize("path", sorted(SITES_DIR.glob("*.toml")), ids=lambda p: p.name)
def test_bundled_site_configs_are_valid(path):
    config = load_site_config(path)
    assert config.name == path.stem
    assert config.start_urls or config.sitemaps or config.feeds


def test_valid_config_loads_every_field(tmp_path):
    config = load(config=write(tmp_path, VALID))
    assert config.name == "harian-contoh"
    assert config.allowed_domains == ("harian.example",)
    assert config.sitemaps == ("https://harian.example/sitemap.xml",)
    assert config.news_sitemaps == ("https://harian.example/news-sitemap.xml",)
    assert config.feeds == ("https://harian.example/rss.xml",)
    assert config.allow == (r"/berita/[a-z0-9-]+\.html$",)
    assert (config.max_pages, config.max_depth, config.delay, config.concurrency) == (50, 2, 0.5, 2)
    assert config.audit == {"rules": {"ignore": ["AQ5"]}}
    assert config.path == str(tmp_path / "site.toml")


def test_demo_config_by_name_and_language_by_path():
    config = load("demo")
    assert config.language_for("http://127.0.0.1:8808/ms/semasa/x.html") == "ms"
    assert config.language_for("http://127.0.0.1:8808/vi/thoi-su/x.html") == "vi"
    assert config.language_for("http://127.0.0.1:8808/") == "id"  # the site's own hint


def test_with_origin_moves_every_url():
    moved = load("demo").with_origin("http://127.0.0.1:9911")
    for url in (*moved.start_urls, *moved.sitemaps, *moved.news_sitemaps, *moved.feeds):
        assert url.startswith("http://127.0.0.1:9911/"), url
    assert moved.allowed_domains == ("127.0.0.1",)


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('name = "harian-contoh"', "", "/name"),
        ('name = "harian-contoh"', 'name = "../../etc"', "/name"),
        ('language = "id"', 'language = "Indonesian"', "/language"),
        ("max_pages = 50", "max_pages = 0", "/limits/max_pages"),
        ("max_depth = 2", 'max_depth = "deep"', "/limits/max_depth"),
        ("concurrency = 2", "concurrency = 2\nspeed = 9", "/politeness/speed"),
        ('start_urls = ["{base}/"]', 'start_urls = ["ftp://harian.example/"]', "/start_urls/0"),
        ("allow = ['/berita/[a-z0-9-]+\\.html$']", "allow = ['/berita/(unclosed']", "/urls/allow/0"),
        ('ignore = ["AQ5"]', 'ignore = ["E501"]', "/audit"),
    ],
)
def test_invalid_config_names_file_and_field(tmp_path, old, new, field):
    assert old in VALID
    path = write(tmp_path, VALID.replace(old, new))
    with pytest.raises(SiteConfigError) as info:
        load(config=path)
    message = str(info.value)
    assert str(path) in message
    assert f"invalid field {field}" in message


def test_invalid_toml_names_the_file(tmp_path):
    path = write(tmp_path, VALID + "\n[limits\n")
    with pytest.raises(SiteConfigError, match="invalid TOML") as info:
        load(config=path)
    assert str(path) in str(info.value)


def test_site_names_cannot_escape_the_sites_directory():
    with pytest.raises(SiteConfigError, match="site name"):
        resolve_site("../../etc/passwd")
    with pytest.raises(SiteConfigError, match="no such site config"):
        resolve_site("no-such-site")


def test_site_or_config_exactly_one():
    with pytest.raises(SiteConfigError, match="exactly one"):
        load()
    with pytest.raises(SiteConfigError, match="exactly one"):
        load("demo", SITES_DIR / "demo.toml")


def test_cli_rejects_invalid_config_before_any_request(tmp_path, loopback_server):
    server = loopback_server(
        {"/": (200, "text/html", b"<html><body><a href='/berita/a.html'>a</a></body></html>")}
    )
    path = write(tmp_path, VALID.replace("max_depth = 2", "max_depth = -1"), base=server.base_url)
    proc = subprocess.run(
        [str(CLI), "crawl", "--config", str(path), "--output-dir", str(tmp_path / "out"), "--no-progress"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode != 0
    assert str(path) in proc.stderr and "/limits/max_depth" in proc.stderr
    assert server.requests == []
    assert not (tmp_path / "out").exists()


def test_cli_unknown_site_name_fails_cleanly(tmp_path):
    proc = subprocess.run(
        [str(CLI), "crawl", "no-such-site", "--output-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "no such site config" in proc.stderr and "demo" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_scrapy_crawl_with_invalid_site_never_starts(tmp_path):
    """``scrapy crawl news -a config=BAD`` raises the same named error."""
    path = write(tmp_path, VALID.replace('language = "id"', "language = 5"))
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"config={path}", "-s", "LOG_LEVEL=ERROR"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode != 0
    assert "/language" in proc.stderr and str(path) in proc.stderr


def test_a_misspelt_field_gets_a_did_you_mean():
    import pytest as _pytest

    from crawler.siteconfig import SiteConfigError, from_mapping

    base = {"name": "s", "allowed_domains": ["a.b"], "language": "id", "start_urls": ["https://a.b/"]}
    with _pytest.raises(SiteConfigError, match=r"/sitemap: .*did you mean 'sitemaps'\?"):
        from_mapping({**base, "sitemap": ["https://a.b/sitemap.xml"]})
    with _pytest.raises(SiteConfigError, match=r"/politeness/dealy: .*did you mean 'delay'\?"):
        from_mapping({**base, "politeness": {"dealy": 1}})
