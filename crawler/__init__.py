"""The Scrapy half of newsaudit: discovery, fetching and the feed writer.

It holds no auditing logic; every page goes through :mod:`audit` in the pipeline.
"""
