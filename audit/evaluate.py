"""``newsaudit eval LABELS.jsonl [--json]``: score the auditor against labelled pages.

Implements DESIGN.md §3. Each label line names a page (relative to the labels
file; ``.html.gz`` is read transparently), its language, the injected ``defects``
and the sourced ``negatives`` (controls). A finding matches a labelled text when
it has the same type and its evidence overlaps the text: one contains the other
after whitespace and case are normalised, or their word-level Jaccard similarity is
at least 0.5 (the same test as ``../shared/tools/check_seed.py``).

Scoring, per type T:

- recall: labelled T defects matched by at least one T finding on their page;
- precision: T findings that match a T defect on their page, over all T findings,
  except that on a page whose label lists no T defect a finding of a type real pages
  genuinely have (:data:`GENUINE`: unsourced statistics, boilerplate, metadata) is
  counted apart as *unlabelled* rather than false -- the evalset README's rule -- unless
  it hits a control. ``strict_precision`` counts those as false too;
- controls flagged: negatives of type T hit by a T finding (a sourced statistic
  flagged as unsourced), which are always false positives;
- false flags per 100 clean pages: findings on pages with no defects, excluding
  :data:`GENUINE` types (also given including them).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audit.model import FINDING_TYPES

#: Types that real (uninjected) pages can genuinely have: not false flags on clean pages.
GENUINE: frozenset[str] = frozenset({"unsourced_statistic", "boilerplate", "metadata_defect"})

_WS = re.compile(r"\s+")
_WORD = re.compile(r"\w+", re.UNICODE)


class LabelError(ValueError):
    """A malformed labels file; the message names the line."""


def _norm(text: str | None) -> str:
    return _WS.sub(" ", text or "").strip().casefold()


def overlaps(evidence: str | None, text: str | None) -> bool:
    """DESIGN.md §3: containment after normalisation, or word Jaccard >= 0.5."""
    a, b = _norm(evidence), _norm(text)
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    wa, wb = set(_WORD.findall(a)), set(_WORD.findall(b))
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) >= 0.5


@dataclass(frozen=True)
class Label:
    page: str
    language: str | None
    defects: tuple[dict[str, Any], ...]
    negatives: tuple[dict[str, Any], ...]
    url: str | None = None
    base: str | None = None

    @property
    def clean(self) -> bool:
        return not self.defects


def load_labels(path: Path) -> list[Label]:
    """Read a labels.jsonl file; a bad line raises :class:`LabelError` naming it."""
    labels = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise LabelError(f"{path}: cannot read labels: {exc.strerror}") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LabelError(f"{path}:{number}: not JSON: {exc.msg}") from exc
        if not isinstance(data, dict) or not isinstance(data.get("page"), str):
            raise LabelError(f"{path}:{number}: each line must be an object with a 'page' path")
        entries = {}
        for key in ("defects", "negatives"):
            items = data.get(key) or []
            if not isinstance(items, list) or not all(
                isinstance(i, dict) and isinstance(i.get("type"), str) and isinstance(i.get("text"), str)
                for i in items
            ):
                raise LabelError(f"{path}:{number}: '{key}' must be a list of {{type, text}} objects")
            entries[key] = tuple(items)
        labels.append(
            Label(
                data["page"],
                data.get("language"),
                entries["defects"],
                entries["negatives"],
                data.get("url"),
                data.get("base"),
            )
        )
    return labels


@dataclass(frozen=True)
class Flagged:
    type: str
    rule: str
    severity: str
    evidence: str
    block: int | None = None


@dataclass
class PageResult:
    page: str
    findings: list[Flagged] = field(default_factory=list)
    failure: str | None = None


# -- auditing (runs in worker processes) ------------------------------------------

_CONFIG: Any = None


def _init_worker(config_path: str | None) -> None:
    global _CONFIG
    import warnings

    from audit.config import load_config

    warnings.simplefilter("ignore")  # dateutil's timezone chatter from Trafilatura's date search

    _CONFIG = load_config(config_path)


def audit_page(path: str, language: str | None, url: str | None = None) -> PageResult:
    """Read, extract (with the label's language as hint) and audit one page."""
    from audit.config import default_config
    from audit.engine import audit_article
    from audit.extract import extract_article
    from audit.inputs import read_file
    from audit.model import ExtractionFailure

    data = read_file(path)
    if isinstance(data, ExtractionFailure):
        return PageResult(path, failure=f"{data.reason}: {data.detail}")
    extraction = extract_article(data, url=url, language_hint=language, source=path)
    if extraction.article is None:
        failure = extraction.failure
        return PageResult(path, failure=f"{failure.reason}: {failure.detail}" if failure else "unknown")
    result = audit_article(extraction.article, _CONFIG or default_config())
    return PageResult(
        path, [Flagged(f.type, f.rule, f.severity, f.evidence, f.block) for f in result.findings]
    )


def _audit_job(job: tuple[str, str | None, str | None]) -> PageResult:
    return audit_page(*job)


def audit_pages(
    labels: list[Label], base: Path, jobs: int = 1, config_path: str | None = None, progress: bool = True
) -> list[PageResult]:
    """Audit every labelled page, in a process pool when ``jobs > 1``; results in label order."""
    work = [(str(base / lab.page), lab.language, lab.url) for lab in labels]
    results: list[PageResult] = []

    tty = sys.stderr.isatty()

    def report(done: int) -> None:
        if not progress or (done % (25 if tty else 200) and done != len(work)):
            return
        end = "" if tty and done < len(work) else "\n"
        start = "\r" if tty else ""
        print(f"{start}eval: {done}/{len(work)} pages", end=end, file=sys.stderr, flush=True)

    if jobs <= 1:
        _init_worker(config_path)
        for job in work:
            results.append(_audit_job(job))
            report(len(results))
        return results
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(config_path,)) as pool:
        for result in pool.map(_audit_job, work, chunksize=4):
            results.append(result)
            report(len(results))
    return results


