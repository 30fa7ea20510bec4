"""Drift alerts: a run's measures against the range of the site's recent runs.

The range is learned, not configured per measure: the median of the last
``window`` runs ± ``k`` scaled MADs (median absolute deviation × 1.4826, which
estimates a standard deviation but ignores a single odd run), widened to at least
``floor`` (absolute, for shares) or ``relative_floor`` × the median, so a measure
that never moved (MAD 0) does not alert on noise. Nothing is judged before
``min_history`` earlier runs have measures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from statistics import median
from typing import Any

MAD_SCALE = 1.4826


@dataclass(frozen=True)
class DriftSettings:
    """A site config's ``[alerts]`` thresholds (README: drift alerts)."""

    k: float = 3.0
    floor: float = 0.05
    relative_floor: float = 0.1
    min_history: int = 3
    window: int = 10

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> DriftSettings:
        names = {f.name for f in fields(cls)}
        kinds = {f.name: f.type for f in fields(cls)}
        return cls(**{k: (int(v) if kinds[k] == "int" else float(v)) for k, v in data.items() if k in names})


def expected_range(history: Sequence[float], settings: DriftSettings) -> tuple[float, float]:
    """``[lo, hi]`` of values that raise no alert (rates stay within 0..1 when they are rates)."""
    mid = median(history)
    mad = median(abs(v - mid) for v in history) * MAD_SCALE
    half = max(settings.k * mad, settings.floor, settings.relative_floor * abs(mid))
    return mid - half, mid + half


def _values(measures: Mapping[str, Any]) -> dict[str, float]:
    """A run's measure values, with a rule that flagged nothing counted as rate 0."""
    return dict(measures.get("values") or {})


def detect(
    history: Sequence[Mapping[str, Any]],
    current: Mapping[str, Any],
    settings: DriftSettings = DriftSettings(),
) -> list[dict[str, Any]]:
    """Alerts ``{measure, expected: [lo, hi], value}`` for ``current`` (a run's drift
    measures, :meth:`crawler.measures.RunMeasures.as_dict`) against the ``history`` of
    earlier runs' drift measures (oldest first; only the last ``window`` are used)."""
    now = _values(current)
    if not now:
        return []
    past = [v for v in (_values(h) for h in history) if v][-settings.window :]
    if len(past) < settings.min_history:
        return []
    judged = "coverage.date" in now  # the run had enough pages for per-article measures
    names = set(now) | {n for run in past for n in run if n.startswith("flag_rate.")}
    alerts = []
    for name in sorted(names):
        rate = name.startswith("flag_rate.")
        if rate and not judged:
            continue
        value = now.get(name, 0.0 if rate else None)
        series = [run.get(name, 0.0 if rate and "coverage.date" in run else None) for run in past]
        series = [v for v in series if v is not None]
        if value is None or len(series) < settings.min_history:
            continue
        lo, hi = expected_range(series, settings)
        if name.startswith(("coverage.", "flag_rate.")) or name.endswith("_rate"):
            lo, hi = max(lo, 0.0), min(hi, 1.0)
        if not lo <= value <= hi:
            alerts.append({"measure": name, "expected": [round(lo, 4), round(hi, 4)], "value": value})
    return alerts
