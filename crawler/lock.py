"""One run per site at a time: an advisory ``flock`` on a lock file beside the state.

The kernel drops the lock when its holder dies (even by SIGKILL), so a crashed run
never blocks the next one, while a live one makes a second run stop at once, before
it touches the state. Within one process the lock is re-entrant: the CLI takes it
before starting Scrapy and the pipeline takes it again for ``scrapy crawl`` and
Scrapyd runs, which have no CLI in front of them.
"""

from __future__ import annotations

import fcntl
import os
import re
import threading
from pathlib import Path

_held: dict[Path, list[int]] = {}  # resolved path -> [fd, depth]
_guard = threading.Lock()


class LockBusy(RuntimeError):
    """Another live run holds the lock; the message names it."""


def lock_path(state_dir: str | Path, site: str) -> Path:
    # Site names are validated slugs already; re-slug so no name can point outside state_dir.
    slug = re.sub(r"[^a-z0-9_-]+", "-", site.lower()).strip("-") or "site"
    return Path(state_dir) / f".newsaudit-{slug}.lock"


class RunLock:
    """A held lock; :meth:`release` (or leaving the ``with`` block) gives it back."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._released = False

    def release(self) -> None:
        if self._released:
            return
        self._released = True
        with _guard:
            entry = _held.get(self.path)
            if entry is None:
                return
            entry[1] -= 1
            if entry[1] == 0:
                del _held[self.path]
                fcntl.flock(entry[0], fcntl.LOCK_UN)
                os.close(entry[0])

    def __enter__(self) -> RunLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def acquire(path: str | Path, what: str) -> RunLock:
    """Take the lock at ``path`` without waiting; :class:`LockBusy` if another process has it."""
    path = Path(path).resolve()
    with _guard:
        if path in _held:
            _held[path][1] += 1
            return RunLock(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "unknown"
            os.close(fd)
            raise LockBusy(
                f"another newsaudit run of {what} is in progress ({holder}; lock file {path}). This run stops "
                f"without touching the state or the output; run it again when the other one has finished"
            ) from None
        except OSError:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}".encode(), 0)
        _held[path] = [fd, 1]
        return RunLock(path)
