"""``newsaudit eval --site-memory``: each labelled page judged against the other pages
of its site in the label file (never against itself), next to the page-alone run.

Per site, in label order: a fresh in-memory index gets every *other* page of the site,
then the page is judged and audited. Sites are independent, so they go to a process
pool one site per task.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from audit import evaluate as ev


def _site_job(pages: list[tuple[str, str | None, str | None]]) -> list[ev.PageResult]:
    from audit.config import default_config
    from audit.engine import audit_article
    from audit.extract import extract_article
    from audit.inputs import read_file
    from audit.memory.judge import fingerprint_article
    from audit.memory.session import SiteMemory
    from audit.model import ExtractionFailure

    config = ev._CONFIG or default_config()
    articles: list[Any] = []
    failures: list[str | None] = []
    for path, language, url in pages:
        data = read_file(path)
        if isinstance(data, ExtractionFailure):
            articles.append(None)
            failures.append(f"{data.reason}: {data.detail}")
            continue
        extraction = extract_article(data, url=url, language_hint=language, source=path)
        articles.append(extraction.article)
        failure = extraction.failure
        failures.append(
            None if extraction.article else (f"{failure.reason}: {failure.detail}" if failure else "unknown")
        )
    prints = [fingerprint_article(a, config) if a is not None else None for a in articles]
    results = []
    for i, (path, _, _) in enumerate(pages):
        article = articles[i]
        if article is None:
            results.append(ev.PageResult(path, failure=failures[i]))
            continue
        with SiteMemory(config=config) as memory:
            for j, other in enumerate(prints):
                if j != i and other is not None and other.url != (prints[i].url if prints[i] else None):
                    memory.judge(other)
            site = memory.judge(prints[i])
        result = audit_article(article, config, site)
        results.append(
            ev.PageResult(
                path, [ev.Flagged(f.type, f.rule, f.severity, f.evidence, f.block) for f in result.findings]
            )
        )
    return results


def audit_with_site_memory(
    labels: list[ev.Label], base: Path, jobs: int = 1, config_path: str | None = None
) -> list[ev.PageResult]:
    """Results in label order, each page judged against the rest of its site."""
    from audit.folds import site_of

    groups: dict[str, list[int]] = defaultdict(list)
    for i, lab in enumerate(labels):
        groups[site_of(lab.url, lab.base, lab.page)].append(i)
    order = list(groups.values())
    work = [[(str(base / labels[i].page), labels[i].language, labels[i].url) for i in idx] for idx in order]
    out: list[ev.PageResult | None] = [None] * len(labels)
    if jobs <= 1:
        ev._init_worker(config_path)
        done = map(_site_job, work)
        for idx, results in zip(order, done, strict=True):
            for i, r in zip(idx, results, strict=True):
                out[i] = r
    else:
        with ProcessPoolExecutor(
            max_workers=jobs, initializer=ev._init_worker, initargs=(config_path,)
        ) as pool:
            for idx, results in zip(order, pool.map(_site_job, work), strict=True):
                for i, r in zip(idx, results, strict=True):
                    out[i] = r
    print(f"eval: {len(labels)} pages judged with site memory ({len(groups)} sites)", file=sys.stderr)
    return [r for r in out if r is not None]


def format_side_by_side(alone: dict[str, Any], memory: dict[str, Any]) -> str:
    """Precision, recall and F1 per type, page-alone next to site memory."""
    lines = [
        "site memory: each page judged against the other pages of its site in the label file",
        "",
        f"{'type':<22} {'P alone':>8} {'P mem':>8} {'R alone':>8} {'R mem':>8} {'F1 alone':>9} {'F1 mem':>8}",
    ]
    rows = [*sorted(alone["types"]), "overall"]
    for t in rows:
        a = alone["overall"] if t == "overall" else alone["types"][t]
        m = memory["overall"] if t == "overall" else memory["types"][t]
        cells = [ev._fmt(x[k]) for k in ("precision", "recall", "f1") for x in (a, m)]
        p1, p2, r1, r2, f1, f2 = cells
        lines.append(f"{t:<22} {p1:>8} {p2:>8} {r1:>8} {r2:>8} {f1:>9} {f2:>8}")
    lines.append(
        f"false flags per 100 clean pages: alone {alone['false_flags_per_100_clean_pages']}, "
        f"with memory {memory['false_flags_per_100_clean_pages']}"
    )
    return "\n".join(lines)
