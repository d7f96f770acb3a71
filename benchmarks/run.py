"""Build one size of the synthetic corpus through the real pipeline and print what it cost.

Usage: ``python benchmarks/run.py --articles 1000 [--profile skewed]`` (sizes: 100, 1000, 5000;
profiles: even, the default, and skewed, see benchmarks/corpus.py). The corpus is
written to a temporary folder (``--keep DIR`` to keep it), built exactly as ``python -m
generator build`` does, and measured: stage times, peak RSS, pages, site bytes, the heaviest
page and the search index. The last line is machine-readable:

    RESULT articles=N pages=P total_s=T generator_s=G peak_rss_mb=M max_page_kb=K search_bytes=B profile=even rights=mixed

Comparing two checkouts of the generator on the same corpus: benchmarks/ab.py.
"""

from __future__ import annotations

import argparse
import inspect
import os
import re
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.corpus import PROFILES, RIGHTS, write_corpus  # noqa: E402
from benchmarks.memory import TreeMemory  # noqa: E402
from generator.build import build  # noqa: E402

# Timing keys the build reports, in pipeline order, with their table labels.
STAGES = (
    ("load", "読み込み (load)"),
    ("validate", "検証 (validate)"),
    ("model", "モデル (model)"),
    ("index", "相互参照 (index)"),
    ("render", "描画と長いページの分割 (render)"),
    ("write", "書き込み (write)"),
    ("search", "検索索引 (search)"),
    ("mkdocs", "MkDocs"),
)
GENERATOR_STAGES = ("load", "validate", "model", "index", "render", "write")
SETTLE_S = 60 + 300 + 10
"""How long ``--settle`` waits: ext4 without a journal keeps an inode freed in the last 60 s from reuse, and in the
last 360 s while the inode's table block is unwritten (``RECENTCY_MIN`` and ``RECENTCY_DIRTY`` in the kernel's
``fs/ext4/ialloc.c``), and every new file first steps over such inodes one by one. Writing the 7,000 docs of the
top size where an earlier run had just deleted its folder then took 3–5 s instead of 0.5 s: the cleanup, not the
build, was measured. Creating a file is what slows, and the build's own files keep those table blocks unwritten,
so only the full 360 s (and 10 s to spare) is sure to be enough."""


@dataclass(frozen=True)
class FileSystem:
    """The working folder's file system, printed with each table (the disk decided the totals more than the CPU)."""

    kind: str
    journal: bool | None = None
    """For ext4: whether it has a journal (``/proc/fs/jbd2`` lists the device); None when not known."""

    @property
    def holds_freed_inodes(self) -> bool:
        """Whether new files step over the inodes freed in the last minutes (see SETTLE_S)."""
        return self.kind == "ext4" and self.journal is False

    def describe(self) -> str:
        """The table's words for it: the kind, and for ext4 whether it keeps a journal."""
        if self.kind != "ext4" or self.journal is None:
            return self.kind
        return f"ext4(ジャーナル{'あり' if self.journal else 'なし'})"


def _unescape_mount(field: str) -> str:
    """``/proc/mounts`` writes a space in a path as ``\\040`` (and tab, newline, backslash likewise)."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def file_system(folder: Path, mounts: str | None = None, proc_fs: Path = Path("/proc/fs")) -> FileSystem:
    """The file system holding ``folder``: the longest mount point above it in ``/proc/self/mounts`` (Linux)."""
    if mounts is None:
        try:
            mounts = Path("/proc/self/mounts").read_text(encoding="utf-8")
        except OSError:
            return FileSystem("不明")
    target, best = folder.resolve().as_posix(), ("", "", "")
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        device, point, kind = _unescape_mount(fields[0]), _unescape_mount(fields[1]), fields[2]
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best[1]):
            best = (device, point, kind)
    device, _point, kind = best
    if not kind:
        return FileSystem("不明")
    name = Path(device).name
    if kind != "ext4" or not (proc_fs / "ext4" / name).is_dir():
        return FileSystem(kind)
    return FileSystem(kind, journal=any((proc_fs / "jbd2").glob(f"{name}-*")))


def settle(system: FileSystem, say: Callable[[str], None], warm_up: Callable[[], object],
           sleep: Callable[[float], object] = time.sleep) -> float | None:
    """Where freed inodes are held back, flush, wait them out and warm up again; return the seconds waited.

    The wait comes before the corpus is written, and a small build on tmpfs follows it, because this machine
    also drops file pages nobody read for about a minute (the kernel's DAMON ``pageout`` scheme: ``kdamond``,
    age ≥ 12 × 5 s): after six idle minutes the corpus and the installed packages were read from disk again,
    and loading 5,000 articles took 3.5 s instead of 1.2 s. So the timed build finds what a run without the
    wait finds: its inputs and the packages just used.
    """
    if not system.holds_freed_inodes:
        return None
    os.sync()
    say(f"{system.describe()}: 直前に消されたファイルの影響がなくなるまで {SETTLE_S} 秒待ちます(計測外)")
    sleep(SETTLE_S)
    warm_up()
    return float(SETTLE_S)


def without_package() -> dict[str, Any]:
    """``build()``'s option to leave out the offline copy and PDF (older code, compared with ``git worktree``, lacks it)."""
    return {"package": False} if "package" in inspect.signature(build).parameters else {}


