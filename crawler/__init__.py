"""The Scrapy half of newsaudit: discovery, fetching and the feed writer.

It holds no auditing logic; every page goes through :mod:`audit` in the pipeline.
"""

from crawler.egg import package_path

# Inside a Scrapyd egg (a zip), run from an unpacked copy so data files are readable.
__path__ = package_path(list(__path__))
