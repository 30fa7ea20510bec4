"""Run every enabled rule over an article and score it.

A rule that raises must not take down a crawl or hide the other rules' findings, so
its exception becomes an ``AQ000`` finding naming the rule (as flake8 reports a
plugin crash as a message, not a traceback).
"""

from __future__ import annotations

from audit.config import AuditConfig, default_config
from audit.model import Article, AuditResult, Finding
from audit.registry import all_rules

RULE_ERROR_CODE = "AQ000"


def score(findings: tuple[Finding, ...] | list[Finding], config: AuditConfig) -> int:
    """100 minus the cost of each finding by severity (see ``[score]`` in defaults.toml)."""
    cost = sum(config.score_costs.get(f.severity, 0) for f in findings if f.rule != RULE_ERROR_CODE)
    return max(0, 100 - cost)


def audit_article(article: Article, config: AuditConfig | None = None) -> AuditResult:
    config = config or default_config()
    findings: list[Finding] = []
    for rule in all_rules():
        if not config.enabled(rule.code):
            continue
        try:
            findings.extend(rule.run(article, config))
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
    findings.sort(key=lambda f: (f.block if f.block is not None else -1, f.rule))
    return AuditResult(article=article, findings=tuple(findings), score=score(findings, config))
