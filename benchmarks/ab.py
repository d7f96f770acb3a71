"""Time two checkouts of the generator on the same synthetic corpus, interleaved: A, B, A, B, …

Usage::

    git worktree add /tmp/base <older-commit>
    .venv/bin/python benchmarks/ab.py --a /tmp/base --b . --articles 1000 --profile skewed --rounds 3

The corpus is written once by this checkout's ``benchmarks/corpus.py``; every build gets a fresh copy of it (with
the side's own ``mkdocs.yml``, ``overrides/``, ``data/`` …) and runs ``python -m generator --root DIR build --strict``
(and ``--no-package`` where the side has it) in its own process, with the side as cwd and PYTHONPATH and the side's
``.venv/bin/python`` if it has one. Nothing is imported from either side: wall time and CPU time are
measured from outside (``os.wait4``) and peak RSS as the sum over the build's process tree (``memory.TreeMemory``), so
the two sides need not share a ``run.py``. Stage times come from what the
side prints: the generator's seconds are those until it says ``MkDocs:`` (Python's start-up included), MkDocs' are
the seconds it prints after ``サイト:``; a side that prints neither gets "—".
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.corpus import PROFILES, RIGHTS, WRITERS, copy_support  # noqa: E402
from benchmarks.memory import TreeMemory  # noqa: E402

MKDOCS_SECONDS = re.compile(r"サイト: .*\((?:MkDocs )?([\d.]+) 秒\)")


@dataclass(frozen=True)
class Run:
    """One build, as measured from outside."""

    side: str
    total_s: float
    generator_s: float | None
    mkdocs_s: float | None
    cpu_s: float
    peak_rss_mb: float
    pages: int

    @property
    def ms_per_page(self) -> float:
        return self.total_s * 1000 / max(self.pages, 1)


def python_of(side: Path) -> str:
    """The side's own virtual environment's Python, else this one."""
    own = side / ".venv" / "bin" / "python"
    return str(own) if own.exists() else sys.executable


def side_env(side: Path) -> dict[str, str]:
    """This environment with the side first on PYTHONPATH and progress on (CI=true would silence it)."""
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONPATH"] = str(side)
    return env


def build_command(side: Path, root: Path) -> list[str]:
    """``generator build`` as the side takes it: strict, without the PDF and offline copy if it can leave them out."""
    helptext = subprocess.run([python_of(side), "-m", "generator", "build", "--help"], cwd=side, env=side_env(side),
                              capture_output=True, text=True, check=True).stdout
    return [python_of(side), "-m", "generator", "--root", str(root), "build", "--strict",
            *(["--no-package"] if "--no-package" in helptext else [])]


def measure(label: str, side: Path, command: list[str], root: Path) -> Run:
    """Run one build and time it from outside; its progress lines (stderr) are timestamped as they arrive."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=side, env=side_env(side), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    assert proc.stderr is not None
    with TreeMemory(proc.pid) as memory:
        lines = [(time.perf_counter() - started, line.rstrip("\n")) for line in proc.stderr]
        _pid, status, usage = os.wait4(proc.pid, 0)
    total = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = "\n".join(line for _t, line in lines[-30:])
        raise SystemExit(f"{label}: the build failed (exit {proc.returncode}):\n{tail}")
    generator_s = next((t for t, line in lines if "MkDocs:" in line), None)
    mkdocs_s = next((float(m.group(1)) for _t, line in lines if (m := MKDOCS_SECONDS.search(line))), None)
    pages = sum(1 for _ in (root / "site").rglob("*.html"))
    return Run(label, total, generator_s, mkdocs_s, usage.ru_utime + usage.ru_stime, memory.peak_mb, pages)


