"""audit.charset: valid UTF-8 beats a legacy label that would turn it into mojibake
(templates keep <meta charset=windows-1252> long after the pages became UTF-8)."""

from __future__ import annotations

import pytest

from audit.charset import decode_html

TEXT = "Brandon Salim/©KapanLagi.com® — für nur 5,99 Euro, sanción, desdeña"


@pytest.mark.parametrize(
    ("meta", "header"),
    [("windows-1252", None), ("iso-8859-15", None), (None, "text/html; charset=iso-8859-1")],
)
def test_valid_utf8_under_a_legacy_label_is_read_as_utf8(meta, header):
    head = f'<meta charset="{meta}">' if meta else ""
    body = f"<html><head>{head}</head><body><p>{TEXT}</p></body></html>".encode()
    text, encoding, how = decode_html(body, header)
    assert TEXT in text and encoding == "utf-8" and how.startswith("utf-8-not-")


def test_real_legacy_text_keeps_its_label():
    body = f'<html><head><meta charset="windows-1252"></head><body><p>{TEXT}</p></body></html>'
    text, encoding, how = decode_html(body.encode("cp1252"), None)
    assert TEXT in text and (encoding, how) == ("cp1252", "meta")


def test_ascii_and_utf16_labels_are_left_alone():
    ascii_body = b'<html><head><meta charset="windows-1252"></head><body><p>plain</p></body></html>'
    assert decode_html(ascii_body, None)[1:] == ("cp1252", "meta")
    utf16 = "<html><body><p>für</p></body></html>".encode("utf-16-le")
    text, encoding, _how = decode_html(utf16, "text/html; charset=utf-16-le")
    assert "für" in text and encoding.startswith("utf-16")
