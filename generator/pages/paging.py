"""Part of stage 5, render: long pages become numbered parts, and every link follows its anchor.

At national scale (1,788 bodies, thousands of articles) an index page would hold thousands of
rows and a reader would download megabytes to see one. Any generated Markdown page above a
byte budget is cut between its sections, table rows and list items into parts of at most that
budget: ``themes/x.md`` keeps part 1, parts 2.. go to ``themes/x/2.md`` (a path no entity id
can take). Each part repeats the heading and table header it continues and carries a pager.
Links anywhere in the handbook to an anchor that moved (``#m-akishima``) are rewritten to the
part that now holds it, so links keep working both ways. Pages under the budget, which is
every page of the curated handbook today, are left byte for byte as they were.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass

from generator.pages.mdsyntax import ATTR_LIST, ATTR_LIST_ID, FRONT_MATTER, MD_LINK_OPEN, RAW_ID

Page = tuple[str, str | bytes]

BUDGET = 60_000
"""Estimated HTML bytes per part (see ``html_cost``); with the theme's chrome (about 20 KB) a part
stays under 100 KB of HTML."""
SPLIT_ABOVE = 65_000
"""Only pages estimated above this are cut, so a long article (the curated ones reach 45 KB) stays whole."""


PAGER_RESERVE = 3_000
"""Room left in each part for the two pagers (a link per part)."""


def html_cost(text: str) -> int:
    """Rough HTML size of Markdown: table cells and links grow by about 24 and 12 bytes each, and a
    section heading by about 450 (its permalink and its two entries in the theme's tables of contents)."""
    return len(text.encode("utf-8")) + _markup_cost(text)


def _markup_cost(text: str) -> int:
    """What ``html_cost`` adds to the UTF-8 size for tables, links and headings."""
    headings = text.count("\n## ") + text.count("\n### ") + text.startswith(("## ", "### "))
    return 24 * text.count("|") + 12 * text.count("](") + 450 * headings


def _short(text: str, above: int) -> bool:
    """True when a page costs at most ``above``, judged first with 4 bytes per character (UTF-8's most): nearly every
    page is then judged without encoding it (encoding the 7,000 pages of a national-scale build took 0.2 s)."""
    if len(text) <= above // 30:
        return True
    extra = _markup_cost(text)
    return 4 * len(text) + extra <= above or len(text.encode("utf-8")) + extra <= above


_FRONT = FRONT_MATTER
_TITLE = re.compile(r'^title: (".*")$', re.M)
_ATTR = re.compile(r"\s*" + ATTR_LIST.pattern + r"\s*$")
_ATTR_ID = ATTR_LIST_ID
_RAW_ID = RAW_ID
_LINK_TITLE = r'((?:\s+"[^"\n]*")?)\)'
_LINK = re.compile(MD_LINK_OPEN + r'([^()\s"]*)' + _LINK_TITLE)


@dataclass
class _Atom:
    """The smallest piece a part may start with: a heading, a block, a list item or a table row."""

    lines: list[str]
    section: str | None
    table_head: str | None


_SEPARATOR = re.compile(r"^\|\s*:?-{3}")


def _atoms(body: str) -> tuple[list[str], list[_Atom]]:
    """Split a page body (after its front matter) into its intro and movable atoms, losslessly."""
    lines = body.split("\n")
    intro: list[str] = []
    atoms: list[_Atom] = []
    section: str | None = None
    table_head: str | None = None
    previous_blank = True
    for i, line in enumerate(lines):
        blank = not line.strip()
        header = (table_head is None and line.startswith("|") and i + 1 < len(lines) and bool(_SEPARATOR.match(lines[i + 1])))
        if line.startswith("## "):
            section, table_head = line, None
            atoms.append(_Atom([line], None, None))
        elif header:
            table_head = line + "\n" + lines[i + 1]
            atoms.append(_Atom([line], section, None))
        elif table_head is not None and line.startswith("|"):
            if _SEPARATOR.match(line) and atoms and atoms[-1].lines == [table_head.split("\n")[0]]:
                atoms[-1].lines.append(line)
            else:
                atoms.append(_Atom([line], section, table_head))
        elif not atoms:
            intro.append(line)
        elif blank or line.startswith("    ") or (not previous_blank and not line.startswith(("- ", "> ", ">"))):
            atoms[-1].lines.append(line)
        elif line.startswith(">") and not previous_blank and atoms[-1].lines[-1].startswith(">"):
            atoms[-1].lines.append(line)
        else:
            atoms.append(_Atom([line], section, None))
        if blank:
            table_head = None
        previous_blank = blank
    return intro, atoms


def _continued(section: str) -> str:
    """The heading a continuing part repeats: without its id (ids are unique) and marked 続き."""
    return _ATTR.sub("", section).rstrip() + "(続き)"


def _pack(atoms: list[_Atom], budget: int, growth: int = 0) -> list[list[str]]:
    """Greedy packing of atoms into parts, repeating the open section heading and table header.

    ``growth`` is what relinking adds to each in-page link (``#m-x`` becomes ``x/3.md#m-x``).
    """
    parts: list[list[str]] = [[]]
    size = 0
    for atom in atoms:
        text = "\n".join(atom.lines)  # costs the same as its lines one by one, plus a newline each, in one call
        cost = html_cost(text) + 1 + growth * text.count("](#")
        if size + cost > budget and parts[-1]:
            parts.append([])
            size = 0
            if atom.section is not None:
                parts[-1] += [_continued(atom.section), ""]
            if atom.table_head is not None:
                parts[-1] += atom.table_head.split("\n")
        parts[-1] += atom.lines
        size += cost
    return parts


def part_path(path: str, number: int) -> str:
    """Where part ``number`` (1-based) of the page at ``path`` lives."""
    return path if number == 1 else f"{path.removesuffix('.md')}/{number}.md"


def _pager(path: str, number: int, total: int) -> str:
    """Markdown links to every part, the current one in bold (relative to the page, as rendered)."""
    here = posixpath.dirname(path)
    items = [f"**{k}**" if k == number else f"[{k}]({relative(part_path(path, k), here)})" for k in range(1, total + 1)]
    return f'<p class="hb-pager">ページ {number} / {total}</p>\n\n' + " · ".join(items) + "\n"


def _ids(text: str) -> set[str]:
    return set(_ATTR_ID.findall(text)) | set(_RAW_ID.findall(text))


@dataclass(frozen=True)
class Split:
    """One page cut into parts, and which part holds each anchor."""

    path: str
    parts: tuple[str, ...]
    anchors: dict[str, int]


def split_page(path: str, text: str | bytes, budget: int = BUDGET, above: int = SPLIT_ABOVE) -> Split | None:
    """Cut one Markdown page into parts under ``budget`` bytes, or None when it is under ``above``."""
    if not isinstance(text, str) or _short(text, above):
        return None
    m = _FRONT.match(text)
    front = m.group(1) if m else ""
    intro_lines, atoms = _atoms(text[len(front):])
    intro = "\n".join(intro_lines)
    growth = len(posixpath.basename(path).removesuffix(".md")) + 8
    packed = _pack(atoms, max(budget - html_cost(intro) - PAGER_RESERVE, budget // 2), growth)
    if len(packed) < 2:
        return None
    total = len(packed)
    parts: list[str] = []
    anchors: dict[str, int] = {}
    for number, chunk in enumerate(packed, start=1):
        body = "\n".join(chunk).strip("\n")
        head = intro
        if number > 1:
            head = _numbered_intro(intro, number, total)
        page_front = front if number == 1 else _numbered_front(front, number, total)
        pager = _pager(path, number, total)
        parts.append(f"{page_front}{head.rstrip()}\n\n{pager}\n{body}\n\n{pager}")
        for ident in _ids(body):
            anchors.setdefault(ident, number)
    return Split(path, tuple(parts), anchors)


def _numbered_front(front: str, number: int, total: int) -> str:
    """Front matter of a later part: its title says which part it is."""
    def title(m: re.Match[str]) -> str:
        return f'title: {m.group(1)[:-1]}({number}/{total})"'

    return _TITLE.sub(title, front, count=1)


def _numbered_intro(intro: str, number: int, total: int) -> str:
    """A later part keeps only the page's H1 (with its part number), not the whole introduction."""
    for line in intro.split("\n"):
        if line.startswith("# "):
            return f"\n{_ATTR.sub('', line).rstrip()}({number}/{total})\n"
    return ""


def relink(pages: list[Page], splits: dict[str, Split]) -> list[Page]:
    """Point links at the part holding their anchor, and rebase the links of parts 2.. (one folder deeper).

    The list is rewritten in place, each page as it is relinked: at national scale the pages are the build's largest
    data, and a second list would hold the old and the new text of every relinked page at once."""
    if not splits:
        return pages
    names = sorted({posixpath.basename(p) for p in splits}, key=len, reverse=True)
    split_file = r'(?:[^()\s"]*/)?(?:' + "|".join(re.escape(n) for n in names) + ")"
    # A page that stayed where it was needs only its links to an anchor of a split page rewritten, and part 1
    # of a split page its links to its own anchors too: match just those (literal ``](`` first, a fast scan),
    # not every link with a Python call each. Parts 2.. moved one folder deeper: every link is rebased.
    to_split = re.compile(MD_LINK_OPEN + "(" + split_file + r'#[^()\s"]*)' + _LINK_TITLE)
    to_split_or_own = re.compile(MD_LINK_OPEN + "((?:" + split_file + r')?#[^()\s"]*)' + _LINK_TITLE)
    for i, (path, text) in enumerate(pages):
        if isinstance(text, str):
            owner = _owner(path, splits)
            links = to_split if owner is None else to_split_or_own if owner == path else _LINK
            pages[i] = (path, _relink_text(path, text, splits, links))
    return pages


@functools.lru_cache(maxsize=262_144)
def _resolve(directory: str, target: str) -> str:
    """A relative link's target as a docs path (memoised: a handful of folders, many repeated links)."""
    return posixpath.normpath(posixpath.join(directory, target))


@functools.lru_cache(maxsize=262_144)
def relative(dest: str, start: str) -> str:
    """posixpath.relpath for two normalised docs paths (``start`` a folder, ``""`` the top), without its calls
    to os.getcwd: a system call each, and a national-scale build asks for a few hundred thousand links."""
    d, s = dest.split("/"), start.split("/") if start else []
    common = 0
    while common < min(len(d), len(s)) and d[common] == s[common]:
        common += 1
    return "/".join([".."] * (len(s) - common) + d[common:]) or "."


def _relink_text(path: str, text: str, splits: dict[str, Split], links: re.Pattern[str] = _LINK) -> str:
    """Rewrite the ``links`` of one page; a part's links were rendered relative to the page it came from."""
    own = _owner(path, splits)
    src_dir = posixpath.dirname(own or path)
    out_dir = posixpath.dirname(path)
    moved = out_dir != src_dir

    def fix(m: re.Match[str]) -> str:
        href = m.group(1)
        if (not moved and "#" not in href) or "://" in href or href.startswith(("mailto:", "tel:")):
            return m.group(0)
        target, _, fragment = href.partition("#")
        resolved = _resolve(src_dir, target) if target else (own or path)
        split = splits.get(resolved)
        if split is None and not moved:
            return m.group(0)
        dest = part_path(resolved, split.anchors.get(fragment, 1) if fragment else 1) if split else resolved
        suffix = f"#{fragment}" if fragment else ""
        new = suffix if dest == path and fragment else relative(dest, out_dir) + suffix
        return f"]({new}{m.group(2)})"

    return links.sub(fix, text)


def _owner(path: str, splits: dict[str, Split]) -> str | None:
    """The split page a part belongs to (``themes/x/3.md`` → ``themes/x.md``)."""
    if path in splits:
        return path
    parent = posixpath.dirname(path) + ".md"
    return parent if parent in splits else None


def paginate(pages: Iterable[Page], budget: int = BUDGET, keep: frozenset[str] = frozenset(),
             above: int = SPLIT_ABOVE) -> list[Page]:
    """Split every page over ``above`` bytes (except ``keep``) into parts of ``budget`` and relink the handbook."""
    result: list[Page] = []
    splits: dict[str, Split] = {}
    for path, content in pages:
        split = None if path in keep else split_page(path, content, budget, above)
        if split is None:
            result.append((path, content))
            continue
        splits[path] = split
        result.extend((part_path(path, k), text) for k, text in enumerate(split.parts, start=1))
    return relink(result, splits)
