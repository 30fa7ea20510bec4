"""Audit cost per article at 1,000 and at 20,000 articles.

Each size runs in a fresh process: the articles of a generated site are extracted
first (in a process pool, untimed), then every article is audited with the same
config and the audit time is divided by the number of articles. A rule with hidden
per-run state (a growing cache, a corpus-wide index) would show here as a rising
cost. Target: cost at 20k <= 1.2 x cost at 1k.
Run: ``.venv/bin/python bench/scale.py [--small 1000] [--large 20000]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _extract(i: int) -> Any:
    from audit.extract import extract_article
    from crawler.demo.bulk import BulkSite

    site = BulkSite("http://127.0.0.1:8808", articles=_extract.count)  # type: ignore[attr-defined]
    path = site.article_path(i)
    return extract_article(site.render(path).body, url=site.url(path), language_hint=path[1:3]).article


def _init(count: int) -> None:
    _extract.count = count  # type: ignore[attr-defined]


def child(count: int) -> dict[str, Any]:
    from audit.config import load_config
    from audit.engine import audit_article
    from crawler.pool import cpu_count

    with ProcessPoolExecutor(cpu_count(), initializer=_init, initargs=(count,)) as pool:
        articles = [a for a in pool.map(_extract, range(count), chunksize=64) if a is not None]
    config = load_config()
    start = time.perf_counter()
    findings = 0
    first_k = 0.0
    for i, article in enumerate(articles):
        findings += len(audit_article(article, config).findings)
        if i == 999:
            first_k = time.perf_counter() - start
    elapsed = time.perf_counter() - start
    return {
        "articles": len(articles),
        "ms_per_article": 1000 * elapsed / len(articles),
        "ms_per_article_first_1000": 1000 * first_k / min(1000, len(articles)) if first_k else None,
        "findings": findings,
    }


def main() -> None:
    from bench.harness import load_average, run_child

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=20000)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return
    print(f"load average before: {load_average()}")
    small = run_child("bench/scale.py", "--child", str(args.small))
    large = run_child("bench/scale.py", "--child", str(args.large))
    print(f"load average after : {load_average()}")
    for r in (small, large):
        print(f"{r['articles']:>6} articles: {r['ms_per_article']:.2f} ms/article ({r['findings']} findings)")
    print(
        f"  (within the {large['articles']}-article run, the first 1000: {large['ms_per_article_first_1000']:.2f} ms)"
    )
    print(
        f"cost per article {args.large} / {args.small}: {large['ms_per_article'] / small['ms_per_article']:.2f}  (target <= 1.2)"
    )


if __name__ == "__main__":
    main()
