"""Stage 6, write: put rendered pages on disk, touching only what changed; the folders a build owns.

The generator owns one folder (``build/docs``). It writes nothing outside it, deletes files
there that are no longer produced, and leaves unchanged files alone so MkDocs' live reload
and file timestamps see only real edits. The site is staged in ``.site-*`` and swapped in whole
(``swap_in``); a build holds ``build/.lock`` and first removes what a killed build left.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import posixpath
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.errors import BuildAborted, Problems
from generator.pages import paths
from generator.pages.render import Page

DOCS_DIR = Path("build/docs")
"""The generator's own folder: the Markdown and data it writes, which MkDocs reads (``docs_dir`` in ``mkdocs.yml``)."""
OWNER_MARK = ".generated-by-handbook"


@dataclass(frozen=True)
class WriteStats:
    """What a write changed, for progress output and the live-preview latency budget."""

    written: int
    unchanged: int
    removed: int


class OwnershipError(Exception):
    """The output folder exists but was not created by the generator: refuse to touch it."""


def claim(out: Path) -> None:
    """Create the folder with an ownership mark, or verify the mark on an existing one."""
    if out.exists() and any(out.iterdir()) and not (out / OWNER_MARK).exists():
        raise OwnershipError(f"{out} は生成器が作ったフォルダではないため、書き込みません")
    out.mkdir(parents=True, exist_ok=True)
    (out / OWNER_MARK).write_text("This folder is generated; edit content/ instead.\n", encoding="utf-8")


def _safe_target(out: Path, rel: str) -> str:
    """A page path inside the owned folder, refusing anything that would land outside it.

    Checked on the string (absolute paths, ``..``) rather than with ``resolve()``: one system
    call per path per file was a visible share of a preview regeneration at 1,000 articles.
    """
    norm = posixpath.normpath(rel)
    if rel.startswith(("/", "\\")) or norm == ".." or norm.startswith("../") or "\\" in rel or ":" in norm.split("/")[0]:
        raise ValueError(f"生成ファイルのパスが出力フォルダの外を指しています: {rel}")
    return os.path.join(out, norm)


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


def _enter(out: Path, folder: str) -> None:
    """Check that a folder stays inside the owned one, then make it."""
    _check_folder(out, Path(folder))
    os.makedirs(folder, exist_ok=True)


def write_tree(pages: Iterable[Page], out: Path) -> WriteStats:
    """Write pages under ``out``; remove stale files; skip files whose bytes are unchanged."""
    claim(out)
    written, unchanged, wanted = write_files(out, pages)
    return WriteStats(written, unchanged, remove_stale(out, wanted))


def write_files(out: Path, pages: Iterable[Page]) -> tuple[int, int, set[str]]:
    """Write pages under ``out`` (already claimed), skipping unchanged bytes: how many were written, how many
    were unchanged, and every target, for ``remove_stale``.

    Paths are strings and ``os`` calls throughout: ``Path`` objects (hashing, parsing) were a third of writing
    7,000 files.
    """
    wanted: set[str] = set()
    written = unchanged = 0
    inside: set[str] = set()
    for page in pages:
        target = _safe_target(out, page.path)
        folder = os.path.dirname(target)
        if folder not in inside:
            _enter(out, folder)
            inside.add(folder)
        wanted.add(target)
        if _write_if_changed(target, page.data):
            written += 1
        else:
            unchanged += 1
    return written, unchanged, wanted


def remove_stale(out: Path, wanted: set[str]) -> int:
    """Delete what the generator no longer produces (links too, never followed) and the folders left empty."""
    top = str(out)
    removed = 0
    for folder, dirs, files in os.walk(top, topdown=False):
        for name in files:
            path = os.path.join(folder, name)
            if path not in wanted and not (folder == top and name == OWNER_MARK):
                os.unlink(path)
                removed += 1
        for name in dirs:
            path = os.path.join(folder, name)
            if os.path.islink(path):
                os.unlink(path)
                removed += 1
            elif not os.listdir(path):
                os.rmdir(path)
    return removed