# -- scoring ------------------------------------------------------------------------


@dataclass
class TypeScore:
    defects: int = 0
    found: int = 0
    flags: int = 0
    true_pos: int = 0
    false_pos: int = 0
    unlabelled: int = 0
    controls: int = 0
    controls_flagged: int = 0

    def as_dict(self) -> dict[str, Any]:
        def ratio(a: int, b: int) -> float | None:
            return round(a / b, 4) if b else None

        precision = ratio(self.true_pos, self.true_pos + self.false_pos)
        recall = ratio(self.found, self.defects)
        f1 = (
            round(2 * precision * recall / (precision + recall), 4)
            if precision is not None and recall is not None and precision + recall
            else None
        )
        return {
            "defects": self.defects,
            "found": self.found,
            "recall": recall,
            "flags": self.flags,
            "true_positives": self.true_pos,
            "false_positives": self.false_pos,
            "unlabelled": self.unlabelled,
            "precision": precision,
            "strict_precision": ratio(self.true_pos, self.flags),
            "f1": f1,
            "controls": self.controls,
            "controls_flagged": self.controls_flagged,
            "controls_flagged_rate": ratio(self.controls_flagged, self.controls),
        }


@dataclass
class PageOutcome:
    """How one page scored: what was missed and what was wrongly flagged."""

    page: str
    missed: list[dict[str, Any]] = field(default_factory=list)
    false_flags: list[Flagged] = field(default_factory=list)
    controls_flagged: list[dict[str, Any]] = field(default_factory=list)
    unlabelled: list[Flagged] = field(default_factory=list)


def score_page(label: Label, result: PageResult, scores: dict[str, TypeScore]) -> PageOutcome:
    """Add one page's matches to ``scores`` and return the page's errors."""
    outcome = PageOutcome(label.page)
    for defect in label.defects:
        s = scores[defect["type"]]
        s.defects += 1
        if any(f.type == defect["type"] and overlaps(f.evidence, defect["text"]) for f in result.findings):
            s.found += 1
        else:
            outcome.missed.append(defect)
    for negative in label.negatives:
        s = scores[negative["type"]]
        s.controls += 1
        if any(
            f.type == negative["type"] and overlaps(f.evidence, negative["text"]) for f in result.findings
        ):
            s.controls_flagged += 1
            outcome.controls_flagged.append(negative)
    labelled_types = {d["type"] for d in label.defects}
    for finding in result.findings:
        s = scores[finding.type]
        s.flags += 1
        if any(d["type"] == finding.type and overlaps(finding.evidence, d["text"]) for d in label.defects):
            s.true_pos += 1
        elif (
            finding.type in GENUINE
            and finding.type not in labelled_types
            and not any(
                n["type"] == finding.type and overlaps(finding.evidence, n["text"]) for n in label.negatives
            )
        ):
            s.unlabelled += 1
            outcome.unlabelled.append(finding)
        else:
            s.false_pos += 1
            outcome.false_flags.append(finding)
    return outcome


