"""Run a deployed Scrapyd egg from disk.

Scrapyd imports a deployed project straight from its zipped egg, but newsaudit reads
data files (site configs, schemas, lexicons, report templates) with ordinary paths,
which do not reach inside a zip. So when :mod:`crawler` finds itself imported from a
zip, the egg is unpacked once into a cache folder named by its content hash
(``NEWSAUDIT_EGG_CACHE``, default ``<tmp>/newsaudit-eggs``), put first on
``sys.path``, and ``crawler`` and ``audit`` are loaded from there: the deployed
version is the one that runs, data files included. Outside an egg this does nothing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path


def _containing_zip(path: Path) -> Path | None:
    for parent in path.parents:
        if parent.is_file() and zipfile.is_zipfile(parent):
            return parent
    return None


def unpack(egg: Path) -> Path:
    """The egg's contents on disk (unpacked once per distinct egg, safely under races)."""
    digest = hashlib.sha256(egg.read_bytes()).hexdigest()[:20]
    cache = Path(os.environ.get("NEWSAUDIT_EGG_CACHE") or Path(tempfile.gettempdir()) / "newsaudit-eggs")
    target = cache / digest
    if (target / ".complete").is_file():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{digest}.", dir=cache))
    with zipfile.ZipFile(egg) as archive:
        archive.extractall(staging)
    (staging / ".complete").touch()
    try:
        os.rename(staging, target)
    except OSError:  # another process unpacked the same egg first
        shutil.rmtree(staging, ignore_errors=True)
    return target


def package_path(package_dirs: list[str], name: str = "crawler") -> list[str]:
    """``__path__`` for ``crawler``: unchanged on disk, the unpacked copy inside an egg."""
    egg = _containing_zip(Path(package_dirs[0])) if package_dirs else None
    if egg is None:
        return package_dirs
    root = unpack(egg)
    sys.path.insert(0, str(root))
    for module in [m for m in sys.modules if m == "audit" or m.startswith("audit.")]:
        del sys.modules[module]  # imported from the zip before us: load it from disk instead
    return [str(root / name)]
