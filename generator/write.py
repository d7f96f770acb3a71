"""Stage 6, write: put rendered pages on disk, touching only what changed.

The generator owns one folder (``build/docs``). It writes nothing outside it, deletes files
there that are no longer produced, and leaves unchanged files alone so MkDocs' live reload
and file timestamps see only real edits.
"""

from __future__ import annotations

import os
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
    """Resolve a page path, refusing anything that would land outside the owned folder."""
    target = (out / rel).resolve()
    target.relative_to(out.resolve())
    return target


def write_tree(pages: Iterable[Page], out: Path) -> WriteStats:
    """Write pages under ``out``; remove stale files; skip files whose bytes are unchanged."""
    _claim(out)
    wanted: set[Path] = set()
    written = unchanged = 0
    for page in pages:
        target = _safe_target(out, page.path)
        wanted.add(target)
        data = page.content.encode("utf-8") if isinstance(page.content, str) else page.content
        if target.exists() and target.read_bytes() == data:
            unchanged += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
        written += 1
    removed = 0
    for existing in sorted(out.rglob("*"), reverse=True):
        if existing.is_file() and existing.resolve() not in wanted and existing.name != OWNER_MARK:
            existing.unlink()
            removed += 1
        elif existing.is_dir() and not any(existing.iterdir()):
            existing.rmdir()
    return WriteStats(written, unchanged, removed)


def swap_in(new: Path, final: Path) -> None:
    """Replace ``final`` with ``new`` in two renames, so a reader never sees a half-built site."""
    old = Path(tempfile.mkdtemp(prefix=f".{final.name}.old-", dir=final.parent))
    if final.exists():
        os.replace(final, old / final.name)
    os.replace(new, final)
    shutil.rmtree(old, ignore_errors=True)
