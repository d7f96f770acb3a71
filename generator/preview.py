"""Live preview: after an edit, regenerate only what it changed and write only files whose bytes changed.

A full regeneration at 1,000 articles costs seconds, most of it parsing YAML and rendering
article, municipality and theme pages that an edit to one article cannot touch. ``Preview`` keeps
the previous run: unchanged files are not parsed again (``yamlio.remember_parses``), and when
only articles changed, the pages of untouched articles, municipalities and themes are reused as
they were rendered. Everything else (indexes, open data) is rendered again, so the preview
never shows a stale cross-reference. MkDocs (``serve --dirty``) then rebuilds only the pages
whose Markdown file was rewritten.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from generator import a11y, paging, yamlio
from generator.build import DOCS_DIR, SITE, Generated, collector_paused
from generator.errors import BuildAborted, Problems
from generator.index import CrossIndex, build_index
from generator.load import load
from generator.model import Handbook, build_model
from generator.render import Page, Renderer, paginate, render_unpaged
from generator.validate import validate
from generator.write import WriteStats, write_pages, write_tree

# The preview has no build-time search index (MkDocs serve builds elsewhere): Material indexes its pages.
PREVIEW_SITE = {**SITE, "material_search": "yes"}


@dataclass(frozen=True)
class Regenerated:
    """One preview regeneration: what was rendered again and what was written."""

    generated: Generated
    stats: WriteStats
    rendered: int
    reused: int
    seconds: float
    early: int = 0
    """Edited articles' pages written before everything else was rendered."""
    cpu_seconds: float = 0.0


def _same_except_articles(old: Handbook, new: Handbook) -> bool:
    """True when an edit touched only articles (and seeds): the common case while writing."""
    return (old.municipalities == new.municipalities and old.themes == new.themes and old.glossary == new.glossary
            and old.organisations == new.organisations and old.people == new.people)


def affected(old: Handbook, old_ix: CrossIndex, new: Handbook, new_ix: CrossIndex) -> set[str] | None:
    """Article, municipality and theme pages an article edit may change, or None when everything must be rendered."""
    if not _same_except_articles(old, new):
        return None
    changed = {a for a in old.articles.keys() | new.articles.keys() if old.articles.get(a) != new.articles.get(a)}
    pages = {f"articles/{a}.md" for a in changed}
    for a in changed:
        for hb in (old, new):
            if a in hb.articles:
                art = hb.articles[a]
                pages.update(f"municipalities/{m}.md" for m in art.municipalities)
                themes = {*art.themes, *(t for kp in art.key_points for t in kp.themes), *(t for q in art.quotes for t in q.themes)}
                pages.update(f"themes/{t}.md" for t in themes)
    for m in new.municipalities:
        if old_ix.related_municipalities.get(m) != new_ix.related_municipalities.get(m):
            pages.add(f"municipalities/{m}.md")
    return pages


class Preview:
    """Regenerates a checkout's build/docs after edits, reusing what the edits cannot have changed."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.previous: tuple[Handbook, CrossIndex, dict[str, Page]] | None = None
        self.splits: dict[str, paging.Split] = {}
        yamlio.remember_parses()

    @collector_paused()
    def regenerate(self) -> Regenerated:
        """Load and validate everything (cheap with cached parses), render what changed, write what differs.

        The edited articles' own pages are written first, linked with the previous run's page
        splits, so MkDocs can rebuild what the author is looking at while the rest (indexes,
        themes, open data) is rendered; the second write then brings every page up to date.
        """
        started, cpu = time.perf_counter(), time.process_time()
        problems = Problems()
        sources = load(self.root, problems)
        validated = validate(sources, problems)
        if problems.failed():
            raise BuildAborted(problems)
        hb = build_model(validated)
        ix = build_index(hb)
        results = a11y.load_results(self.root)
        reuse: dict[str, Page] = {}
        early = 0
        if self.previous is not None:
            old_hb, old_ix, old_pages = self.previous
            touched = affected(old_hb, old_ix, hb, ix)
            if touched is not None:
                reuse = {path: page for path, page in old_pages.items()
                         if path.startswith(("articles/", "municipalities/", "themes/")) and path not in touched
                         and not path.endswith("/index.md")}
                early = self._write_edited_articles(hb, ix, results, touched)
        unpaged = render_unpaged(hb, ix, PREVIEW_SITE, results, reuse=reuse)
        splits: dict[str, paging.Split] = {}
        pages = paginate(unpaged, splits)
        stats = write_tree(pages, self.root / DOCS_DIR)
        self.previous = (hb, ix, {p.path: p for p in unpaged})
        self.splits = splits
        generated = Generated(hb, ix, pages, problems, {})
        reused = sum(1 for p in unpaged if reuse.get(p.path) is p)
        return Regenerated(generated, stats, len(unpaged) - reused, reused, time.perf_counter() - started, early,
                           time.process_time() - cpu)

    def _write_edited_articles(self, hb: Handbook, ix: CrossIndex, results: a11y.Results, touched: set[str]) -> int:
        """Render and write the changed articles' pages at once (they link to no anchor that an index holds)."""
        renderer = Renderer(hb, ix, PREVIEW_SITE, results)
        pages = [renderer.page("article.md.j2", path, a=hb.articles[path.removeprefix("articles/").removesuffix(".md")])
                 for path in sorted(touched) if path.startswith("articles/")
                 and path.removeprefix("articles/").removesuffix(".md") in hb.articles]
        linked = paging.relink([(p.path, p.content) for p in pages], self.splits)
        return write_pages((Page(path, content) for path, content in linked), self.root / DOCS_DIR)