def new_folder(parent: Path, prefix: str) -> Path:
    """A new, empty folder ``parent/<prefix><random>`` with the mode the umask allows (0755 with umask 022).

    Not ``tempfile.mkdtemp``: its folder is 0700, and a site staged in one and swapped in as ``site/`` kept that
    mode, so the web server's user was refused every page.
    """
    while True:
        folder = parent / f"{prefix}{secrets.token_hex(4)}"
        try:
            folder.mkdir(mode=0o777)
        except FileExistsError:
            continue
        return folder


def swap_in(new: Path, final: Path) -> None:
    """Replace ``final`` with ``new`` in two renames, so a reader never sees a half-built site.

    When the second rename fails, the first is undone, so ``final`` is never left missing; were even that to
    fail, the previous ``final`` is kept in ``.<name>.old-*`` beside it.
    """
    old = Path(tempfile.mkdtemp(prefix=f".{final.name}.old-", dir=final.parent))
    moved = old / final.name
    try:
        if final.exists():
            os.replace(final, moved)
    except BaseException:
        old.rmdir()
        raise
    try:
        os.replace(new, final)
    except BaseException:
        if moved.exists():
            os.replace(moved, final)
        old.rmdir()
        raise
    shutil.rmtree(old, ignore_errors=True)


LOCK_FILE = Path("build/.lock")
SITE_DIR = Path("site")
STAGING_PREFIX = ".site-"
"""Every folder a build stages in starts so (the site, the offline copy, MkDocs' parts)."""


def check_unique(pages: Iterable[Page], source_of: Callable[[str], str | None], problems: Problems) -> None:
    """Abort when two generated files share a path: one would silently replace the other. Named by the content file
    the page came from when there is one (``source_of``), else by the generated file."""
    seen: set[str] = set()
    shared: list[str] = []
    for page in pages:
        if page.path in seen and page.path not in shared:
            shared.append(page.path)
        seen.add(page.path)
    for path in shared:
        source, entity = source_of(path), paths.entity_of(path)
        if source is not None and entity is not None:
            problems.error(source, 1, "id", f"この{paths.NAMES[entity[0]]}のページ {path} は、生成器が作る別のページと同じパスになります"
                                            "(どちらかが失われます)。別の id にしてください")
        else:
            problems.error(f"{DOCS_DIR.as_posix()}/{path}", 1, "(生成物)",
                           f"2 つのページが同じパス {path} に生成されます(どちらかが失われるため、生成を中止しました)")
    if shared:
        raise BuildAborted(problems)


class BuildLocked(Exception):
    """Another build holds the lock on this folder."""


@contextlib.contextmanager
def locked(root: Path) -> Iterator[None]:
    """Hold ``build/.lock`` for the whole build; ``BuildLocked`` at once when another build holds it.

    ``flock`` locks go with the process: a build that was killed leaves no lock behind.
    """
    path = root / LOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip()
            raise BuildLocked(f"{LOCK_FILE.as_posix()}:1: (ロック): 別のビルド"
                              f"{f'(プロセス {holder})' if holder.isdigit() else ''}がこのフォルダで実行中です。"
                              "終わってから、もう一度実行してください") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)


def remove_leftovers(root: Path) -> None:
    """Remove what a build killed with SIGKILL (or a power cut) left beside ``site/``: staging folders and MkDocs'
    derived configs; copies of an old site only when ``site/`` is there (``swap_in`` keeps one when it cannot
    put the old site back). Called with the lock held, so no running build's folders are touched."""
    for path in root.glob(f"{STAGING_PREFIX}*"):
        if path.is_symlink() or not path.is_dir():
            path.unlink(missing_ok=True)
        else:
            shutil.rmtree(path, ignore_errors=True)
    for path in root.glob(".mkdocs-part-*.yml"):
        path.unlink(missing_ok=True)
    if (root / SITE_DIR).is_dir():
        for path in root.glob(f".{SITE_DIR.name}.old-*"):
            shutil.rmtree(path, ignore_errors=True)
