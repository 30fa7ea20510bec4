"""URL normalisation and the site's URL rules.

One article must be fetched and emitted once, however it is linked: with tracking
parameters, a fragment, reordered query arguments or a different host case. Every
URL the spider sees goes through :func:`normalize` before it is compared or queued.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

from crawler.siteconfig import SiteConfig

#: Query parameters that only track the reader; they never change the page.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "twclid",
        "mc_cid", "mc_eid", "_ga", "_gl", "ref_src", "ref_url", "cmpid", "ncid",
        "s_cid", "ocid", "mkt_tok", "vero_id", "__twitter_impression",
    }
)  # fmt: skip
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")
#: Characters no host name can hold (whitespace, controls, delimiters): such a link is junk.
_BAD_HOST = re.compile(r"[\x00-\x20\x7f<>\"'`{}|\\^%]|\.\.")


def _is_tracking(key: str) -> bool:
    low = key.lower()
    return low in TRACKING_PARAMS or low.startswith(TRACKING_PREFIXES)


def normalize(url: str, base: str | None = None) -> str | None:
    """Absolute, canonical form of ``url`` (``None`` if it is not http(s)).

    Drops tracking parameters and the fragment, sorts the query, lowercases the
    scheme and host, removes a default port and percent-encodes consistently.
    """
    url = (url or "").strip()
    if not url:
        return None
    try:
        if base:
            url = urljoin(base, url)
        parts = urlsplit(url)
        port = parts.port  # raises ValueError on a port out of range
        host = parts.hostname
    except ValueError:  # "http://[::1", "http://host:99999/": hostile links are not URLs
        return None
    if parts.scheme.lower() not in ("http", "https") or not host or _BAD_HOST.search(host):
        return None
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    )
    netloc = host.lower()
    if ":" in netloc:  # an IPv6 literal keeps its brackets
        netloc = f"[{netloc}]"
    if port and not (parts.scheme == "http" and port == 80 or parts.scheme == "https" and port == 443):
        netloc += f":{port}"
    cleaned = urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", query, ""))
    try:
        return canonicalize_url(cleaned, keep_fragments=False)
    except (ValueError, UnicodeError):  # e.g. a host IDNA cannot encode
        return None


def host_allowed(url: str, domains: tuple[str, ...] | list[str]) -> bool:
    """True when the URL's host is one of ``domains`` or a subdomain of one."""
    host = (urlsplit(url).hostname or "").lower()
    for domain in domains:
        d = domain.lower().split(":")[0]
        if host == d or host.endswith("." + d):
            return True
    return False


class UrlRules:
    """The site's allow/deny/listing patterns, compiled once."""

    def __init__(self, config: SiteConfig) -> None:
        self.domains = config.allowed_domains
        self.allow = [re.compile(p) for p in config.allow]
        self.deny = [re.compile(p) for p in config.deny]
        self.listing = [re.compile(p) for p in config.listing]

    def in_scope(self, url: str) -> bool:
        return host_allowed(url, self.domains)

    def denied(self, url: str) -> bool:
        return any(p.search(url) for p in self.deny)

    def article_url(self, url: str) -> bool:
        """The URL looks like an article by the site's patterns (no patterns: unknown, False)."""
        return bool(self.allow) and any(p.search(url) for p in self.allow) and not self.denied(url)

    def listing_url(self, url: str) -> bool:
        """Worth following as a listing page (no listing patterns: any in-scope page)."""
        if self.denied(url) or self.article_url(url):
            return False
        return any(p.search(url) for p in self.listing) if self.listing else True
