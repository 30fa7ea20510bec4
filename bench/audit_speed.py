"""Audit cost against extraction cost, measured side by side on the same pages.

For each corpus page: time Trafilatura's extraction alone (``trafilatura.extract``
to XML, what our extraction is built on), then our full route split into
extraction (blocks, metadata, per-block language) and auditing (every rule).
Prints the ratios; the target is auditing adding at most 50% to extraction.
Run: ``.venv/bin/python bench/audit_speed.py [--limit N]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import trafilatura  # noqa: E402

from audit import cohesion, language, text  # noqa: E402
from audit.engine import audit_article  # noqa: E402
from audit.extract import extract_article  # noqa: E402
from bench.corpus import pages  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=300)
    args = parser.parse_args()
    corpus = list(pages(args.limit))
    # Warm imports and per-process caches (one article per language: the word
    # frequency tables load once per language and process, ~0.2 s each).
    seen: set[str | None] = set()
    for page in corpus:
        article = extract_article(page.html, url=page.url).article
        if article is not None and article.language not in seen:
            seen.add(article.language)
            audit_article(article)
    # ...but not the per-text caches, which the warm-up just filled with these very pages.
    language.detect_cache_clear()
    cohesion.rarity_cache_clear()
    text.cache_clear()
    t_traf = t_extract = t_audit = 0.0
    audited = 0
    for page in corpus:
        start = time.perf_counter()
        trafilatura.extract(page.html, url=page.url, output_format="xml", with_metadata=True)
        t_traf += time.perf_counter() - start
        start = time.perf_counter()
        extraction = extract_article(page.html, url=page.url)
        t_extract += time.perf_counter() - start
        if extraction.article is None:
            continue
        start = time.perf_counter()
        audit_article(extraction.article)
        t_audit += time.perf_counter() - start
        audited += 1
    n = len(corpus)
    print(f"pages: {n}, audited: {audited}")
    print(f"trafilatura.extract (XML) alone : {1000 * t_traf / n:8.2f} ms/page")
    print(f"newsaudit extraction            : {1000 * t_extract / n:8.2f} ms/page")
    print(f"newsaudit audit (all rules)     : {1000 * t_audit / max(1, audited):8.2f} ms/article")
    print(f"audit time / trafilatura time   : {t_audit / t_traf:.3f}  (target <= 0.5)")
    print(f"extraction overhead over trafilatura (langdetect, metadata): {t_extract / t_traf - 1:+.1%}")
    print(f"extraction + audit / trafilatura alone: {(t_extract + t_audit) / t_traf:.3f}")
    # The stricter reading: our extraction's extra cost (per-block langdetect, declared
    # metadata) counted as auditing too.
    stricter = (t_extract - t_traf + t_audit) / t_traf
    print(f"(audit + extraction overhead) / trafilatura: {stricter:.3f}  (stricter reading, target <= 0.5)")


if __name__ == "__main__":
    main()
