"""The ``news`` spider on canned responses (``HtmlResponse(url=..., body=...)``, no network):
URL normalisation, article vs listing pages, sitemaps, feeds, limits and failures."""

from __future__ import annotations

import gzip

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, TextResponse, XmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.internet import error as neterror
from twisted.python.failure import Failure

from crawler.demo.site import BROKEN_404, DemoSite
from crawler.items import OutcomeItem, PageItem
from crawler.settings import site_settings
from crawler.siteconfig import load
from crawler.spiders.news import NewsSpider, article_signals, describe_failure, feed_links, sitemap_entries
from crawler.urls import UrlRules, normalize

BASE = "http://127.0.0.1:8808"


@pytest.fixture
def site() -> DemoSite:
    return DemoSite(BASE)


def make_spider(**overrides) -> NewsSpider:
    config = load("demo").with_overrides(**overrides)
    crawler = get_crawler(NewsSpider)
    return NewsSpider.from_crawler(crawler, site_config=config)


def html(url: str, body: bytes | str, **meta) -> HtmlResponse:
    request = Request(url, meta=meta)
    data = body.encode("utf-8") if isinstance(body, str) else body
    return HtmlResponse(url=url, body=data, encoding="utf-8", request=request)


def page(site: DemoSite, path: str, **meta) -> HtmlResponse:
    response = site.render(path)
    assert response.status == 200, path
    return html(site.url(path), response.body, **meta)


def split(outputs):
    outputs = list(outputs)
    requests = [o for o in outputs if isinstance(o, Request)]
    outcomes = [o for o in outputs if isinstance(o, OutcomeItem)]
    pages = [o for o in outputs if isinstance(o, PageItem)]
    assert len(requests) + len(outcomes) + len(pages) == len(outputs)
    return requests, outcomes, pages


# -- URL normalisation ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "https://Berita.Example/a.html?utm_source=fb&utm_medium=social#komentar",
            "https://berita.example/a.html",
        ),
        ("https://berita.example/a.html?fbclid=IwAR0x&gclid=abc&id=7", "https://berita.example/a.html?id=7"),
        ("https://berita.example/cari?q=banjir&hal=2", "https://berita.example/cari?hal=2&q=banjir"),
        ("HTTP://berita.example:80/a", "http://berita.example/a"),
        ("https://berita.example:8443/a", "https://berita.example:8443/a"),
        ("https://berita.example", "https://berita.example/"),
        ("https://berita.example/t%C3%A2n-ph%C3%BA.html", "https://berita.example/t%C3%A2n-ph%C3%BA.html"),
        ("https://berita.example/tân-phú.html", "https://berita.example/t%C3%A2n-ph%C3%BA.html"),
    ],
)
def test_normalize(raw, expected):
    assert normalize(raw) == expected


def test_normalize_relative_and_non_http():
    assert normalize("../ekonomi/b.html?utm_campaign=x", base="https://b.example/id/nasional/") == (
        "https://b.example/id/ekonomi/b.html"
    )
    assert normalize("mailto:redaksi@b.example") is None
    assert normalize("javascript:void(0)") is None
    assert normalize("   ") is None


def test_url_rules_from_the_demo_config():
    rules = UrlRules(load("demo"))
    assert rules.article_url(f"{BASE}/id/nasional/some-story.html")
    assert rules.article_url(f"{BASE}/premium/en/business/a.html")
    assert not rules.article_url(f"{BASE}/id/nasional/")
    assert rules.listing_url(f"{BASE}/id/nasional/page/2/")
    assert rules.listing_url(f"{BASE}/print/id/x.html")
    assert not rules.listing_url(f"{BASE}/rss.xml")  # denied
    assert not rules.in_scope("https://elsewhere.example/id/nasional/a.html")


