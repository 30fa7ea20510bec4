"""audit.workers.ordered_map: input order for any worker count, errors as results,
and a dying worker costs only its own task (as in the crawl's pool)."""

from __future__ import annotations

from audit.workers import BrokenProcessPool, ordered_map
from tests.pool_tasks import square_or_die


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
