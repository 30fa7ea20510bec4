"""The process pool shared by the crawl and ``newsaudit audit``, without a reactor.

Extraction and auditing are pure CPU work, so both the crawler
(:class:`crawler.pool.OrderedPool`, driven from Twisted) and ``newsaudit audit``
(:func:`ordered_map`, a plain loop) run them in the same kind of pool, built here:
sized to the cores, ``spawn``-started (forking a threaded process can deadlock the
child), workers ignoring Ctrl-C (the parent shuts them down).

:func:`ordered_map` yields results in input order whatever order workers finish
in, keeps at most ``backlog`` tasks in flight (memory stays bounded on a large
archive), and survives a dying worker the way the crawl does: every task in flight
runs once more, one at a time, on a fresh pool, and only a task that breaks the pool
twice yields its :class:`BrokenProcessPool` error.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

logger = logging.getLogger(__name__)

__all__ = [
    "BrokenProcessPool",
    "RetiredExecutor",
    "cpu_count",
    "ordered_map",
    "resolve_workers",
    "retire",
    "spawn_executor",
]

T = TypeVar("T")


def cpu_count() -> int:
    """Cores this process may run on (affinity-aware where the OS tells us)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def resolve_workers(value: Any) -> int:
    """``NEWSAUDIT_WORKERS``: ``"auto"`` (one per core), or a count; 0 means inline."""
    if value is None or value == "":
        return 0
    if isinstance(value, str) and value.strip().lower() == "auto":
        return cpu_count()
    try:
        workers = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"NEWSAUDIT_WORKERS must be 'auto' or a whole number, not {value!r}") from None
    if workers < 0:
        raise ValueError(f"NEWSAUDIT_WORKERS must be 'auto' or >= 0, not {workers}")
    return workers


def quiet_worker(initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    """Worker start-up: Ctrl-C goes to the whole process group; the parent shuts the pool down."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer(*initargs)


def spawn_executor(
    workers: int, initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = ()
) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=quiet_worker,
        initargs=(initializer, initargs),
    )


@dataclass
class RetiredExecutor:
    """What a broken executor, shut down without waiting, may leave running."""

    processes: list[BaseProcess]
    manager: threading.Thread | None

    def reap(self, timeout: float = 5.0) -> None:
        """Kill leftover workers and wait for the manager thread.

        At interpreter exit ``concurrent.futures`` joins every executor's manager
        thread, and multiprocessing joins every child; one left half-dead by a broken
        pool would hang the process after its work is done (a crawl that never exits
        holds its cron slot). So we reap them before we close.
        """
        for process in self.processes:
            process.join(timeout=0.5)
            if process.is_alive():
                logger.warning("killing pool worker %s, left running by a broken pool", process.pid)
                process.kill()
                process.join(timeout=1.0)
        if self.manager is not None:
            self.manager.join(timeout=timeout)
            if self.manager.is_alive():
                logger.warning("a broken pool's manager thread did not stop within %.0f s", timeout)


def retire(executor: ProcessPoolExecutor) -> RetiredExecutor:
    """Shut a broken executor down without blocking; return what to reap at close.

    The handles are taken first: ``shutdown`` drops the executor's own references.
    ``_processes`` and ``_executor_manager_thread`` are private, so both are optional.
    """
    processes = list((getattr(executor, "_processes", None) or {}).values())
    retired = RetiredExecutor(processes, getattr(executor, "_executor_manager_thread", None))
    executor.shutdown(wait=False, cancel_futures=True)
    return retired


def ordered_map(
    fn: Callable[[T], Any],
    items: Iterable[T],
    workers: int,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
    backlog: int | None = None,
) -> Iterator[Any]:
    """``fn(item)`` for each item, in input order; a task's exception is yielded as its
    result. ``workers <= 1`` runs inline in this process (no pool, same results)."""
    if workers <= 1:
        if initializer is not None:
            initializer(*initargs)
        for item in items:
            try:
                yield fn(item)
            except Exception as exc:  # noqa: BLE001 - a task's error is its outcome
                yield exc
        return
    pool = _Pool(workers, initializer, initargs)
    window: deque[tuple[T, Future[Any]]] = deque()
    limit = backlog or 4 * workers
    try:
        for item in items:
            window.append((item, pool.submit(fn, item)))
            while len(window) >= limit:
                yield pool.result(fn, window)
        while window:
            yield pool.result(fn, window)
    finally:
        pool.close()


class _Pool:
    """An executor replaced when a worker dies, with the crawl's retry rule."""

    def __init__(self, workers: int, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]):
        self.args = (workers, initializer, initargs)
        self.executor = spawn_executor(*self.args)
        self.restarts = 0
        self.retired: list[RetiredExecutor] = []

    def submit(self, fn: Callable[[Any], Any], item: Any) -> Future[Any]:
        try:
            return self.executor.submit(fn, item)
        except BrokenProcessPool:
            self._restart()
            return self.executor.submit(fn, item)

    def result(self, fn: Callable[[Any], Any], window: deque[tuple[Any, Future[Any]]]) -> Any:
        item, future = window.popleft()
        try:
            return future.result()
        except BrokenProcessPool:
            # Every task in flight failed with the one that killed the worker: rerun each
            # alone on a fresh pool, so the killer cannot take the innocent down again.
            self._restart()
            suspects = [item, *(i for i, _ in window)]
            window.clear()
            outcomes = [self._alone(fn, i) for i in suspects]
            for suspect, outcome in zip(suspects[1:], outcomes[1:], strict=True):
                done: Future[Any] = Future()
                done.set_result(outcome)  # an exception here is the task's outcome, not raised
                window.append((suspect, done))
            return outcomes[0]
        except Exception as exc:  # noqa: BLE001
            return exc

    def _alone(self, fn: Callable[[Any], Any], item: Any) -> Any:
        try:
            return self.submit(fn, item).result()
        except BrokenProcessPool as exc:
            self._restart()
            return exc
        except Exception as exc:  # noqa: BLE001
            return exc

    def _restart(self) -> None:
        logger.error("a pool worker died; starting a new pool")
        self.retired.append(retire(self.executor))
        self.executor = spawn_executor(*self.args)
        self.restarts += 1

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)
        for retired in self.retired:
            retired.reap()
