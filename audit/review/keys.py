"""Stable keys for articles and findings, so editors' decisions survive re-crawls.

A re-crawl produces a new run directory and new line numbers, but the same article
URL and, while the text is unchanged, the same rule and evidence. The key is built
from exactly those, plus an occurrence number for a finding that legitimately
repeats (a headline repeated twice as a subhead gives two identical findings).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from typing import Any
from urllib.parse import urlsplit, urlunsplit

_WS = re.compile(r"\s+")


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, drop default ports and the fragment; keep path and query."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.scheme or not parts.netloc:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port if parts.port and (scheme, parts.port) not in (("http", 80), ("https", 443)) else None
    netloc = host + (f":{port}" if port else "")
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def normalise_evidence(text: str) -> str:
    return _WS.sub(" ", text).strip().casefold()


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def article_key(record: dict[str, Any]) -> str:
    return _digest("article", canonical_url(str(record.get("url") or "")))


def finding_keys(record: dict[str, Any]) -> list[str]:
    """One key per finding of ``record``, in order."""
    url = canonical_url(str(record.get("url") or ""))
    seen: Counter[tuple[str, str]] = Counter()
    keys = []
    for finding in record.get("findings") or []:
        rule = str(finding.get("rule") or "") if isinstance(finding, dict) else ""
        evidence = normalise_evidence(str(finding.get("evidence") or "")) if isinstance(finding, dict) else ""
        occurrence = seen[(rule, evidence)]
        seen[(rule, evidence)] += 1
        keys.append(_digest("finding", url, rule, evidence, str(occurrence)))
    return keys