def warm_up(say: Callable[[str], None], folder: Path = Path("/dev/shm")) -> None:
    """Build the 100-article corpus once in a tmpfs folder (outside the timing), so the packages are read again."""
    if not folder.is_dir():
        return
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="handbook-warm-up-", dir=folder))
    try:
        build(write_corpus(work, 100).root, strict=True, **without_package())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    say(f"準備のビルド: 記事 100 ({time.perf_counter() - started:.1f} 秒、計測外)")


@dataclass(frozen=True)
class SiteStats:
    """What a reader downloads: page count, total bytes, the heaviest page and the search files."""

    pages: int
    site_bytes: int
    max_page_bytes: int
    max_page: str
    search_bytes: int


def site_stats(site: Path) -> SiteStats:
    """Walk the built site once."""
    pages = total = heaviest = search = 0
    heaviest_path = ""
    for dirpath, _dirs, files in os.walk(site):
        rel_dir = Path(dirpath).relative_to(site)
        for name in files:
            size = (Path(dirpath) / name).stat().st_size
            total += size
            if rel_dir.parts[:1] == ("search",):
                search += size
            if name.endswith(".html"):
                pages += 1
                if size > heaviest:
                    heaviest, heaviest_path = size, (rel_dir / name).as_posix()
    return SiteStats(pages, total, heaviest, heaviest_path, search)


def cpu_seconds() -> float:
    """User + system CPU time of this process and its finished children (MkDocs)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def own_peak_mb() -> float:
    """Peak resident memory of this process alone, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine_speed() -> float:
    """Seconds for ten million additions in pure Python, printed with each table so runs can be compared
    (0.34–0.67 s on the build machine on 2026-11-22/23: every 5,000-article total above 90 s read 0.50 s or more)."""
    started, total = time.perf_counter(), 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - started


def progress_sink(quiet: bool) -> Callable[[str], None]:
    """Stage progress on stderr unless quiet (CI=true or --quiet)."""
    if quiet:
        return lambda _msg: None
    return lambda msg: print(f"[benchmark] {msg}", file=sys.stderr, flush=True)


