"""Is a finished run healthy? A verdict, its reasons and the exit code it maps to.

Cron and Scrapyd only see an exit code and a log, so a run that reached nothing, or
discovered nothing, must not end like a good one. The verdict is computed from the
run's own counts (``run.json``), so it reads the same from ``newsaudit crawl``,
``scrapy crawl`` and a Scrapyd job; both commands turn it into an exit code (the
pipeline leaves it in the crawl stats as :data:`HEALTH_STAT` for ``scrapy crawl``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

#: Exit codes of ``newsaudit crawl``, documented in the README. 1-3 predate health:
#: 1 the run could not write its output (or lost Redis), 2 a usage or config error,
#: 3 another run of the same site holds its lock.
EXIT_CODES: dict[str, int] = {
    "healthy": 0,
    "unreachable": 4,
    "nothing_discovered": 5,
    "too_many_failures": 6,
}

#: The crawl stat holding the verdict's status, read by ``scrapy crawl``'s exit code.
HEALTH_STAT = "newsaudit/health"

#: ``newsaudit crawl --fail-on-alert``: a healthy run with drift alerts (crawler.drift).
ALERT_EXIT_CODE = 7

#: Reason codes of a request that never got an HTTP answer (crawler.spiders.news).
NETWORK_REASONS = frozenset(
    {"dns_error", "timeout", "connection_refused", "connection_lost", "download_failed", "download_cancelled"}
)


@dataclass(frozen=True)
class HealthThresholds:
    """A site config's ``[health]`` table. Shares are of the article URLs fetched:
    above ``max_failed_share`` failures (HTTP errors, timeouts, pages with no
    article text) or above ``max_rejected_share`` of extracted pages rejected by the
    feed's schema, the run is unhealthy."""

    max_failed_share: float = 0.25
    max_rejected_share: float = 0.5

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> HealthThresholds:
        return cls(**{k: float(v) for k, v in data.items()})


def _offsite_start_urls(start_urls: Sequence[str], allowed_domains: Sequence[str]) -> list[str]:
    """Start URLs whose host is not one of ``allowed_domains`` (nor a subdomain):
    the crawler filters them, so nothing can be discovered from them."""
    out = []
    for url in start_urls:
        host = (urlsplit(url).hostname or "").lower()
        if not any(host == d.lower() or host.endswith("." + d.lower()) for d in allowed_domains):
            out.append(url)
    return out


def assess(
    summary: Mapping[str, Any],
    thresholds: HealthThresholds = HealthThresholds(),
    *,
    start_urls: Sequence[str] = (),
    allowed_domains: Sequence[str] = (),
    shared_frontier: bool = False,
) -> dict[str, Any]:
    """``{"status", "reasons"}`` for a run summary (``run.json`` without health).

    The first matching status wins: a site that answered nothing is ``unreachable``
    (however its URLs were found); one that answered but listed no article URL is
    ``nothing_discovered`` (not with a ``shared_frontier``: in a distributed crawl
    the other workers may have taken every URL); then the shares of failed fetches and of rejected pages
    are held to ``thresholds``."""
    counts = summary["counts"]
    reasons: Mapping[str, int] = summary.get("reasons", {})
    sources_failed = summary.get("sources_failed", [])
    answered = sum(counts[k] for k in ("articles", "unchanged", "duplicates", "rejected")) + sum(
        n for r, n in reasons.items() if r.startswith("http_")
    )
    network = {r: n for r, n in reasons.items() if r in NETWORK_REASONS}
    for source in sources_failed:
        if source.get("reason") in NETWORK_REASONS:
            network[source["reason"]] = network.get(source["reason"], 0) + 1
    if not answered and network:
        what = ", ".join(f"{r} {n}" for r, n in sorted(network.items()))
        return {"status": "unreachable", "reasons": [f"the site answered no request ({what})"]}
    if counts["discovered"] == 0 and not shared_frontier:
        found = ["no article URL was discovered"]
        offsite = _offsite_start_urls(start_urls, allowed_domains)
        if offsite:
            found.append(
                f"start URL {offsite[0]} is outside allowed_domains ({', '.join(allowed_domains)}): "
                "the crawler filters it"
            )
        found.extend(f"{s['kind']} {s['url']} failed: {s['reason']}" for s in sources_failed)
        return {"status": "nothing_discovered", "reasons": found}
    fetched = sum(counts[k] for k in ("articles", "unchanged", "failed", "rejected"))
    problems = []
    if fetched and counts["failed"] / fetched > thresholds.max_failed_share:
        problems.append(
            f"{counts['failed']} of {fetched} article URLs failed (fetch errors, pages with no article text) "
            f"({counts['failed'] / fetched:.0%} > max_failed_share {thresholds.max_failed_share:.0%})"
        )
    extracted = counts["articles"] + counts["rejected"]
    if extracted and counts["rejected"] / extracted > thresholds.max_rejected_share:
        problems.append(
            f"{counts['rejected']} of {extracted} extracted articles failed the feed schema "
            f"({counts['rejected'] / extracted:.0%} > max_rejected_share {thresholds.max_rejected_share:.0%})"
        )
    if problems:
        return {"status": "too_many_failures", "reasons": problems}
    return {"status": "healthy", "reasons": []}


def exit_code(health: Mapping[str, Any]) -> int:
    """The exit code of a run with this verdict (0 when healthy)."""
    return EXIT_CODES.get(str(health.get("status")), 1)
