"""Site memory: what a crawl has already seen, so a page is judged against its site.

A line on every page of a site is template; a paragraph that is the body of
another article was pasted from it. :mod:`.fingerprint` turns paragraphs into
MinHash signatures and LSH band keys (pure, runs in pool workers),
:mod:`.store` keeps them in SQLite with the band keys indexed (a lookup is one
indexed query per paragraph, whatever the memory holds), and :mod:`.judge`
turns a lookup into the :class:`~audit.model.SiteContext` the engine hands to
the site rules. Nothing here imports Scrapy.
"""