def evaluate(labels: list[Label], results: list[PageResult]) -> tuple[dict[str, Any], list[PageOutcome]]:
    """Score results against labels; returns the report and the per-page outcomes."""
    scores: dict[str, TypeScore] = defaultdict(TypeScore)
    for t in FINDING_TYPES:
        if t != "rule_error":
            scores[t]  # noqa: B018 - every type appears in the report, even at zero
    outcomes = [score_page(lab, res, scores) for lab, res in zip(labels, results, strict=True)]
    clean = [(lab, res) for lab, res in zip(labels, results, strict=True) if lab.clean]
    clean_flags = Counter(f.type for _, res in clean for f in res.findings)
    strict = sum(n for t, n in clean_flags.items() if t not in GENUINE)
    total = TypeScore()
    for s in scores.values():
        for key in vars(total):
            setattr(total, key, getattr(total, key) + getattr(s, key))
    report = {
        "labels": len(labels),
        "pages_audited": sum(r.failure is None for r in results),
        "extraction_failures": [{"page": r.page, "reason": r.failure} for r in results if r.failure],
        "clean_pages": len(clean),
        "types": {t: scores[t].as_dict() for t in sorted(scores)},
        "overall": total.as_dict(),
        "false_flags_on_clean_pages": strict,
        "false_flags_per_100_clean_pages": round(100 * strict / len(clean), 2) if clean else None,
        "flags_per_100_clean_pages_incl_genuine": (
            round(100 * sum(clean_flags.values()) / len(clean), 2) if clean else None
        ),
        "clean_page_flags_by_type": dict(sorted(clean_flags.items())),
        "genuine_types": sorted(GENUINE),
    }
    return report, outcomes


def evaluate_folds(labels: list[Label], results: list[PageResult], k: int) -> dict[str, Any]:
    """Score each cross-site fold apart (see :mod:`audit.folds`), with the mean and the worst fold."""
    from audit.folds import assign_folds, site_of, summarise

    sites = [site_of(lab.url, lab.base, lab.page) for lab in labels]
    fold_of = assign_folds(sites, k)
    per_fold = []
    for fold in range(k):
        picked = [i for i, site in enumerate(sites) if fold_of[site] == fold]
        report, _ = evaluate([labels[i] for i in picked], [results[i] for i in picked])
        report["fold"] = fold
        report["sites"] = sorted({sites[i] for i in picked})
        per_fold.append(report)
    return {"k": k, "sites": len(fold_of), "per_fold": per_fold, **summarise(per_fold)}


# -- output ---------------------------------------------------------------------------


def _fmt(value: float | None) -> str:
    return "   -  " if value is None else f"{value:6.3f}"


def format_report(report: dict[str, Any]) -> str:
    lines = [
        f"newsaudit eval: {report['labels']} pages ({report['clean_pages']} clean), "
        f"{len(report['extraction_failures'])} extraction failures",
        "",
        f"{'type':<22}{'defects':>8}{'found':>7}{'recall':>8}{'flags':>7}{'TP':>6}{'FP':>6}"
        f"{'unlab.':>8}{'precision':>10}{'strict':>8}{'F1':>8}",
    ]
    rows = list(report["types"].items()) + [("overall", report["overall"])]
    for name, s in rows:
        if name == "overall":
            lines.append("-" * 98)
        lines.append(
            f"{name:<22}{s['defects']:>8}{s['found']:>7}{_fmt(s['recall']):>8}{s['flags']:>7}"
            f"{s['true_positives']:>6}{s['false_positives']:>6}{s['unlabelled']:>8}"
            f"{_fmt(s['precision']):>10}{_fmt(s['strict_precision']):>8}{_fmt(s['f1']):>8}"
        )
    lines += ["", "controls (negatives) flagged:"]
    controls = [(t, s) for t, s in report["types"].items() if s["controls"]]
    for name, s in controls:
        lines.append(
            f"  {name}: {s['controls_flagged']} of {s['controls']} ({100 * s['controls_flagged_rate']:.1f}%)"
        )
    if not controls:
        lines.append("  (no controls in these labels)")
    lines += [
        "",
        f"false flags on clean pages: {report['false_flags_on_clean_pages']} on {report['clean_pages']} pages = "
        f"{report['false_flags_per_100_clean_pages']} per 100 clean pages "
        f"(excluding {', '.join(report['genuine_types'])}; "
        f"{report['flags_per_100_clean_pages_incl_genuine']} per 100 including them)",
        "unlab. = flags of a genuine type on pages whose label lists none of that type "
        "(reported apart, not counted as false positives); strict = precision counting them as false",
    ]
    for failure in report["extraction_failures"][:10]:
        lines.append(f"extraction failed: {failure['page']}: {failure['reason']}")
    return "\n".join(lines)


