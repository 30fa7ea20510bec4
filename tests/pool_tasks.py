"""Tasks for the process-pool tests: importable, so spawned workers can run them."""

from __future__ import annotations

import os
import time


def square_after(n: int, delay: float) -> int:
    time.sleep(delay)
    return n * n


def die() -> None:
    os._exit(3)  # a worker dying mid-task, as on a segfault or the OOM killer
