"""MkDocs hook for one part of a split site build: render only this part's pages, report what the merge needs.

Loaded by MkDocs (``hooks:`` in the derived config that ``generator/site/mkdocs.py`` writes), never imported by the
generator, so it imports nothing from it. With ``HANDBOOK_MKDOCS_PART=k/n`` set, part ``k`` renders every ``n``-th
documentation page in MkDocs' own file order, starting at the ``k``-th: the folders are sorted, so each part gets
its share of every kind of page without any weights. The other pages are marked excluded (``File.inclusion``),
which MkDocs documents as "not processed": links to them still get the right relative URL and are logged at INFO,
while a link to a page that does not exist at all is still a warning, so ``--strict`` keeps catching broken links.
Pages listed in ``nav`` are kept in every part, so every part renders the same navigation.

The report (JSON, ``HANDBOOK_MKDOCS_PART_REPORT``) lists the file order, this part's own pages and every page's
sitemap location, from documented ``File`` and ``Page`` attributes only.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel

PART_ENV = "HANDBOOK_MKDOCS_PART"
REPORT_ENV = "HANDBOOK_MKDOCS_PART_REPORT"

_state: dict[str, Any] = {}


def on_startup(command: str, dirty: bool) -> None:
    """In a split build, links to other parts' pages are logged at INFO, thousands of lines: keep MkDocs at WARNING."""
    if os.environ.get(PART_ENV):
        logging.getLogger("mkdocs").setLevel(logging.WARNING)


def _part() -> tuple[int, int]:
    """This process's part number and the number of parts, from ``k/n`` (no split without it)."""
    raw = os.environ.get(PART_ENV, "")
    if not raw:
        return 0, 1
    k, n = (int(x) for x in raw.split("/"))
    if not 0 <= k < n:
        raise ValueError(f"{PART_ENV}={raw}: 0 <= k < n ではありません")
    return k, n


def _nav_paths(items: object) -> Iterator[str]:
    """Every page path named in the ``nav`` setting (nested lists and titled entries)."""
    if isinstance(items, str):
        yield items
    elif isinstance(items, dict):
        for value in items.values():
            yield from _nav_paths(value)
    elif isinstance(items, list):
        for item in items:
            yield from _nav_paths(item)


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Exclude the documentation pages that another part renders and, but in the first part, the static files (the
    theme's assets, the open data): only the first part's copies are kept, and a national-scale site has 100 MB
    of them."""
    k, n = _part()
    if n == 1:
        return files
    shared = set(_nav_paths(config.nav or []))
    pages = list(files.documentation_pages())
    own: list[File] = []
    for i, file in enumerate(pages):
        if file.src_uri in shared:
            continue
        if i % n == k:
            own.append(file)
        else:
            file.inclusion = InclusionLevel.EXCLUDED
    if k > 0:
        for file in files:
            if not file.is_documentation_page():
                file.inclusion = InclusionLevel.EXCLUDED
    _state.update(files=files, order=[f.src_uri for f in pages], own=own)
    return files


def _report(files: Files) -> dict[str, Any]:
    """This part's own pages and every page's sitemap location, for the merge."""
    locs: dict[str, str] = {}
    for file in files.documentation_pages():
        page = file.page
        if page is not None and not page.is_link and (loc := page.canonical_url or page.abs_url):
            locs[file.src_uri] = loc
    return {"order": _state["order"], "own": {f.src_uri: f.dest_uri for f in _state["own"]}, "locs": locs}


def on_post_build(config: MkDocsConfig) -> None:
    """Write the report for the generator (only in a split build)."""
    path = os.environ.get(REPORT_ENV)
    if not path or "files" not in _state:
        return
    report = _report(_state["files"])
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(report, fh, ensure_ascii=False)
