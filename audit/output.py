"""Run ids, run directories and the JSONL writer.

A run directory is ``<output-dir>/<run-id>/``; the run id is built from a UTC
timestamp, a site name (already a validated slug, re-checked here) and a random
suffix, and the resolved path is checked to stay inside the output directory.

Each JSONL record is written with a single ``os.write`` of a complete line to a file
opened with ``O_APPEND``, so a crash can lose the last record but never leave half
of one for the next run to trip over.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from audit.records import json_line, sanitize

_SLUG = re.compile(r"[^a-z0-9_-]+")


class OutputError(OSError):
    """The output directory cannot be used; the message says which path and why."""


def new_run_id(site: str, now: datetime | None = None) -> str:
    """``20260101T120000Z-demo-1a2b3c``: sortable by time, unique per run."""
    now = now or datetime.now(UTC)
    slug = _SLUG.sub("-", site.lower()).strip("-")[:40] or "site"
    return f"{now.strftime('%Y%m%dT%H%M%SZ')}-{slug}-{secrets.token_hex(3)}"


def run_directory(output_dir: str | Path, run_id: str) -> Path:
    """Create ``output_dir/run_id`` and refuse any id that would land outside it."""
    base = Path(output_dir).resolve()
    if not run_id or "/" in run_id or "\\" in run_id or run_id in (".", ".."):
        raise OutputError(f"run id {run_id!r} is not a plain directory name")
    target = (base / run_id).resolve()
    if not target.is_relative_to(base) or target == base:
        raise OutputError(f"run directory {target} escapes the output directory {base}")
    try:
        target.mkdir(parents=True, exist_ok=False)
    except FileExistsError:
        raise OutputError(f"run directory {target} already exists") from None
    except OSError as exc:
        raise OutputError(f"cannot create run directory {target}: {exc.strerror}") from exc
    return target


def dumps_line(record: dict[str, Any]) -> bytes:
    return json_line(record).encode("utf-8")


class JsonlWriter:
    """Append-only JSON Lines file; one ``os.write`` per complete record."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.count = 0
        try:
            self._fd: int | None = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        except OSError as exc:
            raise OutputError(f"cannot open {self.path} for writing: {exc.strerror}") from exc

    def write(self, record: dict[str, Any]) -> None:
        self.write_line(dumps_line(record))

    def write_line(self, data: bytes) -> None:
        """Append one complete line already serialised by :func:`dumps_line` (e.g. in a pool worker)."""
        if self._fd is None:
            raise OutputError(f"{self.path} is closed")
        view = memoryview(data)
        start = os.lseek(self._fd, 0, os.SEEK_END)
        try:
            while view:  # a regular file takes it in one go; loop only for pathological short writes
                written = os.write(self._fd, view)
                view = view[written:]
        except OSError as exc:  # disk full, quota, I/O error: take back a partial line
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, start)
            raise OutputError(f"cannot write to {self.path}: {exc.strerror or exc}") from exc
        self.count += 1

    def sync(self) -> None:
        """Make every record written so far durable (before the state may point past it)."""
        if self._fd is not None:
            try:
                os.fsync(self._fd)
            except OSError as exc:
                raise OutputError(f"cannot sync {self.path} to disk: {exc.strerror or exc}") from exc

    def close(self) -> None:
        if self._fd is not None:
            os.fsync(self._fd)  # the run is only reported finished once its records are on disk
            os.close(self._fd)
            self._fd = None


def write_json(path: str | Path, data: dict[str, Any]) -> None:
    """Write a JSON document atomically (temp file + rename)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(sanitize(data), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
