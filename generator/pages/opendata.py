"""Open data: the curated metadata as JSON and CSV files published with the site, described by a Data Package.

CSV files carry a UTF-8 BOM because municipal staff open them in Excel, which otherwise
guesses Shift_JIS and shows mojibake. ``事例一覧.csv`` is the one made for them: one row per evidence item with
names, not ids, under Japanese headers, joinable on the 団体コード and the 標準地域コード. Every column of every CSV is
declared once in ``COLUMNS``: the files' headers, ``datapackage.json`` (Frictionless Data Package) and the column
dictionary of the open-data page all come from it.
"""

from __future__ import annotations

import csv
import functools
import io
import json
from dataclasses import fields, is_dataclass
from typing import Any

from generator.content.index import CrossIndex, evidence
from generator.content.model import Article, Handbook, KeyPoint, Quote
from generator.content.rights import LICENCES
from generator.pages import escape, paths

UNKNOWN = "不明"

CASES = "事例一覧.csv"
FILES = (
    (CASES, "事例一覧(CSV、Excel 向け): 要点・引用・出来事を 1 行ずつ、自治体名・テーマ名・出典つきで"),
    ("handbook.json", "全データ(JSON)"),
    ("municipalities.csv", "自治体(CSV)"),
    ("articles.csv", "記事(CSV)"),
    ("themes.csv", "テーマ(CSV)"),
    ("key_points.csv", "要点(CSV)"),
    ("events.csv", "年表(CSV)"),
    ("glossary.csv", "用語集(CSV)"),
    ("datapackage.json", "データの説明(Frictionless Data Package: 列の型・説明・ライセンス・出典)"),
)

Column = tuple[str, str, str]
"""A CSV column: its header, its Table Schema type and what it holds (in Japanese)."""
_ID, _LIST = "(ハンドブックの識別子。ページの URL の一部)", "(空白区切りの識別子)"
COLUMNS: dict[str, tuple[Column, ...]] = {
    CASES: (
        ("団体コード", "string", "全国地方公共団体コード(検査数字を含む 6 桁)。自治体に結びつかない項目は空"),
        ("標準地域コード", "string", "標準地域コード(JIS X 0402、団体コードの先頭 5 桁)。e-Stat などとの結合に使う"),
        ("都道府県", "string", "都道府県名"),
        ("自治体名", "string", "自治体の正式名称"),
        ("種別", "string", "都道府県 / 市 / 町 / 村 / 特別区"),
        ("人口", "integer", "ハンドブックが記録している人口(人)。出典は municipalities.csv と各自治体のページ。不明なら空"),
        ("人口の時点", "string", "人口の時点(YYYY / YYYY-MM / YYYY-MM-DD)。不明なら「不明」"),
        ("テーマ", "string", "この項目のテーマ名(、区切り)"),
        ("種類", "string", "要点(ハンドブックの言葉でのまとめ)/ 引用(発言の引用。著作権は発言者・掲載元)/ 出来事"),
        ("日付", "string", "出来事の日付(YYYY / YYYY-MM / YYYY-MM-DD)。要点・引用では空"),
        ("内容", "string", "要点・引用・出来事の文"),
        ("発言者", "string", "引用の発言者と肩書き。要点・出来事では空"),
        ("出典記事", "string", "出典の記事の題名"),
        ("掲載日", "string", "出典の記事の掲載日(YYYY / YYYY-MM / YYYY-MM-DD)。記事に書かれていなければ「不明」"),
        ("出典URL", "string", "出典の記事の URL。不明なら空"),
        ("根拠", "string", "根拠となる出典の行(¶ と行番号、空白区切り)"),
        ("ページURL", "string", "この項目を載せたハンドブックの記事ページの URL"),
    ),
    "municipalities.csv": (
        ("code", "string", "全国地方公共団体コード(6 桁)"), ("name", "string", "自治体の正式名称"),
        ("reading", "string", "読み(カタカナ)"), ("kind", "string", "種別"), ("prefecture", "string", "都道府県"),
        ("region", "string", "地方区分"), ("population", "integer", "人口(人)。不明なら空"),
        ("population_as_of", "string", "人口の時点。不明なら空"), ("size_band", "string", "人口規模の区分"),
        ("themes", "string", "取り組みの根拠があるテーマ" + _LIST), ("articles", "integer", "この自治体を扱う記事の数"),
        ("id", "string", "自治体の識別子" + _ID),
    ),
    "articles.csv": (
        ("id", "string", "記事の識別子" + _ID), ("title", "string", "元記事の題名"),
        ("publisher", "string", "掲載媒体・発行者。不明なら空"), ("author", "string", "著者。不明なら空"),
        ("date", "string", "掲載日。不明なら空"), ("url", "string", "元記事の URL。不明なら空"),
        ("seed", "string", "元記事のテキストのファイル名(seeds/)"), ("sha256", "string", "そのファイルの sha256"),
        ("municipalities", "string", "扱う自治体" + _LIST), ("themes", "string", "記事のテーマ" + _LIST),
        ("licence", "string", "元記事の利用条件(unknown は本文を掲載しない)"),
    ),
    "themes.csv": (
        ("id", "string", "テーマの識別子" + _ID), ("name", "string", "テーマ名"), ("reading", "string", "読み"),
        ("aliases", "string", "別名(「 / 」区切り)"), ("municipalities", "integer", "取り組みの根拠がある自治体の数"),
    ),
    "key_points.csv": (
        ("article", "string", "記事の識別子"), ("number", "integer", "記事の中の要点の番号"),
        ("municipality", "string", "要点が関わる自治体の識別子。なければ空"), ("themes", "string", "テーマ" + _LIST),
        ("paragraphs", "string", "根拠となる元記事の行番号(空白区切り)"), ("text", "string", "要点"),
    ),
    "events.csv": (
        ("date", "string", "日付(YYYY / YYYY-MM / YYYY-MM-DD)"), ("municipality", "string", "自治体の識別子。なければ空"),
        ("article", "string", "報じた記事の識別子" + _LIST), ("text", "string", "出来事"),
    ),
    "glossary.csv": (
        ("id", "string", "用語の識別子"), ("term", "string", "用語"), ("reading", "string", "読み"),
        ("aliases", "string", "別表記(「 / 」区切り)"), ("definition", "string", "ハンドブックが書いた説明"),
    ),
}
PACKAGE_SOURCES = (
    {"title": "公開された記事(各行の出典記事・出典URL、articles.csv)", "path": "articles.csv"},
    {"title": "総務省「全国地方公共団体コード」(団体コード・名称)", "path": "https://www.soumu.go.jp/denshijiti/code.html"},
)
"""Where the data comes from, as the Data Package's ``sources`` name it."""


