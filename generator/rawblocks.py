"""Python-Markdown extension: pass the raw HTML blocks the generator wrote straight through, unparsed.

An article's body is raw HTML: a paragraph per source line, each with its id, its ``¶`` link and its
tooltips, escaped by the generator (``render.article_body``). Python-Markdown (``md_in_html``'s
``html_block``) parses every tag of it with ``html.parser`` only to find where each block ends and keep
it verbatim, then runs every inline pattern over one placeholder per block. At national scale that was
a quarter of MkDocs' time (README, 全国規模). This preprocessor keeps each run of such blocks verbatim in
one placeholder, exactly as ``html_block`` would have kept them one by one, so the page is the same to
the byte; blocks are recognised by how the generator begins them (``mdsyntax.RAW_BLOCKS``), which data
cannot imitate.

It runs before MkDocs' own scan of raw HTML (priority 21), which feeds every page through ``html.parser``
only to collect the ids that links such as ``#p12`` are checked against: on the article pages that was
about an eighth of their Markdown time. The ids of the blocks it stashes are read with the generator's own
pattern (``mdsyntax.RAW_ID``) instead and added to that scan's findings right after it has run, so MkDocs
checks links to them as before. Without MkDocs' scan (Python-Markdown alone) there is nothing to add to.

Listed under ``markdown_extensions`` in ``mkdocs.yml``; loaded by MkDocs (or anything that runs
Python-Markdown on the generated pages), never by the generator, so it imports only ``mdsyntax``.
"""

from __future__ import annotations

import html
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from generator.mdsyntax import RAW_BLOCKS, RAW_ID

PRIORITY = 22
"""Before MkDocs' raw-HTML scan for anchors (21), so it does not parse the blocks, and ``html_block`` (20)."""
IDS_PRIORITY = 20.9
"""Right after MkDocs' scan, which replaces its set of ids when it runs."""
MKDOCS_SCAN = "mkdocs_raw_html"
"""The name MkDocs registers its scan under (``mkdocs.structure.pages._RawHTMLPreprocessor``)."""
_OPENERS = tuple(RAW_BLOCKS)


class RawBlocks(Preprocessor):
    """Stash every run of the generator's pure-HTML blocks as one raw block, noting the ids inside."""

    def __init__(self, md: Markdown | None = None) -> None:
        super().__init__(md)
        self.ids: set[str] = set()
        """The ids in the blocks stashed by the last run, as ``html.parser`` reads them (entities decoded)."""

    def run(self, lines: list[str]) -> list[str]:
        """The lines with each run replaced by a placeholder paragraph (unchanged when there is none)."""
        self.ids = set()
        if not any(line.startswith(_OPENERS) for line in lines):
            return lines
        out: list[str] = []
        run: list[str] = []
        i, count = 0, len(lines)
        while i < count:
            end = _block_end(lines, i) if not out or not out[-1].strip() else None
            if end is None:
                self._flush(run, out)
                out.append(lines[i])
                i += 1
                continue
            run.append("\n".join(lines[i:end]))
            i = end
            while i < count and not lines[i].strip():
                i += 1
            out.append("")  # the blank lines between blocks of a run, until a line that is not one of them
        self._flush(run, out)
        return out

    def _flush(self, run: list[str], out: list[str]) -> None:
        """Close a run: its blocks, separated as ``html_block`` would print them, behind one placeholder."""
        if not run:
            return
        while out and not out[-1]:
            out.pop()
        text = "\n\n".join(run) + "\n"
        self.ids.update(map(html.unescape, RAW_ID.findall(text)))
        out += ["", self.md.htmlStash.store(text), ""]
        run.clear()


class RawIds(Preprocessor):
    """Hand the ids of the stashed blocks to MkDocs' scan, which no longer sees those blocks."""

    def __init__(self, md: Markdown, blocks: RawBlocks) -> None:
        super().__init__(md)
        self.blocks = blocks

    def run(self, lines: list[str]) -> list[str]:
        """Add the ids to the scan's set (it has just replaced it); the lines are left as they are."""
        if self.blocks.ids and MKDOCS_SCAN in self.md.preprocessors:
            scan: Any = self.md.preprocessors[MKDOCS_SCAN]  # mkdocs.structure.pages._RawHTMLPreprocessor
            scan.present_anchor_ids |= self.blocks.ids
        return lines


def _block_end(lines: list[str], start: int) -> int | None:
    """Index after the block that starts at ``start`` if it is one of the generator's pure-HTML blocks, else None.

    A block is the lines up to the next blank one; it must begin with an opener and its last line end with
    that opener's closing tag, so anything else (a hand-edited page, a cut) is left to ``html_block``.
    """
    line = lines[start]
    if not line.startswith(_OPENERS):
        return None
    end = start
    while end < len(lines) and lines[end].strip():
        end += 1
    closer = next(c for o, c in RAW_BLOCKS.items() if line.startswith(o))
    return end if lines[end - 1].rstrip().endswith(closer) else None


class RawBlocksExtension(Extension):
    """Registers ``RawBlocks`` and ``RawIds`` (``markdown_extensions: - generator.rawblocks`` in ``mkdocs.yml``)."""

    def extendMarkdown(self, md: Markdown) -> None:
        """Add the two preprocessors at their priorities, around MkDocs' scan."""
        blocks = RawBlocks(md)
        md.preprocessors.register(blocks, "hb_raw_blocks", PRIORITY)
        md.preprocessors.register(RawIds(md, blocks), "hb_raw_ids", IDS_PRIORITY)


def makeExtension(**kwargs: Any) -> RawBlocksExtension:
    """Entry point Python-Markdown calls for ``generator.rawblocks``."""
    return RawBlocksExtension(**kwargs)
