"""The open data (generator/pages/opendata.py): the curated metadata as JSON and CSV, without article bodies."""

from __future__ import annotations

import json
from pathlib import Path

from generator.build import generate


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
