"""What went wrong with a SQLite file, in the words an operator can act on.

The state database (``crawler/state.py``) and the site memory (``audit/memory``)
meet the same three troubles: another process holds the file, the file cannot be
written, or it is not a database we wrote. Each store words its own advice; the
classification lives here once.
"""

from __future__ import annotations

import sqlite3
from typing import Literal

Problem = Literal["locked", "unwritable", "corrupt"]

_UNWRITABLE = ("readonly", "unable to open", "disk I/O", "disk is full")


def classify(exc: sqlite3.Error) -> Problem:
    """``locked`` (another process holds it), ``unwritable`` (permissions, disk) or
    ``corrupt`` (anything else: not a database, or a damaged one)."""
    message = str(exc)
    if "locked" in message or "busy" in message:
        return "locked"
    if any(s in message for s in _UNWRITABLE):
        return "unwritable"
    return "corrupt"
