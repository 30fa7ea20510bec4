"""Extraction accuracy: our block route vs plain ``trafilatura.extract()``.

Scores the body text against the corpus ground truth with bag-of-words token F1,
side by side on the same pages, so the ratio means something on any machine.
Run: ``.venv/bin/python bench/extraction.py [--limit N]``.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import trafilatura  # noqa: E402

from audit.extract import extract_article  # noqa: E402
from bench.corpus import pages  # noqa: E402

_TOKEN = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> Counter[str]:
    return Counter(_TOKEN.findall((text or "").casefold()))


def f1(predicted: str, truth: str) -> tuple[float, float, float]:
    p, t = tokens(predicted), tokens(truth)
    overlap = sum((p & t).values())
    if not overlap:
        return 0.0, 0.0, 0.0
    precision, recall = overlap / sum(p.values()), overlap / sum(t.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    ours, plain = [], []
    for page in pages(args.limit, with_ground_truth=True):
        if not page.body:
            continue
        extraction = extract_article(page.html, url=page.url)
        our_text = extraction.article.text if extraction.article else ""
        plain_text = trafilatura.extract(page.html, url=page.url) or ""
        ours.append(f1(our_text, page.body))
        plain.append(f1(plain_text, page.body))
    n = len(ours)

    def mean(rows: list[tuple[float, float, float]], i: int) -> float:
        return sum(r[i] for r in rows) / max(1, len(rows))

    print(f"pages with ground truth: {n}")
    print(f"{'':24}{'precision':>10}{'recall':>10}{'F1':>10}")
    print(f"{'newsaudit blocks':24}{mean(ours, 0):10.3f}{mean(ours, 1):10.3f}{mean(ours, 2):10.3f}")
    print(f"{'trafilatura.extract()':24}{mean(plain, 0):10.3f}{mean(plain, 1):10.3f}{mean(plain, 2):10.3f}")
    print(f"F1 ratio (ours / trafilatura): {mean(ours, 2) / max(1e-9, mean(plain, 2)):.3f}")


if __name__ == "__main__":
    main()
