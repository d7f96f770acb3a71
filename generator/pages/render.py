"""Stage 5, render: the model and index become Markdown pages and open-data files, in memory.

Renderers never read files: everything they need arrives as arguments. The Jinja environment
is strict twice over: an undefined name is an error (``StrictUndefined``) and so is printing
a string that did not pass through an escaping filter of generator/escape.py (``finalize``).
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import jinja2
from markupsafe import Markup

from generator.content import review
from generator.content.index import CrossIndex, TimelineEvent
from generator.content.model import CENSUS_SOURCE, SIZE_BANDS, Article, Block, GlossaryTerm, Handbook, Municipality, Rights, Theme
from generator.content.rights import LICENCES
from generator.content.text import seireki, wareki
from generator.pages import a11y, escape, feed, finder, opendata, paging, printview
from generator.pages.paths import NAMES, entity_page

UNKNOWN = "不明"
OFFLINE_ZIP = "jichitai-dx-handbook-offline.zip"
"""The offline copy as the site serves it (``publish/offline.py`` copies the archive there, next to the PDF)."""
MATRIX_COLUMNS = 30
"""Above this many bodies the matrix turns: one row per body (grouped by prefecture), one column per theme."""
MATRIX_TABLE_ROWS = 20
"""Rows per table of the wide matrix: a table is never cut, and 20 rows of 22 columns stay well inside a part."""
THEME_DETAIL_BODIES = 50
"""Above this many bodies a theme page lists them by prefecture, one line each, instead of repeating every key
point and quote (at national scale the detailed page of a popular theme ran to 54 parts)."""


def _require_markup(value: object) -> object:
    """Refuse to print raw strings: data must go through ``md``, ``h`` or ``fm``."""
    if isinstance(value, Markup | int | float) and not isinstance(value, bool):
        return value
    if value is None:
        raise TypeError("テンプレートが None を出力しようとしました(不明な値は明示的に扱ってください)")
    raise TypeError(f"エスケープされていない値をテンプレートが出力しようとしました: {str(value)[:60]!r}")


@dataclass
class Tooltips:
    """Wraps the first occurrence of each glossary term on a page in an ``<abbr>``.

    Python-Markdown's abbr extension needs word boundaries, which Japanese text has none of
    (see shared/notes/markdown-ja.md), so terms are matched here, longest first.
    """

    pattern: re.Pattern[str] | None
    """Every name, longest first, in one capturing group: ``split`` gives text, name, text, … in C."""
    definitions: dict[str, GlossaryTerm]
    names: dict[str, tuple[str, ...]]
    """Each term's names (the term and its aliases), all of which are done once the term is wrapped."""
    seen: set[str] = field(default_factory=set)
    """Names whose term is already wrapped on this page."""

    def _annotate(self, text: str, escape_text: Callable[[str], str]) -> Markup:
        """Most text holds no name, or only names already wrapped: then it is escaped whole, without a Python loop
        over the matches (a page's few terms recur in every paragraph; looping over each match made article pages
        render 12% slower at national scale)."""
        if self.pattern is None:
            return Markup(escape_text(text))
        parts = self.pattern.split(text)
        if len(parts) == 1 or self.seen.issuperset(parts[1::2]):
            return Markup(escape_text(text))
        out: list[str] = []
        start = 0  # the parts not yet escaped begin here
        for i in range(1, len(parts), 2):
            name = parts[i]
            if name in self.seen:
                continue
            term = self.definitions[name]
            self.seen.update(self.names[term.id])
            out.append(escape_text("".join(parts[start:i])))
            out.append(_abbr(name, term.term, term.definition))
            start = i + 1
        out.append(escape_text("".join(parts[start:])))
        return Markup("".join(out))

    def md(self, text: str) -> Markup:
        """Annotate text printed in Markdown context."""
        return self._annotate(text, escape.markdown)

    def h(self, text: str) -> Markup:
        """Annotate text printed inside a raw HTML block."""
        return self._annotate(text, escape.html)

    def h_each(self, texts: list[str]) -> Sequence[str]:
        """``h`` of each text, in order, in one pass over them all joined by NUL.

        An article's body is a few dozen paragraphs, and a pass per paragraph (split, check, escape) cost a tenth
        of rendering at national scale. No name can span a NUL, and no loaded text holds one (``load.decode``
        refuses the file); were one there, each text would simply take its own pass.
        """
        joined = "\x00".join(texts)
        if joined.count("\x00") != len(texts) - 1:  # also no texts: "" has no NUL, not -1
            return [self.h(text) for text in texts]
        return str.split(self._annotate(joined, escape.html), "\x00")  # plain pieces: Markup.split makes a Markup of each


