"""The rule registry: every rule has a stable code, a symbol, a type and a severity.

Modelled on pylint/flake8 message registration: a code never changes meaning, a
symbol names it for humans, and duplicate codes or symbols are rejected at import.
Rules yield :class:`Flag` objects (what and where); the registry turns them into
full :class:`~audit.model.Finding` records so no rule repeats its own metadata.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from audit.model import FINDING_TYPES, Article, Finding, Severity, SiteContext

if TYPE_CHECKING:
    from audit.config import AuditConfig

_CODE = re.compile(r"AQ\d{3}")


@dataclass(frozen=True)
class Flag:
    """What a rule reports: the evidence, why, and where. Severity may be lowered
    (e.g. a weak source) but defaults to the rule's own."""

    evidence: str
    message: str
    block: int | None = None
    severity: Severity | None = None
    score: float | None = None
    origin_url: str | None = None


CheckFn = Callable[..., Iterable[Flag]]
T = TypeVar("T")


def shared_pass(compute: Callable[[Article, AuditConfig], T]) -> Callable[[Article, AuditConfig], T]:
    """One pass over an article shared by the rules of a family (AQ201 and AQ202
    compare paragraphs once, AQ401 and AQ402 scan for statistics once): the last
    result is remembered, by identity of the article and the configuration."""
    last: list[tuple[Article, AuditConfig, T]] = []

    @functools.wraps(compute)
    def shared(article: Article, config: AuditConfig) -> T:
        if last and last[0][0] is article and last[0][1] is config:
            return last[0][2]
        result = compute(article, config)
        last[:] = [(article, config, result)]
        return result

    return shared


@dataclass(frozen=True)
class Rule:
    code: str
    symbol: str
    type: str
    severity: Severity
    description: str
    check: CheckFn
    #: A site rule reads the :class:`~audit.model.SiteContext` as a third argument
    #: and finds nothing when an article is audited alone.
    uses_site: bool = False

    def run(
        self, article: Article, config: AuditConfig, site: SiteContext | None = None
    ) -> Iterator[Finding]:
        if self.uses_site and site is None:
            return
        flags = self.check(article, config, site) if self.uses_site else self.check(article, config)
        for flag in flags:
            yield Finding(
                type=self.type,
                rule=self.code,
                symbol=self.symbol,
                severity=flag.severity or self.severity,
                block=flag.block,
                evidence=flag.evidence,
                message=flag.message,
                score=flag.score,
                origin_url=flag.origin_url,
            )


_RULES: dict[str, Rule] = {}


def register(
    code: str, symbol: str, type: str, severity: Severity, description: str, *, uses_site: bool = False
) -> Callable[[CheckFn], CheckFn]:
    """Decorator that registers a check function under a code. With ``uses_site`` the
    function is ``(article, config, site_context)`` and runs only with a site memory."""

    def decorate(fn: CheckFn) -> CheckFn:
        if not _CODE.fullmatch(code):
            raise ValueError(f"rule code {code!r} must look like AQ123")
        if type not in FINDING_TYPES:
            raise ValueError(f"rule {code}: unknown finding type {type!r}")
        if code in _RULES:
            raise ValueError(f"duplicate rule code {code}")
        if any(r.symbol == symbol for r in _RULES.values()):
            raise ValueError(f"duplicate rule symbol {symbol}")
        _RULES[code] = Rule(code, symbol, type, severity, description, fn, uses_site)
        return fn

    return decorate


def all_rules() -> list[Rule]:
    """Every registered rule, sorted by code. Importing ``audit.rules`` fills it."""
    import audit.rules  # noqa: F401  (registers every rule module)

    return [_RULES[c] for c in sorted(_RULES)]


def get_rule(code: str) -> Rule:
    all_rules()
    return _RULES[code]
