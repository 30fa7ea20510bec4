"""A process pool for CPU-heavy work, driven from Twisted's reactor.

Extraction and auditing are pure CPU work; on the reactor thread they would stall
downloads and use one core. :class:`OrderedPool` runs them in a
:class:`~concurrent.futures.ProcessPoolExecutor` sized to the cores and hands the
results back on the reactor thread, with two guarantees the pipeline relies on:

- **Order.** Results are concluded in submission order, whatever order the workers
  finish in, so the pipeline's bookkeeping (first copy wins a duplicate, ledger
  outcomes, file order) is exactly what an inline run would produce.
- **Backpressure.** At most ``backlog`` tasks are queued or running. Past that,
  :meth:`submit` waits; the waiting item keeps its response in Scrapy's scraper
  slot, and Scrapy stops pulling requests from the scheduler once that slot holds
  ``SCRAPER_SLOT_MAX_ACTIVE_SIZE`` bytes, so memory stays bounded end to end.

The executor itself (spawned, sized to the cores, workers ignoring Ctrl-C) is
:mod:`audit.workers`'s, shared with ``newsaudit audit --jobs``.

A worker that dies (killed, out of memory, a crash in a C extension) breaks the
executor, failing every task in flight. A fresh executor is started and those tasks
run once more, one at a time; a task that breaks the pool twice concludes with the
:class:`BrokenProcessPool` error (the caller records it), so one poisonous page costs
that page, not the crawl. A broken executor is shut down without waiting (the reactor
must not block) and reaped at :meth:`OrderedPool.close`, so no half-dead worker keeps
the crawl process from exiting.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from twisted.internet.defer import Deferred, DeferredSemaphore

from audit.workers import (
    BrokenProcessPool,
    RetiredExecutor,
    cpu_count,
    resolve_workers,
    retire,
    spawn_executor,
)

logger = logging.getLogger(__name__)

__all__ = ["BrokenProcessPool", "OrderedPool", "cpu_count", "resolve_workers"]


@dataclass
class _Task:
    fn: Callable[..., Any] | None
    args: tuple[Any, ...]
    conclude: Callable[[Any], Any]
    attempts: int = 0
    done: Deferred[Any] = field(default_factory=Deferred)
    ready: bool = False
    outcome: Any = None  # the result, or the exception the task raised


class OrderedPool:
    """Submit ``fn(*args)`` to worker processes; conclude results in submission order."""

    def __init__(
        self,
        workers: int,
        backlog: int | None = None,
        initializer: Callable[..., None] | None = None,
        initargs: tuple[Any, ...] = (),
    ) -> None:
        if workers < 1:
            raise ValueError("an OrderedPool needs at least one worker")
        self.workers = workers
        self.backlog = backlog or 4 * workers
        self._initializer = initializer
        self._initargs = initargs
        self._slots = DeferredSemaphore(self.backlog)
        self._queue: deque[_Task] = deque()
        self._executor: ProcessPoolExecutor | None = None
        self.restarts = 0
        self.closed = False
        self._suspects: deque[_Task] = deque()  # tasks in flight when a worker died
        self._suspect: _Task | None = None  # the one being retried
        self._retired: list[RetiredExecutor] = []  # broken executors, reaped at close

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            # "spawn" (audit.workers): the crawler process has threads (reactor pool, DNS).
            self._executor = spawn_executor(self.workers, self._initializer, self._initargs)
        return self._executor

    @property
    def in_flight(self) -> int:
        return len(self._queue)

    def submit(
        self, fn: Callable[..., Any] | None, args: tuple[Any, ...], conclude: Callable[[Any], Any]
    ) -> Deferred:
        """Run ``fn(*args)`` in a worker; fire with ``conclude(result_or_exception)``.

        With ``fn=None`` nothing runs: ``conclude(None)`` just waits its turn.

        ``conclude`` runs on the reactor thread, in submission order. The returned
        Deferred fires with what ``conclude`` returns, or fails with what it raises.
        """
        if self.closed:
            raise RuntimeError("the pool is closed")
        acquired = self._slots.acquire()
        acquired.addCallback(lambda _: self._start(fn, args, conclude))
        return acquired

    def _start(
        self, fn: Callable[..., Any] | None, args: tuple[Any, ...], conclude: Callable[[Any], Any]
    ) -> Deferred:
        task = _Task(fn, args, conclude)
        self._queue.append(task)
        if fn is None:  # nothing to compute: the task only keeps its place in the order
            self._finish(task, None)
        else:
            self._run(task)
        return task.done

    def _run(self, task: _Task) -> None:
        assert task.fn is not None
        task.attempts += 1
        try:
            future = self._pool().submit(task.fn, *task.args)
        except BrokenProcessPool as exc:
            self._restart(exc)
            try:
                future = self._pool().submit(task.fn, *task.args)
            except Exception as again:  # noqa: BLE001 - concluded (recorded) like any failure
                self._finish(task, again)
                return
        except Exception as exc:  # noqa: BLE001
            self._finish(task, exc)
            return
        from twisted.internet import reactor

        executor = self._executor
        future.add_done_callback(lambda f: reactor.callFromThread(self._collect, task, f, executor))

    def _collect(self, task: _Task, future: Future[Any], executor: ProcessPoolExecutor | None) -> None:
        if task is self._suspect:
            self._suspect = None
        try:
            outcome = future.result()
        except BrokenProcessPool as exc:
            if executor is self._executor:  # not a late report from an executor already replaced
                self._restart(exc)
            if task.attempts < 2 and not self.closed:
                # Every task in flight fails with the one that killed the worker. Each runs
                # once more, one suspect at a time, so the killer cannot take the innocent
                # down with it again; only a task that breaks the pool twice is a failure.
                self._suspects.append(task)
                self._next_suspect()
                return
            outcome = exc
        except BaseException as exc:  # noqa: BLE001 - a task's error is its outcome
            outcome = exc
        self._finish(task, outcome)
        self._next_suspect()

    def _next_suspect(self) -> None:
        if self._suspect is None and self._suspects and not self.closed:
            self._suspect = self._suspects.popleft()
            self._run(self._suspect)

    def _finish(self, task: _Task, outcome: Any) -> None:
        task.outcome, task.ready = outcome, True
        while self._queue and self._queue[0].ready:
            head = self._queue.popleft()
            self._slots.release()
            try:
                value = head.conclude(head.outcome)
            except Exception:  # noqa: BLE001 - fails this task's Deferred, not the others
                head.done.errback()
            else:
                head.done.callback(value)

    def _restart(self, exc: BaseException) -> None:
        """Drop a broken executor; the next submission starts a fresh one."""
        if self._executor is not None:
            logger.error("a pool worker died (%s); starting a new pool", exc)
            self._retired.append(retire(self._executor))
            self._executor = None
            self.restarts += 1

    def close(self) -> None:
        """Stop the workers. Tasks not yet started are cancelled: they conclude with
        :class:`~concurrent.futures.CancelledError` (the caller records them)."""
        self.closed = True
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        for retired in self._retired:
            retired.reap()
        self._retired.clear()
