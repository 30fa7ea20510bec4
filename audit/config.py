"""Audit configuration: which rules run, their thresholds, and scoring costs.

Defaults live in ``audit/defaults.toml`` (documented there); a user file or a site's
``[audit]`` table is merged over them key by key, so an override names only what it
changes.
"""

from __future__ import annotations

import copy
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULTS_PATH = Path(__file__).with_name("defaults.toml")


class ConfigError(ValueError):
    """An invalid audit configuration; the message names the file and the key."""


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
        costs = data.get("score", {})
        for sev, cost in costs.items():
            if sev not in ("error", "warning", "info") or not isinstance(cost, int) or cost < 0:
                raise ConfigError(f"{origin}: score.{sev} must be a non-negative integer cost")
        thresholds = data.get("thresholds", {})
        if not isinstance(thresholds, dict) or not all(isinstance(v, dict) for v in thresholds.values()):
            raise ConfigError(f"{origin}: thresholds must be tables, one per rule family")
        return cls(tuple(select), tuple(ignore), dict(costs), copy.deepcopy(thresholds))


def load_defaults() -> dict[str, Any]:
    with DEFAULTS_PATH.open("rb") as fh:
        return tomllib.load(fh)


_DEFAULT: AuditConfig | None = None


def default_config() -> AuditConfig:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = AuditConfig.from_mapping(load_defaults(), str(DEFAULTS_PATH))
    return _DEFAULT


def load_config(path: str | Path | None = None, override: dict[str, Any] | None = None) -> AuditConfig:
    """Defaults, then ``path`` (a TOML file), then ``override`` (e.g. a site's table)."""
    data = load_defaults()
    origin = str(DEFAULTS_PATH)
    if path is not None:
        path = Path(path)
        try:
            with path.open("rb") as fh:
                data = _merge(data, tomllib.load(fh))
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read audit config: {exc.strerror}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
        origin = str(path)
    if override:
        data = _merge(data, override)
    return AuditConfig.from_mapping(data, origin)
