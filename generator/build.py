"""The whole pipeline in one function: load → validate → model → index → render → write → site.

Read ``build()`` as the table of contents; each stage lives in its own module. Validation
collects every problem first and the build aborts once, before anything is written, so a
failed build never replaces a good site. A build holds a lock on ``build/.lock`` (a second one in
the same folder stops at once), removes what a killed build left behind, and stages the site in
``.site-*`` beside ``site/``: MkDocs, the PDF and the offline copy must all succeed before the
staged site is swapped in.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import gc
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import a11y, in_two, offline, parallel_site, pdf
from generator.errors import BuildAborted, Diagnostic, Problems
from generator.index import CrossIndex, build_index
from generator.load import load
from generator.model import Handbook, build_model
from generator.paging import Split
from generator.render import Page, compile_templates, paginate, render_unpaged
from generator.search import SearchStats, searchable_locations, write_index
from generator.validate import check_files, checked_across
from generator.write import WriteStats, new_folder, swap_in, write_tree

DOCS_DIR = Path("build/docs")
SITE_DIR = Path("site")
LOCK_FILE = Path("build/.lock")
STAGING_PREFIX = ".site-"
"""Every folder a build stages in starts so (``.site-*``: the site, the offline copy, MkDocs' parts)."""
SITE = {"name": "自治体DXハンドブック"}

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Generated:
    """The in-memory result of the generator stages, before anything touches disk (unless ``written``)."""

    handbook: Handbook
    index: CrossIndex
    pages: list[Page]
    problems: Problems
    timings: dict[str, float]
    written: in_two.Written | None = None
    """Set when the render processes wrote a large site themselves (``generate(docs=…)``); ``pages`` is then empty."""

    @property
    def paths(self) -> list[str]:
        """Every generated file, sorted, as ``Page.path``: all that steps after writing need of the pages."""
        return list(self.written.paths) if self.written else [p.path for p in self.pages]


class MkDocsFailed(Exception):
    """MkDocs reported an error (strict mode turns its warnings into errors): its message lines, without
    tracebacks, and once ``build`` knows the pages, each line as a diagnostic naming the file it is about."""

    def __init__(self, message: str, diagnostics: Sequence[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.diagnostics = list(diagnostics)


class BuildLocked(Exception):
    """Another build holds the lock on this folder."""


def quiet(_: str) -> None:
    """Progress sink for CI and tests."""


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the build makes millions of long-lived objects.

    Parsed YAML, the model, the index and the pages are acyclic and live until the build ends, yet every full
    collection walked all of them again: a fifth of the generator's time at national scale (README, 規模).
    Reference counting still frees what the stages drop, and a build makes no cycles worth collecting early
    (peak RSS is the same either way); the collector resumes, and catches any, when the build is done.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@collector_paused()
def generate(root: Path, *, strict: bool = False, progress: Progress = quiet, docs: Path | None = None) -> Generated:
    """Load, validate, model, index and render: everything except writing, unless ``docs`` is given and the site
    is large: its two render processes then write it there themselves (generator/in_two.py)."""
    timings: dict[str, float] = {}
    problems = Problems()
    with timed(timings, "load"):
        sources = load(root, problems, meanwhile=compile_templates)
    progress(f"読み込み: YAML {sum(len(d) for d in sources.documents.values())} 件、seed {len(sources.seeds)} 件")
    with timed(timings, "validate"):
        validated, invalid = check_files(sources, problems)
    with checked_across(validated, sources, invalid, problems, strict):  # aborts unless every check passed
        with timed(timings, "model"):
            handbook = build_model(validated)
        with timed(timings, "index"):
            index = build_index(handbook)
    measured: dict[str, Split | None] = {}  # long pages are cut where they are rendered, on both cores
    results = a11y.load_results(root)
    if docs is not None and in_two.worth_it(handbook):
        done = in_two.render_and_write(handbook, index, SITE, results, docs, timings, measured)
        if isinstance(done, in_two.Written):
            # The render processes wrote their pages themselves: a path two pages share is found after writing
            # build/docs, still before MkDocs and the site.
            check_unique_paths(done.paths, handbook, problems)
            progress(f"生成: {len(done.paths)} ファイル")
            return Generated(handbook, index, [], problems, timings, done)
        unpaged = done
    else:
        with timed(timings, "render"):
            unpaged = render_unpaged(handbook, index, SITE, results, measured=measured)
    with timed(timings, "paginate"):
        pages = paginate(unpaged, measured=measured)
    check_unique_paths((p.path for p in pages), handbook, problems)
    progress(f"生成: {len(pages)} ファイル")
    return Generated(handbook, index, pages, problems, timings)


ENTITY_FOLDERS = {"municipalities": "自治体", "themes": "テーマ", "articles": "記事"}
"""Folders of the pages made one per content file (``themes/<id>.md``), and what they hold."""


def source_of(path: str, handbook: Handbook) -> tuple[str, str] | None:
    """The content file a generated page (or a part of one, ``themes/<id>/2.md``) was made from, and its kind."""
    folder, _, rest = path.partition("/")
    if folder not in ENTITY_FOLDERS or not rest:
        return None
    ident = rest.split("/")[0].removesuffix(".md")
    tables: dict[str, Mapping[str, Any]] = {"municipalities": handbook.municipalities, "themes": handbook.themes,
                                            "articles": handbook.articles}
    entity = tables[folder].get(ident)
    return (entity.source_path, ENTITY_FOLDERS[folder]) if entity is not None else None


def check_unique_paths(paths: Iterable[str], handbook: Handbook, problems: Problems) -> None:
    """Abort when two generated files share a path: one would silently replace the other (a theme with the id
    ``index`` would replace the themes' list, a part of a long page another page)."""
    seen: set[str] = set()
    shared: list[str] = []
    for path in paths:
        if path in seen and path not in shared:
            shared.append(path)
        seen.add(path)
    for path in shared:
        source = source_of(path, handbook)
        if source is not None:
            problems.error(source[0], 1, "id", f"この{source[1]}のページ {path} は、生成器が作る別のページと同じパスになります"
                                               "(どちらかが失われます)。別の id にしてください")
        else:
            problems.error(f"{DOCS_DIR.as_posix()}/{path}", 1, "(生成物)",
                           f"2 つのページが同じパス {path} に生成されます(どちらかが失われるため、生成を中止しました)")
    if shared:
        raise BuildAborted(problems)


@contextlib.contextmanager
def timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    """Record a stage's seconds under its name: the benchmark prints every stage (benchmarks/run.py)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = time.perf_counter() - started


def write_docs(root: Path, generated: Generated) -> WriteStats:
    """Write generated Markdown and data under the generator's own folder (unless the render processes did)."""
    if generated.written is not None:
        return generated.written.stats
    with timed(generated.timings, "write"):
        return write_tree(generated.pages, root / DOCS_DIR)


def run_mkdocs(root: Path, site_dir: Path, extra_env: Mapping[str, str] | None = None) -> None:
    """Build the static site with MkDocs as separate processes (two for a large site), strictly."""
    env = parallel_site.mkdocs_env(dict(os.environ, **(extra_env or {})))
    config = root / "mkdocs.yml"
    parts = parallel_site.jobs(root / DOCS_DIR)
    if parts > 1:
        error = parallel_site.build(root, config, site_dir, env, parts)
        if error:
            raise MkDocsFailed(error)
        return
    cmd = parallel_site.mkdocs_command(config, site_dir)
    proc = subprocess.run(cmd, cwd=root, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          errors="replace", check=False)
    if proc.returncode != 0:
        lines = parallel_site.problems(proc.stderr + "\n" + proc.stdout)
        raise MkDocsFailed("\n".join(lines) or f"MkDocs が終了コード {proc.returncode} で失敗しました(メッセージなし)")


_LEVEL = re.compile(r"^(WARNING|ERROR|CRITICAL)\s+-\s+(.*)$")
_DOC_FILE = re.compile(r"'([^'\s]+\.md)'")
_OS_ERROR = re.compile(r"^(\w+(?:\.\w+)*): \[Errno (\d+)\] ([^:]+?)(?:: '(.+)')?$")
_EXCEPTION = re.compile(r"^[\w.]*\w(?:Error|Exception|Interrupt|Exit)(?::|$)")
_ABORTED = re.compile(r"^Aborted with \d+ \w+")
_ERRNO_JA = {
    errno.ENOSPC: "ディスクの空きがありません",
    errno.EDQUOT: "ディスクの使用量の上限(クォータ)を超えました",
    errno.EROFS: "読み取り専用のファイルシステムです",
    errno.EACCES: "権限がありません",
    errno.EPERM: "権限がありません",
}


def shown_path(raw: str, root: Path) -> str:
    """A path from an error message as the contributor knows it: relative to the root, and under ``site/`` when it is
    inside a staging folder (which the failed build removes)."""
    path = Path(raw)
    try:
        rel = path.relative_to(root)
    except ValueError:
        return raw
    if rel.parts and rel.parts[0].startswith(STAGING_PREFIX):
        return (SITE_DIR / Path(*rel.parts[1:])).as_posix()
    return rel.as_posix()


def mkdocs_diagnostics(message: str, root: Path, handbook: Handbook) -> list[Diagnostic]:
    """MkDocs' message lines as diagnostics: a line about a generated page names the content file it was made from
    (else the page under build/docs), an operating system error the file it could not read or write, the rest
    ``mkdocs.yml``. Its closing "Aborted with N warnings" line adds nothing to the failure the command prints."""
    found: list[Diagnostic] = []
    for line in message.splitlines():
        line = line.strip()
        if not line or _ABORTED.match(line):
            continue
        where, severity, text = "mkdocs.yml", "error", line
        if level := _LEVEL.match(line):
            severity, text = ("warning" if level.group(1) == "WARNING" else "error"), level.group(2).strip()
        if (oserror := _OS_ERROR.match(text)) is not None:
            code = int(oserror.group(2))
            reason = _ERRNO_JA.get(code, oserror.group(3))
            where = shown_path(oserror.group(4), root) if oserror.group(4) else "site/"
            text = f"読み書きできません: {reason}({oserror.group(1)}: [Errno {code}] {oserror.group(3)})"
        elif (doc := _DOC_FILE.search(text)) is not None and "'nav' configuration" not in text:
            source = source_of(doc.group(1), handbook)
            where = source[0] if source else f"{DOCS_DIR.as_posix()}/{doc.group(1)}"
        if _EXCEPTION.match(text):
            text = f"MkDocs が異常終了しました: {text}"
        diagnostic = Diagnostic(where, 1, "(MkDocs)", text, "warning" if severity == "warning" else "error")
        if diagnostic not in found:
            found.append(diagnostic)
    return found


def build_site(root: Path, generated: Generated, out: Path, extra_env: Mapping[str, str] | None = None) -> SearchStats:
    """MkDocs and every step after it that a site needs: run for ``site/`` and again for the offline copy."""
    try:
        run_mkdocs(root, out, extra_env)
    except MkDocsFailed as exc:
        raise MkDocsFailed(str(exc), mkdocs_diagnostics(str(exc), root, generated.handbook)) from None
    offline.install_shim(root, out)  # mkdocs.yml lists it in extra.polyfills, so every copy must carry it
    t0 = time.perf_counter()
    locations = searchable_locations(generated.paths)
    stats = write_index(out, generated.handbook, locations, SITE["name"])
    if extra_env is None:
        generated.timings["search"] = time.perf_counter() - t0
    return stats


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


@collector_paused()
def build(root: Path, *, strict: bool = False, progress: Progress = quiet, site: bool = True,
          package: bool = True) -> Generated:
    """Generate the handbook and, unless ``site`` is false, build and swap in ``site/`` (and, unless
    ``package`` is false, the PDF in it and the offline zip in ``dist/``)."""
    with locked(root):
        remove_leftovers(root)
        return _build(root, strict=strict, progress=progress, site=site, package=package)


def _build(root: Path, *, strict: bool, progress: Progress, site: bool, package: bool) -> Generated:
    """``build`` with the lock held."""
    if site and package:  # what the PDF needs is checked before minutes of MkDocs, not after
        pdf.timeout_s()
        if pdf.find_chromium() is None:
            raise pdf.PdfFailed(pdf.MISSING)
    generated = generate(root, strict=strict, progress=progress, docs=root / DOCS_DIR)
    stats = write_docs(root, generated)
    progress(f"書き込み: 更新 {stats.written}、変更なし {stats.unchanged}、削除 {stats.removed}")
    if not site:
        return generated
    t1 = time.perf_counter()
    final = root / SITE_DIR
    staging = new_folder(root, STAGING_PREFIX)  # the mode the umask allows: it becomes site/
    markdown = sum(1 for path in generated.paths if path.endswith(".md"))
    progress(f"MkDocs: {markdown} ページを HTML に変換中(数千ページでは数分かかります)")
    try:
        search = build_site(root, generated, staging)
        if package:
            t2 = time.perf_counter()
            offline.package(root, staging, lambda out, env: build_site(root, generated, out, env), progress)
            generated.timings["package"] = time.perf_counter() - t2
        swap_in(staging, final)
    except BaseException:  # an error, Ctrl+C or SIGTERM: the staged site goes, the previous one stays
        shutil.rmtree(staging, ignore_errors=True)
        raise
    generated.timings["mkdocs"] = (time.perf_counter() - t1 - generated.timings.get("package", 0.0)
                                   - generated.timings.get("search", 0.0))
    progress(f"サイト: {final.relative_to(root)}/ ({generated.timings['mkdocs']:.1f} 秒)")
    progress(f"検索索引: {search.pages} ページ、{search.chars:,} 文字、{search.index_bytes:,} バイト")
    return generated