@functools.lru_cache(maxsize=4096)
def _abbr(name: str, term: str, definition: str) -> str:
    """A term's ``<abbr>``, the same on every page that wraps it."""
    return f'<abbr title="{escape.html(f"{term}: {definition}")}" tabindex="0">{escape.html(name)}</abbr>'


def longest_first(names: Iterable[str]) -> str:
    """A pattern matching, at each position, the longest of ``names`` found there: what the alternation of the names
    sorted longest first matches, written as a trie (``デジタル(?:人材|変革|庁)``). The regular expression engine tries
    the alternatives of a branch one by one at every position that may start a name; sharing prefixes leaves one
    alternative per distinct character, and splitting an article's text by the terms took a quarter less time.
    """
    trie: dict[str, Any] = {}
    for name in names:
        node = trie
        for char in name:
            node = node.setdefault(char, {})
        node[""] = {}  # a name ends here

    def branch(node: dict[str, Any]) -> str:
        alternatives = [re.escape(char) + branch(child) for char, child in sorted(node.items()) if char]
        if not alternatives:
            return ""
        body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
        return f"(?:{body})?" if "" in node else body  # greedy: the longer name first, this one if it fails

    return branch(trie)


def tooltip_factory(hb: Handbook) -> Callable[[], Tooltips]:
    """Compile the term pattern once; each page gets a fresh 'first occurrence' memory."""
    names: dict[str, GlossaryTerm] = {}
    for g in hb.glossary.values():
        for name in (g.term, *g.aliases):
            if len(name) >= 2:
                names.setdefault(name, g)
    if not names:
        return lambda: Tooltips(None, {}, {})
    pattern = re.compile("(" + longest_first(names) + ")")
    by_term: dict[str, tuple[str, ...]] = {}
    for name, term in names.items():
        by_term[term.id] = (*by_term.get(term.id, ()), name)
    return lambda: Tooltips(pattern, names, by_term)


class Links:
    """Links from one page, relative as MkDocs expects them, and the handbook's usual links as Markdown.

    Python rather than Jinja macros: an article, body or theme link is printed about 300,000 times at national
    scale, and a macro call costs several times the link itself.
    """

    __slots__ = ("here", "known")

    def __init__(self, path: str, articles: Mapping[str, Article] | None = None) -> None:
        self.here = posixpath.dirname(path)
        self.known = articles or {}
        """The handbook's articles, for what a citation of their lines may show (``paras``)."""

    def __call__(self, target: str) -> Markup:
        """Relative link from this page to another generated file."""
        return Markup(paging.relative(target, self.here))

    def page(self, kind: str, ident: str) -> Markup:
        """Relative link to an entity's page (``link.page("theme", t.id)``), for links with a text of their own."""
        return Markup(paging.relative(entity_page(kind, ident), self.here))

    def article(self, a: Article) -> Markup:
        """``[title](articles/<id>.md)``"""
        return _named("article", a.id, a.title, self.here)

    def muni(self, m: Municipality) -> Markup:
        """``[name](municipalities/<id>.md)``"""
        return _named("municipality", m.id, m.name, self.here)

    def theme(self, t: Theme) -> Markup:
        """``[name](themes/<id>.md)``"""
        return _named("theme", t.id, t.name, self.here)

    def articles(self, articles: Iterable[Article]) -> Markup:
        """Links to these articles, joined by 、 (a list is one call: a Jinja loop asking ``loop.last`` costs a
        ``LoopContext`` per list and a look-ahead per item, 100,000 of them at national scale)."""
        return Markup("、".join([self.article(a) for a in articles]))

    def munis(self, munis: Iterable[Municipality]) -> Markup:
        """Links to these bodies, joined by 、 (see ``articles``)."""
        return Markup("、".join([self.muni(m) for m in munis]))

    def themes(self, themes: Iterable[Theme]) -> Markup:
        """Links to these themes, joined by 、 (see ``articles``)."""
        return Markup("、".join([self.theme(t) for t in themes]))

    def paras(self, article_id: str, paras: Iterable[int]) -> Markup:
        """The source lines a key point, quote or event rests on: ``[¶5](articles/<id>.md#p5)`` where the article page
        shows the body, else the line in the original (``cited_line``)."""
        a = self.known.get(article_id)
        if a is not None and not a.rights.reusable:
            return Markup(" ".join(cited_line(a.url, n, a.body.lines[n - 1]) for n in paras))
        target = paging.relative(entity_page("article", article_id), self.here)
        return Markup(" ".join(f"[¶{n}]({target}#p{n})" for n in paras))


    def sources(self, e: TimelineEvent) -> Markup:
        """Every article reporting an event, each with the line it cites: ``[title](…) 原文 8 行目、[title](…)``."""
        return Markup("、".join([self.article(self.known[aid]) + (" " + self.paras(aid, [para]) if para else "")
                                 for aid, para in e.sources]))


