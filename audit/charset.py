"""Decode an HTML page into text the way a careful reader would.

One path for every page: the crawler's responses, ``newsaudit audit``'s files, URLs
and WARC records, so the same bytes always become the same text.

Regional news servers mislabel their pages: a Latin-1 page served as
``charset=utf-8``, a Thai TIS-620 page with no label at all. Scrapy trusts the
``Content-Type`` header and replaces undecodable bytes with U+FFFD, which would put
mojibake into the feed. Here each declared encoding (header, then ``<meta>``) is
tried *strictly* (but valid non-ASCII UTF-8 beats a legacy single-byte label, which
"decodes" anything); when none decodes cleanly, UTF-8 is tried (tolerating a few
stray bytes in otherwise valid UTF-8), then the legacy encoding usual for the page's
language, and only then that encoding with replacement characters.

Binary bodies served as ``text/html`` (images, archives, PDFs) are recognised by
their magic numbers and control bytes, so they fail with a reason instead of being
"extracted".
"""

from __future__ import annotations

import codecs

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, resolve_encoding

#: The legacy single-byte encoding most pages in a language used before UTF-8.
LEGACY_ENCODINGS = {"th": "cp874", "vi": "cp1258", "ru": "cp1251", "el": "cp1253", "tr": "cp1254"}
DEFAULT_LEGACY = "cp1252"

_MAGIC = (
    b"\x89PNG",
    b"GIF87a",
    b"GIF89a",
    b"\xff\xd8\xff",  # JPEG
    b"%PDF-",
    b"PK\x03\x04",  # zip, docx, epub
    b"\x1f\x8b",  # gzip (a body the server compressed without saying so)
    b"\xfd7zXZ\x00",
    b"7z\xbc\xaf\x27\x1c",
    b"\x00\x00\x01\x00",  # ico
    b"\x7fELF",
    b"OggS",
    b"\x00asm",
)
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\x1b")  # ESC: ISO-2022 encodings


def binary_reason(body: bytes) -> str | None:
    """Why ``body`` is not text (None if it may well be): a magic number or control bytes."""
    head = body[:4096]
    if read_bom(head)[0] is not None:
        return None  # UTF-16/32 with a BOM has NULs but is text
    stripped = head.lstrip()
    for magic in _MAGIC:
        if stripped.startswith(magic):
            return f"starts with the signature {magic[:8]!r} of a binary format"
    if not head:
        return None
    controls = sum(1 for b in head if b < 0x20 and b not in _TEXT_CONTROLS)
    if b"\x00" in head or controls / len(head) > 0.05:
        return f"{controls} control bytes in the first {len(head)} bytes"
    return None


def _strict(body: bytes, encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _utf8_over_label(body: bytes, encoding: str | None) -> str | None:
    """The body as UTF-8 when it is valid, non-ASCII UTF-8 under a label naming an
    ASCII-compatible legacy encoding: templates keep ``<meta charset=windows-1252>``
    (and servers ``charset=iso-8859-1``) long after the pages became UTF-8, and
    windows-1252 "decodes" any bytes, into mojibake ("fÃ¼r"). Real legacy text almost
    never forms valid multi-byte UTF-8 sequences, so valid UTF-8 wins."""
    if not encoding or body.isascii():
        return None
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return None
    if name == "utf-8" or name.startswith(("utf-16", "utf-32")):
        return None
    return _strict(body, "utf-8")


def decode_html(body: bytes, content_type: str | None, language: str | None = None) -> tuple[str, str, str]:
    """(text, encoding, how) for an HTML body; ``how`` says which evidence won.

    Never raises: the last resort decodes with replacement characters.
    """
    bom, mark = read_bom(body)
    if bom is not None and mark:
        text = _strict(body[len(mark) :], bom)
        if text is not None:
            return text, bom, "bom"
    declared = [
        (
            "header",
            resolve_encoding(http_content_type_encoding(content_type) or "") if content_type else None,
        ),
        ("meta", resolve_encoding(html_body_declared_encoding(body) or "")),
    ]
    for how, encoding in declared:
        text = _strict(body, encoding)
        if text is not None:
            utf8 = _utf8_over_label(body, encoding)
            if utf8 is not None:
                return utf8, "utf-8", f"utf-8-not-{how}"
            return text, encoding or "", how
    text = _strict(body, "utf-8")
    if text is not None:
        return text, "utf-8", "utf-8"
    # Mostly valid UTF-8 with a few stray bytes: keep UTF-8 and lose only those bytes.
    # (Legacy single-byte text almost never forms valid multi-byte sequences.)
    lossy = body.decode("utf-8", errors="replace")
    bad = lossy.count("\ufffd") - body.count(b"\xef\xbf\xbd")
    good = sum(1 for ch in lossy if ord(ch) > 127) - lossy.count("\ufffd")
    if good > 0 and good >= bad:
        return lossy, "utf-8", "utf-8-lossy"
    legacy = LEGACY_ENCODINGS.get((language or "").split("-")[0].lower(), DEFAULT_LEGACY)
    text = _strict(body, legacy)
    if text is not None:
        return text, legacy, "language"
    return body.decode(legacy, errors="replace"), legacy, "lossy"
