"""The review server's secret, kept beside the decision store.

The CSRF token every form carries is derived from it, so a tab opened before a
restart still posts after it (a note typed into it is never refused). The file
(``review.secret`` beside ``review.sqlite3``) is created once, readable by its
owner only (0600), and reused by every later server on the same store.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

#: Bytes of randomness in a new secret (written as hex).
SECRET_BYTES = 32


def secret_path(db_path: Path | str) -> Path:
    """``output/review.sqlite3`` -> ``output/review.secret``."""
    return Path(db_path).with_suffix(".secret")


def _read(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="ascii").strip()
    except (FileNotFoundError, UnicodeDecodeError):
        return None
    return text if len(text) >= 2 * SECRET_BYTES and all(c in "0123456789abcdef" for c in text) else None


def load_or_create_secret(path: Path | str) -> str:
    """The secret in ``path``, created (0600) if there is none or it is unusable.

    A new secret is written to a private temporary file and linked into place, so
    two servers starting together agree on one secret and no reader sees half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    found = _read(path)
    if found is not None:
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            os.chmod(path, 0o600)  # never left readable by others
        return found
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(SECRET_BYTES) + "\n")
        try:
            os.link(tmp, path)  # fails if another server got there first
        except FileExistsError:
            if _read(path) is None:  # an unusable file: replace it
                os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    secret = _read(path)
    if secret is None:
        raise OSError(f"cannot create the review secret {path}")
    return secret


def csrf_token(secret: str) -> str:
    """The token the review forms carry, derived from the secret (stable across restarts)."""
    return hmac.new(secret.encode("ascii"), b"newsaudit-review-csrf", hashlib.sha256).hexdigest()