FRAGMENT_EDGE = 10
"""Characters of a cited line's start and end that a text fragment names: enough to find the passage, too few to
carry it (the fragment travels in the link, not on the page)."""


@functools.lru_cache(maxsize=16_384)
def cited_line(source_url: str | None, n: int, line: str) -> str:
    """「原文 13 行目」, linked to that passage of the original (a URL text fragment) when its URL is known."""
    label = f"原文 {n} 行目"
    if source_url is None:
        return label
    text = line.strip()
    start, end = (text, None) if len(text) <= 3 * FRAGMENT_EDGE else (text[:FRAGMENT_EDGE], text[-FRAGMENT_EDGE:])
    href = escape.text_fragment(source_url, start, end)
    return f'<a class="hb-cite" href="{href}" rel="noopener">{label}</a>'


@functools.lru_cache(maxsize=131_072)
def _named(kind: str, ident: str, name: str, here: str) -> Markup:
    """``[name](folder/<id>.md)`` from a page in ``here``, memoised: a national-scale build prints 130,000 such links,
    most of them to the same few thousand pages from the same few folders."""
    return Markup(f"[{escape.markdown(name)}]({paging.relative(entity_page(kind, ident), here)})")


def article_body(blocks: Sequence[Block], tips: Tooltips) -> Markup:
    """An article's body as Markdown headings and raw HTML paragraphs, each with its ``¶`` permalink.

    Python rather than a template loop: at national scale 250,000 paragraphs pass through here, and the loop
    cost a third of an article page's rendering. The seed text is escaped for HTML by ``tips.h``.
    """
    out: list[str] = []
    shown = iter(tips.h_each([b.text for b in blocks if b.kind != "heading"]))
    for i, b in enumerate(blocks):
        n = b.line
        if b.kind == "heading":
            out.append(f"{'###' if b.level == 2 else '####'} {escape.markdown(b.text)} {{: #p{n} }}\n\n")
            continue
        para_link = f'<a class="hb-para-link" href="#p{n}" aria-label="段落 {n} へのリンク">¶{n}</a>'
        if b.kind != "item":
            out.append(f'<p id="p{n}" class="hb-para">{next(shown)} {para_link}</p>\n\n')
            continue
        if i == 0 or blocks[i - 1].kind != "item":
            out.append('<ul class="hb-list">\n')
        out.append(f'<li id="p{n}">{next(shown)} {para_link}</li>\n')
        if i + 1 == len(blocks) or blocks[i + 1].kind != "item":
            out.append("</ul>\n\n")
    return Markup("".join(out))


def rights_line(r: Rights) -> Markup:
    """The article's 利用条件 as its page states it: the licence (linked to its text when known) or the permission."""
    name = escape.html(r.licence.name)
    shown = Markup(f'<a href="{escape.url(r.url)}" rel="noopener">{name}</a>') if r.url else name
    if r.licence.id == "permission":
        shown += escape.html(f"({r.granted_by}、{seireki(r.granted_on) if r.granted_on else UNKNOWN})")
    if r.url and r.url != r.licence.url:  # the source's own terms or permission: its address, to verify
        shown += Markup(f"。条件: {escape.html(r.url)}")
    if not r.reusable:
        shown += Markup("。本文は掲載せず、要約・要点と短い引用で紹介します")
    return shown


def day_label(day: str) -> str:
    """A day as pages show review dates: 和暦 with 西暦, 令和8年12月6日(2026年12月6日)."""
    return f"{wareki(day)}({seireki(day)})"


def reviewed_line(reviewed: str | None, added: str | None = None) -> Markup:
    """How current a page is: when its content was last checked and when it is due again (``content/review.py``); the
    due date, not "overdue", so that the page does not depend on the day it was built."""
    parts = [f"ハンドブックへの追加: {escape.html(day_label(added))}"] if added else []
    if reviewed:
        parts += [f"内容の最終確認: {escape.html(day_label(reviewed))}",
                  f"次回確認予定: {escape.html(day_label(review.due(reviewed)))}"]
    else:
        parts.append("内容の最終確認: 未確認(確認日が記録されていません)")
    return Markup(f'<p class="hb-reviewed">{"。".join(parts)}。</p>')


