"""Part of stage 5, render: every page of the handbook folded into one Markdown page for print and PDF.

The print view reuses the Markdown the other templates produced, so it never drifts from the
site. Each page becomes a section with its own anchor; ids inside a section are prefixed with
that anchor so the sections' ``#p3`` and ``#m-akishima`` stay distinct, and links between pages
become links inside the one page (a PDF has nowhere else to go).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup

from generator.pages.mdsyntax import ATTR_LIST, FRONT_MATTER, MD_LINK_OPEN, RAW_ID

PRINT_PAGE = "print.md"
PDF_NAME = "jichitai-dx-handbook.pdf"
LEFT_OUT = frozenset({"index.md", "review.md", "finder.md"})
"""The top page explains the screen (search box, tooltips); the print view has its own cover. The 要確認 list is for
editors at the screen, not for the managers the PDF is printed for; the finder is a form."""
MAX_CHARS = 2_000_000
"""Beyond this much Markdown (about 4 times the handbook of 2026) one page and one PDF stop being readable
and MkDocs needs minutes for the page: the print view then keeps the lists and indexes only."""
NO_SECTIONS_CHARS = 4_000_000
"""Beyond this much (national scale) even the lists make one page MkDocs and the PDF take minutes over:
the print view then lists no sections and says why."""

_FRONT_MATTER = FRONT_MATTER
_H1 = re.compile(r"^# (.+?)\s*$", re.M)
_HEADING = re.compile(r"^(#{2,5}) ", re.M)
_RAW_ID = RAW_ID
_ATTR_LIST = ATTR_LIST
_ATTR_ID = re.compile(r"#([\w-]+)")
_MD_LINK = re.compile(MD_LINK_OPEN + r'([^)\s"]+)')
_RAW_HREF = re.compile(r'\bhref="(#[^"]*)"')
_MD_IN_HTML = re.compile(r'<[a-z]+\b[^>]*\bmarkdown="(?:1|span|block)"[^>]*>')
_CLOSED_DETAILS = re.compile(r"^<details\b(?![^>]*\bopen\b)([^>]*)>", re.M)


@dataclass(frozen=True)
class Section:
    """One page of the site as a section of the print view."""

    path: str
    anchor: str
    title: Markup
    body: Markup
    nested: bool


def anchor_for(path: str) -> str:
    """A stable, ASCII id for the section that holds the page at ``path``."""
    return "s-" + path.removesuffix(".md").replace("/", "-")


def _is_nested(path: str) -> bool:
    """Pages inside a folder, other than the folder's index, sit under that index in the contents."""
    return "/" in path and not path.endswith("/index.md")


def _ids(markdown: str) -> set[str]:
    """Every explicit id a page defines, in raw HTML or in attribute lists."""
    found = set(_RAW_ID.findall(markdown))
    for block in _ATTR_LIST.findall(markdown):
        found.update(_ATTR_ID.findall(block))
    return found


class _Linker:
    """Rewrites one page's ids and links so they work inside the single print page."""

    def __init__(self, path: str, ids: dict[str, set[str]]) -> None:
        self.path = path
        self.ids = ids

    def target(self, href: str) -> str:
        """Where a link from this page should point inside the print view."""
        if "://" in href or href.startswith(("mailto:", "tel:")):
            return href
        page, _, fragment = href.partition("#")
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(self.path), page)) if page else self.path
        if resolved not in self.ids:
            return href if not page else resolved + (f"#{fragment}" if fragment else "")
        anchor = anchor_for(resolved)
        if fragment and fragment in self.ids[resolved]:
            return f"#{anchor}--{fragment}"
        return f"#{anchor}"

    def rewrite(self, markdown: str) -> str:
        """Prefix ids, shift headings one level down, open what is folded and redirect links."""
        prefix = anchor_for(self.path)
        text = _RAW_ID.sub(lambda m: f'id="{prefix}--{m.group(1)}"', markdown)
        text = "\n".join(self._markdown_line(line, prefix) for line in text.split("\n"))
        text = _HEADING.sub(lambda m: f"#{m.group(1)} ", text)
        text = _CLOSED_DETAILS.sub(r"<details\1 open>", text)  # paper cannot be clicked open (the 年表)
        return _RAW_HREF.sub(lambda m: f'href="{self.target(m.group(1))}"', text)

    def _markdown_line(self, line: str, prefix: str) -> str:
        """Attribute lists and Markdown links exist only in Markdown lines: raw HTML blocks hold data as text,
        except the Markdown of an md_in_html element (the matrix's cells), whose links must be redirected too."""
        if line.startswith("<"):
            if not _MD_IN_HTML.match(line):
                return line
            return _MD_LINK.sub(lambda m: f"]({self.target(m.group(1))}", line)
        line = _ATTR_LIST.sub(lambda m: _ATTR_ID.sub(lambda i: f"#{prefix}--{i.group(1)}", m.group(0)), line)
        return _MD_LINK.sub(lambda m: f"]({self.target(m.group(1))}", line)


def _split(markdown: str) -> tuple[str, str]:
    """The page's H1 text and everything after it, without front matter."""
    body = _FRONT_MATTER.sub("", markdown, count=1)
    m = _H1.search(body)
    if m is None:
        return "", body
    return m.group(1), body[: m.start()] + body[m.end() :]


def sections(pages: Iterable[tuple[str, str]], max_chars: int = MAX_CHARS) -> list[Section]:
    """The print view's sections, in the order given (the site's reading order); only the non-nested
    pages (lists, indexes, glossary) when all of them together would exceed ``max_chars``; none past
    ``NO_SECTIONS_CHARS`` of generated text."""
    pages = list(pages)
    if sum(len(text) for _, text in pages) > NO_SECTIONS_CHARS:
        return []
    chosen = [(path, text) for path, text in pages if path.endswith(".md") and path not in LEFT_OUT and path != PRINT_PAGE]
    if sum(len(text) for _, text in chosen) > max_chars:
        chosen = [(path, text) for path, text in chosen if not _is_nested(path)]
    ids = {path: _ids(text) for path, text in chosen}
    out: list[Section] = []
    for path, text in chosen:
        title, body = _split(text)
        out.append(Section(path, anchor_for(path), Markup(title or path), Markup(_Linker(path, ids).rewrite(body).strip()),
                           _is_nested(path)))
    return out
