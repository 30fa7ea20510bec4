"""A page to audit: where it came from, and its bytes or why there are none.

One :class:`Page` per input record (a saved file, a URL, a WARC capture), so every
input gets exactly one output. Pages are small and picklable: they travel to the
pool workers (:mod:`audit.workers`). A file or URL page carries no body yet; the
worker reads it (:meth:`Page.load`), so reading runs in parallel too.
"""

from __future__ import annotations

from dataclasses import dataclass

from audit.charset import binary_reason, decode_html
from audit.model import ExtractionFailure


@dataclass(frozen=True)
class Page:
    source: str  #: the path, URL or ``archive#offset`` the record came from
    url: str | None = None  #: the page's URL (a URL input, or the WARC-Target-URI)
    body: bytes | None = None  #: None: still to be read from ``source`` (file or URL)
    content_type: str | None = None
    http_status: int | None = None
    fetched_at: str | None = None  #: when it was captured (WARC-Date), if known
    failure: ExtractionFailure | None = None

    @classmethod
    def failed(cls, source: str, url: str | None, failure: ExtractionFailure, **kw: object) -> Page:
        return cls(source, url, failure=failure, **kw)  # type: ignore[arg-type]

    def load(self, allow_private: bool = False) -> Page:
        """This page with its body read (file or URL), or with the failure to read it."""
        if self.body is not None or self.failure is not None:
            return self
        from audit.inputs import is_url, read_page

        got = read_page(self.source, allow_private=allow_private)
        if isinstance(got, ExtractionFailure):
            return Page.failed(self.source, self.url, got)
        body, content_type = got
        url = self.url or (self.source if is_url(self.source) else None)
        return Page(self.source, url, body=body, content_type=content_type, http_status=self.http_status)


def decode(body: bytes, content_type: str | None, language: str | None) -> str | ExtractionFailure:
    """The page's text by the crawler's own decoding path (:mod:`audit.charset`), so a
    page audited from a file, a URL or a WARC reads exactly as the crawl read it."""
    if not body.strip():
        return ExtractionFailure("empty_body", "the page has no content")
    binary = binary_reason(body)
    if binary is not None:
        return ExtractionFailure("binary_content", f"the body is not text: {binary}")
    text, _encoding, _how = decode_html(body, content_type, language)
    return text
