"""Stage 3, model: frozen domain objects built from validated content.

The model is what templates see. Seed text is normalised for display here (Kangxi radicals
become ordinary kanji), the article body becomes a list of blocks with stable anchors, and
every reference is still an id: resolving ids into pages is the index stage's job.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Literal

from generator.content import schema
from generator.content.load import Registered, SeedText
from generator.content.rights import LICENCES, Licence
from generator.content.text import kana_sort_key, normalise_display
from generator.content.validate import Entry, Validated, body_numbers, kind_from_name, quote_municipality, sole_municipality

BlockKind = Literal["heading", "para", "item"]
_LIST_MARK = re.compile(r"^(?:[\u2460-\u2473]|・|■|□|●|◆|\d{1,2}\.|\d{1,2}月\s|[-•]\s)")

SIZE_BANDS = ("都道府県", "5千人未満", "5千〜3万人", "3万〜10万人", "10万〜30万人", "30万人以上", "人口不明")

CENSUS_SOURCE = "令和2年国勢調査 人口速報集計"
"""How the site cites ``data/population-2020.csv`` (総務省統計局、表1-1、e-Stat 統計表ID 0003433219)."""
CENSUS_DATE = "2020-10-01"
REGIONS = ((1, 1, "北海道"), (2, 7, "東北"), (8, 14, "関東"), (15, 23, "中部"), (24, 30, "近畿"), (31, 35, "中国"),
           (36, 39, "四国"), (40, 47, "九州・沖縄"))
"""地方 by prefecture number (the first two digits of a 団体コード), as the content's ``region`` names them."""


def region_of(code: str) -> str:
    """The 地方 of a body, from its prefecture number."""
    number = int(code[:2])
    return next(name for first, last, name in REGIONS if first <= number <= last)


def band_of(kind: str, population: int | None) -> str:
    """Population band (``SIZE_BANDS``) of a body: prefectures are a band of their own, an unknown count is 人口不明."""
    if kind == "都道府県":
        return SIZE_BANDS[0]
    if population is None:
        return SIZE_BANDS[-1]
    for limit, band in ((5_000, SIZE_BANDS[1]), (30_000, SIZE_BANDS[2]), (100_000, SIZE_BANDS[3]), (300_000, SIZE_BANDS[4])):
        if population < limit:
            return band
    return SIZE_BANDS[5]


@dataclass(frozen=True)
class Population:
    """A population figure as an article states it (約 and all): shown as what the article said, never as the count."""

    value: int
    as_of: str | None
    source: str
    article: str | None


@dataclass(frozen=True)
class Census:
    """A body's population in the 2020 census (``CENSUS_SOURCE``, ``CENSUS_DATE``): the figure bands and peers use."""

    population: int | None
    """None where no resident was counted (双葉町, under an evacuation order in 2020)."""
    date: str = CENSUS_DATE
    source: str = CENSUS_SOURCE


@dataclass(frozen=True)
class LocalGovernment:
    """One of the 1,788 bodies of the official list, covered or not: what the finder and the map know of each."""

    code: str
    name: str
    reading: str
    prefecture: str
    kind: str
    region: str
    census: Census
    position: tuple[float, float] | None

    @property
    def size_band(self) -> str:
        return band_of(self.kind, self.census.population)


def local_government(r: Registered) -> LocalGovernment:
    """A row of the official list with its census count, kind and 地方."""
    kind = "都道府県" if r.code[2:5] == "000" else (kind_from_name(r.name) or "市")
    return LocalGovernment(r.code, r.name, r.reading, r.prefecture, kind, region_of(r.code), Census(r.population), r.position)


@dataclass(frozen=True)
class Municipality:
    id: str
    name: str
    reading: str
    kind: str
    prefecture: str
    code: str
    population: Population | None
    region: str
    summary: str
    source_path: str
    reviewed: str | None = None
    """When its content was last checked (YYYY-MM-DD), or None (``content/review.py``)."""
    census: Census | None = None
    """The 2020 census population (``Census``); ``population`` is what an article said, kept as it said it."""

    @property
    def sort_key(self) -> str:
        """五十音順 by reading."""
        return kana_sort_key(self.reading)

    @property
    def counted(self) -> int | None:
        """The population that bands and peers use: the census count, else the article's figure."""
        if self.census is not None and self.census.population is not None:
            return self.census.population
        return self.population.value if self.population else None

    @property
    def area_code(self) -> str:
        """The 5-digit 標準地域コード (JIS X 0402) that e-Stat joins on: the 団体コード without its check digit."""
        return self.code[:5]

    @property
    def size_band(self) -> str:
        """Population band used by the 人口規模別 index and for 'similar size'."""
        return band_of(self.kind, self.counted)


