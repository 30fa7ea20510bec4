"""``scrapy crawl news -a config=FILE``: Scrapy's own command, with the run's exit code.

Scrapy's command exits 0 unless the crawler failed to start, so a run of a site that
was down looked healthy to cron. This subclass keeps the crawler it starts and, once it
has finished, exits with :func:`crawler.health.exit_code` of the verdict the pipeline
left in the stats (``newsaudit/health``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from crawler.health import HEALTH_STAT, exit_code

if TYPE_CHECKING:
    import argparse


class Command(ScrapyCrawlCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("run 'scrapy crawl' with exactly one spider")
        assert self.crawler_process
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
            return
        status = crawler.stats.get_value(HEALTH_STAT) if crawler.stats else None
        if status is not None:
            self.exitcode = exit_code({"status": status})
