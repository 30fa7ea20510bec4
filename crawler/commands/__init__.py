"""``newsaudit`` subcommands that need the crawler (``crawl``, ``demo``, ``serve-demo``)."""
