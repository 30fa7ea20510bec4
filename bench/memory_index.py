"""Site memory cost per article as the memory grows: lookup (recall) and insert
(remember) time, and index bytes, at 1k, 10k and 100k articles.

Articles are generated from a fixed-seed word list: 6 paragraphs of 25-40 words,
100 sites, each with a template footer on every page, and a paragraph of an earlier
article pasted into 1% of them. Fingerprinting is pure CPU whatever the memory holds,
so it is done before the clock starts. At each size the next ``--window`` articles
are timed; the ratio of the per-article cost at the largest size to the smallest is
printed (target: at most 1.3).

    .venv/bin/python bench/memory_index.py [--sizes 1000,10000,100000] [--window 500]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

from audit.config import default_config
from audit.memory.judge import fingerprint_article, recall, remember
from audit.memory.store import MemoryStore
from audit.model import Article, Block

SYLLABLES = [
    "ka",
    "ra",
    "ma",
    "ta",
    "sa",
    "la",
    "na",
    "pa",
    "ba",
    "da",
    "ga",
    "ja",
    "wi",
    "ru",
    "ko",
    "en",
    "an",
    "in",
]


def vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    return sorted({"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(size)})


def sentence(rng: random.Random, words: list[str], n: int) -> str:
    return " ".join(rng.choice(words) for _ in range(n)).capitalize() + "."


def article(i: int, rng: random.Random, words: list[str], footers: list[str], pastes: list[str]) -> Article:
    site = i % len(footers)
    paras = [sentence(rng, words, rng.randint(25, 40)) for _ in range(6)]
    if i % 100 == 99 and pastes:
        paras.insert(3, pastes[rng.randrange(len(pastes))])
    pastes.append(paras[1])
    del pastes[:-1000]
    blocks = tuple(Block(k, "paragraph", t, language="id") for k, t in enumerate([*paras, footers[site]]))
    return Article(
        url=f"https://site{site}.example/news/{i}", title=f"Berita {i}", blocks=blocks, language="id"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--window", type=int, default=500)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rng = random.Random(14)
    words = vocabulary(rng)
    footers = [sentence(rng, words, 14) for _ in range(100)]
    pastes: list[str] = []
    config = default_config()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "memory.sqlite"
        store = MemoryStore(path)
        made = 0

        def next_prints():
            nonlocal made
            prints = fingerprint_article(article(made, rng, words, footers, pastes), config)
            made += 1
            return prints

        for size in sizes:
            while store.count() < size:  # fill (untimed)
                batch = [next_prints() for _ in range(min(1000, size - store.count()))]
                with store.transaction():
                    for p in batch:
                        _, plan = recall(store, p, config)
                        remember(store, p, plan)
            window = [next_prints() for _ in range(args.window)]
            looked = inserted = 0.0
            with store.transaction():
                for p in window:
                    t0 = time.perf_counter()
                    _, plan = recall(store, p, config)
                    t1 = time.perf_counter()
                    remember(store, p, plan)
                    looked += t1 - t0
                    inserted += time.perf_counter() - t1
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            held = store.count()
            size_bytes = sum(f.stat().st_size for f in Path(tmp).iterdir())
            rows.append((size, 1e3 * looked / len(window), 1e3 * inserted / len(window), size_bytes / held))
            print(
                f"{size:>7} articles: lookup {rows[-1][1]:.3f} ms, insert {rows[-1][2]:.3f} ms per article, "
                f"{rows[-1][3]:.0f} bytes per article",
                flush=True,
            )
        store.close()
    first, last = rows[0], rows[-1]
    ratio = (last[1] + last[2]) / (first[1] + first[2])
    print(f"per-article cost {last[0]} / {first[0]} articles: {ratio:.2f}x (target <= 1.3)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