def test_site_settings_follow_the_config():
    config = load("demo").with_overrides(delay=2.5, concurrency=3, max_pages=40, max_depth=2)
    settings = site_settings(config)
    assert settings["DOWNLOAD_DELAY"] == 2.5
    assert settings["CONCURRENT_REQUESTS_PER_DOMAIN"] == 3
    assert settings["AUTOTHROTTLE_ENABLED"] is True
    assert "newsaudit" in settings["USER_AGENT"] and config.user_agent_contact in settings["USER_AGENT"]
    assert settings["DEPTH_LIMIT"] >= 2 and settings["CLOSESPIDER_PAGECOUNT"] >= 40


# -- article vs listing -------------------------------------------------------------------


def test_article_and_listing_pages_are_told_apart(site):
    article = site.public_articles()[0]
    assert "og:type=article" in article_signals(page(site, article.path))
    assert article_signals(page(site, "/")) == []
    assert article_signals(page(site, "/id/nasional/")) == []
    assert article_signals(page(site, "/vi/thoi-su/page/2/")) == []


def test_article_markup_without_metadata_is_recognised():
    body = "<html><body><article><h1>Judul</h1><p>Satu.</p><p>Dua.</p></article></body></html>"
    assert article_signals(html("https://b.example/x", body)) == ["<article>"]
    ld = '<script type="application/ld+json">{"@type": ["NewsArticle"], "headline": "x"}</script>'
    assert article_signals(html("https://b.example/y", f"<html><head>{ld}</head><body></body></html>")) == [
        "json-ld"
    ]


def test_listing_page_schedules_articles_once_and_follows_pagination(site):
    spider = make_spider()
    requests, outcomes, pages = split(spider.parse_page(page(site, "/", kind="listing", hops=0)))
    assert not outcomes and not pages
    urls = [r.url for r in requests]
    assert len(urls) == len(set(urls))
    assert all("utm_" not in u and "fbclid" not in u and "#" not in u for u in urls)
    tracked = next(a for a in site.articles if a.tracking_link)
    assert urls.count(site.url(tracked.path)) == 1  # tracked + plain link fold into one
    kinds = {r.url: r.meta["kind"] for r in requests}
    assert kinds[site.url("/id/nasional/")] == "listing"
    assert kinds[site.url(tracked.path)] == "article"
    premium = next(a for a in site.articles if a.premium)
    assert kinds[site.url(premium.path)] == "article"  # robots.txt is Scrapy's job, counted in the errback

    requests, _, _ = split(spider.parse_page(page(site, "/id/nasional/", kind="listing", hops=1)))
    urls = {r.url for r in requests}
    assert site.url("/id/nasional/page/2/") in urls
    assert site.url(BROKEN_404) in urls


def test_depth_and_page_limits_are_accounted(site):
    spider = make_spider(max_depth=1)
    _, outcomes, _ = split(spider.parse_page(page(site, "/id/nasional/", kind="listing", hops=1)))
    assert outcomes and {o.reason for o in outcomes} == {"depth_limit"}
    assert all(spider.ledger.is_pending(o.url) for o in outcomes)

    spider = make_spider(max_pages=2)
    requests, outcomes, _ = split(spider.parse_page(page(site, "/id/nasional/", kind="listing", hops=0)))
    assert len(requests) == 2
    assert {o.reason for o in outcomes} == {"page_limit"}


def test_article_page_becomes_a_page_item(site):
    spider = make_spider()
    article = next(a for a in site.public_articles() if a.language == "ms")
    url = site.url(article.path)
    spider.ledger.discover(url)
    _, _, pages = split(spider.parse_page(page(site, article.path, kind="article", ledger_url=url)))
    assert len(pages) == 1
    item = pages[0]
    assert item.url == item.article_url == url
    assert item.language_hint == "ms"
    assert article.title in item.body


