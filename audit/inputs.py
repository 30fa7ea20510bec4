"""Read an audit input: a saved ``.html``/``.html.gz`` file or an http(s) URL.

Reading never raises; it returns bytes or an :class:`~audit.model.ExtractionFailure`.
URLs pointing at private, loopback or link-local addresses are refused unless
``allow_private`` is set, so the CLI cannot be turned against the local network.
"""

from __future__ import annotations

import gzip
import ipaddress
import socket
import urllib.error
import urllib.request
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
            with gzip.GzipFile(fileobj=__import__("io").BytesIO(data)) as gz:
                data = gz.read(MAX_HTML_BYTES + 1)
        except (OSError, EOFError) as exc:
            return ExtractionFailure("bad_gzip", f"{path}: {exc}")
    return data


def fetch_url(url: str, allow_private: bool = False) -> bytes | ExtractionFailure:
    host = urlsplit(url).hostname or ""
    if not allow_private and _private_host(host):
        return ExtractionFailure(
            "private_address",
            f"{host} resolves to a private/loopback address; pass --allow-private to audit it",
        )
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:  # noqa: S310 - scheme checked
            ctype = response.headers.get("Content-Type", "")
            if ctype and "html" not in ctype and "xml" not in ctype and "text" not in ctype:
                return ExtractionFailure("not_html", f"Content-Type is {ctype}")
            data = response.read(MAX_HTML_BYTES + 1)
    except urllib.error.HTTPError as exc:
        return ExtractionFailure(f"http_{exc.code}", f"{url}: HTTP {exc.code} {exc.reason}")
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        return ExtractionFailure("fetch_error", f"{url}: {getattr(exc, 'reason', exc)}")
    return data


def read_input(value: str, allow_private: bool = False) -> bytes | ExtractionFailure:
    return fetch_url(value, allow_private) if is_url(value) else read_file(value)
