"""Scrapy commands of this project (``COMMANDS_MODULE``): ``scrapy crawl`` ends with the
same health exit code as ``newsaudit crawl``, so a cron job calling Scrapy directly learns
that its site was down too."""
