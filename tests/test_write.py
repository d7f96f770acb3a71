"""Stage 6, write: only the generator's own folder changes, only where bytes changed, and nothing is followed out."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from generator.pages.render import Page
from generator.pages.write import OWNER_MARK, OwnershipError, new_folder, swap_in, write_tree


def test_unchanged_files_are_left_and_stale_ones_removed_with_their_empty_folders(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    first = write_tree([Page("index.md", "# ホーム\n"), Page("themes/a.md", "# A\n"), Page("old/x.md", "古い\n")], out)
    assert (first.written, first.unchanged, first.removed) == (3, 0, 0)
    os.utime(out / "index.md", (1, 1))
    second = write_tree([Page("index.md", "# ホーム\n"), Page("themes/a.md", "# A2\n")], out)
    assert (second.written, second.unchanged, second.removed) == (1, 1, 1)
    assert (out / "index.md").stat().st_mtime == 1
    assert (out / "themes/a.md").read_text(encoding="utf-8") == "# A2\n"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [OWNER_MARK, "index.md", "themes", "themes/a.md"]


def test_a_link_inside_the_folder_is_removed_and_never_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("残す\n", encoding="utf-8")
    out = tmp_path / "docs"
    write_tree([Page("index.md", "# ホーム\n")], out)
    os.symlink(outside, out / "linked")
    os.symlink(outside / "keep.txt", out / "file-link.md")
    stats = write_tree([Page("index.md", "# ホーム\n")], out)
    assert stats.removed == 2
    assert not (out / "linked").is_symlink() and not (out / "file-link.md").is_symlink()
    assert (outside / "keep.txt").read_text(encoding="utf-8") == "残す\n"


def test_a_page_whose_folder_is_a_link_out_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    out = tmp_path / "docs"
    write_tree([Page("index.md", "# ホーム\n")], out)
    os.symlink(outside, out / "themes")
    with pytest.raises(ValueError):
        write_tree([Page("themes/a.md", "# A\n")], out)
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize("path", ["../escape.md", "/etc/escape.md", "a/../../escape.md", "c:/escape.md"])
def test_a_page_path_leading_out_is_refused(tmp_path: Path, path: str) -> None:
    with pytest.raises(ValueError, match="出力フォルダの外"):
        write_tree([Page(path, "x")], tmp_path / "docs")
    assert not (tmp_path / "escape.md").exists()


def test_a_folder_the_generator_did_not_make_is_not_touched(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    out.mkdir()
    (out / "mine.md").write_text("利用者のファイル\n", encoding="utf-8")
    with pytest.raises(OwnershipError):
        write_tree([Page("index.md", "# ホーム\n")], out)
    assert sorted(p.name for p in out.iterdir()) == ["mine.md"]


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o755), (0o027, 0o750)])
def test_a_staging_folder_gets_the_mode_the_umask_allows(tmp_path: Path, umask: int, mode: int) -> None:
    """The staged site becomes site/: a 0700 folder (tempfile.mkdtemp) would refuse the web server's user."""
    before = os.umask(umask)
    try:
        folders = [new_folder(tmp_path, ".site-") for _ in range(3)]
    finally:
        os.umask(before)
    assert len(set(folders)) == 3 and all(f.name.startswith(".site-") and f.parent == tmp_path for f in folders)
    assert {stat.S_IMODE(f.stat().st_mode) for f in folders} == {mode}


def test_swap_in_puts_the_old_site_back_when_the_new_one_cannot_be_moved(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    final, new = tmp_path / "site", tmp_path / ".site-new"
    final.mkdir()
    (final / "index.html").write_text("old\n", encoding="utf-8")
    new.mkdir()
    (new / "index.html").write_text("new\n", encoding="utf-8")
    replace = os.replace

    def full_disk(src: Path, dst: Path) -> None:
        if Path(src) == new:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
        replace(src, dst)

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError):
        swap_in(new, final)
    assert (final / "index.html").read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site-new", "site"]
    monkeypatch.setattr(os, "replace", replace)
    swap_in(new, final)
    assert (final / "index.html").read_text(encoding="utf-8") == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
