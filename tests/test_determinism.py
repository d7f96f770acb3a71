"""Two builds of the same content give byte-identical generated files.

The builds run as separate processes with different hash seeds and in different folders, so
set ordering, dict ordering by hash, absolute paths or timestamps leaking into output would
all show up as a difference.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def generate_docs(root: Path, hash_seed: str) -> dict[str, bytes]:
    """Run ``build --no-site`` in a fresh process; return build/docs as {path: bytes}."""
    for name in ("content", "seeds", "data"):
        shutil.copytree(ROOT / name, root / name)
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONHASHSEED=hash_seed, CI="true")
    proc = subprocess.run([sys.executable, "-m", "generator", "build", "--no-site"], cwd=root, env=env,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    docs = root / "build" / "docs"
    return {p.relative_to(docs).as_posix(): p.read_bytes() for p in sorted(docs.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    first = generate_docs(tmp_path / "a", "1")
    second = generate_docs(tmp_path / "somewhere-else" / "b", "2")
    assert sorted(first) == sorted(second)
    different = [name for name in first if first[name] != second[name]]
    assert different == []
    markdown = [name for name in first if name.endswith(".md")]
    assert len(markdown) > 30
    assert not any(str(tmp_path).encode() in data for data in first.values()), "absolute build path leaked into output"


def test_rebuild_rewrites_nothing(tmp_path: Path) -> None:
    """The second build finds every file already up to date (write.py skips identical bytes)."""
    from generator.build import build

    root = tmp_path / "r"
    for name in ("content", "seeds", "data"):
        shutil.copytree(ROOT / name, root / name)
    messages: list[str] = []
    build(root, site=False)
    build(root, site=False, progress=messages.append)
    written = [m for m in messages if m.startswith("書き込み: ")]
    assert len(written) == 1 and written[0].startswith("書き込み: 更新 0、")
