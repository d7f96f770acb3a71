"""Stage 8, search: build the site's search index at build time, after MkDocs, from the built pages.

Material's browser-side index (lunr + TinySegmenter) misses Japanese compounds and mixed script
and is rebuilt on every page load (31 s at 3,000 pages, see shared/notes/search.md). Instead we
extract each built page's text here, normalise it once, and write an index that a small worker
(``overrides/assets/javascripts/handbook-search.js``) loads piece by piece, so a reader downloads
only what a query needs, even at national scale:

- ``manifest.js``: the number of pages, where each text chunk starts, entities, synonyms, normalisation
  tables; the only file loaded before the search box is ready, small even at national scale.
- ``i<n>.js``: location, title and kind of 200 consecutive pages, loaded for the pages a query shows.
- ``g<n>.js``: a shard of the character index. Every character and every pair of adjacent
  characters of a page's lower-cased text lists the pages holding it; a query's pages are the
  intersection over its pairs (exact for one or two characters, candidates for longer words).
- ``t<n>.js``: page texts with their headings, loaded to check candidates and to cut snippets.

Each file is one script, ``self.__hb({...});``: the worker evaluates it from file:// (the offline
copy, where only scripts load) and parses the JSON between the call's parentheses over http.
"""

from __future__ import annotations

import array
import base64
import collections
import hashlib
import html
import itertools
import json
import operator
import re
import shutil
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator.content.model import Handbook
from generator.content.text import LOOKALIKE_CLASS, LOOKALIKE_RANGES, normalise_display
from generator.pages import escape
from generator.pages.paging import part_path
from generator.pages.paths import NAMES, entity_of, entity_page, html_of, md_of
from generator.pages.printview import PRINT_PAGE

SEARCH_DIR = "search"
INDEX_STEM = "handbook_index"
WORKER = "assets/javascripts/handbook-search.js"
FORMAT = 6
SCRIPT_PREFIX = "self.__hb("
SCRIPT_SUFFIX = ");\n"
# A text chunk is closed once it holds this many characters: one or two pages at national scale,
# so checking a candidate downloads little more than that page.
CHUNK_CHARS = 2000
# Titles, locations and labels of this many consecutive pages share one file (i<n>.js), loaded for the pages a
# query shows: at national scale the manifest cannot carry them (1.2 MB for 8,000 pages).
INFO_DOCS = 200
# Pages the worker suggests when nothing matches (those the site has).
SPECIAL_PAGES = ("themes/index.html", "glossary.html", "finder.html")
# Shards are sized so a query of ten characters fetches about ten of these.
SHARD_BYTES = 16_000
MAX_SHARDS = 1024
# Postings longer than a page bitmap are stored as the bitmap (base64, after this mark).
BITMAP_MARK = "~"

# Full-width and half-width forms and the ideographic space: NFKC, applied only to these runs.
WIDTH_CLASS = "[\u3000\uff00-\uffef]+"
SPACE_CLASS = "[\t\n\v\f\r \u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]+"
# Letters and digits written with spaces between words: a space between two of them is kept.
LATIN_CLASS = "[0-9A-Za-z\u00c0-\u024f]"
# Punctuation a reader may type around a word; stripped from both ends of query terms.
EDGE_PUNCT_CLASS = "[\"'()\\[\\]{}<>「」『』【】〔〕〈〉《》（）［］｛｝、。，．,.!?！？:;：；…‥・/／〜~]+"

# Marks a reader may or may not type inside a word (中黒, hyphens and dashes): matching ignores them, so
# ガバメント・クラウド finds ガバメントクラウド. A dash after katakana is read as the long vowel first (サ−バ = サーバ).
DASHES = "-‐‑‒–—―−"
SEPARATORS = "・" + DASHES
KATAKANA = ("ァ", "ヺ")