def test_print_version_folds_into_its_canonical_url(site):
    spider = make_spider()
    article = next(a for a in site.articles if a.print_alias)
    print_url, canonical = site.url(article.print_path), site.url(article.path)
    # Canonical not known yet: the print page is a duplicate and the canonical URL is fetched.
    requests, outcomes, pages = split(
        spider.parse_page(page(site, article.print_path, kind="listing", hops=1))
    )
    assert pages == []
    assert [(o.url, o.reason) for o in outcomes] == [(print_url, "canonical_duplicate")]
    assert [(r.url, r.meta["kind"]) for r in requests] == [(canonical, "article")]
    assert spider.ledger.is_pending(canonical)
    # ...and the canonical URL is never scheduled twice.
    assert list(spider.schedule_article(canonical, hops=1, via="test")) == []

    spider = make_spider()
    spider.ledger.discover(canonical)  # canonical already discovered first
    requests, outcomes, pages = split(
        spider.parse_page(page(site, article.print_path, kind="listing", hops=1))
    )
    assert pages == [] and requests == [] and [o.reason for o in outcomes] == ["canonical_duplicate"]


def test_canonical_pointing_at_the_home_page_is_ignored(site):
    spider = make_spider()
    article = site.public_articles()[0]
    url = site.url(article.path)
    body = site.render(article.path).body.replace(url.encode(), site.url("/").encode())
    spider.ledger.discover(url)
    _, outcomes, pages = split(spider.parse_page(html(url, body, kind="article", ledger_url=url)))
    assert outcomes == [] and [p.article_url for p in pages] == [url]


def test_redirect_target_is_published_under_its_final_url(site):
    spider = make_spider()
    article = site.public_articles()[0]
    old = site.url("/id/lama/berita-lama.html")
    spider.ledger.discover(old)
    response = html(site.url(article.path), site.render(article.path).body, kind="article", ledger_url=old)
    _, outcomes, pages = split(spider.parse_page(response))
    assert outcomes == [] and [(p.url, p.article_url) for p in pages] == [(old, site.url(article.path))]
    assert not spider.ledger.discover(site.url(article.path))  # the target is known now


def test_non_html_and_empty_responses_are_failures():
    spider = make_spider()
    url = f"{BASE}/en/business/report.html"
    spider.ledger.discover(url)
    pdf = TextResponse(
        url=url, body=b"%PDF-1.4 ...", headers={"Content-Type": "application/pdf"}, request=Request(url)
    )
    pdf.request.meta.update(kind="article", ledger_url=url)
    _, outcomes, _ = split(spider.parse_page(pdf))
    assert [(o.outcome, o.reason) for o in outcomes] == [("failed", "not_html")]
    assert "application/pdf" in outcomes[0].detail

    url2 = f"{BASE}/ms/ekonomi/kosong.html"
    spider.ledger.discover(url2)
    _, outcomes, _ = split(spider.parse_page(html(url2, b"  \n", kind="article", ledger_url=url2)))
    assert [(o.outcome, o.reason) for o in outcomes] == [("failed", "empty_body")]


def test_non_html_linked_from_a_listing_is_not_an_article():
    spider = make_spider()
    url = f"{BASE}/print/brochure.pdf"
    response = TextResponse(url=url, body=b"%PDF-1.4", headers={"Content-Type": "application/pdf"})
    response.request = Request(url, meta={"kind": "listing", "hops": 1})
    assert list(spider.parse_page(response)) == []
    assert spider.sources["listing_not_html"] == 1 and spider.ledger.counts()["discovered"] == 0


def test_malformed_html_is_still_an_article(site):
    spider = make_spider()
    article = next(a for a in site.articles if a.malformed)
    url = site.url(article.path)
    spider.ledger.discover(url)
    _, outcomes, pages = split(spider.parse_page(page(site, article.path, kind="article", ledger_url=url)))
    assert outcomes == [] and len(pages) == 1


# -- sitemaps and feeds -----------------------------------------------------------------------


