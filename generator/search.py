"""Stage 8, search: build the site's search index at build time, after MkDocs, from the built pages.

Material's browser-side index (lunr + TinySegmenter) misses Japanese compounds and mixed script
and is rebuilt on every page load (31 s at 3,000 pages, see shared/notes/search.md). Instead we
extract each built page's text here, normalise it once, and ship it with the entity names and
synonyms to a small worker (``overrides/assets/javascripts/handbook-search.js``) that answers
Material's search UI by normalised substring matching. Material's ``search_index.json`` becomes
a stub that only carries the configuration; the worker downloads ``handbook_index.<hash>.json``
(pages, entities, synonyms, normalisation tables), ``.txt`` (all page texts, UTF-16) and ``.bin``
(a bigram filter per page) over http, or the same data as one ``.js`` script from file://.
"""

from __future__ import annotations

import array
import base64
import hashlib
import html
import html.parser
import itertools
import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.model import Handbook
from generator.text import LOOKALIKE_CLASS, LOOKALIKE_RANGES, normalise_display

SEARCH_DIR = "search"
INDEX_STEM = "handbook_index"
WORKER = "assets/javascripts/handbook-search.js"
FORMAT = 3
TEXT_SEPARATOR = "\x00"
BLOOM_LOG2 = 12
BLOOM_BITS = 1 << BLOOM_LOG2

# Full-width and half-width forms and the ideographic space: NFKC, applied only to these runs.
WIDTH_CLASS = "[\u3000\uff00-\uffef]+"
SPACE_CLASS = "[\t\n\v\f\r \u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]+"
# Letters and digits written with spaces between words: a space between two of them is kept.
LATIN_CLASS = "[0-9A-Za-z\u00c0-\u024f]"
# Punctuation a reader may type around a word; stripped from both ends of query terms.
EDGE_PUNCT_CLASS = "[\"'()\\[\\]{}<>「」『』【】〔〕〈〉《》（）［］｛｝、。，．,.!?！？:;：；…‥・/／〜~]+"

_WIDTH = re.compile(WIDTH_CLASS)
_SPACE = re.compile(SPACE_CLASS)
_LATIN = re.compile(LATIN_CLASS)
_EDGE = re.compile(f"^{EDGE_PUNCT_CLASS}|{EDGE_PUNCT_CLASS}$")

# Block-level elements: their boundaries separate words in the extracted text.
_BLOCK = frozenset(
    "address article aside blockquote br dd details div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section summary table tbody td tfoot th thead tr ul".split()
)
_SKIPPED = frozenset({"script", "style", "svg", "template", "noscript"})
_SKIPPED_CLASSES = frozenset({"headerlink", "md-content__button"})
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

    def space(m: re.Match[str]) -> str:
        before = text[m.start() - 1] if m.start() > 0 else ""
        after = text[m.end()] if m.end() < len(text) else ""
        return " " if before and after and _LATIN.match(before) and _LATIN.match(after) else ""

    return _SPACE.sub(space, text)


def normalise(text: str) -> str:
    """The display form stored in the index: folded and squeezed (lower-casing is left to matching)."""
    return squeeze(fold(text))


def search_key(text: str) -> str:
    """What matching compares: the stored form, lower-cased (same length as the stored form)."""
    return normalise(text).lower()


def strip_edges(term: str) -> str:
    """Remove the brackets and punctuation a reader may type around a word."""
    return _EDGE.sub("", term)


def query_terms(query: str) -> list[str]:
    """Split a query the way the worker does: on whitespace, each term folded, stripped and lower-cased."""
    out: list[str] = []
    for raw in _SPACE.split(fold(query)):
        term = strip_edges(raw).lower()
        if term and term not in out:
            out.append(term)
    return out


def query_phrase(query: str) -> str:
    """The whole query as one phrase (spaces squeezed as in the index)."""
    return strip_edges(normalise(query).strip()).lower()


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


_MARK = "\ue000"
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)


