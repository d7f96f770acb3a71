"""Live-preview latency: from saving one article's YAML to the changed page served by ``serve``.

Usage: ``python benchmarks/preview.py --articles 1000``. Writes the corpus to a temporary
folder, starts ``python -m generator serve`` there, waits for the first build, then edits one
article's summary several times and polls the served HTML until the edit shows. Prints each
latency and the median; the issue's target is 3 s at 1,000 articles.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.corpus import write_corpus  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> str:
    """The page's text, or "" while the server is not answering yet."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return ""


def wait_for(url: str, marker: str, timeout: float) -> float:
    """Seconds until ``marker`` appears in the page at ``url``."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if marker in fetch(url):
            return time.perf_counter() - started
        time.sleep(0.05)
    raise TimeoutError(f"{marker!r} did not appear at {url} within {timeout} s")


def base_path(root: Path) -> str:
    """The path ``mkdocs serve`` serves under: that of ``site_url`` (e.g. ``/handbook/``)."""
    for line in (root / "mkdocs.yml").read_text(encoding="utf-8").splitlines():
        if line.startswith("site_url:"):
            urls = re.findall(r"https?://[^\s\"'\]]+", line)
            if urls:
                return urllib.parse.urlsplit(urls[-1]).path.rstrip("/") + "/"
    return "/"


def measure(root: Path, edits: int, article: str) -> list[float]:
    """Start serve in ``root``, then edit ``article`` ``edits`` times and time each edit."""
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(REPO), NO_MKDOCS_2_WARNING="1")
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "--root", str(root), "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=root, env=env, stdout=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}{base_path(root)}articles/{article}.html"
    source = root / "content" / "articles" / f"{article}.yaml"
    original = source.read_text(encoding="utf-8")
    try:
        first = wait_for(url, "</html>", timeout=1800)
        print(f"serve の起動(初回の全体ビルド): {first:.1f} 秒", flush=True)
        time.sleep(2)
        latencies = []
        for n in range(1, edits + 1):
            marker = f"プレビュー計測{n}回目"
            source.write_text(original.replace("summary: ", f"summary: {marker}。", 1), encoding="utf-8")
            latency = wait_for(url, marker, timeout=120)
            latencies.append(latency)
            print(f"編集 {n}: {latency:.2f} 秒", flush=True)
            time.sleep(1.5)
        return latencies
    finally:
        source.write_text(original, encoding="utf-8")
        # SIGTERM, not SIGINT: a shell starts background jobs with SIGINT ignored, and serve handles SIGTERM like Ctrl+C.
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="serve の反映時間(YAML 保存からページに出るまで)を測る")
    p.add_argument("--articles", type=int, default=1000)
    p.add_argument("--edits", type=int, default=5)
    p.add_argument("--keep", type=Path, help="コーパスをこのフォルダに作って残す(既にあれば再利用する)")
    args = p.parse_args(argv)
    workdir = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="handbook-preview-"))
    try:
        if not (workdir / "content").exists():
            write_corpus(workdir, args.articles)
        latencies = measure(workdir, args.edits, "article-00500" if args.articles >= 500 else "article-00001")
        print(f"RESULT articles={args.articles} edits={len(latencies)} median_s={statistics.median(latencies):.2f} "
              f"max_s={max(latencies):.2f}")
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
