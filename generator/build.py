"""The whole pipeline in one function: load → validate → model → index → render → write → site.

Read ``build()`` as the table of contents; each stage lives in its own module. Validation
collects every problem first and the build aborts once, before anything is written, so a
failed build never replaces a good site.
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator import a11y, in_two, offline, parallel_site
from generator.errors import Problems
from generator.index import CrossIndex, build_index
from generator.load import load
from generator.model import Handbook, build_model
from generator.paging import Split
from generator.render import Page, compile_templates, paginate, render_unpaged
from generator.search import SearchStats, searchable_locations, write_index
from generator.validate import check_files, checked_across
from generator.write import WriteStats, swap_in, write_tree

DOCS_DIR = Path("build/docs")
SITE_DIR = Path("site")
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
    """MkDocs reported an error (strict mode turns its warnings into errors)."""


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
            progress(f"生成: {len(done.paths)} ファイル")
            return Generated(handbook, index, [], problems, timings, done)
        unpaged = done
    else:
        with timed(timings, "render"):
            unpaged = render_unpaged(handbook, index, SITE, results, measured=measured)
    with timed(timings, "paginate"):
        pages = paginate(unpaged, measured=measured)
    progress(f"生成: {len(pages)} ファイル")
    return Generated(handbook, index, pages, problems, timings)


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
    proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise MkDocsFailed("\n".join(parallel_site.problems(proc.stderr + proc.stdout)) or "MkDocs が失敗しました")


def build_site(root: Path, generated: Generated, out: Path, extra_env: Mapping[str, str] | None = None) -> SearchStats:
    """MkDocs and every step after it that a site needs: run for ``site/`` and again for the offline copy."""
    run_mkdocs(root, out, extra_env)
    offline.install_shim(root, out)  # mkdocs.yml lists it in extra.polyfills, so every copy must carry it
    t0 = time.perf_counter()
    locations = searchable_locations(generated.paths)
    stats = write_index(out, generated.handbook, locations, SITE["name"])
    if extra_env is None:
        generated.timings["search"] = time.perf_counter() - t0
    return stats


@collector_paused()
def build(root: Path, *, strict: bool = False, progress: Progress = quiet, site: bool = True,
          package: bool = True) -> Generated:
    """Generate the handbook and, unless ``site`` is false, build and swap in ``site/`` (and, unless
    ``package`` is false, the PDF in it and the offline zip in ``dist/``)."""
    generated = generate(root, strict=strict, progress=progress, docs=root / DOCS_DIR)
    stats = write_docs(root, generated)
    progress(f"書き込み: 更新 {stats.written}、変更なし {stats.unchanged}、削除 {stats.removed}")
    if not site:
        return generated
    t1 = time.perf_counter()
    final = root / SITE_DIR
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=root))
    markdown = sum(1 for path in generated.paths if path.endswith(".md"))
    progress(f"MkDocs: {markdown} ページを HTML に変換中(数千ページでは数分かかります)")
    try:
        search = build_site(root, generated, staging)
        if package:
            t2 = time.perf_counter()
            offline.package(root, staging, lambda out, env: build_site(root, generated, out, env), progress)
            generated.timings["package"] = time.perf_counter() - t2
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    swap_in(staging, final)
    generated.timings["mkdocs"] = (time.perf_counter() - t1 - generated.timings.get("package", 0.0)
                                   - generated.timings.get("search", 0.0))
    progress(f"サイト: {final.relative_to(root)}/ ({generated.timings['mkdocs']:.1f} 秒)")
    progress(f"検索索引: {search.pages} ページ、{search.chars:,} 文字、{search.index_bytes:,} バイト")
    return generated
