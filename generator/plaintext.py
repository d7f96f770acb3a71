"""Python-Markdown extension: a text that holds no inline syntax skips the inline patterns.

Python-Markdown's inline processor tries each of its patterns (fourteen regular expressions, each with
the Python around it) on every text of the page, and most texts of the generated pages hold no inline
syntax at all: a table cell with a reading, a kind or a date, a heading, a sentence of a summary. At
national scale that work was most of MkDocs' time on the municipality pages. This treeprocessor runs
just before the inline processor and marks each such text as an ``AtomicString``, Python-Markdown's own
way to say that a text is not to be processed further (``markdown.util.AtomicString``, documented with
``treeprocessors.InlineProcessor.run``), so the inline processor passes it by as it is.

A text is marked only when it contains none of the characters that any match of a registered pattern must
contain: a link's ``[``, an entity's ``&``, a tag's ``<``, an escape's ``\\``, a code span's backtick, a
delimiter's own ``*`` or ``_``, a line break's two spaces before a newline. Those characters are known for
Python-Markdown's own patterns, recognised by their regular expressions; if any other pattern is registered
(another extension's), nothing is marked. The HTML is the same to the byte (tests/test_plaintext.py).

Listed under ``markdown_extensions`` in ``mkdocs.yml``, like ``generator.rawblocks``; loaded by MkDocs,
never by the generator.
"""

from __future__ import annotations

import re
from typing import Any
from xml.etree.ElementTree import Element

from markdown import Markdown, inlinepatterns
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

PRIORITY = 20.5
"""Just before Python-Markdown's inline processor (20)."""

KNOWN_SYNTAX = {
    inlinepatterns.BACKTICK_RE: "`",
    inlinepatterns.ESCAPE_RE: "\\",
    inlinepatterns.LINK_RE: "[",  # also a reference and a short reference
    inlinepatterns.IMAGE_LINK_RE: "[",  # also an image reference: "![" holds "["
    inlinepatterns.AUTOLINK_RE: "<",
    inlinepatterns.AUTOMAIL_RE: "<",
    inlinepatterns.LINE_BREAK_RE: "  \n",
    inlinepatterns.HTML_RE: "<",
    inlinepatterns.ENTITY_RE: "&",
}
"""Python-Markdown's own patterns, by regular expression, and what every match of each contains."""


def syntax(md: Markdown) -> re.Pattern[str] | None:
    """What a text must contain for a registered inline pattern to match it; None if a pattern is not known."""
    needed: set[str] = set()
    for pattern in md.inlinePatterns:
        if isinstance(pattern, inlinepatterns.DelimiterProcessor):
            needed.update(pattern.tokens)  # emphasis: "*", "_" or whatever delimiter was added
            continue
        compiled = getattr(pattern, "compiled_re", None)
        known = KNOWN_SYNTAX.get(compiled.pattern) if isinstance(compiled, re.Pattern) else None
        if known is None:
            return None
        needed.add(known)
    return re.compile("|".join(map(re.escape, sorted(needed)))) if needed else None


class PlainText(Treeprocessor):
    """Mark the texts that no inline pattern can match as ``AtomicString``."""

    marked = 0
    """How many texts the last run marked (for tests)."""

    def run(self, root: Element) -> None:
        """Mark every element's text and tail that holds none of the patterns' characters."""
        self.marked = 0
        found = syntax(self.md)
        if found is None:
            return
        search = found.search
        for element in root.iter():
            text, tail = element.text, element.tail
            if text and not isinstance(text, AtomicString) and not search(text):
                element.text = AtomicString(text)
                self.marked += 1
            if tail and not isinstance(tail, AtomicString) and not search(tail):
                element.tail = AtomicString(tail)
                self.marked += 1


class PlainTextExtension(Extension):
    """Registers ``PlainText`` (``markdown_extensions: - generator.plaintext`` in ``mkdocs.yml``)."""

    def extendMarkdown(self, md: Markdown) -> None:
        """Add the treeprocessor just before the inline processor."""
        md.treeprocessors.register(PlainText(md), "hb_plain_text", PRIORITY)


def makeExtension(**kwargs: Any) -> PlainTextExtension:
    """Entry point Python-Markdown calls for ``generator.plaintext``."""
    return PlainTextExtension(**kwargs)
