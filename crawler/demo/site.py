"""The demo news site: article data (``content/*.toml``) rendered into pages.

Every URL the site serves is produced by :meth:`DemoSite.render`, a pure function of
the path and the base URL, so the server stays a thin transport and tests can render
pages without a socket. Absolute URLs (canonical links, sitemaps, feeds, robots.txt)
use the base URL the site is actually served on.

Besides the articles, the site carries the awkward cases a crawler must survive: a
robots.txt-disallowed section, a 404 link, a 500 page, a PDF behind an article URL,
an empty 200 page, a print version with a canonical link, a syndicated copy without
one, tracking parameters in links and feeds, and one article with malformed HTML.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

CONTENT_DIR = Path(__file__).resolve().parent / "content"
SITE_NAME = "Warta Serantau"
PAGE_SIZE = 2
LANGUAGE_NAMES = {"id": "Indonesia", "ms": "Melayu", "en": "English", "vi": "Tiếng Việt"}

#: Pages that exist to exercise failure handling: path -> (status, content type, body).
BROKEN_404 = "/id/nasional/laporan-yang-sudah-dihapus.html"
BROKEN_500 = "/en/business/market-wrap-live.html"
NOT_HTML = "/en/business/annual-report-2025.html"
EMPTY_BODY = "/ms/ekonomi/kemas-kini-langsung.html"
DISALLOWED_PREFIX = "/premium/"
_SPECIAL_LINKS = {  # listing page -> (href, link text) of its odd links
    "/id/nasional/": [(BROKEN_404, "Laporan khusus: data anggaran daerah")],
    "/en/business/": [(BROKEN_500, "Live: markets wrap"), (NOT_HTML, "Annual report 2025 (PDF)")],
    "/ms/ekonomi/": [(EMPTY_BODY, "Kemas kini langsung: pasaran saham")],
}
#: Template variants of the article pages (``newsaudit serve-demo --variant``).
#: ``template-change`` is a redesign that breaks what extraction relies on: no
#: publication date anywhere on the page, and the body in another container (no
#: ``<article>``), the kind of change drift alerts exist to catch.
VARIANTS = ("normal", "template-change")
_FAKE_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@dataclass(frozen=True)
class DemoArticle:
    language: str
    section: str
    section_name: str
    slug: str
    title: str
    author: str
    date: str
    body: tuple[str, ...]
    defects: tuple[str, ...] = ()
    premium: bool = False
    print_alias: bool = False
    syndicated_in: str | None = None
    tracking_link: bool = False
    malformed: bool = False

    @property
    def path(self) -> str:
        prefix = DISALLOWED_PREFIX if self.premium else "/"
        return f"{prefix}{self.language}/{self.section}/{self.slug}.html"

    @property
    def print_path(self) -> str:
        return f"/print/{self.language}/{self.slug}.html"

    @property
    def syndicated_path(self) -> str | None:
        return f"/{self.language}/{self.syndicated_in}/{self.slug}.html" if self.syndicated_in else None

    def blocks(self) -> list[tuple[str, str]]:
        """(tag, text) pairs of the body, with ``{title}`` filled in."""
        out = []
        for line in self.body:
            text = line.replace("{title}", self.title)
            for prefix, tag in (("### ", "h3"), ("## ", "h2"), ("- ", "li"), ("> ", "blockquote")):
                if text.startswith(prefix):
                    out.append((tag, text[len(prefix) :]))
                    break
            else:
                out.append(("p", text))
        return out


@dataclass
class Response:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def load_articles(content_dir: Path = CONTENT_DIR) -> list[DemoArticle]:
    articles = []
    for path in sorted(content_dir.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        lang, sections = data["language"], data["sections"]
        for a in data.get("article", []):
            articles.append(
                DemoArticle(
                    language=lang,
                    section=a["section"],
                    section_name=sections[a["section"]],
                    slug=a["slug"],
                    title=a["title"],
                    author=a.get("author", ""),
                    date=a.get("date", ""),
                    body=tuple(a["body"]),
                    defects=tuple(a.get("defects", ())),
                    premium=a.get("premium", False),
                    print_alias=a.get("print_alias", False),
                    syndicated_in=a.get("syndicated_in"),
                    tracking_link=a.get("tracking_link", False),
                    malformed=a.get("malformed", False),
                )
            )
    return articles


def _page(lang: str, title: str, head: str, body: str, nav: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n"
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n{head}</head>\n<body>\n'
        f'<header><a class="logo" href="/">{SITE_NAME}</a>\n<nav>{nav}</nav></header>\n'
        f"{body}\n<footer><p>{SITE_NAME}: demo site for newsaudit; all stories are fictional.</p>"
        f'<p><a href="/rss.xml">RSS</a> · <a href="/sitemap.xml">Sitemap</a></p></footer>\n</body>\n</html>\n'
    )


class DemoSite:
    """The whole site for one base URL (``http://127.0.0.1:PORT``)."""

    def __init__(
        self, base_url: str, articles: list[DemoArticle] | None = None, variant: str = "normal"
    ) -> None:
        if variant not in VARIANTS:
            raise ValueError(f"unknown demo variant {variant!r} (known: {', '.join(VARIANTS)})")
        self.variant = variant
        self.base = base_url.rstrip("/")
        self.articles = articles if articles is not None else load_articles()
        self.by_path = {a.path: a for a in self.articles}
        self.print_paths = {a.print_path: a for a in self.articles if a.print_alias}
        self.copies = {a.syndicated_path: a for a in self.articles if a.syndicated_path}
        self.sections: dict[tuple[str, str], list[DemoArticle]] = {}
        for a in self.articles:
            if not a.premium:
                self.sections.setdefault((a.language, a.section), []).append(a)
        for items in self.sections.values():
            items.sort(key=lambda a: (a.date or "0000", a.slug), reverse=True)
        self.section_names = {(a.language, a.section): a.section_name for a in self.articles}

    # -- what the crawler should find ------------------------------------------------

    def public_articles(self) -> list[DemoArticle]:
        return [a for a in self.articles if not a.premium]

    def url(self, path: str) -> str:
        return self.base + path

    def latest(self, n: int) -> list[DemoArticle]:
        return sorted(self.public_articles(), key=lambda a: (a.date or "0000", a.slug), reverse=True)[:n]

    # -- rendering ---------------------------------------------------------------------

    def nav(self) -> str:
        links = [
            f'<a href="/{lang}/{sec}/">{escape(name)} ({LANGUAGE_NAMES.get(lang, lang)})</a>'
            for (lang, sec), name in sorted(self.section_names.items())
            if (lang, sec) in self.sections
        ]
        return " | ".join(links)

    def render(self, path: str) -> Response:
        """The response for ``path`` (query string already removed)."""
        if path == "/robots.txt":
            text = f"User-agent: *\nDisallow: {DISALLOWED_PREFIX}\n\nSitemap: {self.url('/sitemap.xml')}\n"
            return Response(200, "text/plain; charset=utf-8", text.encode())
        if path in ("/", "/index.html"):
            return self._html(self.home())
        if path == "/sitemap.xml":
            return self._xml(self.sitemap_index())
        if path == "/sitemap-articles.xml":
            return self._xml(self.sitemap())
        if path == "/news-sitemap.xml":
            return self._xml(self.news_sitemap())
        if path == "/rss.xml":
            return Response(200, "application/rss+xml; charset=utf-8", self.rss().encode())
        if path == "/en/atom.xml":
            return Response(200, "application/atom+xml; charset=utf-8", self.atom("en").encode())
        if path == BROKEN_500:
            return Response(
                500, "text/html; charset=utf-8", b"<html><body><h1>Internal Server Error</h1></body></html>"
            )
        if path == NOT_HTML:
            return Response(200, "application/pdf", _FAKE_PDF)
        if path == EMPTY_BODY:
            return Response(200, "text/html; charset=utf-8", b"")
        if path in self.by_path:
            return self._html(self.article_page(self.by_path[path], canonical=path))
        if path in self.print_paths:
            article = self.print_paths[path]
            return self._html(self.article_page(article, canonical=article.path, printable=True))
        if path in self.copies:  # syndicated copy whose canonical wrongly points at itself
            return self._html(self.article_page(self.copies[path], canonical=path))
        listing = self._listing_route(path)
        if listing is not None:
            return self._html(self.listing(*listing))
        return Response(404, "text/html; charset=utf-8", b"<html><body><h1>404 Not Found</h1></body></html>")

    def _html(self, text: str) -> Response:
        return Response(200, "text/html; charset=utf-8", text.encode("utf-8"))

    def _xml(self, text: str) -> Response:
        return Response(200, "application/xml; charset=utf-8", text.encode("utf-8"))

    def _listing_route(self, path: str) -> tuple[str, str, int] | None:
        parts = [p for p in path.split("/") if p]
        if len(parts) == 2 and (parts[0], parts[1]) in self.sections and path.endswith("/"):
            return parts[0], parts[1], 1
        if len(parts) == 4 and parts[2] == "page" and parts[3].isdigit() and path.endswith("/"):
            page = int(parts[3])
            items = self.sections.get((parts[0], parts[1]))
            if items and 2 <= page <= self._pages(len(items)):
                return parts[0], parts[1], page
        return None

    @staticmethod
    def _pages(n: int) -> int:
        return max(1, -(-n // PAGE_SIZE))

    def _card(self, a: DemoArticle, href: str | None = None) -> str:
        teaser = escape(a.body[0][:160].rsplit(" ", 1)[0] + " …")
        return (
            f'<div class="card"><h2><a href="{escape(href or a.path)}">{escape(a.title)}</a></h2>'
            f'<p class="teaser">{teaser}</p></div>'
        )

    def home(self) -> str:
        cards = []
        for a in self.latest(10):
            href = a.path
            if a.tracking_link:  # the same article, linked the way social shares link it
                href = f"{a.path}?utm_source=facebook&utm_medium=social&fbclid=IwAR0demo#comments"
            cards.append(self._card(a, href))
        extras = [a for a in self.articles if a.premium or a.print_alias]
        extra_links = "".join(
            f'<li><a href="{a.path if a.premium else a.print_path}">'
            f"{'Premium: ' if a.premium else 'Cetak: '}{escape(a.title)}</a></li>"
            for a in extras
        )
        # Plain links to tracked articles too: the normaliser must fold them together.
        plain = "".join(
            f'<li><a href="{a.path}">{escape(a.title)}</a></li>' for a in self.articles if a.tracking_link
        )
        body = (
            f'<main><h1>{SITE_NAME}: berita serantau</h1>\n<section class="latest">{"".join(cards)}</section>\n'
            f"<aside><h2>Pilihan</h2><ul>{extra_links}{plain}</ul></aside></main>"
        )
        feed = f'<link rel="alternate" type="application/rss+xml" title="{SITE_NAME}" href="{self.url("/rss.xml")}">\n'
        return _page("id", f"{SITE_NAME} - Berita Asia Tenggara", feed, body, self.nav())

    def listing(self, lang: str, section: str, page: int) -> str:
        items = self.sections[(lang, section)]
        pages = self._pages(len(items))
        chunk = items[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        copies = [a for a in self.articles if a.syndicated_in == section and a.language == lang]
        cards = [self._card(a) for a in chunk]
        if page == 1:
            cards += [self._card(a, a.syndicated_path) for a in copies]
            cards += [
                f'<div class="card"><h2><a href="{href}">{escape(text)}</a></h2></div>'
                for href, text in _SPECIAL_LINKS.get(f"/{lang}/{section}/", [])
            ]
        base = f"/{lang}/{section}/"
        head, pager = "", []
        if page > 1:
            prev = base if page == 2 else f"{base}page/{page - 1}/"
            head += f'<link rel="prev" href="{prev}">\n'
            pager.append(f'<a rel="prev" href="{prev}">&laquo;</a>')
        if page < pages:
            nxt = f"{base}page/{page + 1}/"
            head += f'<link rel="next" href="{nxt}">\n'
            pager.append(f'<a rel="next" href="{nxt}">&raquo;</a>')
        name = self.section_names[(lang, section)]
        body = (
            f'<main><h1>{escape(name)}</h1>\n<section class="list">{"".join(cards)}</section>\n'
            f'<nav class="pager">Page {page} of {pages} {" ".join(pager)}</nav></main>'
        )
        return _page(lang, f"{name} - {SITE_NAME}", head, body, self.nav())

    def article_page(self, a: DemoArticle, canonical: str, printable: bool = False) -> str:
        meta = [
            f'<link rel="canonical" href="{self.url(canonical)}">',
            '<meta property="og:type" content="article">',
            f'<meta property="og:title" content="{escape(a.title)}">',
            f'<meta property="og:site_name" content="{SITE_NAME}">',
            f'<meta property="og:url" content="{self.url(canonical)}">',
            f'<meta name="description" content="{escape(a.body[0][:150])}">',
        ]
        if a.author:
            meta.append(f'<meta name="author" content="{escape(a.author)}">')
        redesigned = self.variant == "template-change"
        dated = bool(a.date) and not redesigned
        if dated:
            meta.append(f'<meta property="article:published_time" content="{a.date}T08:00:00+07:00">')
        meta.append(f'<meta property="article:section" content="{escape(a.section_name)}">')
        ld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": a.title,
            "inLanguage": a.language,
        }
        if dated:
            ld["datePublished"] = f"{a.date}T08:00:00+07:00"
        if a.author:
            ld["author"] = {"@type": "Person", "name": a.author}
        meta.append(f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>')
        byline = " | ".join(x for x in (escape(a.author), a.date if dated else "") if x)
        paragraphs = "\n".join(f"<{tag}>{escape(text)}</{tag}>" for tag, text in a.blocks())
        if a.malformed:  # unclosed tags, a stray end tag and an unquoted attribute: browsers cope
            paragraphs = "\n".join(
                f"<div class=para><{tag}>{escape(text)}" + ("</span>" if i % 2 else "")
                for i, (tag, text) in enumerate(a.blocks())
            )
        related = [r for r in self.sections.get((a.language, a.section), []) if r is not a][:3]
        aside = "".join(f'<li><a href="{r.path}">{escape(r.title)}</a></li>' for r in related)
        if redesigned:  # the story in a plain div of another name, the related links first
            body = (
                f'<div id="page"><aside class="rail"><h2>Related</h2><ul>{aside}</ul></aside>\n'
                f'<div class="story"><h1 class="story-title">{escape(a.title)}</h1>\n'
                f'<div class="story-meta">{byline}</div>\n<div class="story-text">\n{paragraphs}\n</div></div></div>'
            )
        else:
            body = (
                f'<main><article>\n<h1>{escape(a.title)}</h1>\n<p class="byline">{byline}</p>\n'
                f'<div class="content">\n{paragraphs}\n</div>\n</article>\n'
                f"<aside><h2>Related</h2><ul>{aside}</ul></aside></main>"
            )
        nav = "" if printable else self.nav()
        return _page(a.language, f"{a.title} - {SITE_NAME}", "\n".join(meta) + "\n", body, nav)

    # -- sitemaps and feeds -----------------------------------------------------------

    def sitemap_index(self) -> str:
        items = "".join(
            f"<sitemap><loc>{self.url(p)}</loc></sitemap>"
            for p in ("/sitemap-articles.xml", "/news-sitemap.xml")
        )
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</sitemapindex>\n'

    def sitemap(self) -> str:
        urls = []
        for a in self.articles:
            lastmod = f"<lastmod>{a.date}</lastmod>" if a.date else ""
            urls.append(f"<url><loc>{xml_escape(self.url(a.path))}</loc>{lastmod}</url>")
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + "\n".join(urls)
            + "</urlset>\n"
        )

    def news_sitemap(self) -> str:
        urls = []
        for a in self.latest(12):
            date = a.date or "2025-11-01"
            urls.append(
                f"<url><loc>{xml_escape(self.url(a.path))}</loc><news:news><news:publication>"
                f"<news:name>{SITE_NAME}</news:name><news:language>{a.language}</news:language></news:publication>"
                f"<news:publication_date>{date}</news:publication_date><news:title>{xml_escape(a.title)}</news:title>"
                f"</news:news></url>"
            )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + "\n".join(urls) + "</urlset>\n"
        )

    def rss(self) -> str:
        items = "".join(
            f"<item><title>{xml_escape(a.title)}</title>"
            f"<link>{xml_escape(self.url(a.path) + '?utm_source=rss&utm_medium=feed')}</link>"
            f'<guid isPermaLink="false">{a.language}-{a.slug}</guid>'
            f"<description>{xml_escape(a.body[0])}</description></item>\n"
            for a in self.latest(15)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            f"<title>{SITE_NAME}</title><link>{self.url('/')}</link><description>Berita Asia Tenggara</description>\n"
            f"{items}</channel></rss>\n"
        )

    def atom(self, lang: str) -> str:
        entries = "".join(
            f'<entry><title>{xml_escape(a.title)}</title><link rel="alternate" href="{xml_escape(self.url(a.path))}"/>'
            f"<id>tag:warta-serantau,2025:{a.slug}</id><updated>{a.date or '2025-11-01'}T08:00:00+07:00</updated></entry>\n"
            for a in self.public_articles()
            if a.language == lang
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{SITE_NAME} ({lang})</title><id>{self.url('/' + lang + '/')}</id>"
            f"<updated>2025-11-11T08:00:00+07:00</updated>\n{entries}</feed>\n"
        )
