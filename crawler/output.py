"""Moved to :mod:`audit.output`: ``newsaudit audit --out`` writes run directories with the crawl's writers."""

from audit.output import JsonlWriter, OutputError, dumps_line, new_run_id, run_directory, sanitize, write_json

__all__ = [
    "JsonlWriter",
    "OutputError",
    "dumps_line",
    "new_run_id",
    "run_directory",
    "sanitize",
    "write_json",
]