def edited_note(a: Article) -> Markup:
    """The credit a reuse licence asks for when the work is edited (PDL1.0, CC BY 4.0): 「…」(…)を加工して作成."""
    source = escape.html(a.publisher or UNKNOWN)
    where = f'、<a href="{escape.url(a.url)}" rel="noopener">{escape.html(a.url)}</a>' if a.url else ""
    return Markup(f"出典: 「{escape.html(a.title)}」({source}{where})を加工して作成")


@dataclass(frozen=True)
class Page:
    """A generated file: its path under the docs folder and its content."""

    path: str
    content: str | bytes

    @property
    def data(self) -> bytes:
        """The bytes written to disk (Markdown is UTF-8), for writing and comparing."""
        return self.content.encode("utf-8") if isinstance(self.content, str) else self.content


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    """One environment per process: the live preview renders twice per edit and must not compile templates each time
    (Jinja still recompiles a template whose file changed)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator.pages", "templates"),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_require_markup,
    )
    env.filters.update(
        md=escape.markdown,
        h=escape.html,
        url=escape.url,
        id=escape.slug,
        fm=escape.front_matter,
        seireki=lambda d: escape.markdown(seireki(d)) if d else Markup(UNKNOWN),
        wareki=lambda d: escape.markdown(wareki(d)) if d else Markup(""),
        num=lambda n: Markup(f"{n:,}"),
        population=lambda m: Markup(f"{m.counted:,}人") if m.counted is not None else Markup(UNKNOWN),
        or_unknown=lambda v: escape.markdown(v) if v else Markup(UNKNOWN),
        lookup=lambda ids, table: [table[i] for i in ids],
        names=lambda entities: "、".join([e.name for e in entities]),
    )
    env.globals.update(body=article_body, rights=rights_line, edited_note=edited_note, reviewed_line=reviewed_line,
                       newest=feed.newest, day_label=lambda d: escape.markdown(day_label(d)),
                       census_source=Markup(CENSUS_SOURCE), offline_zip=OFFLINE_ZIP, map_links=finder.MAP_LINKS)
    return env


REVIEW_PAGE = "review.md"
"""The editors' list of entries by next review date (要確認)."""


@dataclass(frozen=True)
class ReviewEntry:
    """One article, municipality or theme on the 要確認 list."""

    kind: str
    ident: str
    name: str
    reviewed: str | None

    @property
    def due(self) -> str | None:
        return review.due(self.reviewed) if self.reviewed else None

    @property
    def kind_name(self) -> str:
        return NAMES[self.kind]


def review_entries(hb: Handbook) -> list[ReviewEntry]:
    """Every entry, never-checked ones first, then by next review date: the top of the list is what to check next."""
    entries = [ReviewEntry("article", a.id, a.title, a.reviewed) for a in hb.articles.values()]
    entries += [ReviewEntry("municipality", m.id, m.name, m.reviewed) for m in hb.municipalities.values()]
    entries += [ReviewEntry("theme", t.id, t.name, t.reviewed) for t in hb.themes.values()]
    return sorted(entries, key=lambda e: (e.due is not None, e.due or "", e.kind, e.ident))


Job = tuple[str, str, dict[str, object]]
"""A page to render: template, path and the template's own context."""


