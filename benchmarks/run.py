"""Build one size of the synthetic corpus through the real pipeline and print what it cost.

Usage: ``python benchmarks/run.py --articles 1000`` (sizes: 100, 1000, 5000). The corpus is
written to a temporary folder (``--keep DIR`` to keep it), built exactly as ``python -m
generator build`` does, and measured: stage times, peak RSS, pages, site bytes, the heaviest
page and the search index. The last line is machine-readable:

    RESULT articles=N pages=P total_s=T generator_s=G peak_rss_mb=M max_page_kb=K search_bytes=B
"""

from __future__ import annotations

import argparse
import inspect
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.corpus import write_corpus  # noqa: E402
from generator.build import build  # noqa: E402

# Timing keys the build reports, in pipeline order, with their table labels.
STAGES = (
    ("load", "読み込み (load)"),
    ("validate", "検証 (validate)"),
    ("model", "モデル (model)"),
    ("index", "相互参照 (index)"),
    ("render", "描画 (render)"),
    ("paginate", "長いページの分割 (paginate)"),
    ("write", "書き込み (write)"),
    ("search", "検索索引 (search)"),
    ("mkdocs", "MkDocs"),
)
GENERATOR_STAGES = ("load", "validate", "model", "index", "render", "paginate", "write")


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


def peak_rss_mb() -> float:
    """Peak resident memory of this process plus the largest child (MkDocs), in MiB (Linux: KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024


def machine_speed() -> float:
    """Seconds for ten million additions in pure Python, printed with each table so runs can be compared
    (0.34–0.65 s on the build machine on 2026-11-22; the disk, not this, moved the totals most)."""
    started, total = time.perf_counter(), 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - started


def progress_sink(quiet: bool) -> Callable[[str], None]:
    """Stage progress on stderr unless quiet (CI=true or --quiet)."""
    if quiet:
        return lambda _msg: None
    return lambda msg: print(f"[benchmark] {msg}", file=sys.stderr, flush=True)


def run(articles: int, workdir: Path, quiet: bool) -> str:
    """Generate, build and measure one size; return the table and RESULT line as text."""
    say = progress_sink(quiet)
    t0 = time.perf_counter()
    corpus = write_corpus(workdir, articles)
    say(f"コーパス: 記事 {corpus.articles}、自治体 {corpus.bodies}、人物 {corpus.people} ({time.perf_counter() - t0:.1f} 秒、計測外)")
    speed_before = machine_speed()
    started, cpu_before = time.perf_counter(), cpu_seconds()
    options = {"package": False} if "package" in inspect.signature(build).parameters else {}
    generated = build(workdir, strict=True, progress=say, **options)
    total = time.perf_counter() - started
    cpu = cpu_seconds() - cpu_before
    speed_after = machine_speed()
    timings = generated.timings
    stats = site_stats(workdir / "site")
    generator_s = sum(timings.get(k, 0.0) for k in GENERATOR_STAGES)
    rss = peak_rss_mb()
    ms_per_page = total * 1000 / max(stats.pages, 1)
    rows = [(label, f"{timings[key]:.2f} s") for key, label in STAGES if key in timings]
    known = {k for k, _ in STAGES}
    rows += [(key, f"{value:.2f} s") for key, value in timings.items() if key not in known]
    rows += [
        ("生成器 (generator: load〜write)", f"{generator_s:.2f} s"),
        ("合計 (total)", f"{total:.2f} s"),
        ("CPU 時間 (user+sys, self+children)", f"{cpu:.2f} s"),
        ("生成器の割合 (generator share)", f"{generator_s / total * 100:.1f} %"),
        ("負荷 (load average, 1 分, 終了時)", f"{os.getloadavg()[0]:.2f}(コア {os.cpu_count()})"),
        ("計算機の速さ (1,000 万回の加算, 前/後)", f"{speed_before:.2f} s / {speed_after:.2f} s"),
        ("ピーク RSS (self + children)", f"{rss:.0f} MB"),
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
        f"peak_rss_mb={rss:.0f} max_page_kb={stats.max_page_bytes / 1000:.1f} search_bytes={stats.search_bytes}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="自治体DXハンドブックのベンチマーク(合成コーパスを実際のパイプラインで生成)")
    p.add_argument("--articles", type=int, default=100, help="記事数(100、1000、5000)")
    p.add_argument("--keep", type=Path, help="コーパスとサイトをこのフォルダに残す(空のフォルダ)")
    p.add_argument("--quiet", action="store_true", help="進行状況を表示しない(CI=true でも同じ)")
    args = p.parse_args(argv)
    quiet = args.quiet or os.environ.get("CI") == "true"
    if args.keep:
        print(run(args.articles, args.keep.resolve(), quiet))
        return 0
    workdir = Path(tempfile.mkdtemp(prefix="handbook-bench-"))
    try:
        print(run(args.articles, workdir, quiet))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
