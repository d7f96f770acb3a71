"""A build that fails loudly and cleans up: every failure is one Japanese ``path:line: field: message`` report with
exit status 1 (130 or 143 when interrupted), no traceback, no hang, and the previous ``site/`` byte for byte as it was.

Each build runs as ``python -m generator build`` in its own process with a ``timeout=``, so a hang fails the test.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.build import build_site, generate, write_docs
from generator.cli import main
from generator.errors import BuildAborted, Problems
from generator.pages.printview import PDF_NAME
from generator.pages.render import Page, Renderer
from generator.pages.write import DOCS_DIR, check_unique
from generator.publish.offline import ARCHIVE_NAME, DIST_DIR
from generator.publish.pdf import CHROMIUM_ENV, TIMEOUT_ENV
from generator.site.mkdocs import MkDocsFailed
from tests.conftest import copy_mini

ROOT = Path(__file__).resolve().parents[1]
KEPT = "以前のサイトはそのままです。"
BUILD_TIMEOUT = 180
"""Seconds any one build of the mini fixture may take here (it takes a few) before the test fails as a hang."""


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in (CHROMIUM_ENV, TIMEOUT_ENV, "CI")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *extra.pop("PYTHONPATH", "").split(os.pathsep)]).rstrip(os.pathsep)
    env.update(extra)
    return env


def _cmd(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "generator", "--root", str(root), "build", "--quiet", *args]


def run_build(root: Path, *args: str, umask: int = -1, **env: str) -> subprocess.CompletedProcess[str]:
    """``python -m generator build --quiet`` in a process of its own; a hang fails the test."""
    return subprocess.run(_cmd(root, *args), cwd=root, env=_env(**env), capture_output=True, text=True,
                          timeout=BUILD_TIMEOUT, check=False, umask=umask)


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Every file and folder below ``folder`` with its mode, and each file's bytes."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_mode, p.read_bytes() if p.is_file() else b"")
            for p in sorted(folder.rglob("*"))}


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini fixture with a good site (no PDF or zip: quick), built once for the module."""
    root = copy_mini(tmp_path_factory.mktemp("built") / "mini")
    (root / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    done = run_build(root, "--no-package")
    assert done.returncode == 0, done.stderr
    assert (root / "site" / "index.html").is_file()
    return root


@pytest.fixture()
def built(built_once: Path, tmp_path: Path) -> Path:
    """A fresh copy of ``built_once`` (bytes, modes and times), as the previous build left it: each test may break or
    rebuild its own, and a build of its own before each test took a tenth of the suite's time."""
    return Path(shutil.copytree(built_once, tmp_path / "mini", symlinks=True))


def assert_failed_cleanly(root: Path, done: subprocess.CompletedProcess[str], before: dict[str, tuple[int, bytes]],
                          status: int = 1) -> list[str]:
    """Exit status, no traceback, the previous site untouched and no staging folder left: stderr's lines."""
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    assert done.returncode == status, done.stderr
    assert snapshot(root / "site") == before
    assert sorted(p.name for p in root.iterdir() if p.name.startswith((".site", ".mkdocs-part-"))) == []
    return done.stderr.splitlines()


# 1. Modes -----------------------------------------------------------------------------------------------------------

def test_site_and_dist_get_the_mode_the_umask_allows(mini_root: Path) -> None:
    (mini_root / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    done = run_build(mini_root, umask=0o022)
    assert done.returncode == 0, done.stderr
    site, dist = mini_root / "site", mini_root / DIST_DIR
    assert stat.S_IMODE(site.stat().st_mode) == 0o755
    assert stat.S_IMODE(dist.stat().st_mode) == 0o755
    assert (site / PDF_NAME).is_file() and (dist / ARCHIVE_NAME).is_file()
    modes = {p.relative_to(mini_root).as_posix(): stat.S_IMODE(p.stat().st_mode)
             for folder in (site, dist) for p in folder.rglob("*")}
    wrong = {path: oct(mode) for path, mode in modes.items()
             if mode != (0o755 if (mini_root / path).is_dir() else 0o644)}
    assert wrong == {}


# 2. Interrupted, killed and concurrent builds ------------------------------------------------------------------------

def test_sigterm_removes_the_staged_site_and_keeps_the_previous_one(built: Path, tmp_path: Path) -> None:
    """SIGTERM while Chromium prints the PDF (a stand-in that never finishes): the build stops like on Ctrl+C."""
    chromium = fake_chromium(tmp_path, "sleep 300 &\necho $! > {pidfile}\nwait\n")
    before = snapshot(built / "site")
    proc = subprocess.Popen(_cmd(built), cwd=built, env=_env(**{CHROMIUM_ENV: str(chromium)}), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not (tmp_path / "pid").exists() or not (tmp_path / "pid").read_text(encoding="ascii").strip():
            assert proc.poll() is None and time.monotonic() < deadline, "the build ended before it printed the PDF"
            time.sleep(0.05)
        assert any(p.name.startswith(".site-") for p in built.iterdir()), "no staged site while printing"
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    done = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    assert assert_failed_cleanly(built, done, before, status=128 + signal.SIGTERM) == [
        f"site/:1: (中断): ビルドを中断しました(SIGTERM を受け取りました)。{KEPT}"]
    assert not running(int((tmp_path / "pid").read_text(encoding="ascii")))


def test_staging_folders_left_by_a_killed_build_are_removed(built: Path) -> None:
    (built / ".site-k1ll3d0" / "assets").mkdir(parents=True)
    (built / ".site-k1ll3d0" / "assets" / "x.css").write_text("old\n", encoding="utf-8")
    (built / ".site-offline-k1ll3d1").mkdir()
    (built / ".site-parts-k1ll3d2" / "site-1").mkdir(parents=True)
    (built / ".mkdocs-part-k1ll3d3.yml").write_text("INHERIT: mkdocs.yml\n", encoding="utf-8")
    done = run_build(built, "--no-package")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in built.iterdir() if p.name.startswith((".site", ".mkdocs-part-"))) == []
    assert (built / "site" / "index.html").is_file()


def test_a_second_build_in_the_same_folder_stops_at_once(built: Path) -> None:
    before = snapshot(built / "site")
    with open(built / "build" / ".lock", "a+", encoding="ascii") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as a running build holds it
        lock.seek(0)
        lock.truncate()
        lock.write("4242\n")
        lock.flush()
        started = time.monotonic()
        done = run_build(built)
        took = time.monotonic() - started
    assert assert_failed_cleanly(built, done, before) == [
        "build/.lock:1: (ロック): 別のビルド(プロセス 4242)がこのフォルダで実行中です。終わってから、もう一度実行してください"]
    assert took < 30, "the second build waited for the lock"


# 3. MkDocs failures ------------------------------------------------------------------------------------------------

SITECUSTOMIZE = '''
import builtins, errno, os, sys

# Only in MkDocs' processes: every page it writes fails as on a {name} disk.
if "mkdocs" in sys.orig_argv[:3]:
    _open = builtins.open

    def _failing(file, mode="r", *args, **kwargs):
        if any(c in mode for c in "wax") and str(file).endswith(".html"):
            raise OSError(errno.{name}, os.strerror(errno.{name}), str(file))
        return _open(file, mode, *args, **kwargs)

    builtins.open = _failing
'''


@pytest.mark.parametrize(("name", "reason"), [
    ("ENOSPC", "ディスクの空きがありません(OSError: [Errno 28] No space left on device)"),
    ("EROFS", "読み取り専用のファイルシステムです(OSError: [Errno 30] Read-only file system)"),
], ids=["ENOSPC", "EROFS"])
def test_mkdocs_that_cannot_write_is_reported_by_its_last_line(built: Path, tmp_path: Path, name: str,
                                                               reason: str) -> None:
    (tmp_path / "inject").mkdir()
    (tmp_path / "inject" / "sitecustomize.py").write_text(SITECUSTOMIZE.format(name=name), encoding="utf-8")
    before = snapshot(built / "site")
    done = run_build(built, "--no-package", PYTHONPATH=str(tmp_path / "inject"))
    assert assert_failed_cleanly(built, done, before) == [
        f"mkdocs.yml:1: (MkDocs): サイトの生成に失敗しました。{KEPT}",
        f"site/404.html:1: (MkDocs): 読み書きできません: {reason}",
    ]


READ_ONLY_ROOT = '''
import errno, os, sys

# Only in the generator's process: the folder that holds site/ refuses new folders, as a read-only one does
# (as root, file modes would not stop the test).
if "generator" in sys.orig_argv[:3]:
    _mkdir = os.mkdir

    def _read_only(path, *args, **kwargs):
        if os.path.basename(os.fspath(path)).startswith(".site"):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.fspath(path))
        return _mkdir(path, *args, **kwargs)

    os.mkdir = _read_only
'''


def test_a_site_folder_that_cannot_be_written_is_reported_without_traceback(built: Path, tmp_path: Path) -> None:
    (tmp_path / "inject").mkdir()
    (tmp_path / "inject" / "sitecustomize.py").write_text(READ_ONLY_ROOT, encoding="utf-8")
    before = snapshot(built / "site")
    done = run_build(built, "--no-package", PYTHONPATH=str(tmp_path / "inject"))
    assert assert_failed_cleanly(built, done, before) == [
        f"site:1: (ファイル): 読み書きできません(Read-only file system)。{KEPT}"]


def test_mkdocs_warning_about_a_generated_page_names_its_content_file(mini_root: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANDBOOK_MKDOCS_JOBS", "1")
    generated = generate(mini_root)
    write_docs(mini_root, generated)
    for page, link in (("themes/counter.md", "no-such-page.md"), ("glossary.md", "no-such-term.md")):
        path = mini_root / DOCS_DIR / page
        path.write_text(path.read_text(encoding="utf-8") + f"\n[x]({link})\n", encoding="utf-8")
    out = mini_root / "out"
    out.mkdir()
    with pytest.raises(MkDocsFailed) as failed:
        build_site(mini_root, generated, out)
    assert [d.format() for d in failed.value.diagnostics] == [
        "build/docs/glossary.md:1: (MkDocs): 警告: Doc file 'glossary.md' contains a link 'no-such-term.md', "
        "but the target is not found among documentation files.",
        "content/themes/counter.yaml:1: (MkDocs): 警告: Doc file 'themes/counter.md' contains a link "
        "'no-such-page.md', but the target 'themes/no-such-page.md' is not found among documentation files.",
    ]


# 4. The PDF ----------------------------------------------------------------------------------------------------------

def fake_chromium(folder: Path, script: str) -> Path:
    """A stand-in for Chromium: a shell script (``{pidfile}`` in it is where it may note a process id)."""
    fake = folder / "chromium"
    fake.write_text("#!/bin/sh\n" + script.format(pidfile=folder / "pid"), encoding="utf-8")
    fake.chmod(0o755)
    return fake


def running(pid: int) -> bool:
    """True while the process exists and is not a zombie (PID 1 of a container may never reap it)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


@pytest.mark.parametrize(("script", "env", "reason"), [
    ("echo 'chromium: cannot open display' >&2\nexit 1\n", {},
     "Chromium が終了コード 1 で失敗しました: chromium: cannot open display"),
    ("exit 0\n", {}, "Chromium が PDF を書き出しませんでした(終了コード 0: メッセージなし)"),
    ("sleep 300 &\necho $! > {pidfile}\nwait\n", {TIMEOUT_ENV: "2"},
     "Chromium が 2 秒以内に PDF を書き出さなかったため、打ち切りました(大きな版では HANDBOOK_PDF_TIMEOUT で秒数を延ばせます)"),
    (None, {}, "Chromium が見つかりません(HANDBOOK_CHROMIUM で指定できます。"
               "PDF とオフライン版が要らなければ --no-package を付けてください)"),
], ids=["exit-1", "no-output", "hangs", "missing"])
def test_a_pdf_that_fails_fails_the_build(built: Path, tmp_path: Path, script: str | None, env: dict[str, str],
                                         reason: str) -> None:
    chromium = "" if script is None else str(fake_chromium(tmp_path, script))
    before = snapshot(built / "site")
    started = time.monotonic()
    done = run_build(built, **{CHROMIUM_ENV: chromium, **env})
    assert assert_failed_cleanly(built, done, before) == [
        f"site/{PDF_NAME}:1: (PDF): PDF を作成できませんでした: {reason}。{KEPT}"]
    assert not (built / DIST_DIR).exists(), "the offline zip was written although the PDF failed"
    assert time.monotonic() - started < 120
    if (tmp_path / "pid").exists():  # what the browser started is stopped with it
        assert not running(int((tmp_path / "pid").read_text(encoding="ascii")))


def test_no_package_skips_the_pdf_on_purpose(built: Path) -> None:
    done = run_build(built, "--no-package", **{CHROMIUM_ENV: ""})
    assert (done.returncode, done.stderr) == (0, "")
    assert not (built / "site" / PDF_NAME).exists()


# 5. Two pages, one path ------------------------------------------------------------------------------------------------

def test_two_pages_sharing_a_path_fail_the_build(built: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """A page whose path another page takes (here the open-data page twice) stops the build before writing."""
    jobs = Renderer.jobs
    monkeypatch.setattr(Renderer, "jobs", lambda self: [*jobs(self), ("glossary.md.j2", "opendata.md", {})])
    before = snapshot(built / "site")
    docs_before = snapshot(built / DOCS_DIR)
    assert main(["--root", str(built), "build", "--quiet", "--no-package"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "build/docs/opendata.md:1: (生成物): 2 つのページが同じパス opendata.md に生成されます(どちらかが失われるため、生成を中止しました)",
        "エラー 1 件、警告 0 件。修正してからもう一度実行してください。",
    ]
    assert snapshot(built / "site") == before
    assert snapshot(built / DOCS_DIR) == docs_before


def test_a_page_or_part_sharing_a_path_names_the_content_file(mini_root: Path) -> None:
    generated = generate(mini_root)
    problems = Problems()
    paths = ["index.md", "themes/index.md", "themes/counter.md", "themes/counter/2.md", "themes/counter/2.md",
             "themes/mindset.md", "themes/mindset.md", "indexes/matrix/2.md", "indexes/matrix/2.md"]
    with pytest.raises(BuildAborted):
        check_unique([Page(p, "") for p in paths], generated.source_of, problems)
    assert [d.format() for d in problems.errors()] == [
        "build/docs/indexes/matrix/2.md:1: (生成物): 2 つのページが同じパス indexes/matrix/2.md に生成されます"
        "(どちらかが失われるため、生成を中止しました)",
        "content/themes/counter.yaml:1: id: このテーマのページ themes/counter/2.md は、生成器が作る別のページと同じパスになります"
        "(どちらかが失われます)。別の id にしてください",
        "content/themes/mindset.yaml:1: id: このテーマのページ themes/mindset.md は、生成器が作る別のページと同じパスになります"
        "(どちらかが失われます)。別の id にしてください",
    ]
    check_unique([Page(p, "") for p in sorted(set(paths))], generated.source_of, Problems())  # no shared path
