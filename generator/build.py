"""The whole pipeline in one function: load → validate → model → index → render → write → site → publish.

Read ``build()`` as the table of contents; each stage is one module, in a subpackage that says what it is for
(``content``, ``pages``, ``site``, ``publish``). Validation reports every problem and the build aborts before
anything is written; the site is staged beside ``site/`` and swapped in only when MkDocs, the search index, the
PDF and the offline copy have all succeeded, so a failed build never replaces a good site.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import gc
import os
import shutil
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.content.index import CrossIndex, build_index
from generator.content.load import load
from generator.content.model import Handbook, build_model
from generator.content.validate import validate
from generator.errors import Problems
from generator.pages import a11y, paths
from generator.pages.render import Page, render
from generator.pages.write import (
    DOCS_DIR,
    SITE_DIR,
    STAGING_PREFIX,
    WriteStats,
    check_unique,
    locked,
    new_folder,
    remove_leftovers,
    swap_in,
    write_tree,
)
from generator.publish import offline, pdf
from generator.publish.search import SearchStats, searchable_locations, write_index
from generator.site.mkdocs import run_mkdocs

SITE = {"name": "自治体DXハンドブック", "url": os.environ.get("HANDBOOK_SITE_URL", paths.DEFAULT_SITE_URL)}
"""What templates and the open data know of the site: its name and its published address (mkdocs.yml ``site_url``)."""

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Generated:
    """The generator's result in memory: the model, its index and every page, before anything touches disk."""

    handbook: Handbook
    index: CrossIndex
    pages: list[Page]
    problems: Problems
    timings: dict[str, float]

    def source_of(self, page: str) -> str | None:
        """The content file a generated page (or a part of one) was made from, for messages about it."""
        entity = paths.entity_of(page)
        if entity is None:
            return None
        kind, ident = entity
        tables: dict[str, Mapping[str, Any]] = {"municipality": self.handbook.municipalities,
                                                "theme": self.handbook.themes, "article": self.handbook.articles}
        found = tables[kind].get(ident)
        return found.source_path if found is not None else None

    def written(self) -> Generated:
        """This result once its pages are on disk: the same paths, without the text (empty). MkDocs and the search read
        the files, and at national scale the text is a third of the build's memory, which they can use instead."""
        return dataclasses.replace(self, pages=[Page(p.path, "") for p in self.pages])


def quiet(_: str) -> None:
    """Progress sink for CI and tests."""


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the build makes millions of long-lived, acyclic objects
    (parsed YAML, the model, the pages): every full collection would walk all of them again for nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextlib.contextmanager
def timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    """Record a stage's seconds under its name: the benchmark prints every stage (benchmarks/run.py)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = time.perf_counter() - started


@collector_paused()
def generate(root: Path, *, strict: bool = False, progress: Progress = quiet, site: Mapping[str, str] = SITE,
             review_on: datetime.date | None = None) -> Generated:
    """Load, validate, model, index and render: everything but writing. ``BuildAborted`` when validation fails.
    (``site``: the settings the templates see; the live preview's differ only in its search. ``review_on``: warn about
    entries due for review on that day, what ``check`` does; a build never looks at the day.)"""
    timings: dict[str, float] = {}
    problems = Problems()
    with timed(timings, "load"):
        sources = load(root, problems)
    progress(f"読み込み: YAML {sum(len(d) for d in sources.documents.values())} 件、seed {len(sources.seeds)} 件")
    with timed(timings, "validate"):
        validated = validate(sources, problems, strict, review_on=review_on)
    with timed(timings, "model"):
        handbook = build_model(validated)
    # The located YAML (every value with the line of every node) is not needed past the model: freed here, its memory
    # serves the pages, a third less at the peak of a national-scale build (benchmarks/README.md).
    del sources, validated
    with timed(timings, "index"):
        index = build_index(handbook)
    with timed(timings, "render"):
        pages = render(handbook, index, dict(site), a11y.load_results(root))
    generated = Generated(handbook, index, pages, problems, timings)
    check_unique(pages, generated.source_of, problems)
    progress(f"生成: {len(pages)} ファイル")
    return generated


def write_docs(root: Path, generated: Generated) -> WriteStats:
    """Write the generated Markdown and data into the generator's own folder, ``build/docs``."""
    with timed(generated.timings, "write"):
        return write_tree(generated.pages, root / DOCS_DIR)


def build_site(root: Path, generated: Generated, out: Path, extra_env: Mapping[str, str] | None = None) -> SearchStats:
    """MkDocs and the search index: run for ``site/`` and again for the offline copy (``extra_env``)."""
    suffix = "" if extra_env is None else " (offline)"
    with timed(generated.timings, "mkdocs" + suffix):
        run_mkdocs(root, out, extra_env or {}, generated.source_of)
    offline.install_shim(root, out)  # mkdocs.yml lists it in extra.polyfills, so every copy must carry it
    with timed(generated.timings, "search" + suffix):
        return write_index(out, generated.handbook, searchable_locations(p.path for p in generated.pages), SITE["name"])


@collector_paused()
def build(root: Path, *, strict: bool = False, progress: Progress = quiet, site: bool = True,
          package: bool = True) -> Generated:
    """Generate the handbook and, unless ``site`` is false, build and swap in ``site/`` (and, unless
    ``package`` is false, the PDF in it and the offline zip in ``dist/``). The result's pages are paths only: their
    text is in ``build/docs``."""
    with locked(root):
        remove_leftovers(root)
        if site and package:  # what the PDF needs is checked before minutes of MkDocs, not after
            pdf.check_ready()
        generated = generate(root, strict=strict, progress=progress)
        stats = write_docs(root, generated)
        generated = generated.written()
        progress(f"書き込み: 更新 {stats.written}、変更なし {stats.unchanged}、削除 {stats.removed}")
        if site:
            publish(root, generated, package, progress)
        return generated


def publish(root: Path, generated: Generated, package: bool, progress: Progress) -> None:
    """MkDocs into a staging folder, then the PDF and the offline copy; swap the staged site in when all succeeded."""
    staging = new_folder(root, STAGING_PREFIX)  # the mode the umask allows: it becomes site/
    progress(f"MkDocs: {sum(p.path.endswith('.md') for p in generated.pages)} ページを HTML に変換中")
    try:
        search = build_site(root, generated, staging)
        if package:
            with timed(generated.timings, "package"):
                offline.package(root, staging, lambda out, env: build_site(root, generated, out, env), progress)
        swap_in(staging, root / SITE_DIR)
    except BaseException:  # an error, Ctrl+C or SIGTERM: the staged site goes, the previous one stays
        shutil.rmtree(staging, ignore_errors=True)
        raise
    progress(f"サイト: {SITE_DIR}/ (MkDocs {generated.timings['mkdocs']:.1f} 秒)")
    progress(f"検索索引: {search.pages} ページ、{search.chars:,} 文字、{search.index_bytes:,} バイト")
