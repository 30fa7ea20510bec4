"""One clear line, not a traceback, when a site's robots.txt cannot be fetched.

Scrapy's RobotsTxtMiddleware logs that failure at ERROR with the full exception
chain, twice for a site that is down. It is not a crash: the middleware then crawls
as if robots.txt allowed everything, and the page fetches that follow record their
own failures. So the record is rewritten in place as a one-line warning.
"""

from __future__ import annotations

import logging

ROBOTS_LOGGER = "scrapy.downloadermiddlewares.robotstxt"


class RobotsFetchFailure(logging.Filter):
    """Rewrites "Error downloading <robots.txt>" records as one-line warnings."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR and str(record.msg).startswith("Error downloading"):
            error = record.exc_info[1] if record.exc_info else None
            args = record.args if isinstance(record.args, dict) else {}
            request = args.get("request", "?")
            cause = args.get("f_exception", error)
            record.msg = (
                "robots.txt could not be fetched for %s (%s: %s); crawling as if it allowed everything"
            )
            record.args = (request, type(cause).__name__, cause)
            record.exc_info = None
            record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def install() -> None:
    """Attach the filter once (idempotent: every spider of a process calls it)."""
    logger = logging.getLogger(ROBOTS_LOGGER)
    if not any(isinstance(f, RobotsFetchFailure) for f in logger.filters):
        logger.addFilter(RobotsFetchFailure())