_WIDTH = re.compile(WIDTH_CLASS)
_SEPARATOR = re.compile(f"[{re.escape(SEPARATORS)}]")
_VOWEL_DASH = re.compile(f"(?<=[{KATAKANA[0]}-{KATAKANA[1]}])[{re.escape(DASHES)}]")
_LATIN_CHARS = frozenset(c for c in map(chr, range(0x250)) if re.fullmatch(LATIN_CLASS, c))  # tested a character at a time
_EDGE = re.compile(f"^{EDGE_PUNCT_CLASS}|{EDGE_PUNCT_CLASS}$")
# Two passes, not a Python call per run of white space (a page has hundreds): a run between two Latin letters
# becomes one space, then every run not between two of them goes, which leaves those single spaces alone.
_LATIN_SPACE = re.compile(f"(?<={LATIN_CLASS}){SPACE_CLASS}(?={LATIN_CLASS})")
_LONE_SPACE = re.compile(f"(?<!{LATIN_CLASS}){SPACE_CLASS}|{SPACE_CLASS}(?!{LATIN_CLASS})")

# Block-level elements: their boundaries separate words in the extracted text.
_BLOCK = frozenset(
    "address article aside blockquote br dd details div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section summary table tbody td tfoot th thead tr ul".split()
)
_SKIPPED = frozenset({"script", "style", "svg", "template", "noscript"})
# Furniture, not text: the headings' and the paragraphs' permalinks (¶, ¶7), the edit button, and (issue 28) the jump list
# under a title, the map and the finder's form.
_SKIPPED_CLASSES = frozenset({"headerlink", "md-content__button", "hb-para-link", "hb-jump", "hb-map", "hb-finder",
                              "hb-synonyms"})
_MAYBE_SKIPPED = re.compile("|".join(map(re.escape, sorted(_SKIPPED_CLASSES))))  # one C-level scan of a tag's attributes
_VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())


def lookalike_table() -> dict[str, str]:
    """Every look-alike code point the display normalisation changes, for the worker to apply too."""
    table: dict[str, str] = {}
    for lo, hi in LOOKALIKE_RANGES:
        for cp in range(lo, hi + 1):
            mapped = normalise_display(chr(cp))
            if mapped != chr(cp):
                table[chr(cp)] = mapped
    return table


def fold(text: str) -> str:
    """Unify look-alikes and character widths (ＤＸ → DX, ﾃﾞｼﾞﾀﾙ → デジタル) without touching ①②③."""
    text = normalise_display(text)
    text = _WIDTH.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)
    # The only character whose lower case is longer than itself; keeps lower-casing length-preserving.
    return text.replace("\u0130", "I")


def squeeze(text: str) -> str:
    """Drop whitespace unless it separates two Latin words, so 「NTT 東日本」 and 「NTT東日本」 match alike."""
    return _LONE_SPACE.sub("", _LATIN_SPACE.sub(" ", text))


def normalise(text: str) -> str:
    """The display form stored in the index: folded and squeezed (lower-casing is left to matching)."""
    return squeeze(fold(text))


def matchable(text: str) -> str:
    """Stored text as matching sees it: lower-cased, a dash after katakana as the long vowel, separators gone."""
    return _SEPARATOR.sub("", _VOWEL_DASH.sub("ー", text.lower()))


def search_key(text: str) -> str:
    """What matching compares: the stored form of a text, made matchable."""
    return matchable(normalise(text))


def _latin_pair(left: str, right: str) -> bool:
    """Whether a mark dropped between these texts stood between two Latin letters, where it leaves a space (the rule
    ``squeeze`` applies to white space)."""
    return left[-1:] in _LATIN_CHARS and right[:1] in _LATIN_CHARS


def strip_edges(term: str) -> str:
    """Remove the brackets and punctuation a reader may type around a word."""
    return _EDGE.sub("", term)


@dataclass
class Section:
    """A heading with an id inside a page: the anchor results can link to."""

    anchor: str
    title: str
    offset: int


@dataclass
class PageText:
    """The searchable text of one built page."""

    location: str
    title: str
    text: str
    sections: list[Section] = field(default_factory=list)
    breaks: list[int] = field(default_factory=list)
    """Offsets where a block (paragraph, cell, heading) ends: snippets show a separator there."""
    aux: list[int] = field(default_factory=list)
    """Auxiliary text as flat [start, end, …] offsets (tables, link-only list items): a snippet starts at a match in
    running text when there is one."""


