"""Part of stage 5, render: the finder's data (a script file, so it works from file://) and the map of town halls.

The finder page lets a reader pick their own body among all 1,788 and see the covered bodies most like it, and
filter the covered bodies' evidence by place, size, kind, theme and year (``overrides/assets/javascripts/finder.js``).
A page opened from file:// cannot fetch a JSON file, so the data is a script that sets one global; every string in it
passes ``escape.json_text``. The map is inline SVG drawn from the town halls' positions: no tiles, no network.
"""

from __future__ import annotations

import math
import posixpath
from typing import Any

from markupsafe import Markup

from generator.content.index import CrossIndex, date_order
from generator.content.model import SIZE_BANDS, Handbook, LocalGovernment
from generator.pages import escape
from generator.pages.paths import entity_page, html_of

FINDER_PAGE = "finder.md"
DATA_SCRIPT = "assets/handbook/finder-data.js"
"""The finder's data, generated next to the pages (a folder of the generator's own under build/docs)."""
MAP_LINKS = 60
"""Up to this many covered bodies, each is a link on the map and in its text alternative; beyond (national scale) they
are drawn as one path and reached through the lists, so the top page stays small."""
FIRST_STEPS = 3
"""How many of a body's earliest dated events the finder shows as its first steps."""


def _year(date: str | None) -> int | None:
    return int(date[:4]) if date and date[:4].isdigit() else None


def _href(page: str, here: str) -> str:
    """A built page's URL relative to the page at ``here`` (raw HTML and script data are not rewritten by MkDocs)."""
    return posixpath.relpath(html_of(page), posixpath.dirname(here) or ".")


def finder_data(hb: Handbook, ix: CrossIndex, here: str = FINDER_PAGE) -> dict[str, Any]:
    """Everything the finder script needs: all bodies (for picking one's own), the covered ones with their evidence."""
    bodies = [[lg.code, lg.name, lg.reading, lg.prefecture, lg.kind, lg.region, lg.census.population,
               *(lg.position or (None, None))] for lg in hb.local_governments.values()]
    covered = []
    for m in hb.municipalities.values():
        page = entity_page("municipality", m.id)
        items: list[dict[str, Any]] = []
        for kp in ix.key_points_by_municipality.get(m.id, ()):
            article = hb.articles[kp.article]
            items.append({"text": kp.text, "themes": list(kp.themes), "year": _year(article.date), "date": article.date,
                          "source": article.title, "url": _href(entity_page("article", article.id), here)})
        events = ix.events_by_municipality.get(m.id, ())
        for e in events:
            first = hb.articles[e.sources[0][0]]
            items.append({"text": e.text, "themes": list(e.themes), "year": _year(e.date), "date": e.date,
                          "source": first.title, "url": _href(entity_page("article", first.id), here)})
        first_steps = [{"date": e.date, "text": e.text} for e in sorted(events, key=lambda e: date_order(e.date))[:FIRST_STEPS]]
        covered.append({
            "id": m.id, "code": m.code, "name": m.name, "prefecture": m.prefecture, "kind": m.kind, "region": m.region,
            "population": m.counted, "band": m.size_band, "url": _href(page, here),
            "themes": list(ix.themes_by_municipality.get(m.id, ())), "first": first_steps, "items": items,
        })
    themes = [[t.id, t.name, _href(entity_page("theme", t.id), here)] for t in hb.themes.values()]
    return {"bodies": bodies, "covered": covered, "themes": themes, "bands": list(SIZE_BANDS)}


def data_script(hb: Handbook, ix: CrossIndex) -> str:
    """The finder's data as a script: one global, its strings escaped for a script context (``escape.json_text``)."""
    return ("// 自治体DXハンドブック: 似た自治体をさがす のデータ(生成物。編集しないでください)\n"
            f"window.HB_FINDER = {escape.json_text(finder_data(hb, ix), sort_keys=True, separators=(',', ':'))};\n")


# The map: an equirectangular projection squeezed by the cosine of Japan's middle latitude, 10 units a degree.
_WEST, _NORTH, _SCALE = 122.5, 46.0, 10.0
_SQUEEZE = math.cos(math.radians(36))


def _xy(position: tuple[float, float]) -> tuple[float, float]:
    lat, lng = position
    return round((lng - _WEST) * _SCALE * _SQUEEZE, 1), round((_NORTH - lat) * _SCALE, 1)


def map_svg(hb: Handbook, here: str) -> Markup:
    """Japan as the 1,788 town halls' dots, the covered bodies as larger linked dots (a link each, reachable by Tab),
    with a text alternative; prefectures are reached through the 都道府県別 index linked below it."""
    located = [lg for lg in hb.local_governments.values() if lg.position]
    points = [_xy(lg.position) for lg in located if lg.position]
    width = max(x for x, _ in points) + 4
    height = max(y for _, y in points) + 4
    dots = "".join(f"M{x} {y}h0" for x, y in points)
    by_code: dict[str, LocalGovernment] = {lg.code: lg for lg in located}
    mine = [(m, by_code[m.code]) for m in hb.municipalities.values() if m.code in by_code]
    links = []
    if len(mine) <= MAP_LINKS:
        for m, lg in mine:
            x, y = _xy(lg.position) if lg.position else (0.0, 0.0)
            label = escape.html(f"{m.name}({m.prefecture})のページ")
            links.append(f'<a href="{escape.html(_href(entity_page("municipality", m.id), here))}" aria-label="{label}">'
                         f'<circle class="hb-map-covered" cx="{x}" cy="{y}" r="5"></circle></a>')
    else:
        marks = "".join(f"M{x} {y}h0" for x, y in (_xy(lg.position) for _, lg in mine if lg.position))
        links.append(f'<path class="hb-map-covered-many" d="{marks}" aria-hidden="true"></path>')
    covered = len(mine)
    return Markup(
        f'<svg class="hb-map-svg" viewBox="0 0 {width:.0f} {height:.0f}" aria-labelledby="hb-map-title">'
        f'<title id="hb-map-title">全国 {len(points):,} の庁舎の位置と、掲載している {covered} 団体</title>'
        f'<path class="hb-map-dots" d="{dots}" aria-hidden="true"></path>{"".join(links)}</svg>'
    )
