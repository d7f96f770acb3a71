"""Stage 4, index: every cross-reference computed once, so each page is a lookup.

Links must go both ways (a municipality lists its themes and each theme lists the
municipality), so both directions are derived here from the same pairs rather than twice
in templates. A municipality is tied to a theme only by evidence: a key point, quote or event
that names both. An article about several bodies and several themes claims nothing about
each pair, so its own themes stay on its page as the article's topics.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TypeVar

from generator.content.model import SIZE_BANDS, Article, Event, Handbook, KeyPoint, Quote

UNKNOWN_BAND = SIZE_BANDS[-1]
"""人口不明: a body without a population is of no size, so it is never 'the same size' as another."""

T = TypeVar("T", KeyPoint, Quote)


@dataclass(frozen=True)
class TimelineEvent:
    """A dated happening once, with every article that reports it (the same date, body and text in each)."""

    date: str
    text: str
    municipality: str | None
    themes: tuple[str, ...]
    sources: tuple[tuple[str, int | None], ...]
    """(article id, cited line or None) of each report, in article order."""

    @property
    def articles(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(aid for aid, _ in self.sources))


Evidence = KeyPoint | Quote | Event


@dataclass(frozen=True)
class Related:
    """A municipality similar to another: shared themes and whether the size band matches."""

    municipality: str
    shared_themes: tuple[str, ...]
    same_size: bool


@dataclass(frozen=True)
class CrossIndex:
    """Lookups from each entity to everything that mentions it, all in stable order."""

    articles_by_municipality: dict[str, tuple[str, ...]]
    articles_by_theme: dict[str, tuple[str, ...]]
    themes_by_municipality: dict[str, tuple[str, ...]]
    municipalities_by_theme: dict[str, tuple[str, ...]]
    key_points_by_municipality: dict[str, tuple[KeyPoint, ...]]
    key_points_by_theme: dict[str, tuple[KeyPoint, ...]]
    quotes_by_municipality: dict[str, tuple[Quote, ...]]
    quotes_by_theme: dict[str, tuple[Quote, ...]]
    quotes_by_person: dict[str, tuple[Quote, ...]]
    events: tuple[TimelineEvent, ...]
    events_by_municipality: dict[str, tuple[TimelineEvent, ...]]
    people_by_municipality: dict[str, tuple[str, ...]]
    people_by_organisation: dict[str, tuple[str, ...]]
    organisations_by_municipality: dict[str, tuple[str, ...]]
    articles_by_organisation: dict[str, tuple[str, ...]]
    articles_by_person: dict[str, tuple[str, ...]]
    themes_by_glossary: dict[str, tuple[str, ...]]
    municipalities_by_prefecture: dict[str, tuple[str, ...]]
    municipalities_by_size: dict[str, tuple[str, ...]]
    related_municipalities: dict[str, tuple[Related, ...]]
    cells: dict[tuple[str, str], int]
    key_points_by_theme_municipality: dict[tuple[str, str], tuple[KeyPoint, ...]] = field(default_factory=dict)
    quotes_by_theme_municipality: dict[tuple[str, str], tuple[Quote, ...]] = field(default_factory=dict)
    articles_by_theme_municipality: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    events_by_theme_municipality: dict[tuple[str, str], tuple[TimelineEvent, ...]] = field(default_factory=dict)

    def for_theme_and_municipality(self, theme: str, municipality: str) -> tuple[
            tuple[KeyPoint, ...], tuple[Quote, ...], tuple[TimelineEvent, ...], tuple[str, ...]]:
        """The evidence tying one body to one theme (key points, quotes, events) and the articles it comes from."""
        key = (theme, municipality)
        return (self.key_points_by_theme_municipality.get(key, ()), self.quotes_by_theme_municipality.get(key, ()),
                self.events_by_theme_municipality.get(key, ()), self.articles_by_theme_municipality.get(key, ()))

    def first_event(self, theme: str, municipality: str) -> TimelineEvent | None:
        """The earliest dated event tying this body to this theme: what it did first (None: no dated event)."""
        events = self.events_by_theme_municipality.get((theme, municipality), ())
        return min(events, key=lambda e: date_order(e.date)) if events else None

    def by_first_event(self, theme: str, municipalities: tuple[str, ...]) -> list[str]:
        """The bodies that took a theme up, the one with the earliest dated event first; those without one keep their
        order after them (a theme page's 'who did what first')."""
        def key(mid: str) -> tuple[int, str]:
            first = self.first_event(theme, mid)
            return (0, date_order(first.date)) if first else (1, "")
        return sorted(municipalities, key=key)

    def cell(self, municipality: str, theme: str) -> int:
        """Matrix weight: the evidence items (key points, quotes, events) naming this body and this theme (0: none)."""
        return self.cells.get((municipality, theme), 0)


def _freeze(mapping: dict[str, list[str]], order: dict[str, int]) -> dict[str, tuple[str, ...]]:
    """Deduplicate and sort each value by the entity's display order."""
    return {k: tuple(sorted(set(v), key=lambda x: (order.get(x, 0), x))) for k, v in sorted(mapping.items())}


def _order(ids: list[str]) -> dict[str, int]:
    return {ident: i for i, ident in enumerate(ids)}


def evidence(a: Article) -> list[Evidence]:
    """An article's evidence items: what it says of one body, each with its themes."""
    return [*a.key_points, *a.quotes, *a.events]


def _theme_pairs(hb: Handbook) -> dict[tuple[str, str], int]:
    """(municipality, theme) → how many evidence items name both: the only ties between a body and a theme."""
    pairs: dict[tuple[str, str], int] = defaultdict(int)
    for a in hb.articles.values():
        for item in evidence(a):
            if item.municipality:
                for t in dict.fromkeys(item.themes):
                    pairs[(item.municipality, t)] += 1
    return dict(pairs)


def _related(hb: Handbook, themes_by_m: dict[str, tuple[str, ...]]) -> dict[str, tuple[Related, ...]]:
    """Peers with the most shared themes, then those of similar size (a score: shared themes, plus 2 for the same band).

    Scores are added in lanes of one big integer: a theme's integer has 1 in the lane of every body that took it
    up, a size band's has 2. A body's scores against all 1,788 are then the sum of its themes' and its band's
    integers, a few additions where a popcount per pair took a third of a second. A lane is one byte while the
    score cannot pass 255 (the handbook has a few dozen themes), so the sum's bytes are the scores themselves and
    the top ones are found in C; unpacking 1,788 numbers per body took as long again.
    """
    munis = list(hb.municipalities.values())
    bands = [m.size_band for m in munis]  # a property that computes the band: read once per body, not per pair
    width = ((len(hb.themes) + 2).bit_length() + 7) // 8  # bytes per lane: the highest score must fit
    theme_lanes: dict[str, int] = defaultdict(int)
    band_lanes: dict[str, int] = defaultdict(int)
    for j, m in enumerate(munis):
        lane = 1 << (8 * width * j)
        for t in set(themes_by_m.get(m.id, ())) & hb.themes.keys():
            theme_lanes[t] |= lane
        if bands[j] != UNKNOWN_BAND:
            band_lanes[bands[j]] |= 2 * lane
    result: dict[str, tuple[Related, ...]] = {}
    for i, m in enumerate(munis):
        mine = set(themes_by_m.get(m.id, ())) & theme_lanes.keys()
        band = band_lanes.get(bands[i], 0)
        scores = _scores((sum(theme_lanes[t] for t in mine) + band).to_bytes(width * len(munis), "little"), width)
        scores[i] = 0
        result[m.id] = tuple(
            Related(munis[j].id, tuple(t for t in themes_by_m.get(munis[j].id, ()) if t in mine),
                    band != 0 and bands[j] == bands[i])
            for j in _top(scores, RELATED_PEERS, len(mine) + 2 * (band != 0))
        )
    return result


RELATED_PEERS = 6
"""How many similar bodies a body page lists."""


def _scores(lanes: bytes, width: int) -> bytearray | list[int]:
    """Each lane's score: the bytes themselves when a lane is one byte, else each lane read as a number."""
    if width == 1:
        return bytearray(lanes)
    return [int.from_bytes(lanes[k:k + width], "little") for k in range(0, len(lanes), width)]


def _top(scores: bytearray | list[int], k: int, highest: int) -> list[int]:
    """Positions of the ``k`` highest non-zero scores, none above ``highest``, ties in position order (the 五十音
    order of the bodies); searching down from the highest possible score spares a pass over them all for ``max``."""
    best: list[int] = []
    for level in range(highest, 0, -1):
        pos = -1
        while len(best) < k:
            try:
                pos = scores.index(level, pos + 1)
            except ValueError:
                break
            best.append(pos)
        if len(best) == k:
            break
    return best


def date_order(date: str) -> str:
    """A partial date sorts after the days it spans (「2020年7月」 is some day in July, not before the 1st) and after
    the months of its year: YYYY → YYYY-99-99, YYYY-MM → YYYY-MM-99."""
    parts = date.split("-")
    return "-".join(parts + ["99"] * (3 - len(parts)))


def timeline(hb: Handbook) -> tuple[TimelineEvent, ...]:
    """Every event once: reports of the same date, body and text from several articles become one event with all their
    sources; in date order (``date_order``), then in the order of the first article reporting each."""
    a_order = _order(list(hb.articles))
    merged: dict[tuple[str, str | None, str], list[Event]] = defaultdict(list)
    for a in hb.articles.values():
        for e in a.events:
            merged[(e.date, e.municipality, e.text)].append(e)
    events = [
        TimelineEvent(date, text, municipality, tuple(dict.fromkeys(t for e in reports for t in e.themes)),
                      tuple((e.article, e.para) for e in reports))
        for (date, municipality, text), reports in merged.items()
    ]
    return tuple(sorted(events, key=lambda e: (date_order(e.date), a_order[e.sources[0][0]])))


def build_index(hb: Handbook) -> CrossIndex:
    """Compute every lookup the pages need from the model in one pass per relation."""
    m_order = _order(list(hb.municipalities))
    t_order = _order(list(hb.themes))
    a_order = _order(list(hb.articles))
    p_order = _order(list(hb.people))
    o_order = _order(list(hb.organisations))

    art_by_m: dict[str, list[str]] = defaultdict(list)
    art_by_t: dict[str, list[str]] = defaultdict(list)
    art_by_o: dict[str, list[str]] = defaultdict(list)
    art_by_p: dict[str, list[str]] = defaultdict(list)
    orgs_by_m: dict[str, list[str]] = defaultdict(list)
    kp_by_m: dict[str, list[KeyPoint]] = defaultdict(list)
    kp_by_t: dict[str, list[KeyPoint]] = defaultdict(list)
    q_by_m: dict[str, list[Quote]] = defaultdict(list)
    q_by_t: dict[str, list[Quote]] = defaultdict(list)
    q_by_p: dict[str, list[Quote]] = defaultdict(list)
    events = timeline(hb)
    events_by_m: dict[str, list[TimelineEvent]] = defaultdict(list)
    ev_by_tm: dict[tuple[str, str], list[TimelineEvent]] = defaultdict(list)
    for e in events:
        if e.municipality:
            events_by_m[e.municipality].append(e)
            for t in e.themes:
                ev_by_tm[(t, e.municipality)].append(e)
    articles: list[Article] = list(hb.articles.values())
    for a in articles:
        for m in a.municipalities:
            art_by_m[m].append(a.id)
        if len(a.municipalities) == 1:  # the article's organisations are that body's; with several, nobody's in particular
            orgs_by_m[a.municipalities[0]].extend(a.organisations)
        for t in a.themes:
            art_by_t[t].append(a.id)
        for o in a.organisations:
            art_by_o[o].append(a.id)
        for p in a.people:
            art_by_p[p].append(a.id)
        for kp in a.key_points:
            if kp.municipality:
                kp_by_m[kp.municipality].append(kp)
            for t in kp.themes:
                kp_by_t[t].append(kp)
        for q in a.quotes:
            if q.municipality:
                q_by_m[q.municipality].append(q)
                speaker_org = hb.people[q.speaker].organisation
                if speaker_org:
                    orgs_by_m[q.municipality].append(speaker_org)
            for t in q.themes:
                q_by_t[t].append(q)
            q_by_p[q.speaker].append(q)
            art_by_p[q.speaker].append(a.id)

    pairs = _theme_pairs(hb)
    themes_by_m: dict[str, list[str]] = defaultdict(list)
    munis_by_t: dict[str, list[str]] = defaultdict(list)
    for mid, tid in pairs:
        themes_by_m[mid].append(tid)
        munis_by_t[tid].append(mid)
    themes_by_m_f = _freeze(themes_by_m, t_order)

    people_by_m: dict[str, list[str]] = defaultdict(list)
    people_by_o: dict[str, list[str]] = defaultdict(list)
    for person in hb.people.values():
        if person.municipality:
            people_by_m[person.municipality].append(person.id)
        if person.organisation:
            people_by_o[person.organisation].append(person.id)
    themes_by_g: dict[str, list[str]] = defaultdict(list)
    for theme in hb.themes.values():
        for gid in theme.glossary:
            themes_by_g[gid].append(theme.id)
    for term in hb.glossary.values():
        themes_by_g[term.id].extend(term.themes)

    by_pref: dict[str, list[str]] = defaultdict(list)
    by_size: dict[str, list[str]] = {band: [] for band in SIZE_BANDS}
    for mu in hb.municipalities.values():
        by_pref[mu.prefecture].append(mu.id)
        by_size[mu.size_band].append(mu.id)

    def by_article(items: list[T]) -> tuple[T, ...]:
        return tuple(sorted(items, key=lambda x: (a_order[x.article], x.index)))

    kps_by_t = {k: by_article(v) for k, v in sorted(kp_by_t.items())}
    qs_by_t = {k: by_article(v) for k, v in sorted(q_by_t.items())}
    return CrossIndex(
        key_points_by_theme_municipality=_group_by_municipality(kps_by_t),
        quotes_by_theme_municipality=_group_by_municipality(qs_by_t),
        articles_by_theme_municipality=_articles_by_pair(articles),
        events_by_theme_municipality={k: tuple(v) for k, v in ev_by_tm.items()},
        articles_by_municipality=_freeze(art_by_m, a_order),
        articles_by_theme=_freeze(art_by_t, a_order),
        themes_by_municipality=themes_by_m_f,
        municipalities_by_theme=_freeze(munis_by_t, m_order),
        key_points_by_municipality={k: by_article(v) for k, v in sorted(kp_by_m.items())},
        key_points_by_theme=kps_by_t,
        quotes_by_municipality={k: by_article(v) for k, v in sorted(q_by_m.items())},
        quotes_by_theme=qs_by_t,
        quotes_by_person={k: by_article(v) for k, v in sorted(q_by_p.items())},
        events=events,
        events_by_municipality={k: tuple(v) for k, v in sorted(events_by_m.items())},
        people_by_municipality=_freeze(people_by_m, p_order),
        people_by_organisation=_freeze(people_by_o, p_order),
        organisations_by_municipality=_freeze(orgs_by_m, o_order),
        articles_by_organisation=_freeze(art_by_o, a_order),
        articles_by_person=_freeze(art_by_p, a_order),
        themes_by_glossary=_freeze(themes_by_g, t_order),
        municipalities_by_prefecture={k: tuple(v) for k, v in sorted(by_pref.items(), key=lambda kv: _pref_order(hb, kv[0]))},
        municipalities_by_size={k: tuple(v) for k, v in by_size.items() if v},
        related_municipalities=_related(hb, themes_by_m_f),
        cells=dict(sorted(pairs.items())),
    )


def _group_by_municipality(by_theme: dict[str, tuple[T, ...]]) -> dict[tuple[str, str], tuple[T, ...]]:
    """(theme, municipality) → items, keeping each theme's order; items without a body are left out."""
    grouped: dict[tuple[str, str], list[T]] = defaultdict(list)
    for theme, items in by_theme.items():
        for item in items:
            municipality = getattr(item, "municipality", None)
            if municipality:
                grouped[(theme, municipality)].append(item)
    return {k: tuple(v) for k, v in grouped.items()}


def _articles_by_pair(articles: list[Article]) -> dict[tuple[str, str], tuple[str, ...]]:
    """(theme, municipality) → ids of the articles whose evidence names both, in article order."""
    pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for a in articles:
        for item in evidence(a):
            for t in item.themes:
                if item.municipality and a.id not in pairs[(t, item.municipality)]:
                    pairs[(t, item.municipality)].append(a.id)
    return {k: tuple(v) for k, v in pairs.items()}


def _pref_order(hb: Handbook, prefecture: str) -> str:
    """Prefectures in code order (北海道 first), the order of the official list."""
    codes = [m.code for m in hb.municipalities.values() if m.prefecture == prefecture]
    return min(codes) if codes else prefecture
