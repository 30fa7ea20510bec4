"""``--warc``: archive every HTTP exchange of a run as WARC, with ``warcio``.

A Scrapy extension (on when ``NEWSAUDIT_WARC`` is true) writes
``<run-dir>/responses.warc.gz``: a ``warcinfo`` record, then for each response a
``response`` record and its ``request`` record (``WARC-Concurrent-To``), each with
``WARC-Target-URI`` and block and payload digests computed by warcio. The body is
the one the spider parsed: Scrapy has already undone any content coding, so
``Content-Encoding``/``Transfer-Encoding`` are dropped and ``Content-Length`` is the
stored length, keeping every record self-consistent for replay tools. Each record is
flushed as it is written, so a killed run leaves a readable archive up to its last
exchange.
"""

from __future__ import annotations

import logging
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import NotConfigured

from audit.model import SCHEMA_VERSION

logger = logging.getLogger(__name__)

WARC_FILENAME = "responses.warc.gz"
_DROP = {b"content-encoding", b"transfer-encoding", b"content-length"}


def _headers(raw: Any) -> list[tuple[str, str]]:
    out = []
    for key, values in raw.items():
        for value in values:
            out.append((key.decode("latin-1"), value.decode("latin-1")))
    return out


class WarcExtension:
    def __init__(self, crawler: Any) -> None:
        if not crawler.settings.getbool("NEWSAUDIT_WARC"):
            raise NotConfigured
        self.crawler = crawler
        self.handle: BinaryIO | None = None
        self.writer: Any = None
        self.path: Path | None = None
        self.records = 0

    @classmethod
    def from_crawler(cls, crawler: Any) -> WarcExtension:
        ext = cls(crawler)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def _open(self) -> bool:
        if self.writer is False:  # gave up after a write error
            return False
        if self.writer is not None:
            return True
        spider = self.crawler.spider
        run_dir = getattr(spider, "run_dir", None)
        if run_dir is None:  # the pipeline names the run directory when it opens
            return False
        from warcio.warcwriter import WARCWriter

        self.path = Path(run_dir) / WARC_FILENAME
        self.handle = self.path.open("ab")
        self.writer = WARCWriter(self.handle, gzip=True, warc_version="1.1")
        info = self.writer.create_warcinfo_record(
            WARC_FILENAME,
            {
                "software": "newsaudit (Scrapy, warcio)",
                "format": "WARC File Format 1.1",
                "isPartOf": getattr(spider, "run_id", ""),
                "newsaudit-site": spider.cfg.name,
                "newsaudit-schema-version": SCHEMA_VERSION,
            },
        )
        self._write(info)
        return True

    def _write(self, record: Any) -> None:
        assert self.writer is not None and self.handle is not None
        self.writer.write_record(record)
        self.handle.flush()
        self.records += 1

    def response_received(self, response: Any, request: Any, spider: Any = None) -> None:
        try:
            if self._open():
                self.archive(request, response)
        except OSError as exc:  # the archive is secondary: report, stop archiving, keep crawling
            logger.error("cannot write the WARC archive %s: %s; archiving stops here", self.path, exc)
            self.close()
            self.writer = False  # type: ignore[assignment]

    def archive(self, request: Any, response: Any) -> None:
        from warcio.statusandheaders import StatusAndHeaders

        body = response.body or b""
        reason = _reason(response.status)
        headers = [(k, v) for k, v in _headers(response.headers) if k.lower().encode() not in _DROP]
        headers.append(("Content-Length", str(len(body))))
        http = StatusAndHeaders(f"{response.status} {reason}", headers, protocol="HTTP/1.1")
        resp = self.writer.create_warc_record(
            response.url, "response", payload=BytesIO(body), http_headers=http
        )
        parts = urlsplit(request.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        req_headers = [("Host", parts.netloc), *_headers(request.headers)]
        req_http = StatusAndHeaders(f"{request.method} {target} HTTP/1.1", req_headers, is_http_request=True)
        req = self.writer.create_warc_record(
            request.url,
            "request",
            payload=BytesIO(request.body or b""),
            http_headers=req_http,
            warc_headers_dict={"WARC-Concurrent-To": resp.rec_headers.get_header("WARC-Record-ID")},
        )
        self._write(resp)
        self._write(req)

    def close(self) -> None:
        if self.handle is not None:
            self.handle.flush()
            self.handle.close()
            self.handle = None

    def spider_closed(self, spider: Any = None, reason: str = "") -> None:
        self.close()


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