OWN_LICENCE = {
    "name": "CC-BY-4.0",
    "path": LICENCES["CC-BY-4.0"].url,
    "title": "クリエイティブ・コモンズ 表示 4.0 国際。ハンドブック自身のデータに適用。発言の引用(quotes の text)は"
             "元記事からの引用で対象外(著作権は各発言者・掲載元)。元記事ごとの利用条件は articles の rights",
}
"""The data's licence, as a Frictionless Data Package names one (``licenses``: name, path, title)."""


def _csv(header: list[str] | str, rows: list[list[Any]]) -> bytes:
    """A CSV file for Excel: BOM, CRLF, every cell through ``escape.csv_cell``; ``header``: the file name in
    ``COLUMNS`` or the headers themselves."""
    if isinstance(header, str):
        header = [name for name, _, _ in COLUMNS[header]]
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


def _case_rows(hb: Handbook, site_url: str) -> list[list[Any]]:
    """``事例一覧.csv``: every key point, quote and event, one per row, with the names a reader filters by."""
    rows: list[list[Any]] = []
    for a in hb.articles.values():
        page = paths.absolute(paths.entity_page("article", a.id), site_url)
        source = [a.title, a.date or UNKNOWN, a.url or ""]
        for item in evidence(a):
            m = hb.municipalities.get(item.municipality) if item.municipality else None
            # TODO(#28): the census population of every body (data/population-2020.csv) once the model has it.
            body = ([m.code, m.area_code, m.prefecture, m.name, m.kind, m.population.value if m.population else "",
                     (m.population.as_of or UNKNOWN) if m.population else UNKNOWN] if m else ["", "", "", "", "", "", ""])
            themes = "、".join(hb.themes[t].name for t in item.themes if t in hb.themes)
            if isinstance(item, KeyPoint):
                kind, date, speaker, lines = "要点", "", "", item.paras
            elif isinstance(item, Quote):
                person = hb.people.get(item.speaker)
                speaker = f"{person.name}({item.role or person.role})" if person else item.speaker
                kind, date, lines = "引用", "", (item.para,)
            else:
                kind, date, speaker, lines = "出来事", item.date, "", (item.para,) if item.para else ()
            rows.append([*body, themes, kind, date, item.text, speaker, *source, " ".join(f"¶{n}" for n in lines), page])
    return rows


def package(site_url: str) -> dict[str, Any]:
    """``datapackage.json``: every CSV as a tabular resource with its fields' types and Japanese descriptions, the
    handbook.json, the licence (quotes outside it) and the sources. Frictionless validates it in the tests."""
    home = paths.absolute("opendata.md", site_url)
    resources: list[dict[str, Any]] = [{
        "name": "cases" if name == CASES else name.removesuffix(".csv").replace("_", "-"), "path": name,
        "title": dict(FILES)[name], "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
        "profile": "tabular-data-resource",
        "schema": {"fields": [{"name": col, "type": kind, "description": text} for col, kind, text in COLUMNS[name]]},
    } for name, _ in FILES if name in COLUMNS]
    resources.append({"name": "handbook", "path": "handbook.json", "title": dict(FILES)["handbook.json"],
                      "format": "json", "mediatype": "application/json", "encoding": "utf-8"})
    return {
        "name": "jichitai-dx-handbook", "title": "自治体DXハンドブック オープンデータ",
        "description": "自治体DXの事例(自治体・記事・テーマ・要点・引用・出来事・用語)を整理したデータ。記事の本文は含まない。"
                       "引用(事例一覧.csv の種類「引用」の内容、handbook.json の quotes の text)は元記事からの引用で、"
                       "著作権は各発言者・掲載元にある(ライセンスの対象外)。",
        "homepage": home, "licenses": [OWN_LICENCE], "sources": list(PACKAGE_SOURCES), "resources": resources,
    }


def render(hb: Handbook, ix: CrossIndex, site_url: str = "") -> dict[str, bytes]:
    """Every open-data file by name (``site_url``: the published address, for the page URLs in the files)."""
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
        CASES: _csv(CASES, _case_rows(hb, site_url)),
        "datapackage.json": (escape.json_text(package(site_url), indent=1) + "\n").encode("utf-8"),
        "handbook.json": _json(hb, ix),
        "municipalities.csv": _csv("municipalities.csv", munis),
        "articles.csv": _csv("articles.csv", articles),
        "themes.csv": _csv("themes.csv", themes),
        "key_points.csv": _csv("key_points.csv", kps),
        "events.csv": _csv("events.csv", events),
        "glossary.csv": _csv("glossary.csv", glossary),
    }
