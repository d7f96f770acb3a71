"""Open data: the curated metadata as JSON and CSV files published with the site.

CSV files carry a UTF-8 BOM because municipal staff open them in Excel, which otherwise
guesses Shift_JIS and shows mojibake.
"""

from __future__ import annotations

import csv
import functools
import io
import json
from dataclasses import fields, is_dataclass
from typing import Any

from generator.content.index import CrossIndex
from generator.content.model import Article, Handbook
from generator.content.rights import LICENCES
from generator.pages import escape

FILES = (
    ("handbook.json", "全データ(JSON)"),
    ("municipalities.csv", "自治体(CSV)"),
    ("articles.csv", "記事(CSV)"),
    ("themes.csv", "テーマ(CSV)"),
    ("key_points.csv", "要点(CSV)"),
    ("events.csv", "年表(CSV)"),
    ("glossary.csv", "用語集(CSV)"),
)


OWN_LICENCE = {
    "name": "CC-BY-4.0",
    "path": LICENCES["CC-BY-4.0"].url,
    "title": "クリエイティブ・コモンズ 表示 4.0 国際。ハンドブック自身のデータに適用。発言の引用(quotes の text)は"
             "元記事からの引用で対象外(著作権は各発言者・掲載元)。元記事ごとの利用条件は articles の rights",
}
"""The data's licence, as a Frictionless Data Package names one (``licenses``: name, path, title)."""


def _csv(header: list[str], rows: list[list[Any]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[escape.csv_cell(c) for c in row] for row in rows])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    """The fields a record of this class carries: every field, but an article without its body."""
    return tuple(f.name for f in fields(cls) if not (cls is Article and f.name == "body"))


def _record(value: Any) -> dict[str, Any]:
    """The JSON encoder's fallback: a model dataclass as a dict of its fields, which the encoder then writes."""
    if not is_dataclass(value) or isinstance(value, type):
        raise TypeError(f"オープンデータに書けない値です: {type(value).__name__}")
    return {name: getattr(value, name) for name in _field_names(type(value))}


def _json(hb: Handbook, ix: CrossIndex) -> bytes:
    """Everything curated, without article bodies (those belong to their publishers), one record per line.

    A record per line keeps the file readable and its changes diffable, and lets ``json``'s C encoder write it
    (indentation forces the pure-Python one, which was half of the open data's time at national scale).
    """
    lists: dict[str, list[Any]] = {
        "articles": list(hb.articles.values()),
        "glossary": list(hb.glossary.values()),
        "licenses": [OWN_LICENCE],
        "municipalities": [dict(_record(m), size_band=m.size_band, themes=ix.themes_by_municipality.get(m.id, ()))
                           for m in hb.municipalities.values()],
        "organisations": list(hb.organisations.values()),
        "people": list(hb.people.values()),
        "themes": list(hb.themes.values()),
    }
    encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=_record).encode
    blocks = [f'"{name}": [\n' + ",\n".join(map(encode, records)) + "\n]" for name, records in lists.items()]
    return ("{\n" + ",\n".join(blocks) + "\n}\n").encode("utf-8")


def render(hb: Handbook, ix: CrossIndex) -> dict[str, bytes]:
    """Every open-data file by name."""
    munis = [
        [m.code, m.name, m.reading, m.kind, m.prefecture, m.region,
         m.population.value if m.population else "", (m.population.as_of or "") if m.population else "",
         m.size_band, " ".join(ix.themes_by_municipality.get(m.id, ())), len(ix.articles_by_municipality.get(m.id, ())), m.id]
        for m in hb.municipalities.values()
    ]
    articles = [
        [a.id, a.title, a.publisher or "", a.author or "", a.date or "", a.url or "", a.seed, a.sha256,
         " ".join(a.municipalities), " ".join(a.themes), a.rights.licence.id]
        for a in hb.articles.values()
    ]
    themes = [[t.id, t.name, t.reading, " / ".join(t.aliases), len(ix.municipalities_by_theme.get(t.id, ()))]
              for t in hb.themes.values()]
    kps = [[kp.article, kp.index + 1, kp.municipality or "", " ".join(kp.themes), " ".join(map(str, kp.paras)), kp.text]
           for a in hb.articles.values() for kp in a.key_points]
    events = [[e.date, e.municipality or "", " ".join(e.articles), e.text] for e in ix.events]
    glossary = [[g.id, g.term, g.reading, " / ".join(g.aliases), g.definition] for g in hb.glossary.values()]
    return {
        "handbook.json": _json(hb, ix),
        "municipalities.csv": _csv(["code", "name", "reading", "kind", "prefecture", "region", "population",
                                    "population_as_of", "size_band", "themes", "articles", "id"], munis),
        "articles.csv": _csv(["id", "title", "publisher", "author", "date", "url", "seed", "sha256",
                              "municipalities", "themes", "licence"], articles),
        "themes.csv": _csv(["id", "name", "reading", "aliases", "municipalities"], themes),
        "key_points.csv": _csv(["article", "number", "municipality", "themes", "paragraphs", "text"], kps),
        "events.csv": _csv(["date", "municipality", "article", "text"], events),
        "glossary.csv": _csv(["id", "term", "reading", "aliases", "definition"], glossary),
    }
