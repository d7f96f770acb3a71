"""The open data (generator/pages/opendata.py): the curated metadata as JSON and CSV, without article bodies."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import frictionless

from generator.build import generate
from generator.pages.opendata import CASES, COLUMNS
from generator.pages.paths import DEFAULT_SITE_URL
from tests.conftest import ROOT


def open_data(root: Path) -> dict[str, bytes]:
    return {p.path.removeprefix("data/"): p.data for p in generate(root).pages if p.path.startswith("data/")}


def test_json_is_one_record_per_line_without_article_bodies(mini_root: Path) -> None:
    text = open_data(mini_root)["handbook.json"].decode("utf-8")
    whole = json.loads(text)
    assert sorted(whole) == ["articles", "glossary", "licenses", "municipalities", "organisations", "people", "themes"]
    assert whole["licenses"] == [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/legalcode.ja",
                                  "title": whole["licenses"][0]["title"]}]
    assert "quotes" in whole["licenses"][0]["title"], "the quoted passages are named as outside the licence"
    records = [line.removesuffix(",") for line in text.splitlines() if line.startswith("{\"")]
    assert len(records) == sum(len(v) for v in whole.values())
    assert [json.loads(r) for r in records] == [r for name in sorted(whole) for r in whole[name]]
    article = whole["articles"][0]
    assert "blocks" not in article and article["key_points"][0]["paras"] == [5, 6]
    bandai = next(m for m in whole["municipalities"] if m["id"] == "bandai")
    assert bandai["population"]["value"] > 0 and bandai["size_band"] and bandai["themes"]


def test_csv_opens_in_excel_and_neutralises_formulas(mini_root: Path) -> None:
    data = open_data(mini_root)
    for name in ("municipalities.csv", "articles.csv", "themes.csv", "key_points.csv", "events.csv", "glossary.csv"):
        assert data[name].startswith("\ufeff".encode("utf-8")), name
        assert b"\r\n" in data[name]
    article = next((mini_root / "content" / "articles").glob("*.yaml"))
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("title: ", "title: =HYPERLINK(\"x\") ", 1), encoding="utf-8")
    assert "'=HYPERLINK(\"\"x\"\")" in open_data(mini_root)["articles.csv"].decode("utf-8-sig")


# --- 事例一覧.csv and datapackage.json (issue #30) ----------------------------------------------------------------

def cases(data: dict[str, bytes]) -> list[dict[str, str]]:
    """事例一覧.csv as a spreadsheet user's script reads it: the csv module, the BOM taken off by ``utf-8-sig``."""
    return list(csv.DictReader(io.StringIO(data[CASES].decode("utf-8-sig"))))


def test_case_list_has_names_codes_and_sources_not_slugs() -> None:
    data = open_data(ROOT)
    assert data[CASES].startswith("\ufeff".encode("utf-8")) and b"\r\n" in data[CASES]
    rows = cases(data)
    assert list(rows[0]) == [name for name, _, _ in COLUMNS[CASES]]
    assert list(rows[0])[:4] == ["団体コード", "標準地域コード", "都道府県", "自治体名"]
    bandai = [r for r in rows if r["自治体名"] == "磐梯町"]
    assert bandai, "磐梯町 has rows"
    first = bandai[0]
    assert (first["団体コード"], first["標準地域コード"], first["都道府県"], first["種別"]) == ("074071", "07407", "福島県", "町")
    assert (first["人口"], first["人口の時点"]) == ("3400", "不明")
    assert first["出典記事"].startswith("人口3400人、小さなまち磐梯町がなぜDXに本気になるのか")
    assert first["掲載日"] == "不明" and first["出典URL"] == "https://bandai-town.note.jp/n/ndd776d4f2319"
    assert first["ページURL"] == "https://jichitai-dx-handbook.github.io/handbook/articles/bandai-dx-strategy-2020.html"
    established = next(r for r in bandai if r["種類"] == "出来事" and r["日付"] == "2020-07-01")
    assert "デジタル変革戦略室" in established["内容"] and established["根拠"].startswith("¶")
    assert {r["種類"] for r in rows} == {"要点", "引用", "出来事"}
    quotes = [r for r in rows if r["種類"] == "引用"]
    assert all(r["発言者"] for r in quotes) and not any(r["発言者"] for r in rows if r["種類"] != "引用")
    # Names, never ids: no cell of the body or theme columns is a slug of the content.
    slugs = {p.stem for p in (ROOT / "content").rglob("*.yaml")}
    for r in rows:
        assert not {r["自治体名"], *r["テーマ"].split("、")} & slugs, r
        assert re.fullmatch(r"(\d{6})?", r["団体コード"]) and r["標準地域コード"] == r["団体コード"][:5]
    kanagawa = next(r for r in rows if r["出典記事"].startswith("【自治体DXのために何をする"))
    assert kanagawa["掲載日"] == "2024-12-27", "the date the seed states (SOURCES.md) is filled in"
    articles = {a.id: a for a in generate(ROOT).handbook.articles.values()}
    assert len(rows) == sum(len(a.key_points) + len(a.quotes) + len(a.events) for a in articles.values())


def test_case_list_neutralises_formulas(mini_root: Path) -> None:
    article = mini_root / "content" / "articles" / "mini-article.yaml"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("title: ", "title: ＝HYPERLINK(\"x\") ", 1), encoding="utf-8")
    rows = cases(open_data(mini_root))
    assert rows and all(r["出典記事"].startswith("'＝HYPERLINK") for r in rows)


def test_datapackage_is_valid_frictionless_and_describes_every_column(tmp_path: Path) -> None:
    data = open_data(ROOT)
    for name, content in data.items():
        (tmp_path / name).write_bytes(content)
    package = json.loads(data["datapackage.json"])
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note", "fieldName", "rowNumber"])
    assert package["licenses"][0]["name"] == "CC-BY-4.0" and "引用" in package["description"]
    tables = {r["path"]: r for r in package["resources"] if "schema" in r}
    assert set(tables) == {name for name in data if name.endswith(".csv")} == set(COLUMNS)
    for name, resource in tables.items():
        header = next(csv.reader(io.StringIO(data[name].decode("utf-8-sig"))))
        assert [f["name"] for f in resource["schema"]["fields"]] == header, name
        assert all(f["description"] and re.search("[\u3040-\u30ff\u4e00-\u9fff]", f["description"])
                   for f in resource["schema"]["fields"]), name
    assert {r["path"] for r in package["resources"]} == {name for name in data if name != "datapackage.json"}


def test_site_url_default_is_mkdocs_yml_default() -> None:
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert f'site_url: !ENV [HANDBOOK_SITE_URL, "{DEFAULT_SITE_URL}"]' in text
