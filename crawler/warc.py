"""``--warc``: archive every HTTP exchange of a run as WARC, with ``warcio``.

A Scrapy extension (on when ``NEWSAUDIT_WARC`` is true) writes
``<run-dir>/<run-id>.warc.gz`` (unique per run, so a site's archives can be collected in
one place): a ``warcinfo`` record, then for each response a ``response`` record and its
``request`` record (``WARC-Concurrent-To``), each with ``WARC-Target-URI`` and block and
payload digests computed by warcio. A 304 to a conditional request has no body: it is
a ``revisit`` record (profile ``server-not-modified``) that refers to the earlier capture
(``WARC-Refers-To``, ``-Target-URI``, ``-Date``) found in the site's earlier run archives,
so a replay tool such as pywb shows the page, not an empty response. The body is
the one the spider parsed: Scrapy has already undone any content coding, so
``Content-Encoding``/``Transfer-Encoding`` are dropped and ``Content-Length`` is the
stored length, keeping every record self-consistent for replay tools. Each record is
flushed as it is written, so a killed run leaves a readable archive up to its last
exchange.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import NotConfigured

from audit.model import SCHEMA_VERSION

logger = logging.getLogger(__name__)

WARC_SUFFIX = ".warc.gz"
SERVER_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
_DROP = {b"content-encoding", b"transfer-encoding", b"content-length"}


def warc_filename(run_id: str) -> str:
    """The run's archive name: the run id is unique and sorts by time."""
    return f"{run_id}{WARC_SUFFIX}"


@dataclass(frozen=True)
class Capture:
    """An earlier ``200`` response record a revisit can refer to."""

    record_id: str
    date: str
    payload_digest: str | None


def earlier_captures(run_dir: Path) -> dict[str, Capture]:
    """URL -> its latest ``200`` capture in the archives of the other runs beside
    ``run_dir`` (runs of one site share an output directory). Unreadable archives are
    skipped with a warning: a revisit then names its URL but no date."""
    from warcio.archiveiterator import ArchiveIterator

    found: dict[str, Capture] = {}
    archives = sorted(p for p in run_dir.parent.glob(f"*/*{WARC_SUFFIX}") if p.parent != run_dir)
    for path in archives:  # run ids sort by time: later captures overwrite earlier ones
        try:
            with path.open("rb") as handle:
                for record in ArchiveIterator(handle):
                    if record.rec_type != "response" or record.http_headers is None:
                        continue
                    if record.http_headers.get_statuscode() != "200":
                        continue
                    headers = record.rec_headers
                    found[headers.get_header("WARC-Target-URI")] = Capture(
                        headers.get_header("WARC-Record-ID"),
                        headers.get_header("WARC-Date"),
                        headers.get_header("WARC-Payload-Digest"),
                    )
        except Exception as exc:  # noqa: BLE001 - a broken old archive must not stop this one
            logger.warning("cannot read the earlier archive %s for revisits: %s", path, exc)
    return found


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
        self._captures: dict[str, Capture] | None = None  # read on the first 304

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

        self.path = Path(run_dir) / warc_filename(spider.run_id)
        self.handle = self.path.open("ab")
        self.writer = WARCWriter(self.handle, gzip=True, warc_version="1.1")
        info = self.writer.create_warcinfo_record(
            self.path.name,
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
        if response.status == 304:
            resp = self.revisit(response.url, http)
        else:
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

    def revisit(self, url: str, http: Any) -> Any:
        """A ``server-not-modified`` revisit pointing at the URL's earlier capture."""
        if self._captures is None:
            assert self.path is not None
            self._captures = earlier_captures(self.path.parent)
        extra = {"WARC-Profile": SERVER_NOT_MODIFIED, "WARC-Refers-To-Target-URI": url}
        earlier = self._captures.get(url)
        if earlier is not None:
            extra["WARC-Refers-To"] = earlier.record_id
            extra["WARC-Refers-To-Date"] = earlier.date
            if earlier.payload_digest:
                extra["WARC-Payload-Digest"] = earlier.payload_digest
        return self.writer.create_warc_record(url, "revisit", http_headers=http, warc_headers_dict=extra)

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