class Renderer:
    """Renders every page; one instance per build so the template cache is shared."""

    def __init__(self, hb: Handbook, ix: CrossIndex, site: dict[str, str], a11y_results: a11y.Results | None = None) -> None:
        self.hb = hb
        self.ix = ix
        self.site = site
        self.env = _environment()
        self.tooltips = tooltip_factory(hb)
        self.a11y_results = a11y_results or a11y.Results()

    def page(self, template: str, path: str, **context: object) -> Page:
        """Render one template to a page at ``path`` with links relative to it."""
        text = self.env.get_template(template).render(
            hb=self.hb, ix=self.ix, site=self.site, link=Links(path, self.hb.articles), tips=self.tooltips(), bands=SIZE_BANDS,
            unknown=Markup(UNKNOWN), path=path, **context,
        )
        return Page(path, text)

    def jobs(self) -> list[Job]:
        """Every template page of the handbook (template, path, context) in a fixed order."""
        hb = self.hb
        japan = finder.map_svg(hb, "index.md")  # the top page and the finder are both at the root: one map serves both
        out: list[Job] = [("home.md.j2", "index.md", {"map": japan}), ("municipalities.md.j2", "municipalities/index.md", {}),
                          ("finder.md.j2", finder.FINDER_PAGE, {"map": japan})]
        out += [("municipality.md.j2", entity_page("municipality", m.id), {"m": m}) for m in hb.municipalities.values()]
        out.append(("themes.md.j2", "themes/index.md", {}))
        out += [self._theme_job(t) for t in hb.themes.values()]
        out.append(("articles.md.j2", "articles/index.md", {}))
        out += [("article.md.j2", entity_page("article", a.id), {"a": a}) for a in hb.articles.values()]
        wide = len(hb.municipalities) > MATRIX_COLUMNS
        out += [
            ("indexes.md.j2", "indexes/index.md", {}),
            ("matrix_rows.md.j2", "indexes/matrix.md", {"rows_per_table": MATRIX_TABLE_ROWS}) if wide
            else ("matrix.md.j2", "indexes/matrix.md", {}),
            ("prefectures.md.j2", "indexes/prefectures.md", {}),
            ("population.md.j2", "indexes/population.md", {}),
            ("timeline.md.j2", "indexes/timeline.md", {}),
            ("organisations.md.j2", "indexes/organisations.md", {}),
            ("glossary.md.j2", "glossary.md", {}),
            ("opendata.md.j2", "opendata.md", {"files": opendata.FILES, "package": opendata.package(self.site.get("url", "")),
                                               "cases": opendata.CASES}),
            ("review.md.j2", REVIEW_PAGE, {"entries": review_entries(hb)}),
            ("accessibility.md.j2", "accessibility.md", {"results": self.a11y_results}),
            ("rights.md.j2", "rights.md", {"licences": list(LICENCES.values())}),
        ]
        return out

    def _theme_job(self, t: Theme) -> Job:
        """A theme page: detailed, or by prefecture when more than THEME_DETAIL_BODIES bodies took it up."""
        mids = self.ix.municipalities_by_theme.get(t.id, ())
        if len(mids) <= THEME_DETAIL_BODIES:
            return "theme.md.j2", entity_page("theme", t.id), {"t": t}
        taken = set(mids)
        groups = [(pref, here) for pref, all_ in self.ix.municipalities_by_prefecture.items()
                  if (here := [mid for mid in all_ if mid in taken])]
        unplaced = [aid for aid in self.ix.articles_by_theme.get(t.id, ()) if not self.hb.articles[aid].municipalities]
        return "theme_by_prefecture.md.j2", entity_page("theme", t.id), {"t": t, "groups": groups, "total": len(mids),
                                                                  "unplaced": unplaced}

    def pages(self) -> list[Page]:
        """Every page of the handbook in a fixed order, the open data and, last, the print view made of the pages."""
        pages = [self.page(template, path, **context) for template, path, context in self.jobs()]
        site_url = self.site.get("url", "")
        pages += [Page(f"data/{name}", content) for name, content in opendata.render(self.hb, self.ix, site_url).items()]
        pages.append(Page(feed.FEED, feed.render(self.hb, site_url)))
        pages.append(Page(finder.DATA_SCRIPT, finder.data_script(self.hb, self.ix)))
        sections = printview.sections((p.path, p.content) for p in pages if isinstance(p.content, str))
        pdf_name = Markup(printview.PDF_NAME)
        return [*pages, self.page("print.md.j2", printview.PRINT_PAGE, sections=sections, pdf_name=pdf_name)]


def render(hb: Handbook, ix: CrossIndex, site: dict[str, str], a11y_results: a11y.Results | None = None) -> list[Page]:
    """All generated files, long pages cut into parts (generator/pages/paging.py), sorted by path."""
    paged = paging.paginate(_handed_over(Renderer(hb, ix, site, a11y_results).pages()), keep=frozenset({printview.PRINT_PAGE}))
    return sorted((Page(path, content) for path, content in paged), key=lambda p: p.path)


def _handed_over(pages: list[Page]) -> Iterator[tuple[str, str | bytes]]:
    """The pages one by one, each let go of as it is handed over: paging then holds the only reference, and a page it
    relinks exists once, not in its old and new text (a quarter of the memory of a national-scale build)."""
    pages.reverse()
    while pages:
        page = pages.pop()
        yield page.path, page.content
