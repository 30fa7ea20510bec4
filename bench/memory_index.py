"""Site memory cost per article as the memory grows, SQLite file and Redis side by
side: lookup (recall) and insert (remember) time, and index bytes, at 1k, 10k and 100k
articles; then the Redis lock: judge-and-remember throughput of 1, 2 and 4 processes
sharing one Redis memory.

Articles are generated from a fixed-seed word list: 6 paragraphs of 25-40 words,
100 sites, each with a template footer on every page, and a paragraph of an earlier
article pasted into 1% of them. Fingerprinting is pure CPU whatever the memory holds,
so it is done before the clock starts, once per article for both backends (each
article goes into both memories, in the same order). At each size the next
``--window`` articles are timed (recall and remember, inside one transaction per
window for both backends, so the Redis lock is not in these figures); the ratio of the
per-article cost at the largest size to the smallest is printed (target: at most 1.3).
SQLite bytes are the file's size; Redis bytes are the ``INFO memory`` ``used_memory``
growth since the empty server, per article held.

The lock: ``--concurrent`` articles (fingerprinted once, before the processes fork) are
judged with :func:`audit.memory.judge.judge` (one lock per page, as a crawl worker does)
by 1, 2 and 4 processes into a fresh memory each time (a new key prefix), the articles
dealt out between them; articles/s from the start signal to the last process done, and
the ratios to one process, and when each process was done (the store's lock,
:class:`audit.memory.fair_lock.FairLock`, grants it in arrival order and a release wakes
the next waiter, so the processes should all be done near the end; redis-py's lock,
used before, polled every 0.1 s and let a waiting process lose the lock to the holder's
next page again and again). Since a page's recall and remember run under the lock, the
ideal is 1.0x: more processes cannot judge faster, and less than 1.0 is what the lock
costs (waiting, hand-off, contention).

The script starts its own ``redis-server`` (``--redis-server``, default the one on
PATH) on a free loopback port, with no persistence, and kills it at the end.

    .venv/bin/python bench/memory_index.py [--sizes 1000,10000,100000] [--window 500]
        [--concurrent 800] [--processes 1,2,4] [--backends sqlite] [--no-lock]
        [--baseline OTHER/audit/memory/store.py --backends sqlite,baseline]

A quick run: ``--sizes 1000,5000`` (well under a minute); ``--backends sqlite --no-lock``
measures the SQLite file alone (no ``redis-server`` started), which is several times faster.
"""

from __future__ import annotations

import argparse
import importlib.util
import multiprocessing
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from audit.config import default_config
from audit.memory.judge import ArticlePrints, fingerprint_article, judge, recall, remember
from audit.memory.redis_store import RedisMemoryStore, key_prefix
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


@contextmanager
def redis_server(binary: str, workdir: Path) -> Iterator[str]:
    """A throwaway ``redis-server`` on a free 127.0.0.1 port; yields its URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(workdir),
         "--save", "", "--appendonly", "no", "--protected-mode", "yes"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"{binary} did not start on port {port}")
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.kill()
        proc.wait(timeout=10)


def used_memory(store: RedisMemoryStore) -> int:
    return int(store.r.info("memory")["used_memory"])


class Articles:
    """The bench's article stream, fingerprinted; the same for every backend."""

    def __init__(self, seed: int = 14, first: int = 0) -> None:
        self.rng = random.Random(14)
        self.words = vocabulary(self.rng)
        self.footers = [sentence(self.rng, self.words, 14) for _ in range(100)]
        if seed != 14:
            self.rng = random.Random(seed)
        self.pastes: list[str] = []
        self.made = first
        self.config = default_config()

    def next(self) -> ArticlePrints:
        prints = fingerprint_article(
            article(self.made, self.rng, self.words, self.footers, self.pastes), self.config
        )
        assert prints is not None
        self.made += 1
        return prints


def timed_window(store: Any, window: list[ArticlePrints], config: Any) -> tuple[float, float]:
    """Milliseconds per article: recall, remember."""
    looked = inserted = 0.0
    with store.transaction():
        for p in window:
            t0 = time.perf_counter()
            _, plan = recall(store, p, config)
            t1 = time.perf_counter()
            remember(store, p, plan)
            looked += t1 - t0
            inserted += time.perf_counter() - t1
    return 1e3 * looked / len(window), 1e3 * inserted / len(window)


def sqlite_store(spec: str, folder: Path, baseline: str | None) -> MemoryStore:
    """A SQLite memory in ``folder`` for one ``--backends`` item: ``sqlite``, with another
    page cache as ``sqlite:cache=KIB``, or ``baseline``: the ``MemoryStore`` of another
    checkout's ``store.py`` (``--baseline``), timed on the same articles in the same
    process, so both see the same machine load."""
    folder.mkdir()
    name, *options = spec.split(":")
    settings = dict(option.split("=", 1) for option in options)
    if name == "baseline":
        if not baseline:
            raise SystemExit("the baseline backend needs --baseline PATH/audit/memory/store.py")
        loader = importlib.util.spec_from_file_location("baseline_store", baseline)
        assert loader is not None and loader.loader is not None
        module = importlib.util.module_from_spec(loader)
        sys.modules["baseline_store"] = module  # its dataclasses look their module up
        loader.loader.exec_module(module)
        store: MemoryStore = module.MemoryStore(folder / "memory.sqlite")
    else:
        store = MemoryStore(folder / "memory.sqlite")
    if "cache" in settings:
        store.conn.execute(f"PRAGMA cache_size=-{int(settings['cache'])}")
    return store