def format_folds(folds: dict[str, Any]) -> str:
    """Per-fold precision and recall of each type, then the mean and the worst fold."""
    k = folds["k"]
    head = f"{'type':<22}{'':<4}" + "".join(f"{'fold ' + str(f):>8}" for f in range(k))
    lines = [
        f"cross-site folds: {folds['sites']} sites in {k} folds (pages: "
        + ", ".join(str(r["labels"]) for r in folds["per_fold"])
        + ")",
        "",
        head + f"{'mean':>8}{'worst':>8}",
    ]
    metrics = (("P", "precision"), ("R", "recall"), ("ctl", "controls_flagged_rate"))
    for kind in folds["worst"]["types"]:
        for short, metric in metrics:
            values = [r["types"][kind][metric] for r in folds["per_fold"]]
            if all(v is None for v in values) or (metric == "controls_flagged_rate" and not any(values)):
                continue
            lines.append(
                f"{kind if short == 'P' else '':<22}{short:<4}"
                + "".join(f"{_fmt(v):>8}" for v in values)
                + f"{_fmt(folds['mean']['types'][kind][metric]):>8}"
                + f"{_fmt(folds['worst']['types'][kind][metric]):>8}"
            )
    values = [r["false_flags_per_100_clean_pages"] for r in folds["per_fold"]]
    lines.append(
        f"{'false flags/100 clean':<26}"
        + "".join(f"{'-' if v is None else f'{v:.1f}':>8}" for v in values)
        + f"{folds['mean']['false_flags_per_100_clean_pages']:>8.1f}"
        + f"{folds['worst']['false_flags_per_100_clean_pages']:>8.1f}"
    )
    return "\n".join(lines)


def _details(outcomes: Iterable[PageOutcome]) -> Iterator[str]:
    for o in outcomes:
        if o.missed or o.false_flags or o.controls_flagged:
            yield json.dumps(
                {
                    "page": o.page,
                    "missed": o.missed,
                    "false_flags": [vars(f) for f in o.false_flags],
                    "controls_flagged": o.controls_flagged,
                    "unlabelled": [vars(f) for f in o.unlabelled],
                },
                ensure_ascii=False,
            )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("labels", metavar="LABELS.jsonl", help="label file (DESIGN.md §3)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--jobs", type=int, default=min(2, os.cpu_count() or 1), help="worker processes (default: 2)"
    )
    parser.add_argument("--config", help="audit config TOML merged over the defaults")
    parser.add_argument("--limit", type=int, help="score only the first N pages (quick checks)")
    parser.add_argument("--details", metavar="FILE", help="write each page's misses and false flags as JSONL")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.add_argument(
        "--folds",
        type=int,
        metavar="K",
        help="also split the pages by site into K folds and report each fold, the mean and the worst",
    )
    parser.add_argument(
        "--site-memory",
        action="store_true",
        help="also judge each page against the other pages of its site in the label file (never itself) "
        "and report that run next to the page-alone one",
    )


def run(args: argparse.Namespace) -> int:
    path = Path(args.labels)
    try:
        labels = load_labels(path)
    except LabelError as exc:
        print(f"newsaudit eval: {exc}", file=sys.stderr)
        return 2
    if args.config:
        from audit.config import ConfigError, load_config

        try:
            load_config(args.config)
        except ConfigError as exc:
            print(f"newsaudit eval: {exc}", file=sys.stderr)
            return 2
    if args.limit:
        labels = labels[: args.limit]
    if not labels:
        print(f"newsaudit eval: {path}: no labelled pages", file=sys.stderr)
        return 2
    if args.folds is not None:
        from audit.folds import assign_folds, site_of

        try:  # fail before the long audit, not after it
            assign_folds([site_of(lab.url, lab.base, lab.page) for lab in labels], args.folds)
        except ValueError as exc:
            print(f"newsaudit eval: {exc}", file=sys.stderr)
            return 2
    results = audit_pages(labels, path.parent, max(1, args.jobs), args.config, progress=not args.quiet)
    report, outcomes = evaluate(labels, results)
    if args.folds is not None:
        report["folds"] = evaluate_folds(labels, results, args.folds)
    if args.details:
        Path(args.details).write_text("".join(line + "\n" for line in _details(outcomes)), encoding="utf-8")
    memory_report = None
    if getattr(args, "site_memory", False):
        from audit.memory.evaluate import audit_with_site_memory

        memory_results = audit_with_site_memory(labels, path.parent, max(1, args.jobs), args.config)
        memory_report, _ = evaluate(labels, memory_results)
    if args.json:
        if memory_report is not None:
            report = {**report, "site_memory": memory_report}
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(format_report(report))
        if "folds" in report:
            print("\n" + format_folds(report["folds"]))
        if memory_report is not None:
            from audit.memory.evaluate import format_side_by_side

            print("\n" + format_side_by_side(report, memory_report))
    return 0
