"""Peak memory of a build and every process it starts, as the machine sees it (Linux ``/proc``)."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path


def _cmdline(pid: int) -> bytes:
    """A process's command line (empty once it has ended)."""
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    return b""


def _children(pid: int) -> list[int]:
    """A process's children (Linux ``/proc/PID/task/TID/children``); none once it has ended."""
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                found += [int(child) for child in (task / "children").read_text().split()]
    return found


def _tree(pid: int) -> list[int]:
    """A process and its descendants that run a program of their own. A child between fork and exec still holds its
    parent's command line and memory (after ``vfork``, which Python's subprocess uses, the very same pages): counted,
    it would add the parent's memory a second time (a 1 GB build starting ``true`` read 2 GB)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        own = _cmdline(current)
        todo += [child for child in _children(current) if _cmdline(child) != own]
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
    parts, two at a time), sampled every 0.1 s in a thread.

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