_MARK = "\ue000"
_BREAK = "\ue001"  # a block boundary: no text for matching, a separator in snippets
_AUX_ON, _AUX_OFF = "\ue002", "\ue003"  # around headings, tables and link-only list items: no snippet starts there
_MARKS = _MARK + _BREAK + _AUX_ON + _AUX_OFF
_BREAKS = re.compile(f"([{_BREAK}{_AUX_ON}{_AUX_OFF}]+)")
_NO_MARKS = str.maketrans("", "", _MARKS)
_ANY_MARK = re.compile(f"[{_MARKS}]")
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)
# MkDocs writes well-formed HTML: a tag (quoted attribute values may hold ">"), a comment, or text.
_TOKEN = re.compile(r"""<(/?)([A-Za-z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|<!--.*?-->|<![^>]*>|([^<]+)|<""", re.S)
_ATTR = re.compile(r"""\s([\w:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_HEADING = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
PERMALINK = re.compile(r'<a (?:[^<>]* )?class="(?:hb-para-link|headerlink)"[^<>]*>[^<]*</a>')
"""A paragraph's or heading's permalink (a link holding only text): a third of an article's tags. ``extract``
drops them in one pass before the walk, which would skip them (``_SKIPPED_CLASSES``) tag by tag. The texts on
either side then reach the walk as one: the same, since MkDocs writes every character reference whole (``&amp;``)."""


def _attrs(raw: str) -> dict[str, str]:
    """Attribute values of a start tag, entities decoded."""
    return {m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "") for m in _ATTR.finditer(raw)}


@dataclass
class _Collected:
    """Text parts with heading marks, and each heading's id and words, in document order."""

    parts: list[str] = field(default_factory=list)
    headings: list[tuple[str, list[str]]] = field(default_factory=list)


@dataclass
class _Item:
    """An open list item: where its text starts in the parts, and whether any of it is outside a link."""

    start: int
    plain: bool = False


def _collect(fragment: str) -> _Collected:
    """Walk the article's tags once: skip furniture, break at blocks, mark headings, and mark as auxiliary the
    text a snippet should not start in (headings, table cells, list items that are only a link such as theme chips).

    A tokenizing regex instead of ``html.parser``: at 7,000 pages the parser was most of this stage.
    """
    out = _Collected()
    depth = skip = heading_depth = links = 0
    items: list[_Item] = []
    marked = _ANY_MARK.search(fragment) is not None  # our marks in the page itself: rare, but they must go
    # findall gives plain tuples ("" for a group that did not take part): no match object per token.
    for closing, tag, raw, data in _TOKEN.findall(fragment):
        if data:
            if not skip:
                text = data
                if "&" in data:  # a character reference may spell one of our marks too
                    text = html.unescape(data)
                    out.parts.append(text.translate(_NO_MARKS))
                else:
                    out.parts.append(text.translate(_NO_MARKS) if marked else text)
                if heading_depth:
                    out.headings[-1][1].append(text)
                if items and not links and text.strip():
                    items[-1].plain = True
            continue
        if not tag:
            continue  # a comment or declaration
        tag = tag.lower()
        if closing:
            if tag in _VOID:
                continue
            if heading_depth and depth == heading_depth:
                heading_depth = 0
                out.parts.append(_AUX_OFF)
            depth -= 1
            if skip:
                skip -= 1
                continue
            if tag in _BLOCK:
                _close_tag(out, tag, items)
            links -= tag == "a"
            continue
        void = tag in _VOID or raw.rstrip().endswith("/")
        if not void:
            depth += 1
        if skip:
            skip += 0 if void else 1
            continue
        # Attributes are parsed only where they matter: a heading's id, a class that may be skipped.
        maybe_skipped = "class=" in raw and _MAYBE_SKIPPED.search(raw) is not None
        attrs = _attrs(raw) if tag in _HEADING or maybe_skipped else {}
        if tag in _SKIPPED or (maybe_skipped and set(attrs.get("class", "").split()) & _SKIPPED_CLASSES):
            skip = 0 if void else 1
            continue
        links += tag == "a"
        if tag in _BLOCK:
            out.parts.append(_BREAK)
        if tag == "table":
            out.parts.append(_AUX_ON)
        elif tag == "li":
            items.append(_Item(len(out.parts)))
        if tag in _HEADING:
            heading_depth = depth
            out.headings.append((attrs.get("id", ""), []))
            out.parts += (_MARK, _AUX_ON)
    return out


def _close_tag(out: _Collected, tag: str, items: list[_Item]) -> None:
    """Break after a block (``tag`` is one); end a table's auxiliary text, and mark a list item that held only links as
    auxiliary."""
    if tag == "table":
        out.parts.append(_AUX_OFF)
    elif tag == "li" and items:
        item = items.pop()
        if not item.plain:
            out.parts.insert(item.start, _AUX_ON)
            out.parts.append(_AUX_OFF)
        elif items:
            items[-1].plain = True  # a nested list with text makes its parent item text too
    out.parts.append(_BREAK)


def _close_blocks(chunk: str, start: int, breaks: list[int], aux: list[int]) -> str:
    """Drop the block marks of a chunk (a space where they stood between two Latin words, as squeeze does
    for white space) and record where they stood, at ``start`` + their offset: block ends for snippets, and the
    starts and ends of auxiliary text (``aux``, nesting counted, so a list item inside a table stays inside it)."""
    pieces = _BREAKS.split(chunk)  # text, marks, text, …, text: runs of marks are maximal, so only the ends are empty
    out: list[str] = []
    length = 0
    for i in range(1, len(pieces), 2):
        before, run, after = pieces[i - 1], pieces[i], pieces[i + 1]
        out.append(before)
        length += len(before)
        if _BREAK in run:
            breaks.append(start + length)
        if _AUX_ON in run or _AUX_OFF in run:
            aux += [start + length if mark == _AUX_ON else -(start + length) - 1 for mark in run if mark != _BREAK]
        if _latin_pair(before, after):
            out.append(" ")
            length += 1
    out.append(pieces[-1])
    return "".join(out)


def aux_ranges(marks: Sequence[int]) -> list[int]:
    """Outermost auxiliary ranges as flat [start, end, start, end, …] from the marks ``_close_blocks`` records
    (a start as its offset, an end as ``-offset - 1``); empty ranges are dropped."""
    out: list[int] = []
    level = 0
    for mark in marks:
        if mark >= 0:
            if level == 0:
                out.append(mark)
            level += 1
        elif level > 0:
            level -= 1
            if level == 0:
                end = -mark - 1
                if end > out[-1]:
                    out.append(end)
                else:
                    out.pop()
    if level > 0:
        out.pop()
    return out


def extract(location: str, html_text: str, site_name: str = "") -> PageText | None:
    """The normalised article text of a built page, or None if it has no article."""
    start = html_text.find('<article class="md-content__inner')
    end = html_text.rfind("</article>")
    if not 0 <= start < end:
        return None
    # Only the article's content is read: navigation and sidebars are most of a page's HTML.
    inner = PERMALINK.sub("", html_text[html_text.index(">", start) + 1 : end])
    found = _collect(inner)
    if not found.parts and not found.headings:
        return None
    head = _TITLE.search(html_text)
    page_title = html.unescape(head.group(1)) if head else ""
    text = normalise("".join(found.parts)).strip()
    headings = [normalise("".join(w)).strip() for _, w in found.headings]
    sections: list[Section] = []
    breaks: list[int] = []
    marks: list[int] = []
    out: list[str] = []
    pos = 0
    for i, marked in enumerate(text.split(_MARK)):
        chunk = _close_blocks(marked, pos, breaks, marks)
        if i > 0:
            anchor = found.headings[i - 1][0]
            if _latin_pair(out[-1] if out else "", chunk):
                out.append(" ")
                pos += 1
            breaks.append(pos)
            if anchor:
                sections.append(Section(anchor, headings[i - 1], pos))
        out.append(chunk)
        pos += len(chunk)
    joined = "".join(out)
    kept = sorted({b for b in breaks if 0 < b < len(joined)})
    title = headings[0] if headings and headings[0] else normalise(page_title).removesuffix(f"-{normalise(site_name)}")
    return PageText(location, title, joined, sections, kept, aux_ranges(marks))


def site_pages(site: Path) -> Iterator[tuple[str, Path]]:
    """Every built HTML page a reader can reach, in a fixed order (the 404 page is not content)."""
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if rel == "404.html" or rel.split("/")[0] in {SEARCH_DIR, "assets"}:
            continue
        yield rel, path


def searchable_locations(paths: Iterable[str]) -> list[str]:
    """The built pages of the generated Markdown files, sorted: everything but the print view.

    Every generated page tells Material not to index it (our index replaces Material's), so the
    generator's own page list, not Material's index, says what is searchable.
    """
    return sorted(html_of(p) for p in paths if p.endswith(".md") and p != PRINT_PAGE)


@dataclass(frozen=True)
class Entity:
    """Names under which a page (or a heading in it) is the entity's own entry."""

    location: str
    names: tuple[str, ...]


def entities(hb: Handbook) -> list[Entity]:
    """Municipality, theme, glossary and organisation pages with their names and aliases."""
    out = [Entity(html_of(entity_page("municipality", m.id)), (m.name,)) for m in hb.municipalities.values()]
    out += [Entity(html_of(entity_page("theme", t.id)), (t.name, *t.aliases)) for t in hb.themes.values()]
    out += [Entity(f"glossary.html#g-{g.id}", (g.term, *g.aliases)) for g in hb.glossary.values()]
    out += [Entity(f"indexes/organisations.html#o-{o.id}", (o.name, *o.aliases)) for o in hb.organisations.values()]
    return out


def built_location(location: str, held: set[tuple[str, str]], built: set[str]) -> str:
    """Where an entity's heading is in the built site (``held``: every page's (location, anchor)): its page, or the
    later part of it that paging moved the heading to (the glossary at national scale: ``glossary/3.html#g-…``)."""
    page, _, anchor = location.partition("#")
    if not anchor or (page, anchor) in held:
        return location
    source, number = md_of(page), 2
    while (part := html_of(part_path(source, number))) in built:
        if (part, anchor) in held:
            return f"{part}#{anchor}"
        number += 1
    return location


KINDS = (*NAMES.values(), "用語集", "索引", "ページ")
"""What a result is, shown on it: a municipality, theme or article page (``paths.NAMES``), the glossary, an index,
another page."""


def page_label(location: str, hb: Handbook) -> tuple[int, str]:
    """A result's kind (an index into ``KINDS``) and, for a municipality, its prefecture and population band."""
    entity = entity_of(md_of(location))
    if entity is not None:
        kind, ident = entity
        if kind == "municipality" and (m := hb.municipalities.get(ident)) is not None:
            return KINDS.index(NAMES[kind]), "都道府県" if m.kind == "都道府県" else f"{m.prefecture}・{m.size_band}"
        return KINDS.index(NAMES[kind]), ""
    if location.startswith("glossary"):
        return KINDS.index("用語集"), ""
    return KINDS.index("索引" if location.startswith("indexes/") else "ページ"), ""


def synonym_groups(ents: Iterable[Entity]) -> list[list[str]]:
    """Each entity's names, canonical first: an alias finds the canonical name and vice versa."""
    return [list(dict.fromkeys(e.names)) for e in ents if len(set(e.names)) > 1]


@dataclass(frozen=True)
class SearchStats:
    """What the index stage wrote, for progress output and the benchmark."""

    pages: int
    chars: int
    index_bytes: int
    index_name: str


def u16len(text: str) -> int:
    """Length in UTF-16 code units: the worker's string offsets."""
    return len(text.encode("utf-16-le")) // 2


def u16_offsets(text: str, offsets: list[int]) -> list[int]:
    """Character offsets as UTF-16 code units (the worker's string offsets); equal unless the text has astral characters."""
    if len(text.encode("utf-16-le")) == 2 * len(text):
        return offsets
    return [u16len(text[:k]) for k in offsets]


def chunks(pages: Sequence[PageText]) -> list[list[int]]:
    """Consecutive pages grouped until a group holds CHUNK_CHARS characters."""
    out: list[list[int]] = [[]]
    size = 0
    for d, p in enumerate(pages):
        if size >= CHUNK_CHARS:
            out.append([])
            size = 0
        out[-1].append(d)
        size += len(p.text)
    return out if out[0] else []


_UTF16 = "utf-16-le" if sys.byteorder == "little" else "utf-16-be"
"""UTF-16 in this machine's byte order, so ``memoryview.cast`` reads its code units as they are."""


def grams(text: str) -> set[int]:
    """Every UTF-16 code unit of a page's lower-cased text and every pair of adjacent units, as integers.

    Code units, because the worker slices its JavaScript strings by code units: a pair that starts inside a
    character outside the BMP (𠮷) is a gram there, so it must be one here. Integers (a unit, or two units
    read as one 32-bit number, always above 0xFFFF) because building a set of them is about twice as fast
    as building two-character strings, the largest cost of the index at national scale.
    """
    data = text.lower().encode(_UTF16)
    n = len(data)
    odd = max(n - 2, 0)
    units = memoryview(data).cast("H")
    even_pairs = memoryview(data[: n - n % 4]).cast("I")
    odd_pairs = memoryview(data[2 : 2 + odd - odd % 4]).cast("I")
    return set(units).union(even_pairs, odd_pairs)


def gram_key(gram: int) -> str:
    """The gram as the worker's string: one or two UTF-16 code units (a lone surrogate stays one)."""
    if gram <= 0xFFFF:
        return chr(gram)
    return gram.to_bytes(4, sys.byteorder).decode(_UTF16, "surrogatepass")


def postings(pages: Sequence[PageText]) -> dict[int, array.array]:
    """For each gram, the pages (in index order) whose text holds it, as arrays of 4-byte numbers: half the memory of
    lists of 8-byte pointers, for the millions of entries of a national-scale site, at the same speed."""
    out: dict[int, array.array] = {}
    for d, p in enumerate(pages):
        for g in grams(matchable(p.text)):
            found = out.get(g)
            if found is None:
                out[g] = array.array("I", (d,))
            else:
                found.append(d)
    return out


_BITS = bytes.maketrans(b"\x00\x01", b"01")


def gaps(numbers: Sequence[int]) -> str:
    """Ascending numbers as the gaps between them, in decimal ("0,3,1,1"): a few bytes each."""
    return ",".join(map(str, itertools.chain(numbers[:1], map(operator.sub, numbers[1:], numbers))))


def encode_postings(docs: Sequence[int], total: int) -> str:
    """Gaps between page numbers in decimal, or a page bitmap when that is shorter (C-level loops only)."""
    bitmap_len = 4 * -(-((total + 7) // 8) // 3) + 1
    # Gaps take at least a digit and a comma each: past that bound the bitmap wins without writing them out.
    if 2 * len(docs) - 1 <= bitmap_len:
        written = gaps(docs)
        if len(written) <= bitmap_len:
            return written
    flags = bytearray(total)
    collections.deque(map(flags.__setitem__, docs, itertools.repeat(1)), maxlen=0)
    bits = int(flags.translate(_BITS)[::-1], 2).to_bytes((total + 7) // 8, "little")
    return BITMAP_MARK + base64.b64encode(bits).decode("ascii")


def read_pages(site: Path, locations: Sequence[str], site_name: str) -> tuple[list[PageText], dict[int, array.array]]:
    """Every searchable page's text, in the order given, leaving out pages that are missing or have no article, and
    the postings of its grams."""
    pages = [page for rel in locations if (site / rel).is_file()
             if (page := extract(rel, (site / rel).read_text(encoding="utf-8"), site_name)) is not None]
    return pages, postings(pages)


def shard_of(gram: str, shards: int) -> int:
    """FNV-1a over the gram's UTF-16 code units; the worker computes the same."""
    h = 0x811C9DC5
    data = gram.encode("utf-16-le", "surrogatepass")
    for i in range(0, len(data), 2):
        h = ((h ^ (data[i] | data[i + 1] << 8)) * 0x01000193) & 0xFFFFFFFF
    return h & (shards - 1)


def shard_count(encoded_bytes: int) -> int:
    """A power of two that keeps shards near SHARD_BYTES."""
    n = 1
    while n < MAX_SHARDS and encoded_bytes / n > SHARD_BYTES:
        n *= 2
    return n


def script(payload: object) -> str:
    """One index file: a script from file://, JSON between the parentheses over http."""
    return f"{SCRIPT_PREFIX}{_dumps(payload)}{SCRIPT_SUFFIX}"


_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape_surrogates(text: str) -> str:
    """JSON escapes for the lone surrogates of grams cut inside a character: UTF-8 cannot hold them raw."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def _dumps(data: object) -> str:
    """The index files are scripts (``self.__hb(…)``): their JSON is written for a script context."""
    return escape.json_text(data, separators=(",", ":"), sort_keys=False)


def index_files(pages: Sequence[PageText], ents: list[Entity], found: Mapping[int, Sequence[int]],
                labels: Mapping[str, tuple[int, str]] | None = None,
                extra_synonyms: Sequence[Sequence[str]] = ()) -> dict[str, str]:
    """Every file of the index by name: manifest, gram shards and text chunks (``found``: the pages' postings)."""
    groups = chunks(pages)
    encoded = {gram_key(g): encode_postings(docs, len(pages)) for g, docs in found.items()}
    shards = shard_count(sum(len(g) + len(v) + 6 for g, v in encoded.items()))
    sharded: list[dict[str, str]] = [{} for _ in range(shards)]
    for g in sorted(encoded):
        sharded[shard_of(g, shards)][g] = encoded[g]
    number = {p.location: d for d, p in enumerate(pages)}
    held, built = {(p.location, s.anchor) for p in pages for s in p.sections}, set(number)
    manifest = {
        "format": FORMAT,
        "normalise": {
            "lookalike": LOOKALIKE_CLASS,
            "table": lookalike_table(),
            "width": WIDTH_CLASS,
            "space": SPACE_CLASS,
            "latin": LATIN_CLASS,
            "edge": EDGE_PUNCT_CLASS,
            "separators": SEPARATORS,
            "dashes": DASHES,
            "katakana": KATAKANA,
        },
        "kinds": KINDS,
        "pages": len(pages),
        "chunks": gaps([docs[0] for docs in groups]),
        "infoPages": INFO_DOCS,
        "shards": shards,
        "special": {loc: number[loc] for loc in SPECIAL_PAGES if loc in number},
        "entities": [[number[page], anchor, [normalise(n) for n in e.names]] for e in ents
                     for page, _, anchor in [built_location(e.location, held, built).partition("#")]
                     if page in number],
        "synonyms": [[normalise(n) for n in g] for g in [*synonym_groups(ents), *extra_synonyms]],
    }
    files = {"manifest.js": script(manifest)}
    files.update((f"g{i}.js", _escape_surrogates(script({"shard": i, "grams": grams_}))) for i, grams_ in enumerate(sharded))
    for n in range(0, len(pages), INFO_DOCS):
        other = (KINDS.index("ページ"), "")
        info = [[p.location, p.title, *(labels or {}).get(p.location, other)] for p in pages[n : n + INFO_DOCS]]
        files[f"i{n // INFO_DOCS}.js"] = script({"info": n // INFO_DOCS, "docs": info})
    for c, docs in enumerate(groups):
        texts = [[d, pages[d].text, [[s.anchor, s.title, u16] for s, u16 in zip(pages[d].sections, u16_offsets(
                    pages[d].text, [s.offset for s in pages[d].sections]), strict=True)],
                  u16_offsets(pages[d].text, pages[d].breaks), u16_offsets(pages[d].text, pages[d].aux)] for d in docs]
        files[f"t{c}.js"] = script({"chunk": c, "docs": texts})
    return files


def write_index(site: Path, hb: Handbook, locations: Iterable[str], site_name: str = "") -> SearchStats:
    """Replace Material's search index in a built site with ours: a stub for Material and the index folder."""
    out = site / SEARCH_DIR
    stub_path = out / "search_index.json"
    material = json.loads(stub_path.read_text(encoding="utf-8")) if stub_path.exists() else {}
    pages, found = read_pages(site, list(locations), site_name)
    labels = {p.location: page_label(p.location, hb) for p in pages}
    made = index_files(pages, entities(hb), found, labels, [g.words for g in hb.synonyms])
    files = {name: content.encode("utf-8") for name, content in made.items()}
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name] + b"\0")
    name = f"{INDEX_STEM}.{digest.hexdigest()[:12]}"
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob(f"{INDEX_STEM}.*"):
        if old.is_dir():
            shutil.rmtree(old)
        else:
            old.unlink()
    folder = out / name
    folder.mkdir()
    for file_name, data in files.items():
        (folder / file_name).write_bytes(data)
    config = dict(material.get("config", {}))
    config["handbook"] = {"index": f"{SEARCH_DIR}/{name}", "format": FORMAT}
    stub = _dumps({"config": config, "docs": []})
    stub_path.write_text(stub, encoding="utf-8")
    (out / "search_index.js").write_text(f"var __index = {stub}", encoding="utf-8")
    return SearchStats(len(pages), sum(len(p.text) for p in pages), sum(map(len, files.values())), name)
