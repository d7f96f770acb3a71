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

A text whose only syntax is escapes and plain links, ``[label](target)``, is taken apart here the way the escape
and link patterns would: each escape becomes the escape pattern's own mark for its character, and each link an
``a`` element with marked texts around it. That is what the tables and lists of the municipality, theme and index
pages are made of (the generator writes a name's ``(`` as ``\\(``), and it took most of their remaining inline
time. It is done only when the first four patterns are Python-Markdown's own code span, escape, reference and
link patterns, in that order, and only for links whose label holds none of the patterns' characters and whose
target has no space, bracket, quote, backtick or backslash: the link pattern turns exactly those into
``<a href="target">label</a>`` and leaves nothing for a later pattern.

Listed under ``markdown_extensions`` in ``mkdocs.yml``; loaded by MkDocs,
never by the generator.
"""

from __future__ import annotations

import re
from typing import Any
from xml.etree.ElementTree import Element

from markdown import Markdown, inlinepatterns
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import ETX, STX, AtomicString

PRIORITY = 20.5
"""Just before Python-Markdown's inline processor (20)."""
PLAIN_LINK = re.compile(r"\[(?<!!\[)([^\[\]]*)\]\(([^\s()<>\[\]\"'`\\]+)\)")
"""A link whose label has no bracket and whose target the link pattern takes as it is (no title, no ``<…>``, no
nesting); not an image's ``![``. ``split`` gives text, label, target, text, …"""
FIRST_PATTERNS = [inlinepatterns.BacktickInlineProcessor, inlinepatterns.EscapeInlineProcessor,
                  inlinepatterns.ReferenceInlineProcessor, inlinepatterns.LinkInlineProcessor]
"""Python-Markdown's first four patterns, in its order: the links and escapes are taken apart here only behind them."""
ESCAPE = re.compile(inlinepatterns.ESCAPE_RE)

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


def links_first(md: Markdown) -> bool:
    """Whether the code span, escape, reference and link patterns are Python-Markdown's own and come first, in its
    order: then an escape is replaced before any pattern but the code span's sees it, and a plain link becomes a
    link before any pattern but those sees it."""
    return [type(pattern) for pattern in list(md.inlinePatterns)[:len(FIRST_PATTERNS)]] == FIRST_PATTERNS


def _marked(text: str) -> AtomicString | None:
    """A text as the inline processor leaves it: marked, and None for an empty one (the serialiser prints neither)."""
    return AtomicString(text) if text else None


class PlainText(Treeprocessor):
    """Mark the texts that no inline pattern can match as ``AtomicString``, and turn plain links into elements."""

    marked = 0
    """How many texts the last run marked (for tests)."""
    linked = 0
    """How many links the last run made (for tests)."""

    def run(self, root: Element) -> None:
        """Take every text and tail that holds none of the patterns' characters, or only plain links, out of reach."""
        self.marked = self.linked = 0
        found = syntax(self.md)
        if found is None:
            return
        self._search, self._links = found.search, links_first(self.md)
        for element in list(root.iter()):  # as the inline processor: each child's text and tail, not the root's
            for index in reversed(range(len(element))):
                child = element[index]
                made = self._take(child.tail)
                if made is not None:
                    child.tail, element[index + 1:index + 1] = made
                made = self._take(child.text)
                if made is not None:
                    child.text, child[0:0] = made

    def _take(self, text: str | None) -> tuple[AtomicString | None, list[Element]] | None:
        """The marked text and the links to put after it, or None when the inline patterns must see ``text``.

        Escapes are replaced first, as the escape pattern would; only the code span pattern comes before it, and
        a code span's opening backtick is never escaped, so it is still there to be found, and the text is left."""
        if not text or isinstance(text, AtomicString):
            return None
        if not self._search(text):
            self.marked += 1
            return AtomicString(text), []
        if not self._links:
            return None
        if "\\" in text:
            text = ESCAPE.sub(self._escape, text)
        parts = PLAIN_LINK.split(text)
        if any(self._search(part) for part in parts[::3] + parts[1::3]):
            return None
        links = []
        for k in range(1, len(parts), 3):
            link = Element("a")
            link.text = AtomicString(parts[k])
            link.set("href", parts[k + 1])
            link.tail = _marked(parts[k + 2])
            links.append(link)
        self.marked += 1
        self.linked += len(links)
        return _marked(parts[0]), links

    def _escape(self, match: re.Match[str]) -> str:
        """What the escape pattern leaves of ``\\c``: the character's code between STX and ETX, which Python-Markdown's
        last treeprocessor turns back into the character; a character it does not escape keeps its backslash."""
        char = match.group(1)
        return f"{STX}{ord(char)}{ETX}" if char in self.md.ESCAPED_CHARS else match.group(0)


class PlainTextExtension(Extension):
    """Registers ``PlainText`` (``markdown_extensions: - generator.site.plaintext`` in ``mkdocs.yml``)."""

    def extendMarkdown(self, md: Markdown) -> None:
        """Add the treeprocessor just before the inline processor."""
        md.treeprocessors.register(PlainText(md), "hb_plain_text", PRIORITY)


def makeExtension(**kwargs: Any) -> PlainTextExtension:
    """Entry point Python-Markdown calls for ``generator.site.plaintext``."""
    return PlainTextExtension(**kwargs)
