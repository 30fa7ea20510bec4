"""Moved to :mod:`audit.charset`: the crawler and ``newsaudit audit`` decode pages one way."""

from audit.charset import DEFAULT_LEGACY, LEGACY_ENCODINGS, binary_reason, decode_html

__all__ = ["DEFAULT_LEGACY", "LEGACY_ENCODINGS", "binary_reason", "decode_html"]
