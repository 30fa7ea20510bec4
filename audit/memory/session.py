"""One object for callers (the audit command, the crawl pipeline, eval): open a
memory (a file, ``:memory:``, or a Redis URL for the memory shared by distributed
workers), audit articles against it in order, close it."""

from __future__ import annotations

from pathlib import Path

from audit.config import AuditConfig, default_config
from audit.engine import audit_article
from audit.memory.backend import is_redis, open_store
from audit.memory.judge import ArticlePrints, fingerprint_article, judge
from audit.memory.store import IN_MEMORY
from audit.model import Article, AuditResult, SiteContext


class SiteMemory:
    """A memory store (:mod:`audit.memory.backend`) and the audit config its thresholds come from."""

    def __init__(self, path: str | Path = IN_MEMORY, config: AuditConfig | None = None) -> None:
        self.config = config or default_config()
        self.backend = "redis" if is_redis(path) else "sqlite"
        self.store = open_store(path)
        try:
            self.articles_before = self.store.count()
        except BaseException:
            self.store.close()
            raise

    def judge(self, prints: ArticlePrints | None) -> SiteContext | None:
        """Judge fingerprints made elsewhere (a pool worker) and remember them."""
        return judge(self.store, prints, self.config)

    def audit(self, article: Article, config: AuditConfig | None = None) -> AuditResult:
        """Audit ``article`` against the pages remembered before it, then remember it."""
        config = config or self.config
        site = self.judge(fingerprint_article(article, self.config))
        return audit_article(article, config, site)

    def count(self) -> int:
        return self.store.count()

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> SiteMemory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
