"""Read one audit input: a saved ``.html``/``.html.gz`` file or an http(s) URL.

(Archives are read by :mod:`audit.archives`; lists and folders by :mod:`audit.sources`.)

Reading never raises; it returns bytes or an :class:`~audit.model.ExtractionFailure`.
URLs pointing at private, loopback or link-local addresses are refused unless
``allow_private`` is set, so the CLI cannot be turned against the local network.
"""

from __future__ import annotations

import gzip
import io
import ipaddress
import socket
import urllib.error
import urllib.request
import zlib
from pathlib import Path
from urllib.parse import urlsplit

from audit.extract import MAX_HTML_BYTES
from audit.model import ExtractionFailure

USER_AGENT = "newsaudit/0.1 (+https://github.com/newsaudit/newsaudit)"
FETCH_TIMEOUT = 20


def is_url(value: str) -> bool:
    return urlsplit(value).scheme in ("http", "https")


def _private_host(host: str) -> bool:
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror:
        return False
    for info in infos:
        addr = ipaddress.ip_address(info[4][0].split("%")[0])
        if (
            addr.is_private
            or addr.is_loopback
            or addr.is_link_local
            or addr.is_reserved
            or addr.is_unspecified
        ):
            return True
    return False


def read_file(path: str) -> bytes | ExtractionFailure:
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        return ExtractionFailure("not_found", f"no such file: {path}")
    except IsADirectoryError:
        return ExtractionFailure("unreadable", f"is a directory: {path}")
    except OSError as exc:
        return ExtractionFailure("unreadable", f"{path}: {exc.strerror}")
    if data[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as gz:
                data = gz.read(MAX_HTML_BYTES + 1)
        except (OSError, EOFError, zlib.error) as exc:  # a torn or corrupt stream
            return ExtractionFailure("bad_gzip", f"{path}: {exc}")
    return data


class _RefusedRedirect(Exception):
    """A redirect hop that leaves the public web or http(s)."""

    def __init__(self, failure: ExtractionFailure):
        super().__init__(failure.detail)
        self.failure = failure


def _refusal(url: str, allow_private: bool, hop: str = "") -> ExtractionFailure | None:
    """Why ``url`` may not be fetched, or ``None``: checked for the first URL and for
    every redirect hop, since a public page can redirect to 127.0.0.1."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return ExtractionFailure("bad_redirect", f"{hop}{url}: only http and https are fetched")
    host = parts.hostname or ""
    if not allow_private and _private_host(host):
        return ExtractionFailure(
            "private_address",
            f"{hop}{host} resolves to a private/loopback address; pass --allow-private to audit it",
        )
    return None


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to a URL that :func:`_refusal` accepts."""

    def __init__(self, allow_private: bool):
        self.allow_private = allow_private

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        refused = _refusal(newurl, self.allow_private, hop=f"redirected ({code}) from {req.full_url} to ")
        if refused is not None:
            raise _RefusedRedirect(refused)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_page(url: str, allow_private: bool = False) -> tuple[bytes, str | None] | ExtractionFailure:
    """The body and ``Content-Type`` of ``url`` (the type picks the charset, as in a crawl)."""
    refused = _refusal(url, allow_private)
    if refused is not None:
        return refused
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    opener = urllib.request.build_opener(_CheckedRedirects(allow_private))
    try:
        with opener.open(request, timeout=FETCH_TIMEOUT) as response:
            ctype = response.headers.get("Content-Type", "")
            if ctype and "html" not in ctype and "xml" not in ctype and "text" not in ctype:
                return ExtractionFailure("not_html", f"Content-Type is {ctype}")
            data = response.read(MAX_HTML_BYTES + 1)
    except _RefusedRedirect as exc:
        return exc.failure
    except urllib.error.HTTPError as exc:
        return ExtractionFailure(f"http_{exc.code}", f"{url}: HTTP {exc.code} {exc.reason}")
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        return ExtractionFailure("fetch_error", f"{url}: {getattr(exc, 'reason', exc)}")
    return data, ctype or None


def fetch_url(url: str, allow_private: bool = False) -> bytes | ExtractionFailure:
    got = fetch_page(url, allow_private)
    return got if isinstance(got, ExtractionFailure) else got[0]


def read_input(value: str, allow_private: bool = False) -> bytes | ExtractionFailure:
    return fetch_url(value, allow_private) if is_url(value) else read_file(value)


def read_page(value: str, allow_private: bool = False) -> tuple[bytes, str | None] | ExtractionFailure:
    """(body, Content-Type or None) of a URL or a saved file."""
    if is_url(value):
        return fetch_page(value, allow_private)
    data = read_file(value)
    return data if isinstance(data, ExtractionFailure) else (data, None)
