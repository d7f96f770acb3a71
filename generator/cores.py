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
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
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


class WorkerFailed(Exception):
    """A forked process of ``in_two_rounds`` raised: its traceback, as text."""


S = TypeVar("S")
K = TypeVar("K")
P = TypeVar("P")
R = TypeVar("R")


def in_two_rounds(first: Callable[[int], tuple[S, K]], count: int, plan: Callable[[list[S]], P],
                  second: Callable[[list[K], P], R], meanwhile: Callable[[], object] | None = None,
                  ) -> tuple[list[S], list[R]]:
    """Two forked processes take shares ``0..count-1`` in turn; each keeps what ``first`` made of its shares (``K``)
    and sends back only a summary (``S``). ``plan`` turns every summary, in share order, into what ``second`` needs;
    then each process runs ``second`` on what it kept. Returns the summaries and the two results of round two.

    What a round produces stays where it was made: at national scale the pages (100 MB) never travel back.
    ``meanwhile`` runs here during round one, as in ``shared``.
    """
    context = multiprocessing.get_context("fork")
    taken = context.Value("i", 0)
    links: list[Connection] = []
    procs: list[BaseProcess] = []
    finished = False
    try:
        for _ in range(2):
            here, there = context.Pipe()
            proc: BaseProcess = context.Process(target=_two_rounds, args=(there, taken, count, first, second), daemon=True)
            proc.start()
            there.close()
            links.append(here)
            procs.append(proc)
        if meanwhile is not None:
            meanwhile()
        summaries: dict[int, S] = {}
        for link in links:
            summaries.update(_received(link))
        ordered = [summaries[k] for k in range(count)]
        payload = plan(ordered)
        for link in links:
            link.send(payload)
        results: list[R] = [_received(link) for link in links]
        finished = True
        return ordered, results
    finally:  # an error or Ctrl+C here must not leave a process running
        for proc in procs:
            if finished:
                proc.join(timeout=10)
            if proc.is_alive():
                proc.kill()
                proc.join()
        for link in links:
            link.close()


def _received(link: Connection) -> Any:
    """The next message of a process of ``in_two_rounds``, raising what it raised."""
    try:
        status, value = link.recv()
    except EOFError:
        raise WorkerFailed("作業プロセスが途中で終了しました") from None
    if status != "ok":
        raise WorkerFailed(value)
    return value


def _two_rounds(link: Connection, taken: Any, count: int, first: Callable[[int], tuple[Any, Any]],
                second: Callable[[list[Any], Any], Any]) -> None:
    """One process of ``in_two_rounds``: take shares until none is left, report, wait for the plan, finish."""
    try:
        summaries: dict[int, Any] = {}
        kept: list[Any] = []
        while True:
            with taken.get_lock():
                share = taken.value
                taken.value += 1
            if share >= count:
                break
            summaries[share], keep = first(share)
            kept.append(keep)
        link.send(("ok", summaries))
        link.send(("ok", second(kept, link.recv())))
    except EOFError:  # the parent gave up (another process failed): nothing to report
        pass
    except BaseException:
        link.send(("failed", traceback.format_exc()))
    finally:
        link.close()
