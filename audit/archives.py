"""Read web archives (WARC, WARC.gz, WACZ) into pages to audit, one per capture.

Every HTTP ``response`` record becomes exactly one :class:`~audit.pages.Page`: its
body to audit, or a failure saying why it cannot be audited (``not_html``,
``http_404``, ``truncated_record``...). ``revisit`` records are failures
(``warc_revisit``): they hold no payload, and the capture they point to is audited
where it is stored, so resolving them would only audit the same bytes twice.
``request``, ``metadata``, ``warcinfo``, ``resource`` and ``conversion`` records are
not captures of a page and produce nothing.

A damaged archive never raises: a torn gzip member, a record that does not parse
or a file cut short ends the file with one failure naming the offset where reading
stopped (nothing after it can be located reliably): ``bad_gzip``,
``truncated_record`` or ``bad_warc_record``; a WACZ that is not a readable zip, or
holds no ``archive/*.warc[.gz]``, is one ``bad_wacz``.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from typing import IO, Any

from audit.extract import MAX_HTML_BYTES
from audit.model import ExtractionFailure
from audit.pages import Page

#: Content types audited as pages; anything else is ``not_html``.
HTML_TYPES = ("text/html", "application/xhtml+xml")
#: Record types that are not captures of a page (no output for them).
NOT_CAPTURES = frozenset({"request", "metadata", "warcinfo", "resource", "conversion", "continuation"})


def is_warc(name: str) -> bool:
    return name.lower().endswith((".warc", ".warc.gz"))


def is_wacz(name: str) -> bool:
    return name.lower().endswith(".wacz")


def _status(http_headers: Any) -> int | None:
    code = http_headers.get_statuscode() if http_headers is not None else None
    try:
        return int(code) if code else None
    except ValueError:
        return None


def _capture(record: Any, source: str) -> Page:
    """One response or revisit record as a page (or its failure)."""
    headers = record.rec_headers
    url = headers.get_header("WARC-Target-URI") or None
    fetched_at = headers.get_header("WARC-Date") or None
    if record.rec_type == "revisit":
        refers = headers.get_header("WARC-Refers-To-Target-URI") or url
        when = headers.get_header("WARC-Refers-To-Date") or "an earlier capture"
        detail = f"revisit record: the payload is stored with {refers} ({when}), audited there"
        return Page.failed(source, url, ExtractionFailure("warc_revisit", detail), fetched_at=fetched_at)
    http = record.http_headers
    status = _status(http)
    ctype = http.get_header("Content-Type") if http is not None else None
    if headers.get_header("WARC-Truncated"):
        reason = headers.get_header("WARC-Truncated")
        failure = ExtractionFailure("truncated_record", f"the archiver truncated this record ({reason})")
        return Page.failed(source, url, failure, fetched_at=fetched_at, http_status=status)
    if status is not None and status != 200:
        failure = ExtractionFailure(f"http_{status}", f"the archived response is HTTP {status}")
        return Page.failed(source, url, failure, fetched_at=fetched_at, http_status=status)
    if not ctype or ctype.split(";")[0].strip().lower() not in HTML_TYPES:
        failure = ExtractionFailure("not_html", f"Content-Type {ctype or '(none)'}")
        return Page.failed(source, url, failure, fetched_at=fetched_at, http_status=status)
    body = record.content_stream().read(MAX_HTML_BYTES + 1)
    if record.raw_stream.limit > 0 and len(body) <= MAX_HTML_BYTES:
        missing = record.raw_stream.limit
        failure = ExtractionFailure(
            "truncated_record", f"the record ends {missing} bytes short of its length"
        )
        return Page.failed(source, url, failure, fetched_at=fetched_at, http_status=status)
    return Page(source, url, body=body, content_type=ctype, http_status=status, fetched_at=fetched_at)


CHUNK = 1 << 20


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK):
        yield chunk


def _gzip_damage(stream: IO[bytes]) -> ExtractionFailure | None:
    """Decompress the rest of the file member by member, a chunk at a time (never all
    of it in memory, output bounded per call): corrupt, cut short, or None if whole."""
    member, fed = zlib.decompressobj(wbits=31), False
    try:
        for chunk in _chunks(stream):
            data = chunk
            while data:
                member.decompress(data, CHUNK)
                fed = True
                if member.eof:
                    data = member.unused_data
                    member, fed = zlib.decompressobj(wbits=31), False
                else:
                    data = member.unconsumed_tail
    except zlib.error as exc:
        return ExtractionFailure("bad_gzip", f"corrupt gzip data: {exc}")
    if fed:
        return ExtractionFailure("truncated_record", "the file ends inside a gzip member (cut short)")
    return None


def _damage(
    stream: IO[bytes], end: int, gz: bool, exc: BaseException | None = None
) -> ExtractionFailure | None:
    """Why reading stopped at byte ``end`` (after the last whole record), or None when
    nothing but padding follows it and nothing went wrong."""
    stream.seek(end)
    if gz:
        damage = _gzip_damage(stream)
        if damage is not None:
            return damage
        if exc is None:
            stream.seek(end)
            if not stream.read(1):
                return None
            return ExtractionFailure(
                "bad_warc_record", "gzip members after the last record hold no WARC record"
            )
    elif exc is None:
        if not any(chunk.strip(b"\r\n\x00 \t") for chunk in _chunks(stream)):
            return None
        return ExtractionFailure("truncated_record", "the file ends inside a record")
    if isinstance(exc, EOFError):
        return ExtractionFailure("truncated_record", f"the file ends inside a record: {exc}")
    return ExtractionFailure("bad_warc_record", f"{type(exc).__name__}: {exc}")


def warc_pages(stream: IO[bytes], name: str) -> Iterator[Page]:
    """Pages from one seekable WARC stream (plain or gzipped), read record by record;
    ``name`` prefixes each source (``name#offset``, the record's byte offset)."""
    from warcio.archiveiterator import ArchiveIterator

    start = stream.tell()
    gz = stream.read(2) == b"\x1f\x8b"
    stream.seek(start)
    end = start  # where the last whole record ends
    iterator = ArchiveIterator(stream, check_digests=False)
    try:
        for record in iterator:
            offset = iterator.offset  # where this record starts (get_record_offset() would consume it)
            if record.format != "warc":  # warcio reads any text as an ARC record; we read WARC only
                failure = ExtractionFailure("bad_warc_record", f"not a WARC record ({record.format} format)")
                yield Page.failed(f"{name}#{offset}", None, failure)
                return
            if record.rec_type not in NOT_CAPTURES:
                yield _capture(record, f"{name}#{offset}")
            iterator.read_to_end(record)
            end = offset + iterator.get_record_length()
    except Exception as exc:  # noqa: BLE001 - a damaged archive is a record, never a traceback
        damage = _damage(stream, end, gz, exc)
        assert damage is not None  # with an exception, there is always a reason
        yield Page.failed(f"{name}#{end}", None, damage)
        return
    damage = _damage(stream, end, gz)
    if damage is not None:
        yield Page.failed(f"{name}#{end}", None, damage)


def wacz_pages(path: str, handle: IO[bytes] | None = None) -> Iterator[Page]:
    """Pages from every ``archive/*.warc[.gz]`` inside a WACZ, in name order;
    sources read ``file.wacz!archive/data.warc.gz#offset``. ``handle``: read this
    seekable stream (e.g. a remote file) instead of opening ``path``."""
    try:
        with zipfile.ZipFile(handle if handle is not None else path) as wacz:
            names = sorted(n for n in wacz.namelist() if n.startswith("archive/") and is_warc(n))
            if not names:
                failure = ExtractionFailure("bad_wacz", "no archive/*.warc or *.warc.gz inside")
                yield Page.failed(path, None, failure)
                return
            for member in names:
                with wacz.open(member) as handle:
                    yield from warc_pages(handle, f"{path}!{member}")
    except (zipfile.BadZipFile, OSError, zlib.error, EOFError) as exc:
        yield Page.failed(path, None, ExtractionFailure("bad_wacz", f"not a readable zip: {exc}"))


def archive_pages(path: str) -> Iterator[Page]:
    """Pages from a ``.warc``, ``.warc.gz`` or ``.wacz`` file (failures included)."""
    if is_wacz(path):
        yield from wacz_pages(path)
        return
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below, after the generator is drained
    except FileNotFoundError:
        yield Page.failed(path, None, ExtractionFailure("not_found", f"no such file: {path}"))
        return
    except OSError as exc:
        yield Page.failed(path, None, ExtractionFailure("unreadable", f"{path}: {exc.strerror}"))
        return
    with handle:
        yield from warc_pages(handle, path)