@dataclass(frozen=True)
class Block:
    """One unit of an article body, anchored by its seed line so links survive re-curation."""

    kind: BlockKind
    line: int
    text: str
    level: int = 0

    @property
    def anchor(self) -> str:
        return f"p{self.line}"


@dataclass(frozen=True)
class Body:
    """An article's text as its seed and its curation give it; its blocks are made when first asked for.

    Only the article's own page shows them, so they are made when that page is rendered, not for every article up front.
    Bodies are equal when their seed lines and curation are, which is what the live preview compares.
    """

    lines: tuple[str, ...]
    """The seed's lines: ``lines[n - 1]`` is line n."""
    ranges: tuple[tuple[int, int], ...]
    exclude: tuple[int, ...]
    headings: tuple[tuple[int, int | None, int], ...]
    """Line, last line (when a heading spans lines) and level."""

    @functools.cached_property
    def blocks(self) -> tuple[Block, ...]:
        """Body lines in order, as headings, list items or paragraphs; furniture is dropped."""
        body = sorted(body_numbers(self.ranges, self.exclude, self.lines))
        # Normalised in one call: no look-alike becomes a newline, and a call per line cost a third of the blocks.
        shown = dict(zip(body, normalise_display("\n".join([self.lines[n - 1] for n in body])).split("\n"), strict=True))
        headings = {line: (to, level) for line, to, level in self.headings}
        joined = {n for line, to, _ in self.headings if to for n in range(line + 1, to + 1)}
        blocks = []
        for n in body:
            if n in joined:
                continue
            text = shown[n].strip()
            if n in headings:
                to, level = headings[n]
                parts = [shown[k].strip() for k in range(n, (to or n) + 1) if k in shown]
                blocks.append(Block("heading", n, " ".join(parts), level))
            elif _LIST_MARK.match(text):
                blocks.append(Block("item", n, text))
            else:
                blocks.append(Block("para", n, text))
        return tuple(blocks)


@dataclass(frozen=True)
class KeyPoint:
    article: str
    index: int
    text: str
    paras: tuple[int, ...]
    themes: tuple[str, ...]
    municipality: str | None


@dataclass(frozen=True)
class Quote:
    article: str
    index: int
    text: str
    speaker: str
    role: str | None
    para: int
    themes: tuple[str, ...]
    municipality: str | None
    note: str | None = None


@dataclass(frozen=True)
class Event:
    article: str
    date: str
    text: str
    municipality: str | None
    para: int | None
    themes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rights:
    """The source's licence (``content/rights.py``): whether its body may be published, and how to credit it."""

    licence: Licence
    url: str | None
    """The licence's or permission's own URL, else the licence's text (``Licence.url``), else None."""
    granted_by: str | None
    granted_on: str | None

    @property
    def reusable(self) -> bool:
        return self.licence.reuse


@dataclass(frozen=True)
class Article:
    id: str
    seed: str
    seed_path: str
    sha256: str
    title: str
    publisher: str | None
    author: str | None
    date: str | None
    url: str | None
    summary: str
    body: Body
    municipalities: tuple[str, ...]
    themes: tuple[str, ...]
    organisations: tuple[str, ...]
    people: tuple[str, ...]
    key_points: tuple[KeyPoint, ...]
    quotes: tuple[Quote, ...]
    events: tuple[Event, ...]
    rights: Rights
    source_path: str
    added: str | None = None
    """When the article joined the handbook (YYYY-MM-DD): the 新着 list and the feed."""
    reviewed: str | None = None

    @property
    def blocks(self) -> tuple[Block, ...]:
        """The body as the article page shows it (made on first use: ``Body``)."""
        return self.body.blocks


@dataclass(frozen=True)
class Theme:
    id: str
    name: str
    reading: str
    aliases: tuple[str, ...]
    description: str
    related: tuple[str, ...]
    glossary: tuple[str, ...]
    source_path: str
    reviewed: str | None = None

    @property
    def sort_key(self) -> str:
        return kana_sort_key(self.reading)


@dataclass(frozen=True)
class GlossaryTerm:
    id: str
    term: str
    reading: str
    aliases: tuple[str, ...]
    definition: str
    themes: tuple[str, ...]
    source_path: str

    @property
    def sort_key(self) -> str:
        return kana_sort_key(self.reading)


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    kind: str
    aliases: tuple[str, ...]
    description: str | None
    url: str | None
    source_path: str


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    role: str
    municipality: str | None
    organisation: str | None
    source_path: str


