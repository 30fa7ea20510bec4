"""A threaded HTTP server on 127.0.0.1 that logs what it served.

The demo site, the fault-injection site and the generated bulk site all need the
same thing: serve a site object from a daemon thread on a (possibly random) loopback
port, keep a thread-safe log of requests for tests to inspect, stop cleanly, and say
clearly when the port is taken. They differ only in their request handler and site.
"""

from __future__ import annotations

import errno
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, Generic, Self, TypeVar

HOST = "127.0.0.1"

SiteT = TypeVar("SiteT")


class ServerError(RuntimeError):
    """A loopback server cannot start (typically: the port is taken)."""


class RecordingHTTPServer(ThreadingHTTPServer):
    """Holds the site being served and a log of what each request was answered."""

    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[BaseHTTPRequestHandler],
        site_factory: Callable[[str], Any],
    ) -> None:
        super().__init__(address, handler)
        self.site = site_factory(f"http://{address[0]}:{self.server_address[1]}")
        self.requests: list[Any] = []
        self._lock = threading.Lock()

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client hanging up is normal
            super().handle_error(request, client_address)

    def log(self, entry: Any) -> None:
        with self._lock:
            self.requests.append(entry)

    def logged(self) -> list[Any]:
        with self._lock:
            return list(self.requests)


class LoopbackServer(Generic[SiteT]):
    """Start/stop wrapper (and context manager) around a :class:`RecordingHTTPServer`.
    Subclasses name their handler and build their site in :meth:`make_site`."""

    handler: ClassVar[type[BaseHTTPRequestHandler]]
    thread_name: ClassVar[str] = "newsaudit-loopback"
    error: ClassVar[type[ServerError]] = ServerError

    def __init__(self, port: int = 0, host: str = HOST) -> None:
        self.host = host
        self.port = port
        self._server: RecordingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def make_site(self, base_url: str) -> SiteT:
        raise NotImplementedError

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def site(self) -> SiteT:
        if self._server is None:
            raise self.error(f"the {self.thread_name} server is not running")
        return self._server.site

    @property
    def requests(self) -> list[Any]:
        """What was served so far, in order (a copy)."""
        return self._server.logged() if self._server is not None else []

    def start(self) -> Self:
        try:
            server = RecordingHTTPServer((self.host, self.port), self.handler, self.make_site)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise self.error(
                    f"port {self.port} on {self.host} is already in use; stop whatever is using it "
                    f"or choose another port with --port"
                ) from exc
            raise self.error(f"cannot serve on {self.host}:{self.port}: {exc.strerror}") from exc
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name=self.thread_name, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._thread = None

    def __enter__(self) -> Self:
        return self.start() if self._server is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()
