"""Serve the demo site on 127.0.0.1 from a background thread.

``DemoServer(port=0).start()`` picks a free port (tests); the CLI uses 8808 so URLs
stay stable from run to run. Every request is kept in :attr:`DemoServer.requests`, so
a test can prove that a robots.txt-disallowed page was never fetched.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

from crawler.demo.site import DemoSite, Response
from crawler.loopback import HOST, LoopbackServer, RecordingHTTPServer, ServerError

DEFAULT_PORT = 8808


class DemoServerError(ServerError):
    """The demo server cannot start (typically: the port is taken)."""


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str  # path and query as sent
    status: int
    user_agent: str
    if_none_match: str | None = None
    if_modified_since: str | None = None


class _Handler(BaseHTTPRequestHandler):
    server: RecordingHTTPServer
    protocol_version = "HTTP/1.1"

    def _respond(self, send_body: bool) -> None:
        path = urlsplit(self.path).path or "/"
        response = self.server.site.render(path)
        validators = _validators(response, self.server.site, path)
        status = 304 if validators and _not_modified(self.headers, validators) else response.status
        self.server.log(
            LoggedRequest(
                self.command,
                self.path,
                status,
                self.headers.get("User-Agent", ""),
                self.headers.get("If-None-Match"),
                self.headers.get("If-Modified-Since"),
            )
        )
        self.send_response(status)
        for key, value in validators.items():
            self.send_header(key, value)
        if status == 304:  # no body, no Content-Type: the client's copy is current
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for key, value in response.headers.items():
            self.send_header(key, value)
        self.end_headers()
        if send_body:
            self.wfile.write(response.body)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._respond(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(send_body=False)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # requests are kept in DemoServer.requests instead of spamming stderr


def _validators(response: Response, site: DemoSite, path: str) -> dict[str, str]:
    """ETag (from the body, so stable across restarts) and, for articles, Last-Modified
    (from the article's date): what a real news site sends, so re-runs can be conditional."""
    if response.status != 200:
        return {}
    headers = {"ETag": '"' + hashlib.sha256(response.body).hexdigest()[:20] + '"'}
    article = site.by_path.get(path)
    if article is not None and article.date:
        try:
            day = datetime.strptime(article.date[:10], "%Y-%m-%d").replace(tzinfo=UTC)
        except ValueError:
            return headers
        headers["Last-Modified"] = format_datetime(day, usegmt=True)
    return headers


def _not_modified(request: Message, validators: dict[str, str]) -> bool:
    """RFC 9110: If-None-Match wins over If-Modified-Since when both are sent."""
    if_none_match = request.get("If-None-Match")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in tags or validators["ETag"] in tags
    since, modified = request.get("If-Modified-Since"), validators.get("Last-Modified")
    if since and modified:
        try:
            return parsedate_to_datetime(modified) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


class DemoServer(LoopbackServer[DemoSite]):
    """The demo site on 127.0.0.1 (default port 8808); also a context manager."""

    handler = _Handler
    thread_name = "newsaudit-demo"
    error = DemoServerError

    def __init__(self, port: int = DEFAULT_PORT, host: str = HOST, variant: str = "normal") -> None:
        super().__init__(port, host)
        self.variant = variant

    def make_site(self, base_url: str) -> DemoSite:
        return DemoSite(base_url, variant=self.variant)

    def use_variant(self, variant: str) -> None:
        """Serve the same articles in another template from now on (a site's redesign)."""
        site = DemoSite(self.base_url, articles=self.site.articles, variant=variant)
        self.variant = variant
        assert self._server is not None
        self._server.site = site
