"""Stages 5 and 6 of a national-scale build on two cores: the render processes also relink and write their pages.

``generate`` renders in two forked processes and sends every page back (100 MB at national scale) for this
process to relink and write on one core. ``build`` needs no page in memory afterwards, only its path, so here
the two processes keep what they rendered (``cores.in_two_rounds``):

1. each renders shares of the pages, cuts the long ones (``paging.split_page``, ``paging.rebase``) and reports
   only each page's path, length and, when cut, its parts and anchors;
2. this process collects the anchors of every page that was cut (all that relinking needs) and renders the
   print view while both processes relink and write their own pages; it writes the open data, which it made
   during round one, and deletes what is no longer produced.

The files are the same, byte for byte, as ``write_tree(generate(...).pages)`` (tests/test_in_two.py). When the
print view needs the pages' text (a site of more than ``render.PARALLEL_PAGES`` pages but fewer than
``printview.NO_SECTIONS_CHARS`` characters), round two sends the pages back and the build goes on as usual.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from generator import a11y, cores, opendata, paging, printview, render
from generator.index import CrossIndex
from generator.model import Handbook
from generator.render import Page, Renderer, assemble, prepared, render_share, with_print_view
from generator.write import WriteStats, claim, remove_stale, write_files

Summary = list[tuple[str, int, dict[str, int] | None, int]]
"""Per page of a share: path, characters, and when it was cut its anchors (anchor → part) and number of parts."""
Kept = tuple[int, list[tuple[str, str | bytes, paging.Split | None]]]
"""A share's number and its pages as rendered and cut, kept in the process that rendered them."""
Plan = tuple[dict[str, paging.Split], str] | None
"""Round two's orders: every cut page's anchors and the folder to write to; None sends the pages back."""
Wrote = tuple[int, int, set[str]]
"""Round two's report: files written, files unchanged, and every file it wrote or kept."""


@dataclass(frozen=True)
class Written:
    """What the two processes and this one wrote."""

    paths: tuple[str, ...]
    """Every generated file under the docs folder, sorted, as ``Page.path``."""
    stats: WriteStats


def _summary(kept: Kept) -> Summary:
    """What round one reports of a share: no page text."""
    return [(path, len(content), split.anchors if split else None, len(split.parts) if split else 1)
            for path, content, split in kept[1]]


def _first(share: int) -> tuple[Summary, Kept]:
    """Round one in a forked process: render and cut one share, keep it, report its summary."""
    kept = (share, render_share(share, cores.SHARES))
    return _summary(kept), kept


def _second(kept: list[Kept], plan: Plan) -> Wrote | list[Kept]:
    """Round two in a forked process: relink and write what this process rendered (or send it back)."""
    if plan is None:
        return kept
    splits, out = plan
    rendered = [page for _share, pages in kept for page in pages]
    # ``paginate`` cuts these pages as they were measured and relinks them against every process's cut pages.
    paged = paging.paginate([(path, content) for path, content, _ in rendered], splits=dict(splits),
                            measured={path: split for path, _, split in rendered})
    return write_files(Path(out), (Page(path, content) for path, content in paged))


def _cut(summaries: list[Summary]) -> dict[str, paging.Split]:
    """Every page that was cut, with its anchors only: all that ``paging.relink`` reads of a split."""
    return {path: paging.Split(path, (), anchors)
            for summary in summaries for path, _, anchors, _ in summary if anchors is not None}


def render_and_write(hb: Handbook, ix: CrossIndex, site: dict[str, str], a11y_results: a11y.Results, out: Path,
                     timings: dict[str, float], measured: dict[str, paging.Split | None]) -> Written | list[Page]:
    """Render, cut, relink and write every page under ``out`` in two processes, timing ``render``, ``paginate`` and
    ``write``. When the print view needs the pages' text (see the module's docstring), nothing is written: the
    pages come back unpaged, as ``render_unpaged`` returns them, with their splits in ``measured``."""
    marks = [time.perf_counter()]
    renderer = Renderer(hb, ix, site, a11y_results)
    jobs = renderer.jobs()
    data: dict[str, bytes] = {}
    splits: dict[str, paging.Split] = {}
    claim(out)

    def plan(summaries: list[Summary]) -> Plan:
        marks.append(time.perf_counter())
        if sum(chars for summary in summaries for _, chars, _, _ in summary) <= printview.NO_SECTIONS_CHARS:
            return None
        splits.update(_cut(summaries))
        marks.append(time.perf_counter())
        return splits, str(out)

    with prepared(renderer, jobs):
        summaries, results = cores.in_two_rounds(_first, cores.SHARES, plan, _second,
                                                 meanwhile=lambda: data.update(opendata.render(hb, ix)))
    own = [Page(f"data/{name}", content) for name, content in data.items()]
    if not all(isinstance(result, tuple) for result in results):
        kept = dict(share for result in results if isinstance(result, list) for share in result)
        pages = with_print_view(renderer, assemble(renderer, [kept[k] for k in range(len(kept))], measured) + own)
        timings["render"] = time.perf_counter() - marks[0]
        return pages
    timings["render"] = marks[1] - marks[0]
    print_page = renderer.page("print.md.j2", printview.PRINT_PAGE, sections=[], pdf_name=Markup(printview.PDF_NAME))
    own += [Page(path, text) for path, text in paging.relink([(print_page.path, print_page.content)], splits)]
    written, unchanged, wanted = write_files(out, own)
    for result in results:
        assert isinstance(result, tuple)
        written, unchanged, wanted = written + result[0], unchanged + result[1], wanted | result[2]
    removed = remove_stale(out, wanted)
    timings["paginate"] = marks[2] - marks[1]  # collecting the anchors of every page that was cut
    timings["write"] = time.perf_counter() - marks[2]  # round two (relinking and writing), the rest, deleting
    parts = [paging.part_path(path, k) for summary in summaries for path, _, _, count in summary for k in range(1, count + 1)]
    return Written(tuple(sorted([*parts, *(p.path for p in own)])), WriteStats(written, unchanged, removed))


def worth_it(hb: Handbook) -> bool:
    """As ``Renderer.all_pages`` decides: two processes from ``render.PARALLEL_PAGES`` pages (bodies, themes, articles)."""
    return cores.worth_it(len(hb.municipalities) + len(hb.themes) + len(hb.articles), render.PARALLEL_PAGES)
