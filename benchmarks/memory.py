"""Peak memory of a build and every process it starts, as the machine sees it (Linux ``/proc``)."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path


def _tree(pid: int) -> list[int]:
    """A process and all its descendants (Linux ``/proc/PID/task/TID/children``)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                todo += [int(child) for child in task.read_text().split()]
    return found


def _rss_kib(pid: int) -> int:
    """A process's resident memory now (0 once it has ended)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class TreeMemory:
    """The peak of the summed resident memory of a process (this one by default) and its descendants (the MkDocs
    parts, two at a time, and the search workers), sampled every 0.1 s in a thread.

    ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` cannot say it: Linux counts in a child's peak the parent's memory at the
    moment the child was started (fork, then exec), so a child of a 1 GB build reports at least 1 GB, and it gives
    the largest child, not what runs at the same time."""

    def __init__(self, pid: int | None = None) -> None:
        self.pid = os.getpid() if pid is None else pid
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.1):
            self.peak_kib = max(self.peak_kib, sum(_rss_kib(pid) for pid in _tree(self.pid)))

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak_mb(self) -> float:
        return self.peak_kib / 1024