def test_sitemap_index_news_sitemap_and_gzip(site):
    kind, locs = sitemap_entries(site.render("/sitemap.xml").body)
    assert kind == "sitemapindex"
    assert locs == [site.url("/sitemap-articles.xml"), site.url("/news-sitemap.xml")]
    kind, locs = sitemap_entries(site.render("/news-sitemap.xml").body)
    assert kind == "urlset" and len(locs) == 12
    body = site.render("/sitemap-articles.xml").body
    assert sitemap_entries(gzip.compress(body)) == sitemap_entries(body)

    spider = make_spider()
    response = XmlResponse(url=site.url("/sitemap.xml"), body=site.render("/sitemap.xml").body)
    requests = list(spider.parse_sitemap(response))
    assert [r.meta["kind"] for r in requests] == ["sitemap", "sitemap"]
    response = XmlResponse(url=site.url("/sitemap-articles.xml"), body=body)
    requests, outcomes, _ = split(spider.parse_sitemap(response))
    assert len(requests) == len(site.articles) and not outcomes
    assert spider.ledger.counts()["discovered"] == len(site.articles)


def test_broken_sitemap_is_a_recorded_source_failure():
    spider = make_spider()
    response = XmlResponse(url=f"{BASE}/sitemap.xml", body=b"<html><body>Moved</body></html>")
    assert list(spider.parse_sitemap(response)) == []
    assert spider.source_failures[0]["reason"] == "bad_sitemap"


def test_rss_and_atom_feeds(site):
    rss = feed_links(site.render("/rss.xml").body)
    assert len(rss) == 15 and all("utm_source=rss" in link for link in rss)
    atom = feed_links(site.render("/en/atom.xml").body)
    assert atom and all(link.startswith(site.url("/en/")) for link in atom)

    spider = make_spider()
    response = XmlResponse(url=site.url("/rss.xml"), body=site.render("/rss.xml").body)
    requests, _, _ = split(spider.parse_feed(response))
    assert len(requests) == 15 and all("utm_" not in r.url for r in requests)


def test_malformed_feed_is_recovered_or_reported():
    body = b"<rss><channel><item><link>https://b.example/a.html</link></item><item><link>https://b.example/b.html"
    assert feed_links(body) == ["https://b.example/a.html", "https://b.example/b.html"]
    spider = make_spider()
    assert list(spider.parse_feed(XmlResponse(url=f"{BASE}/rss.xml", body=b"not a feed"))) == []
    assert spider.source_failures[0]["reason"] == "bad_feed"


# -- failures ---------------------------------------------------------------------------------


def _failure(exc: BaseException, url: str, **meta) -> Failure:
    failure = Failure(exc)
    failure.request = Request(url, meta=meta)
    return failure


def test_describe_failure_reasons():
    url = f"{BASE}/id/nasional/x.html"
    response_404 = HtmlResponse(url=url, status=404, body=b"", request=Request(url))
    assert describe_failure(Failure(HttpError(response_404)))[:2] == ("failed", "http_404")
    assert describe_failure(Failure(IgnoreRequest("Forbidden by robots.txt")))[:2] == (
        "disallowed",
        "robots_disallowed",
    )
    assert describe_failure(Failure(neterror.DNSLookupError("no such host")))[1] == "dns_error"
    assert describe_failure(Failure(neterror.TimeoutError()))[1] == "timeout"
    assert describe_failure(Failure(neterror.ConnectionRefusedError()))[1] == "connection_refused"
    assert describe_failure(Failure(ValueError("odd")))[1] == "value_error"


def test_errback_records_outcomes_and_source_failures():
    spider = make_spider()
    url = f"{BASE}/id/nasional/x.html"
    spider.ledger.discover(url)
    out = spider.on_error(
        _failure(IgnoreRequest("Forbidden by robots.txt"), url, kind="article", ledger_url=url)
    )
    assert [(o.url, o.outcome) for o in out] == [(url, "disallowed")]

    listing = f"{BASE}/en/region/"
    out = spider.on_error(_failure(neterror.TimeoutError(), listing, kind="listing", hops=1))
    assert [(o.url, o.reason) for o in out] == [(listing, "timeout")]
    assert spider.ledger.is_pending(listing)  # an unreachable page of unknown kind is counted

    assert spider.on_error(_failure(neterror.DNSLookupError(), f"{BASE}/rss.xml", kind="feed")) == []
    assert spider.source_failures[-1]["reason"] == "dns_error"