@dataclass(frozen=True)
class SynonymGroup:
    """Words staff use for the same thing, and why the handbook treats them alike (shown on the glossary page)."""

    words: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class Handbook:
    """The whole curated corpus, each mapping sorted the way readers browse it."""

    municipalities: dict[str, Municipality]
    articles: dict[str, Article]
    themes: dict[str, Theme]
    glossary: dict[str, GlossaryTerm]
    organisations: dict[str, Organisation]
    people: dict[str, Person]
    local_governments: dict[str, LocalGovernment] = field(default_factory=dict)
    """All 1,788 bodies of the official list by code, in code order (the finder and the map)."""
    synonyms: tuple[SynonymGroup, ...] = ()
    """Search synonyms (content/synonyms.yaml): each group's words find one another."""


def _body(article: schema.Article, seed: SeedText) -> Body:
    """What the article's blocks are made of (``Body``), without making them."""
    return Body(seed.lines, tuple((r.start, r.end) for r in article.body), tuple(article.exclude),
                tuple((h.line, h.to, h.level) for h in article.headings))


def _rights(r: schema.Rights) -> Rights:
    licence = LICENCES[r.licence]
    return Rights(licence, r.url or licence.url, r.granted_by, r.granted_on)


def _article(entry: Entry[schema.Article], seed: SeedText, people: dict[str, schema.Person]) -> Article:
    a = entry.model
    single = sole_municipality(a)
    return Article(
        id=a.id, seed=a.seed, seed_path=seed.path, sha256=a.sha256, title=normalise_display(a.title),
        publisher=a.publisher, author=a.author, date=a.date, url=a.url, summary=a.summary,
        body=_body(a, seed),
        municipalities=tuple(a.municipalities), themes=tuple(a.themes),
        organisations=tuple(a.organisations), people=tuple(a.people),
        key_points=tuple(
            KeyPoint(a.id, i, kp.text, tuple(kp.paras), tuple(kp.themes), kp.municipality or single)
            for i, kp in enumerate(a.key_points)
        ),
        quotes=tuple(
            Quote(a.id, i, normalise_display(q.text), q.speaker, q.role, q.para, tuple(q.themes), quote_municipality(q, a, people),
                  q.note)
            for i, q in enumerate(a.quotes)
        ),
        events=tuple(Event(a.id, e.date, e.text, e.municipality, e.para, tuple(e.themes)) for e in a.events),
        rights=_rights(a.rights),
        source_path=entry.source.path,
        added=a.added,
        reviewed=a.reviewed,
    )


def build_model(v: Validated) -> Handbook:
    """Turn validated entries into the sorted, frozen handbook model."""
    people_raw = {p.model.id: p.model for p in v.people}
    munis = sorted(
        (Municipality(m.model.id, m.model.name, m.model.reading, m.model.kind, m.model.prefecture, m.model.code,
                      Population(**m.model.population.model_dump()) if m.model.population else None,
                      m.model.region, m.model.summary, m.source.path, m.model.reviewed,
                      Census(v.registry[m.model.code].population) if m.model.code in v.registry else None)
         for m in v.municipalities),
        key=lambda m: (m.sort_key, m.id),
    )
    articles = sorted((_article(a, v.seeds[a.model.seed], people_raw) for a in v.articles), key=lambda a: a.id)
    themes = sorted(
        (Theme(t.model.id, t.model.name, t.model.reading, tuple(t.model.aliases), t.model.description,
               tuple(t.model.related), tuple(t.model.glossary), t.source.path, t.model.reviewed) for t in v.themes),
        key=lambda t: (t.sort_key, t.id),
    )
    glossary = sorted(
        (GlossaryTerm(g.model.id, g.model.term, g.model.reading, tuple(g.model.aliases), g.model.definition,
                      tuple(g.model.themes), g.source.path) for g in v.glossary),
        key=lambda g: (g.sort_key, g.id),
    )
    orgs = sorted(
        (Organisation(o.model.id, o.model.name, o.model.kind, tuple(o.model.aliases), o.model.description, o.model.url,
                      o.source.path) for o in v.organisations),
        key=lambda o: o.id,
    )
    people = sorted(
        (Person(p.model.id, p.model.name, p.model.role, p.model.municipality, p.model.organisation, p.source.path)
         for p in v.people),
        key=lambda p: p.id,
    )
    return Handbook(
        municipalities={m.id: m for m in munis},
        articles={a.id: a for a in articles},
        themes={t.id: t for t in themes},
        glossary={g.id: g for g in glossary},
        organisations={o.id: o for o in orgs},
        people={p.id: p for p in people},
        local_governments={code: local_government(r) for code, r in sorted(v.registry.items())},
        synonyms=tuple(SynonymGroup(tuple(g.model.words), g.model.reason) for g in v.synonyms),
    )
