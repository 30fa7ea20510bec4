"""Audit configuration: which rules run, their thresholds, and scoring costs.

Defaults live in ``audit/defaults.toml`` (documented there); a user file or a site's
``[audit]`` table is merged over them key by key, so an override names only what it
changes.

Every key of an override must be one that ``defaults.toml`` has: a misspelt section,
rule option or threshold (``[rules] selct``, ``[thresholds.truncaton]``) is an error
naming the key and the file, never silently ignored. Tables keyed by language code
(``quoted_languages``) take any language code. Values are not type-checked here
beyond the rule lists and score costs: a rule that cannot use a threshold's value
reports an ``AQ000`` finding naming itself.
"""

from __future__ import annotations

import copy
import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULTS_PATH = Path(__file__).with_name("defaults.toml")


class ConfigError(ValueError):
    """An invalid audit configuration; the message names the file and the key."""


#: A key of a table mapping language codes to values ("tl", "id", "fil").
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")


def _language_table(table: dict[str, Any]) -> bool:
    return bool(table) and all(_LANGUAGE_CODE.match(key) for key in table)


def _describe(path: tuple[str, ...], is_table: bool) -> str:
    dotted = ".".join(path)
    if is_table:
        return f"section [{dotted}]"
    if path[0] == "thresholds":
        return f"threshold {dotted}"
    return f"key {dotted}"


def check_keys(
    data: dict[str, Any], reference: dict[str, Any], origin: str, path: tuple[str, ...] = ()
) -> None:
    """Raise :class:`ConfigError` for the first key of ``data`` (a config file or a
    site's table) that ``reference`` (the defaults) lacks, or whose value is not
    a table where the defaults have one (or the reverse)."""
    for key, value in data.items():
        where = (*path, key)
        if key not in reference:
            if _language_table(reference) and _LANGUAGE_CODE.match(key):
                continue
            known = sorted(reference)
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            what = "one of: " + ", ".join(known) if known else "none"
            raise ConfigError(
                f"{origin}: unknown {_describe(where, isinstance(value, dict))} (expected {what}{hint})"
            )
        expected = reference[key]
        if isinstance(expected, dict):
            if not isinstance(value, dict):
                raise ConfigError(f"{origin}: {'.'.join(where)} must be a table, like the defaults")
            check_keys(value, expected, origin, where)
        elif isinstance(value, dict):
            raise ConfigError(f"{origin}: {'.'.join(where)} must be a value, not a table")


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


@dataclass(frozen=True)
class AuditConfig:
    select: tuple[str, ...] = ("AQ",)
    ignore: tuple[str, ...] = ()
    score_costs: dict[str, int] = field(default_factory=lambda: {"error": 15, "warning": 8, "info": 2})
    thresholds: dict[str, dict[str, Any]] = field(default_factory=dict)

    def enabled(self, code: str) -> bool:
        """A code runs if it matches a selected prefix and no ignored prefix;
        the longer (more specific) matching prefix wins, as in ruff."""
        sel = max((len(p) for p in self.select if code.startswith(p)), default=-1)
        ign = max((len(p) for p in self.ignore if code.startswith(p)), default=-1)
        return sel >= 0 and sel > ign

    def threshold(self, family: str, key: str, default: Any = None) -> Any:
        return self.thresholds.get(family, {}).get(key, default)

    @classmethod
    def from_mapping(cls, data: dict[str, Any], origin: str = "<config>") -> AuditConfig:
        rules = data.get("rules", {})
        select = rules.get("select", ["AQ"])
        ignore = rules.get("ignore", [])
        for key, value in (("rules.select", select), ("rules.ignore", ignore)):
            if not isinstance(value, list) or not all(
                isinstance(v, str) and v.startswith("AQ") for v in value
            ):
                raise ConfigError(f"{origin}: {key} must be a list of rule code prefixes like 'AQ1'")
            unknown = [v for v in value if not _names_a_rule(v)]
            if unknown:
                raise ConfigError(
                    f"{origin}: {key}: {unknown[0]!r} matches no rule (`newsaudit rules` lists the codes)"
                )
        costs = data.get("score", {})
        for sev, cost in costs.items():
            if sev not in ("error", "warning", "info") or not isinstance(cost, int) or cost < 0:
                raise ConfigError(f"{origin}: score.{sev} must be a non-negative integer cost")
        thresholds = data.get("thresholds", {})
        if not isinstance(thresholds, dict) or not all(isinstance(v, dict) for v in thresholds.values()):
            raise ConfigError(f"{origin}: thresholds must be tables, one per rule family")
        return cls(tuple(select), tuple(ignore), dict(costs), copy.deepcopy(thresholds))


def _names_a_rule(prefix: str) -> bool:
    """A select/ignore entry that matches no rule code is a typo ("AQ999", "AQ40l"):
    silently selecting nothing would switch rules off unnoticed."""
    from audit.registry import all_rules  # the registry imports the rules, which import this module

    return any(rule.code.startswith(prefix) for rule in all_rules())


def load_defaults() -> dict[str, Any]:
    with DEFAULTS_PATH.open("rb") as fh:
        return tomllib.load(fh)


_DEFAULT: AuditConfig | None = None


def default_config() -> AuditConfig:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = AuditConfig.from_mapping(load_defaults(), str(DEFAULTS_PATH))
    return _DEFAULT


def load_config(
    path: str | Path | None = None,
    override: dict[str, Any] | None = None,
    override_origin: str = "audit override",
) -> AuditConfig:
    """Defaults, then ``path`` (a TOML file), then ``override`` (e.g. a site's
    ``[audit]`` table, named ``override_origin`` in errors). Each layer may only
    use keys the defaults have (see :func:`check_keys`)."""
    defaults = load_defaults()
    data = defaults
    origin = str(DEFAULTS_PATH)
    if path is not None:
        path = Path(path)
        try:
            with path.open("rb") as fh:
                layer = tomllib.load(fh)
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read audit config: {exc.strerror}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
        origin = str(path)
        check_keys(layer, defaults, origin)
        data = _merge(data, layer)
    if override:
        if not isinstance(override, dict):
            raise ConfigError(f"{override_origin}: must be a table")
        check_keys(override, defaults, override_origin)
        data = _merge(data, override)
        origin = override_origin if path is None else f"{origin} + {override_origin}"
    return AuditConfig.from_mapping(data, origin)
