"""newsaudit auditor: a pure library (never imports Scrapy)."""
