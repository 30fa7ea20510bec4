"""Turn ``newsaudit audit``'s arguments into the ordered pages to audit.

An argument is a saved page, a URL, an archive (``.warc``, ``.warc.gz``, ``.wacz``),
a folder (searched recursively, in sorted path order, for the extensions in
:data:`FOLDER_EXTENSIONS`; other files there are not inputs), ``-`` (a list of paths
or URLs on stdin) or ``@FILE`` (the same list in a file). Lists hold one path or URL
per line; blank lines and lines starting with ``#`` are skipped.

The order is the order of the arguments, then of the list lines, the folder's paths
and each archive's records, so output order never depends on how the work is split.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from audit.archives import archive_pages, is_wacz, is_warc
from audit.inputs import is_url
from audit.model import ExtractionFailure
from audit.pages import Page

FOLDER_EXTENSIONS = (".html", ".htm", ".html.gz", ".warc", ".warc.gz", ".wacz")


def _list_lines(handle: IO[str]) -> list[str]:
    return [s for s in (line.strip() for line in handle) if s and not s.startswith("#")]


def _folder(path: Path) -> list[str]:
    found = [p for p in path.rglob("*") if p.is_file() and p.name.lower().endswith(FOLDER_EXTENSIONS)]
    return [str(p) for p in sorted(found)]


def expand(values: Iterable[str], stdin: IO[str] | None = None, _depth: int = 0) -> Iterator[str | Page]:
    """Each argument as input names (files, archives, URLs) in order; a list that
    cannot be read becomes a failed page."""
    for value in values:
        if value == "-":
            yield from expand(_list_lines(stdin or sys.stdin), stdin, _depth + 1)
        elif value.startswith("@") and len(value) > 1 and _depth < 8:
            try:
                with open(value[1:], encoding="utf-8") as handle:
                    names = _list_lines(handle)
            except (OSError, UnicodeDecodeError) as exc:
                failure = ExtractionFailure("unreadable", f"cannot read the list {value[1:]}: {exc}")
                yield Page.failed(value, None, failure)
                continue
            yield from expand(names, stdin, _depth + 1)
        elif not is_url(value) and Path(value).is_dir():
            yield from _folder(Path(value))
        else:
            yield value


def pages(values: Iterable[str], stdin: IO[str] | None = None) -> Iterator[Page]:
    """The pages to audit, in input order: one per file or URL, one per archived capture."""
    for item in expand(values, stdin):
        if isinstance(item, Page):
            yield item
        elif not is_url(item) and (is_warc(item) or is_wacz(item)):
            yield from archive_pages(item)
        else:
            yield Page(item, item if is_url(item) else None)
