"""Spiders of the newsaudit Scrapy project (only the generic, config-driven ``news``)."""
