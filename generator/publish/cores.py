"""The one place the generator uses a second core: a pure function mapped over shares by two worker processes.

Only the search stage uses it, reading and indexing thousands of built pages at national scale, where it saves
more than a tenth of the whole build (benchmarks/README.md); everything else runs in one process.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

SHARES = 16
"""How many shares the two processes take turns at: enough that neither waits long for the other when one core is
slowed, few enough that each result still travels back in one piece."""


def worth_it(items: int, threshold: int) -> bool:
    """Split only with a second core and at least ``threshold`` items (a fork costs about 0.1 s)."""
    return items >= threshold and (os.cpu_count() or 1) >= 2


def shared(work: Callable[..., T], shares: Sequence[tuple[Any, ...]]) -> list[T]:
    """``[work(*args) for args in shares]``, in order, computed by two worker processes that each take the next
    share as soon as they are done with one.

    The workers are fresh interpreters (``spawn``), not forks of the build: a fork carries the model and every
    generated page (a gigabyte at national scale) into each worker. ``work`` must be a module-level function and its
    arguments and results picklable."""
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(work, *zip(*shares, strict=True)))
