"""Two cores for the national-scale stages: the work in shares, taken in turn by two forked processes.

The build machines have two cores and MkDocs already uses both (generator/parallel_site.py);
the generator's own heavy stages (parsing YAML, rendering pages, reading built pages for search)
split their work the same way once there is enough of it to pay for a fork. Forked processes
inherit the model, so only each share's results travel back (pickled).
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


def worth_it(items: int, threshold: int) -> bool:
    """Split only with a second core and at least ``threshold`` items (a fork costs about 0.1 s)."""
    return items >= threshold and (os.cpu_count() or 1) >= 2


SHARES = 16
"""How many shares the two processes take turns at: enough that neither waits long for the other when one core is
slowed (on the build VMs a core's speed varies by tens of percent within seconds), few enough that each result
still travels back in one piece."""


def shared(work: Callable[..., T], shares: Sequence[tuple[Any, ...]],
           meanwhile: Callable[[], object] | None = None) -> list[T]:
    """``[work(*args) for args in shares]``, in order, computed by two forked processes that each take the next
    share as soon as they are done with one.

    ``meanwhile`` runs here while they work: a serial step that needs no result (reading the seeds, writing
    the open data) then shares the cores instead of waiting for them.
    """
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        results = pool.map(work, *zip(*shares, strict=True))  # submits every share at once: the forks happen here
        if meanwhile is not None:
            meanwhile()
        return list(results)
