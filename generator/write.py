"""Stage 6, write: put rendered pages on disk, touching only what changed.

The generator owns one folder (``build/docs``). It writes nothing outside it, deletes files
there that are no longer produced, and leaves unchanged files alone so MkDocs' live reload
and file timestamps see only real edits.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from generator.render import Page

OWNER_MARK = ".generated-by-handbook"


@dataclass(frozen=True)
class WriteStats:
    """What a write changed, for progress output and the live-preview latency budget."""

    written: int
    unchanged: int
    removed: int


class OwnershipError(Exception):
    """The output folder exists but was not created by the generator: refuse to touch it."""


def _claim(out: Path) -> None:
    """Create the folder with an ownership mark, or verify the mark on an existing one."""
    if out.exists() and any(out.iterdir()) and not (out / OWNER_MARK).exists():
        raise OwnershipError(f"{out} は生成器が作ったフォルダではないため、書き込みません")
    out.mkdir(parents=True, exist_ok=True)
    (out / OWNER_MARK).write_text("This folder is generated; edit content/ instead.\n", encoding="utf-8")


def _safe_target(out: Path, rel: str) -> Path:
    """A page path inside the owned folder, refusing anything that would land outside it.

    Checked on the string (absolute paths, ``..``) rather than with ``resolve()``: one system
    call per path per file was a visible share of a preview regeneration at 1,000 articles.
    """
    norm = posixpath.normpath(rel)
    if rel.startswith(("/", "\\")) or norm == ".." or norm.startswith("../") or "\\" in rel or ":" in norm.split("/")[0]:
        raise ValueError(f"生成ファイルのパスが出力フォルダの外を指しています: {rel}")
    return out / norm


def _check_folder(out: Path, folder: Path) -> None:
    """Refuse a folder that a symbolic link leads out of the owned folder (checked once per folder)."""
    nearest = folder
    while not nearest.exists() and nearest != out and nearest != nearest.parent:
        nearest = nearest.parent
    nearest.resolve().relative_to(out.resolve())


def _same(target: str, data: bytes) -> bool:
    """True when the file already holds exactly ``data`` (its size is compared first, which is cheap)."""
    try:
        if os.stat(target).st_size != len(data):
            return False
        with open(target, "rb") as f:
            return f.read() == data
    except FileNotFoundError:
        return False


def _write_if_changed(target: str, data: bytes) -> bool:
    """Write through a temporary file and a rename, skipping identical bytes; True when written.

    Plain ``os`` calls on a string and a folder made once by the caller: ``Path`` methods and a ``mkdir`` per file
    were half the write stage at national scale (7,000 files).
    """
    if _same(target, data):
        return False
    tmp = target + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, target)
    return True


def _enter(out: Path, folder: Path) -> None:
    """Check that a folder stays inside the owned one, then make it."""
    _check_folder(out, folder)
    folder.mkdir(parents=True, exist_ok=True)


def write_tree(pages: Iterable[Page], out: Path) -> WriteStats:
    """Write pages under ``out``; remove stale files; skip files whose bytes are unchanged."""
    _claim(out)
    wanted: set[Path] = set()
    written = unchanged = 0
    inside: set[Path] = set()
    for page in pages:
        target = _safe_target(out, page.path)
        if target.parent not in inside:
            _enter(out, target.parent)
            inside.add(target.parent)
        wanted.add(target)
        if _write_if_changed(str(target), page.data):
            written += 1
        else:
            unchanged += 1
    removed = 0
    for existing in sorted(out.rglob("*"), reverse=True):
        if existing.is_file() and existing not in wanted and existing.name != OWNER_MARK:
            existing.unlink()
            removed += 1
        elif existing.is_dir() and not any(existing.iterdir()):
            existing.rmdir()
    return WriteStats(written, unchanged, removed)


def write_pages(pages: Iterable[Page], out: Path) -> int:
    """Write just these pages (nothing is removed): the live preview's first, quick step. Returns how many changed."""
    _claim(out)
    written = 0
    for page in pages:
        target = _safe_target(out, page.path)
        _enter(out, target.parent)
        written += _write_if_changed(str(target), page.data)
    return written


def swap_in(new: Path, final: Path) -> None:
    """Replace ``final`` with ``new`` in two renames, so a reader never sees a half-built site."""
    old = Path(tempfile.mkdtemp(prefix=f".{final.name}.old-", dir=final.parent))
    if final.exists():
        os.replace(final, old / final.name)
    os.replace(new, final)
    shutil.rmtree(old, ignore_errors=True)
