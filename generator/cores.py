"""Two cores for the national-scale stages: each half of the work in a forked process.

The build machines have two cores and MkDocs already uses both (generator/parallel_site.py);
the generator's own heavy stages (parsing YAML, rendering pages, reading built pages for search)
split their work the same way once there is enough of it to pay for a fork. Forked processes
inherit the model, so only each half's results travel back (pickled).
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def worth_it(items: int, threshold: int) -> bool:
    """Split only with a second core and at least ``threshold`` items (a fork costs about 0.1 s)."""
    return items >= threshold and (os.cpu_count() or 1) >= 2


def in_two(work: Callable[..., T], first: tuple[Any, ...], second: tuple[Any, ...],
           meanwhile: Callable[[], object] | None = None) -> list[T]:
    """``[work(*first), work(*second)]``, computed in two forked processes at once.

    ``meanwhile`` runs here while they work: a serial step that needs neither result (reading the seeds, writing
    the open data) then shares the cores instead of waiting for them.
    """
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        results = pool.map(work, *zip(first, second, strict=True))  # submits both at once: the forks happen here
        if meanwhile is not None:
            meanwhile()
        return list(results)
