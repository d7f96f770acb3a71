"""Live preview: ``mkdocs serve`` on ``build/docs``, regenerated whenever a file in content/ or seeds/ changes.

A regeneration is the build's own ``generate`` and ``write_docs``: one path through the generator, so the preview
shows exactly what a build publishes. ``write_docs`` rewrites only the files whose bytes changed, so MkDocs
(``serve --dirty``) rebuilds only those pages. The one difference is the search: ``mkdocs serve`` builds elsewhere,
where the handbook's own index (generator/publish/search.py) cannot follow, so the preview lets Material index
the pages (``material_search``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from generator.build import SITE, generate, write_docs
from generator.errors import BuildAborted, Problems
from generator.site.mkdocs import mkdocs_env

PREVIEW_SITE = {**SITE, "material_search": "yes"}
WATCHED = ("content", "seeds")


def snapshot(root: Path) -> dict[str, int]:
    """Modification times of every input file, for change polling without extra dependencies."""
    stamps: dict[str, int] = {}
    for folder in WATCHED:
        for path in (root / folder).rglob("*"):
            if path.is_file():
                stamps[str(path)] = path.stat().st_mtime_ns
    return stamps


def regenerate(root: Path, say: Callable[[str], None], report: Callable[[Problems], None]) -> None:
    """Generate and write ``build/docs`` once; problems are reported and the previous pages stay."""
    started = time.perf_counter()
    try:
        generated = generate(root, site=PREVIEW_SITE)
    except BuildAborted as exc:
        report(exc.problems)
        return
    stats = write_docs(root, generated)
    say(f"再生成 {time.perf_counter() - started:.2f} 秒(書き込み {stats.written}、削除 {stats.removed})")


def serve(root: Path, dev_addr: str, say: Callable[[str], None], report: Callable[[Problems], None]) -> int:
    """Run ``mkdocs serve`` until it ends or SIGINT/SIGTERM, regenerating after every edit."""

    def stop(_signum: int, _frame: object) -> None:
        """SIGTERM (a service manager, a test) stops the preview like Ctrl+C, MkDocs included."""
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    regenerate(root, say, report)
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dirty", "--dev-addr", dev_addr,
                               "--config-file", str(root / "mkdocs.yml")], cwd=root, env=mkdocs_env(os.environ))
    before = snapshot(root)
    try:
        while server.poll() is None:
            time.sleep(0.3)
            now = snapshot(root)
            if now != before:
                before = now
                regenerate(root, say, report)
    except KeyboardInterrupt:
        pass
    finally:
        server.terminate()
        server.wait()
    return 0