class _ArticleText(html.parser.HTMLParser):
    """Collect the text of Material's ``article.md-content__inner`` with heading marks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # >0 while inside the article
        self.skip = 0  # >0 while inside an element whose text is not content
        self.parts: list[str] = []
        self.headings: list[tuple[str, list[str]]] = []
        self.heading_depth = 0
        self.title_parts: list[str] | None = None
        self.page_title = ""
        self.in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "title":
            self.in_title = True
        if self.depth == 0:
            if tag == "article" and "md-content__inner" in (a.get("class") or "").split():
                self.depth = 1
            return
        if tag not in _VOID:
            self.depth += 1
        if self.skip:
            if tag not in _VOID:
                self.skip += 1
            return
        classes = set((a.get("class") or "").split())
        if tag in _SKIPPED or classes & _SKIPPED_CLASSES:
            self.skip = 1
            return
        if tag in _BLOCK:
            self.parts.append("\n")
        if re.fullmatch(r"h[1-6]", tag):
            self.heading_depth = self.depth
            self.headings.append((a.get("id") or "", []))
            self.parts.append(_MARK)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if self.depth == 0 or tag in _VOID:
            return
        if self.heading_depth and self.depth == self.heading_depth:
            self.heading_depth = 0
        self.depth -= 1
        if self.skip:
            self.skip -= 1
            return
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.page_title += data
        if self.depth == 0 or self.skip:
            return
        self.parts.append(data.replace(_MARK, ""))
        if self.heading_depth:
            self.headings[-1][1].append(data)


def extract(location: str, html_text: str, site_name: str = "") -> PageText | None:
    """The normalised article text of a built page, or None if it has no article."""
    parser = _ArticleText()
    start = html_text.find('<article class="md-content__inner')
    end = html_text.rfind("</article>")
    head = _TITLE.search(html_text)
    if head:
        parser.page_title = html.unescape(head.group(1))
    # Only the article is parsed: navigation and sidebars are most of a page's HTML.
    parser.feed(html_text[start : end + len("</article>")] if 0 <= start < end else html_text)
    parser.close()
    if not parser.parts and not parser.headings:
        return None
    text = normalise("".join(parser.parts)).strip().replace(TEXT_SEPARATOR, "")
    sections: list[Section] = []
    out: list[str] = []
    pos = 0
    for i, chunk in enumerate(text.split(_MARK)):
        if i > 0:
            anchor, words = parser.headings[i - 1]
            prev, nxt = (out[-1][-1:] if out else ""), chunk[:1]
            if prev and nxt and _LATIN.match(prev) and _LATIN.match(nxt):
                out.append(" ")
                pos += 1
            if anchor:
                sections.append(Section(anchor, normalise("".join(words)).strip(), pos))
        out.append(chunk)
        pos += len(chunk)
    headings = [normalise("".join(w)).strip() for _, w in parser.headings]
    title = headings[0] if headings and headings[0] else normalise(parser.page_title).removesuffix(f"-{normalise(site_name)}")
    return PageText(location, title, "".join(out), sections)


def site_pages(site: Path) -> Iterator[tuple[str, Path]]:
    """Every built HTML page a reader can reach, in a fixed order (the 404 page is not content)."""
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if rel == "404.html" or rel.split("/")[0] in {SEARCH_DIR, "assets"}:
            continue
        yield rel, path


@dataclass(frozen=True)
class Entity:
    """Names under which a page (or a heading in it) is the entity's own entry."""

    location: str
    names: tuple[str, ...]


def entities(hb: Handbook) -> list[Entity]:
    """Municipality, theme, glossary and organisation pages with their names and aliases."""
    out = [Entity(f"municipalities/{m.id}.html", (m.name,)) for m in hb.municipalities.values()]
    out += [Entity(f"themes/{t.id}.html", (t.name, *t.aliases)) for t in hb.themes.values()]
    out += [Entity(f"glossary.html#g-{g.id}", (g.term, *g.aliases)) for g in hb.glossary.values()]
    out += [Entity(f"indexes/organisations.html#o-{o.id}", (o.name, *o.aliases)) for o in hb.organisations.values()]
    return out


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


def index_meta(pages: list[PageText], ents: list[Entity]) -> dict[str, object]:
    """Everything the worker loads except the page texts: pages, entities, synonyms, normalisation."""
    known = {p.location for p in pages}
    return {
        "format": FORMAT,
        "normalise": {
            "lookalike": LOOKALIKE_CLASS,
            "table": lookalike_table(),
            "width": WIDTH_CLASS,
            "space": SPACE_CLASS,
            "latin": LATIN_CLASS,
            "edge": EDGE_PUNCT_CLASS,
        },
        "docs": [
            [p.location, p.title, [[s.anchor, s.title, u16len(p.text[: s.offset])] for s in p.sections]] for p in pages
        ],
        "lengths": [u16len(p.text) for p in pages],
        "bloom": {"bits": BLOOM_BITS, "log2": BLOOM_LOG2},
        "entities": [[e.location, [normalise(n) for n in e.names]] for e in ents if e.location.split("#")[0] in known],
        "synonyms": [[normalise(n) for n in g] for g in synonym_groups(ents)],
    }


_M32 = 0xFFFFFFFF


