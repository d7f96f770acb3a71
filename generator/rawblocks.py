"""Python-Markdown extension: pass the raw HTML blocks the generator wrote straight through, unparsed.

An article's body is raw HTML: a paragraph per source line, each with its id, its ``¶`` link and its
tooltips, escaped by the generator (``render.article_body``). Python-Markdown (``md_in_html``'s
``html_block``) parses every tag of it with ``html.parser`` only to find where each block ends and keep
it verbatim, then runs every inline pattern over one placeholder per block. At national scale that was
a quarter of MkDocs' time (README, 全国規模). This preprocessor keeps each run of such blocks verbatim in
one placeholder, exactly as ``html_block`` would have kept them one by one, so the page is the same to
the byte; blocks are recognised by how the generator begins them (``mdsyntax.RAW_BLOCKS``), which data
cannot imitate. It runs after MkDocs' own scan of raw HTML (priority 21), which collects the ids that
links such as ``#p12`` are checked against, and before ``html_block`` (20).

Listed under ``markdown_extensions`` in ``mkdocs.yml``; loaded by MkDocs (or anything that runs
Python-Markdown on the generated pages), never by the generator, so it imports only ``mdsyntax``.
"""

from __future__ import annotations

from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from generator.mdsyntax import RAW_BLOCKS

PRIORITY = 20.5
"""Between MkDocs' raw-HTML scan for anchors (21) and ``html_block`` (20)."""
_OPENERS = tuple(RAW_BLOCKS)


class RawBlocks(Preprocessor):
    """Stash every run of the generator's pure-HTML blocks as one raw block."""

    def run(self, lines: list[str]) -> list[str]:
        """The lines with each run replaced by a placeholder paragraph (unchanged when there is none)."""
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
        out += ["", self.md.htmlStash.store("\n\n".join(run) + "\n"), ""]
        run.clear()


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
    """Registers ``RawBlocks`` (``markdown_extensions: - generator.rawblocks`` in ``mkdocs.yml``)."""

    def extendMarkdown(self, md: Markdown) -> None:
        """Add the preprocessor at its priority."""
        md.preprocessors.register(RawBlocks(md), "hb_raw_blocks", PRIORITY)


def makeExtension(**kwargs: Any) -> RawBlocksExtension:
    """Entry point Python-Markdown calls for ``generator.rawblocks``."""
    return RawBlocksExtension(**kwargs)