def fmt(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


COLUMNS = ("total_s", "generator_s", "mkdocs_s", "cpu_s", "peak_rss_mb", "ms_per_page")


def median(runs: list[Run], column: str) -> float | None:
    values = [v for r in runs if (v := getattr(r, column)) is not None]
    return statistics.median(values) if values else None


def over(b: float | None, a: float | None) -> float | None:
    """B/A, where both are known."""
    return None if a is None or b is None or a == 0 else b / a


def table(runs: list[Run]) -> str:
    """One row per run, then each side's medians and B/A."""
    head = "| run | side | total s | generator s | MkDocs s | CPU s | peak RSS MB | pages | ms/page |"
    lines = [head, "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for i, r in enumerate(runs, 1):
        lines.append(f"| {i} | {r.side} | {r.total_s:.2f} | {fmt(r.generator_s)} | {fmt(r.mkdocs_s)} | {r.cpu_s:.2f} "
                     f"| {r.peak_rss_mb:.0f} | {r.pages:,} | {r.ms_per_page:.2f} |")
    medians = {side: {c: median([r for r in runs if r.side == side], c) for c in COLUMNS} for side in ("A", "B")}
    for side in ("A", "B"):
        m = medians[side]
        pages = statistics.median(r.pages for r in runs if r.side == side)
        lines.append(f"| median | {side} | {fmt(m['total_s'])} | {fmt(m['generator_s'])} | {fmt(m['mkdocs_s'])} "
                     f"| {fmt(m['cpu_s'])} | {fmt(m['peak_rss_mb'], 0)} | {pages:,.0f} | {fmt(m['ms_per_page'])} |")
    a, b = medians["A"], medians["B"]
    ratio = {c: over(b[c], a[c]) for c in COLUMNS}
    lines.append(f"| B/A | | {fmt(ratio['total_s'], 3)} | {fmt(ratio['generator_s'], 3)} | {fmt(ratio['mkdocs_s'], 3)} "
                 f"| {fmt(ratio['cpu_s'], 3)} | {fmt(ratio['peak_rss_mb'], 3)} | | {fmt(ratio['ms_per_page'], 3)} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="2 つのチェックアウトの生成器を、同じ合成コーパスで交互にビルドして比べる")
    p.add_argument("--a", type=Path, required=True, help="A(基準、例: git worktree の古いコミット)")
    p.add_argument("--b", type=Path, default=REPO, help="B(比べる側。既定: このチェックアウト)")
    p.add_argument("--articles", type=int, default=1000, help="記事数(100、1000、5000)")
    p.add_argument("--profile", choices=PROFILES, default="even", help="コーパスの形(benchmarks/corpus.py)")
    p.add_argument("--rights", choices=RIGHTS, default="mixed",
                   help="記事の rights: mixed(約 2 割が本文を掲載)、all(全記事)、none(rights のない古いコミットと比べるとき)")
    p.add_argument("--rounds", type=int, default=3, help="A・B の組を何回ビルドするか")
    shm = Path("/dev/shm")
    p.add_argument("--workdir", type=Path, default=shm if shm.is_dir() else None,
                   help="作業フォルダを作る場所(既定: /dev/shm の tmpfs。ディスクで測るなら /tmp など)")
    args = p.parse_args(argv)
    sides = {"A": args.a.resolve(), "B": args.b.resolve()}
    for label, side in sides.items():
        if not (side / "generator" / "__main__.py").is_file():
            p.error(f"{label}: {side} has no generator/__main__.py")
    work = Path(tempfile.mkdtemp(prefix="handbook-ab-", dir=args.workdir))
    try:
        master = work / "corpus"
        corpus = WRITERS[args.profile](args.articles, master, rights=args.rights).write()
        print(f"A = {sides['A']}\nB = {sides['B']}\n記事 {corpus.articles:,}、自治体 {corpus.bodies:,}、人物 {corpus.people:,}、"
              f"profile={args.profile}、rights={args.rights}、rounds={args.rounds}、作業フォルダ {work}\n", flush=True)
        root = work / "root"
        commands = {label: build_command(side, root) for label, side in sides.items()}
        runs: list[Run] = []
        for round_no in range(1, args.rounds + 1):
            for label, side in sides.items():
                shutil.rmtree(root, ignore_errors=True)
                for folder in ("content", "seeds"):
                    shutil.copytree(master / folder, root / folder)
                copy_support(root, side)
                run = measure(label, side, commands[label], root)
                runs.append(run)
                print(f"[ab] round {round_no} {label}: {run.total_s:.2f} s, {run.pages:,} pages", file=sys.stderr, flush=True)
        print(table(runs))
        print(f"\nload average (1 min) at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
