"""audit.workers.ordered_map: input order for any worker count, errors as results,
and a dying worker costs only its own task (as in the crawl's pool)."""

from __future__ import annotations

import multiprocessing

import pytest

from audit.workers import BrokenProcessPool, RetiredExecutor, ordered_map, retire, spawn_executor
from tests.pool_tasks import die, square_after, square_or_die


def _shape(results: list) -> list:
    return [type(r).__name__ if isinstance(r, BaseException) else r for r in results]


def test_results_come_back_in_input_order_inline_and_pooled():
    items = list(range(12))
    inline = list(ordered_map(square_or_die, items, workers=1))
    pooled = list(ordered_map(square_or_die, items, workers=2, backlog=3))
    assert inline == pooled == [n * n for n in items]


def test_errors_and_a_killed_worker_cost_only_their_own_task():
    items = [1, 2, -2, 3, -1, 4, 5]
    results = list(ordered_map(square_or_die, items, workers=2))
    assert _shape(results) == [1, 4, "ValueError", 9, "BrokenProcessPool", 16, 25]
    assert isinstance(results[4], BrokenProcessPool)


def test_a_retired_broken_pool_leaves_nothing_running_once_reaped():
    # Interpreter exit joins every executor's manager thread and every child, so a
    # broken pool's leftovers must be gone before the crawl returns.
    executor = spawn_executor(2)
    alive = executor.submit(square_after, 2, 0.2)
    dead = executor.submit(die)
    with pytest.raises(BrokenProcessPool):
        dead.result(timeout=60)
    alive.exception(timeout=60)  # done either way: it may have finished before the worker died
    retired = retire(executor)
    assert retired.processes and retired.manager is not None  # the handles survived shutdown
    retired.reap()
    assert not any(p.is_alive() for p in retired.processes)
    assert not retired.manager.is_alive()


def test_reaping_kills_a_worker_left_running():
    stuck = multiprocessing.get_context("spawn").Process(target=square_after, args=(1, 60))
    stuck.start()
    RetiredExecutor([stuck], None).reap()
    assert not stuck.is_alive() and stuck.exitcode is not None and stuck.exitcode < 0  # killed
