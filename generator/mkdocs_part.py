"""MkDocs hook for one part of a split site build: render only this part's pages, report what others must check.

Loaded by MkDocs (``hooks:`` in the derived config that ``generator/parallel_site.py`` writes), never
imported by the generator, so it imports nothing from it. With ``HANDBOOK_MKDOCS_PART=k/n`` set, the
documentation pages are cut, in MkDocs' own file order, into ``n`` runs of about equal weight; pages
outside run ``k`` are marked excluded, which MkDocs documents as "not processed": links to them still
get the right relative URL and are logged at INFO only, while a link to a page that does not exist at
all is still a warning, so ``--strict`` keeps catching broken links. Pages listed in ``nav`` are kept
in every part, so every part renders the same navigation.

MkDocs cannot check an anchor in a page that it did not render, so the hook writes a report (JSON,
``HANDBOOK_MKDOCS_PART_REPORT``): the file order, this part's own pages, their anchors and their
links to anchors in other parts' pages. The generator checks those links across parts.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterable, Iterator
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel

PART_ENV = "HANDBOOK_MKDOCS_PART"
REPORT_ENV = "HANDBOOK_MKDOCS_PART_REPORT"
LINK_BYTES = 93
MD_IN_HTML_BYTES = 205
PAGE_BYTES = 12_000
RAW_SHARE = 100
"""A page's weight: its Markdown bytes, plus this much per link, per ``markdown="…"`` element (``md_in_html``) and
per page; the lines of the raw HTML paragraphs that ``generator/rawblocks.py`` passes through count one byte in 100.
Fitted by least squares to MkDocs' time for each of the 7,067 pages at 5,000 articles (conversion plus theme, one
process, 2026-11-23): about 7.6 ms per page, 0.91 ms per KB of Markdown, 0.085 ms per link and 0.19 ms per
``markdown=`` element. Those paragraphs then cost 0.03 ms per KB (one in 30), mostly MkDocs' scan of raw HTML for
ids, which no longer reads them (``rawblocks``); and in real split builds the part of articles took 3.4, 6.6 and
6.9 s less CPU than the other. So they now count one in 100 and the page's share went from 10,000 to 8,000, which
moves about 230 articles to that part (afterwards: 0.9 s more and 0.3 s less, in two builds). When ``plaintext`` began
to make the plain links of the tables and lists itself, the other part got lighter (its pages hold the links): the
article part took 5.7 and 8.1 s more CPU in two builds, so the page's share went to 12,000 (afterwards: 0.1 s less
and 3.0 s more)."""
_RAW_LINE = re.compile(rb'^<(?:p|li) id="[^\n]*', re.M)

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


def _weight(path: str) -> int:
    """About how long MkDocs takes over a page, in bytes of plain Markdown (see ``RAW_SHARE``)."""
    with open(path, "rb") as fh:
        data = fh.read()
    raw = sum(map(len, _RAW_LINE.findall(data)))
    return (len(data) - raw + raw // RAW_SHARE + LINK_BYTES * data.count(b"](")
            + MD_IN_HTML_BYTES * data.count(b'markdown="') + PAGE_BYTES)


def assign(weights: Iterable[int], parts: int) -> list[int]:
    """Part of each page, in order: contiguous runs whose total weights are as equal as the pages allow."""
    weights = list(weights)
    total = sum(weights) or 1
    owners, done = [], 0
    for weight in weights:
        owners.append(min(parts - 1, (2 * done + weight) * parts // (2 * total)))
        done += weight
    return owners


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Exclude the documentation pages that another part renders."""
    k, n = _part()
    if n == 1:
        return files
    shared = set(_nav_paths(config.nav or []))
    pages = list(files.documentation_pages())
    owners = assign((_weight(f.abs_src_path or "") for f in pages), n)
    own: list[File] = []
    for file, owner in zip(pages, owners, strict=True):
        if file.src_uri in shared:
            continue
        if owner == k:
            own.append(file)
        else:
            file.inclusion = InclusionLevel.EXCLUDED
    _state.update(files=files, order=[f.src_uri for f in pages], own=own)
    return files


def _report(files: Files) -> dict[str, Any]:
    """This part's pages (with their anchors) and its links to anchors in pages it did not render."""
    anchors: dict[str, list[str]] = {}
    links: list[list[str]] = []
    dests: dict[str, str] = {}
    locs: dict[str, str] = {}
    for file in _state["own"]:
        page = file.page
        if page is None:
            continue
        anchors[file.src_uri] = sorted(page.present_anchor_ids or ())
    for file in files.documentation_pages():
        page = file.page
        if page is None:
            continue
        dests[file.src_uri] = page.url
        if not page.is_link and (loc := page.canonical_url or page.abs_url):
            locs[file.src_uri] = loc
        for target, found in (page.links_to_anchors or {}).items():
            if target.inclusion.is_excluded():
                links.extend([file.src_uri, target.src_uri, anchor, link] for anchor, link in found.items())
    return {"order": _state["order"],
            "own": {f.src_uri: f.dest_uri for f in _state["own"]}, "anchors": anchors, "links": links,
            "dests": dests, "locs": locs}


def on_post_build(config: MkDocsConfig) -> None:
    """Write the report for the generator (only in a split build)."""
    path = os.environ.get(REPORT_ENV)
    if not path or "files" not in _state:
        return
    report = _report(_state["files"])
    report["anchor_level"] = int(config.validation.links.anchors)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(report, fh, ensure_ascii=False)