def bigram_bits(a: int, b: int) -> tuple[int, int]:
    """Two bit positions (0..BLOOM_BITS-1) for a pair of UTF-16 code units; the worker computes the same."""
    h1 = (((a * 0x9E3779B1) & _M32) ^ ((b * 0x85EBCA77) & _M32)) >> (32 - BLOOM_LOG2)
    h2 = (((a * 0xC2B2AE3D) & _M32) ^ ((b * 0x27D4EB2F) & _M32)) >> (32 - BLOOM_LOG2)
    return h1, h2


def bloom(text: str, cache: dict[tuple[int, int], tuple[int, int]] | None = None) -> bytearray:
    """A page's bigram filter: every pair of adjacent characters of its lower-cased text sets two bits.

    The worker tests a query's pairs against it and reads only the pages that may contain the
    query, instead of scanning every page (18 million characters at national scale).
    """
    cache = {} if cache is None else cache
    units = array.array("H", text.lower().encode("utf-16-le"))
    if sys.byteorder == "big":
        units.byteswap()
    bits = bytearray(BLOOM_BITS // 8)
    for pair in set(itertools.pairwise(units)):
        hashed = cache.get(pair)
        if hashed is None:
            hashed = cache[pair] = bigram_bits(*pair)
        for h in hashed:
            bits[h >> 3] |= 1 << (h & 7)
    return bits


def blooms(pages: list[PageText]) -> bytes:
    """All pages' bigram filters, one after another."""
    cache: dict[tuple[int, int], tuple[int, int]] = {}
    return b"".join(bloom(p.text, cache) for p in pages)


def joined_text(pages: list[PageText]) -> str:
    """All page texts in one string, NUL between pages (a query never contains NUL)."""
    return TEXT_SEPARATOR.join(p.text for p in pages)


def _dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)


def searchable(site: Path, material: dict[str, Any] | None) -> list[tuple[str, Path]]:
    """Pages Material indexed (so ``search: exclude`` in front matter is honoured), in its nav order."""
    pages = dict(site_pages(site))
    if not material:
        return list(pages.items())
    previous = material.get("config", {}).get("handbook")
    if previous:  # a site indexed before: keep the pages chosen then
        meta = json.loads((site / f"{previous['index']}.json").read_text(encoding="utf-8"))
        locations = [str(d[0]) for d in meta["docs"]]
    else:
        locations = [str(d["location"]).split("#")[0] or "index.html" for d in material.get("docs", [])]
    return [(rel, pages[rel]) for rel in dict.fromkeys(locations) if rel in pages]


def write_index(site: Path, hb: Handbook, site_name: str = "") -> SearchStats:
    """Replace Material's search index in a built site with ours (stub + data + script variants)."""
    out = site / SEARCH_DIR
    stub_path = out / "search_index.json"
    material = json.loads(stub_path.read_text(encoding="utf-8")) if stub_path.exists() else None
    pages = [p for rel, path in searchable(site, material) if (p := extract(rel, path.read_text(encoding="utf-8"), site_name))]
    meta = _dumps(index_meta(pages, entities(hb)))
    text = joined_text(pages)
    # Over http the texts travel as UTF-16: 2 bytes per kanji instead of 3, decoded without parsing.
    binary = text.encode("utf-16-le")
    filters = blooms(pages)
    digest = hashlib.sha256(meta.encode("utf-8") + binary + filters).hexdigest()[:12]
    name = f"{INDEX_STEM}.{digest}"
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob(f"{INDEX_STEM}.*"):
        old.unlink()
    (out / f"{name}.json").write_text(meta, encoding="utf-8")
    (out / f"{name}.txt").write_bytes(binary)
    (out / f"{name}.bin").write_bytes(filters)
    # From file:// the worker runs in an iframe and can only load scripts.
    script = (
        f"self.__handbookSearchIndex={meta};\n"
        f"self.__handbookSearchText={json.dumps(text, ensure_ascii=False)};\n"
        f'self.__handbookSearchBloom="{base64.b64encode(filters).decode("ascii")}";\n'
    )
    (out / f"{name}.js").write_text(script, encoding="utf-8")
    config = dict(material["config"]) if material else {}
    config["handbook"] = {"index": f"{SEARCH_DIR}/{name}", "format": FORMAT}
    stub = _dumps({"config": config, "docs": []})
    stub_path.write_text(stub, encoding="utf-8")
    (out / "search_index.js").write_text(f"var __index = {stub}", encoding="utf-8")
    return SearchStats(len(pages), len(text), len(meta.encode("utf-8")) + len(binary) + len(filters), name)
