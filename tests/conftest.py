"""Shared fixtures: loopback HTTP servers (tests never touch the live web).

``loopback_server`` serves a dict of routes you give it; ``demo_server`` serves the
bundled demo news site. Both bind 127.0.0.1 on a free port and keep a log of every
request, so a test can assert what was (and was not) fetched.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from tests.redis_service import redis_server  # noqa: F401 (a fixture for the service tests)

#: A route: (status, content type, body) or a callable returning one.
Route = tuple[int, str, bytes] | Callable[[], tuple[int, str, bytes]]


class _QuietServer(ThreadingHTTPServer):
    """A client hanging up (a crawler's timeout) is normal here, not a traceback."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@dataclass
class LoopbackServer:
    """A tiny route table on 127.0.0.1; unknown paths are 404."""

    routes: dict[str, Route]
    requests: list[str] = field(default_factory=list)
    port: int = 0
    _httpd: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def start(self) -> LoopbackServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802
                server.requests.append(self.path)
                route = server.routes.get(urlsplit(self.path).path)
                if route is None:
                    status, ctype, body = 404, "text/html", b"<html><body>not found</body></html>"
                else:
                    status, ctype, body = route() if callable(route) else route
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.port = self._httpd.server_address[1]
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None


@pytest.fixture
def loopback_server() -> Iterator[Callable[[dict[str, Route]], LoopbackServer]]:
    """Factory fixture: ``server = loopback_server({"/": (200, "text/html", b"...")})``."""
    started: list[LoopbackServer] = []

    def make(routes: dict[str, Route]) -> LoopbackServer:
        server = LoopbackServer(dict(routes)).start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


@pytest.fixture
def demo_server() -> Iterator[object]:
    """The bundled demo news site on a free loopback port (``crawler.demo.server.DemoServer``)."""
    from crawler.demo.server import DemoServer

    server = DemoServer(port=0).start()
    try:
        yield server
    finally:
        server.stop()
