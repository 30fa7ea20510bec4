"""Run every enabled rule over an article and score it.

A rule that raises must not take down a crawl or hide the other rules' findings, so
its exception becomes an ``AQ000`` finding naming the rule (as flake8 reports a
plugin crash as a message, not a traceback).
"""

from __future__ import annotations

from dataclasses import replace

from audit.config import AuditConfig, default_config
from audit.model import Article, AuditResult, Finding, SiteContext
from audit.registry import all_rules

RULE_ERROR_CODE = "AQ000"

#: Finding types whose rules would misread a site's template as the article's own
#: text (a footer repeated as a "duplicate", a share button as a cut sentence, a
#: standard disclaimer's "100%" as a statistic): they see the article without the
#: blocks the site memory found to be template.
TEMPLATE_BLIND: frozenset[str] = frozenset(
    {"duplicate_paragraph", "truncated_text", "off_topic_paragraph", "unsourced_statistic"}
)


def without_template(article: Article, site: SiteContext | None) -> Article:
    """The article minus its template blocks; the others keep their indices, so
    findings still point at the right block."""
    if site is None or not site.template:
        return article
    return replace(article, blocks=tuple(b for b in article.blocks if b.index not in site.template))


def score(findings: tuple[Finding, ...] | list[Finding], config: AuditConfig) -> int:
    """100 minus the cost of each finding by severity (see ``[score]`` in defaults.toml)."""
    cost = sum(config.score_costs.get(f.severity, 0) for f in findings if f.rule != RULE_ERROR_CODE)
    return max(0, 100 - cost)


def _prefer_origin(findings: list[Finding]) -> list[Finding]:
    """A block the site memory traced to its source (``origin_url``) is reported once,
    by that finding, not again by the page-alone rule of the same type."""
    traced = {(f.type, f.block) for f in findings if f.origin_url is not None}
    return [f for f in findings if f.origin_url is not None or (f.type, f.block) not in traced]


def audit_article(
    article: Article, config: AuditConfig | None = None, site: SiteContext | None = None
) -> AuditResult:
    """Audit one article; ``site`` is what the site memory knows of it (``None``: alone)."""
    config = config or default_config()
    findings: list[Finding] = []
    view = without_template(article, site)  # one object, so shared passes still share
    for rule in all_rules():
        if not config.enabled(rule.code):
            continue
        try:
            seen = view if rule.type in TEMPLATE_BLIND else article
            findings.extend(rule.run(seen, config, site))
        except Exception as exc:  # noqa: BLE001 - a broken rule is a finding, not a crash
            findings.append(
                Finding(
                    type="rule_error",
                    rule=RULE_ERROR_CODE,
                    symbol="rule-crashed",
                    severity="error",
                    block=None,
                    evidence=rule.code,
                    message=f"Rule {rule.code} ({rule.symbol}) failed: {type(exc).__name__}: {exc}",
                )
            )
    findings = _prefer_origin(findings)
    findings.sort(key=lambda f: (f.block if f.block is not None else -1, f.rule))
    duplicate_of = site.duplicate_of if site is not None else None
    return AuditResult(
        article=article, findings=tuple(findings), score=score(findings, config), duplicate_of=duplicate_of
    )
