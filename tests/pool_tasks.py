"""Tasks for the process-pool tests: importable, so spawned workers can run them."""

from __future__ import annotations

import os
import time


def square_after(n: int, delay: float) -> int:
    time.sleep(delay)
    return n * n


def die() -> None:
    os._exit(3)  # a worker dying mid-task, as on a segfault or the OOM killer


def square_or_die(n: int) -> int:
    """For ordered_map: item -1 kills its worker, item -2 raises."""
    if n == -1:
        os._exit(3)
    if n == -2:
        raise ValueError("bad item")
    time.sleep(0.05 * (n % 3))  # finish out of order
    return n * n