def run(articles: int, workdir: Path, quiet: bool, settled: bool = False, profile: str = "even",
        rights: str = "mixed") -> str:
    """Generate, build and measure one size and profile (after ``settle`` if asked); return the table and RESULT line
    as text."""
    say = progress_sink(quiet)
    system = file_system(workdir)
    waited = settle(system, say, lambda: warm_up(say)) if settled else None
    t0 = time.perf_counter()
    corpus = write_corpus(workdir, articles, profile=profile, rights=rights)
    say(f"コーパス: 記事 {corpus.articles}、自治体 {corpus.bodies}、人物 {corpus.people} ({time.perf_counter() - t0:.1f} 秒、計測外)")
    speed_before = machine_speed()
    started, cpu_before = time.perf_counter(), cpu_seconds()
    with TreeMemory() as memory:
        generated = build(workdir, strict=True, progress=say, **without_package())
    total = time.perf_counter() - started
    cpu = cpu_seconds() - cpu_before
    speed_after = machine_speed()
    timings = generated.timings
    stats = site_stats(workdir / "site")
    generator_s = sum(timings.get(k, 0.0) for k in GENERATOR_STAGES)
    rss = memory.peak_mb
    ms_per_page = total * 1000 / max(stats.pages, 1)
    rows = [(label, f"{timings[key]:.2f} s") for key, label in STAGES if key in timings]
    known = {k for k, _ in STAGES}
    rows += [(key, f"{value:.2f} s") for key, value in timings.items() if key not in known]
    rows += [
        ("プロファイル (profile)", profile),
        ("記事の rights", rights),
        ("生成器 (generator: load〜write)", f"{generator_s:.2f} s"),
        ("合計 (total)", f"{total:.2f} s"),
        ("CPU 時間 (user+sys, self+children)", f"{cpu:.2f} s"),
        ("生成器の割合 (generator share)", f"{generator_s / total * 100:.1f} %"),
        ("負荷 (load average, 1 分, 終了時)", f"{os.getloadavg()[0]:.2f}(コア {os.cpu_count()})"),
        ("計算機の速さ (1,000 万回の加算, 前/後)", f"{speed_before:.2f} s / {speed_after:.2f} s"),
        ("作業フォルダのファイルシステム", system.describe() + settle_note(system, waited)),
        ("ピーク RSS (プロセスの木の合計)", f"{rss:.0f} MB(このプロセスだけのピーク {own_peak_mb():.0f} MB)"),
        ("ページ数 (HTML)", f"{stats.pages:,}"),
        ("サイト容量", f"{stats.site_bytes / 1_000_000:.1f} MB"),
        ("最大ページ", f"{stats.max_page_bytes / 1000:.1f} KB ({stats.max_page})"),
        ("検索データ (search/)", f"{stats.search_bytes:,} bytes"),
        ("1 ページあたり", f"{ms_per_page:.2f} ms"),
    ]
    width = max(len(label) for label, _ in rows)
    lines = [f"記事 {corpus.articles:,}、自治体 {corpus.bodies:,}、テーマ {corpus.themes}、人物 {corpus.people:,}", "",
             f"| {'項目'.ljust(width)} | 値 |", f"| {'-' * width} | --- |"]
    lines += [f"| {label.ljust(width)} | {value} |" for label, value in rows]
    lines.append("")
    lines.append(
        f"RESULT articles={corpus.articles} pages={stats.pages} total_s={total:.2f} generator_s={generator_s:.2f} "
        f"peak_rss_mb={rss:.0f} max_page_kb={stats.max_page_bytes / 1000:.1f} search_bytes={stats.search_bytes} "
        f"profile={profile} rights={rights}"
    )
    return "\n".join(lines)


def settle_note(system: FileSystem, waited: float | None) -> str:
    """What the table says of ``--settle``: whether this run waited, or could have been slowed by earlier deletions."""
    if not system.holds_freed_inodes:
        return ""
    if waited is None:
        return "。--settle なし: 数分以内の削除の跡に書くと遅くなります"
    return f"。計測前に {waited:.0f} 秒待機 (--settle)"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="自治体DXハンドブックのベンチマーク(合成コーパスを実際のパイプラインで生成)")
    p.add_argument("--articles", type=int, default=100, help="記事数(100、1000、5000)")
    p.add_argument("--profile", choices=PROFILES, default="even",
                   help="コーパスの形: even(既定、記事を人口に応じて散らす)、skewed(少数の団体に記事が集中し、半分が長い記事)")
    p.add_argument("--rights", choices=RIGHTS, default="mixed",
                   help="記事の rights: mixed(既定、約 2 割が本文を掲載)、all(全記事が本文を掲載。最も重い)、none(rights なし)")
    p.add_argument("--keep", type=Path, help="コーパスとサイトをこのフォルダに残す(空のフォルダ)")
    p.add_argument("--quiet", action="store_true", help="進行状況を表示しない(CI=true でも同じ)")
    p.add_argument("--settle", action="store_true",
                   help=f"作業フォルダがジャーナルのない ext4 なら、sync して {SETTLE_S} 秒待ち、tmpfs で 100 本を 1 回ビルドしてから"
                        "コーパスを書いて計測する(数分以内に消されたファイルの跡に書くと遅くなるため。ほかのファイルシステムでは何もしない)")
    args = p.parse_args(argv)
    quiet = args.quiet or os.environ.get("CI") == "true"
    if args.keep:
        print(run(args.articles, args.keep.resolve(), quiet, args.settle, args.profile, args.rights))
        return 0
    workdir = Path(tempfile.mkdtemp(prefix="handbook-bench-"))
    try:
        print(run(args.articles, workdir, quiet, args.settle, args.profile, args.rights))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
