"""audit.sqlite_errors: real SQLite failures sorted into what an operator can do."""

from __future__ import annotations

import sqlite3

from audit.sqlite_errors import classify


def _error(action) -> sqlite3.Error:
    try:
        action()
    except sqlite3.Error as exc:
        return exc
    raise AssertionError("no sqlite3 error raised")


def test_a_file_held_by_another_connection_is_locked(tmp_path):
    path = tmp_path / "held.sqlite"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    other = sqlite3.connect(path, timeout=0)
    try:
        assert classify(_error(lambda: other.execute("SELECT * FROM t").fetchall())) == "locked"
    finally:
        other.close()
        holder.close()


def test_a_file_that_is_not_a_database_is_corrupt_and_a_read_only_one_unwritable(tmp_path):
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"this is not a database, just text " * 100)
    conn = sqlite3.connect(garbage)
    assert classify(_error(lambda: conn.execute("SELECT * FROM sqlite_master").fetchall())) == "corrupt"
    conn.close()
    good = tmp_path / "good.sqlite"
    sqlite3.connect(good).execute("CREATE TABLE t (x)").connection.close()
    ro = sqlite3.connect(f"file:{good}?mode=ro", uri=True)
    assert classify(_error(lambda: ro.execute("INSERT INTO t VALUES (1)"))) == "unwritable"
    ro.close()