def growth(args: argparse.Namespace, url: str, tmp: Path) -> dict[str, list[tuple[int, float, float, float]]]:
    sizes = [int(s) for s in args.sizes.split(",")]
    stream = Articles()
    config = stream.config
    stores: dict[str, Any] = {}
    folders: dict[str, Path] = {}
    for i, spec in enumerate(args.backends.split(",")):
        if spec != "redis":
            folders[spec] = tmp / f"sqlite{i}"
            stores[spec] = sqlite_store(spec, folders[spec], args.baseline)
    first = next(iter(stores.values()))
    shared: RedisMemoryStore | None = None
    empty = 0
    if "redis" in args.backends.split(","):
        shared = RedisMemoryStore(url, prefix=key_prefix() + "growth:")
        empty = used_memory(shared)
        stores["redis"] = shared
    rows: dict[str, list[tuple[int, float, float, float]]] = {name: [] for name in stores}
    for size in sizes:
        while first.count() < size:  # fill (untimed), the same articles into every memory
            batch = [stream.next() for _ in range(min(1000, size - first.count()))]
            for store in stores.values():
                with store.transaction():
                    for p in batch:
                        _, plan = recall(store, p, config)
                        remember(store, p, plan)
        window = [stream.next() for _ in range(args.window)]
        for name, store in stores.items():
            lookup, insert = timed_window(store, window, config)
            held = store.count()
            if name in folders:
                store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                size_bytes = sum(f.stat().st_size for f in folders[name].iterdir())
            else:
                assert shared is not None
                size_bytes = used_memory(shared) - empty
            rows[name].append((size, lookup, insert, size_bytes / held))
            print(
                f"{name:>8} {size:>7} articles: lookup {lookup:.3f} ms, insert {insert:.3f} ms per article, "
                f"{size_bytes / held:.0f} bytes per article",
                flush=True,
            )
    for store in stores.values():
        store.close()
    for name, found in rows.items():
        low, high = found[0], found[-1]
        ratio = (high[1] + high[2]) / (low[1] + low[2])
        print(f"{name:>8} per-article cost {high[0]} / {low[0]} articles: {ratio:.2f}x (target <= 1.3)")
    return rows


#: Set before the processes fork (the fork start method): every process reads the same prints.
_PRINTS: list[ArticlePrints] = []


def _judge_share(url: str, prefix: str, share: slice, ready: Any, start: Any, done: Any, slot: int) -> None:
    config = default_config()
    store = RedisMemoryStore(url, prefix=prefix)
    mine = _PRINTS[share]
    ready.wait()  # every process connected
    start.wait()
    for p in mine:
        judge(store, p, config)
    done[slot] = time.perf_counter()  # CLOCK_MONOTONIC: the same clock in every process
    store.close()


def throughput(args: argparse.Namespace, url: str) -> dict[int, float]:
    global _PRINTS
    stream = Articles(seed=1000, first=10_000_000)
    _PRINTS = [stream.next() for _ in range(args.concurrent)]
    ctx = multiprocessing.get_context("fork")
    rates: dict[int, float] = {}
    for n in [int(x) for x in args.processes.split(",")]:
        prefix = key_prefix() + f"lock{n}:"
        ready, start, done = ctx.Barrier(n + 1), ctx.Event(), ctx.Array("d", n)
        procs = [
            ctx.Process(target=_judge_share, args=(url, prefix, slice(i, None, n), ready, start, done, i))
            for i in range(n)
        ]
        for proc in procs:
            proc.start()
        ready.wait()
        t0 = time.perf_counter()
        start.set()
        for proc in procs:
            proc.join()
        elapsed = time.perf_counter() - t0
        if any(proc.exitcode for proc in procs):
            raise RuntimeError(f"a judging process failed ({[proc.exitcode for proc in procs]})")
        with RedisMemoryStore(url, prefix=prefix) as check:
            assert check.count() == len(_PRINTS), (check.count(), len(_PRINTS))
        rates[n] = len(_PRINTS) / elapsed
        finished = sorted(t - t0 for t in done)
        spread = f", processes done after {finished[0]:.2f}-{finished[-1]:.2f} s" if n > 1 else ""
        print(
            f"  redis lock, {n} process{'es' if n > 1 else ''}: {len(_PRINTS)} articles judged in "
            f"{elapsed:.2f} s, {rates[n]:.0f} articles/s{spread}",
            flush=True,
        )
    one = rates[min(rates)]
    print(
        "  throughput ratio to one process: "
        + ", ".join(f"{n} processes {rate / one:.2f}x" for n, rate in rates.items() if n != min(rates))
    )
    return rates


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--window", type=int, default=500)
    parser.add_argument("--concurrent", type=int, default=800, help="articles judged in the lock test")
    parser.add_argument("--processes", default="1,2,4")
    parser.add_argument(
        "--backends",
        default="sqlite,redis",
        help="comma-separated: sqlite, sqlite:cache=KIB (tuning), baseline (see --baseline), redis",
    )
    parser.add_argument(
        "--baseline", help="another checkout's audit/memory/store.py, for the baseline backend"
    )
    parser.add_argument("--no-lock", action="store_true", help="skip the Redis lock test (as --concurrent 0)")
    parser.add_argument("--redis-server", default=shutil.which("redis-server") or "redis-server")
    args = parser.parse_args()
    if args.no_lock:
        args.concurrent = 0
    started = time.perf_counter()
    if "redis" not in args.backends.split(",") and not args.concurrent:  # no Redis needed
        with tempfile.TemporaryDirectory() as tmp:
            growth(args, "", Path(tmp))
    else:
        with tempfile.TemporaryDirectory() as tmp, redis_server(args.redis_server, Path(tmp)) as url:
            growth(args, url, Path(tmp))
            if args.concurrent:
                throughput(args, url)
    print(f"({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
