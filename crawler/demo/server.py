"""Serve the demo site on 127.0.0.1 from a background thread.

``DemoServer(port=0).start()`` picks a free port (tests); the CLI uses 8808 so URLs
stay stable from run to run. Every request is kept in :attr:`DemoServer.requests`, so
a test can prove that a robots.txt-disallowed page was never fetched.
"""

from __future__ import annotations

import errno
import sys
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from crawler.demo.site import DemoSite

DEFAULT_PORT = 8808
HOST = "127.0.0.1"


class DemoServerError(RuntimeError):
    """The demo server cannot start (typically: the port is taken)."""


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str  # path and query as sent
    status: int
    user_agent: str


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def _respond(self, send_body: bool) -> None:
        path = urlsplit(self.path).path or "/"
        response = self.server.site.render(path)
        self.server.log(
            LoggedRequest(self.command, self.path, response.status, self.headers.get("User-Agent", ""))
        )
        self.send_response(response.status)
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


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: DemoSite

    def __init__(self, address: tuple[str, int]) -> None:
        super().__init__(address, _Handler)
        self.requests: list[LoggedRequest] = []
        self._lock = threading.Lock()

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client hanging up is normal
            super().handle_error(request, client_address)

    def log(self, entry: LoggedRequest) -> None:
        with self._lock:
            self.requests.append(entry)


class DemoServer:
    """Start/stop wrapper; also a context manager."""

    def __init__(self, port: int = DEFAULT_PORT, host: str = HOST) -> None:
        self.host = host
        self.port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def site(self) -> DemoSite:
        if self._server is None:
            raise DemoServerError("the demo server is not running")
        return self._server.site

    @property
    def requests(self) -> list[LoggedRequest]:
        if self._server is None:
            return []
        with self._server._lock:
            return list(self._server.requests)

    def start(self) -> DemoServer:
        try:
            server = _Server((self.host, self.port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise DemoServerError(
                    f"port {self.port} on {self.host} is already in use; stop whatever is using it "
                    f"or choose another port with --port"
                ) from exc
            raise DemoServerError(
                f"cannot serve the demo site on {self.host}:{self.port}: {exc.strerror}"
            ) from exc
        self.port = server.server_address[1]
        server.site = DemoSite(self.base_url)
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="newsaudit-demo", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._thread = None

    def __enter__(self) -> DemoServer:
        return self.start() if self._server is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()
