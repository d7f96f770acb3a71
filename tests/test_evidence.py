"""Claims only where the evidence is: a body and a theme are tied on the site only by a key point, quote or event
naming both; the timeline lists each event once, in date order, with every source."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from generator.build import Generated, generate
from generator.content.index import date_order
from generator.content.validate import numbers_missing
from tests.conftest import ROOT, copy_repo
from tests.test_validation import content_copy, run_check


@pytest.fixture(scope="module")
def real() -> Generated:
    return generate(ROOT)


def evidenced(g: Generated) -> Counter[tuple[str, str]]:
    """(municipality, theme) → evidence items naming both, counted here from the model, not from the index."""
    pairs: Counter[tuple[str, str]] = Counter()
    for a in g.handbook.articles.values():
        for item in (*a.key_points, *a.quotes, *a.events):
            if item.municipality:
                for t in set(item.themes):
                    pairs[(item.municipality, t)] += 1
    return pairs


def test_theme_pages_list_only_evidenced_bodies(site_dir: Path, real: Generated) -> None:
    pairs = evidenced(real)
    listed = 0
    for t in real.handbook.themes:
        page = (site_dir / "themes" / f"{t}.html").read_text(encoding="utf-8")
        for mid in re.findall(r'id="m-([a-z0-9-]+)"', page):
            assert pairs[(mid, t)] > 0, f"{mid} is listed under {t} with no evidence"
            listed += 1
    assert listed == len(pairs)


def test_matrix_cells_count_evidence_and_link_to_it(site_dir: Path, real: Generated) -> None:
    pairs = evidenced(real)
    page = (site_dir / "indexes" / "matrix.html").read_text(encoding="utf-8")
    cells = re.findall(r'<a href="\.\./themes/([a-z0-9-]+)\.html#m-([a-z0-9-]+)"[^>]*>(\d+)</a>', page)
    assert {(m, t): int(n) for t, m, n in cells} == dict(pairs)


def test_municipality_pages_claim_only_evidenced_themes(site_dir: Path, real: Generated) -> None:
    pairs = evidenced(real)
    for mid in real.handbook.municipalities:
        page = (site_dir / "municipalities" / f"{mid}.html").read_text(encoding="utf-8")
        for t in re.findall(rf'href="\.\./themes/([a-z0-9-]+)\.html#m-{mid}"', page):
            assert pairs[(mid, t)] > 0, (mid, t)
        for r in real.index.related_municipalities.get(mid, ()):
            for t in r.shared_themes:
                assert pairs[(mid, t)] > 0 and pairs[(r.municipality, t)] > 0, (mid, r.municipality, t)


def test_hayama_is_not_under_disaster_dx(site_dir: Path) -> None:
    page = (site_dir / "themes" / "disaster-dx.html").read_text(encoding="utf-8")
    assert "葉山町" not in page and 'id="m-hayama"' not in page


def test_partner_organisations_are_tied_to_that_body(real: Generated) -> None:
    hb, ix = real.handbook, real.index
    for mid, orgs in ix.organisations_by_municipality.items():
        for oid in orgs:
            own = any(a.municipalities == (mid,) and oid in a.organisations for a in hb.articles.values())
            spoke = any(hb.people[q.speaker].organisation == oid for q in ix.quotes_by_municipality.get(mid, ()))
            assert own or spoke, (mid, oid)
    assert "tis" not in ix.organisations_by_municipality.get("hayama", ())


def test_timeline_lists_each_event_once_in_date_order(site_dir: Path, real: Generated) -> None:
    events = real.index.events
    keys = [(e.date, e.municipality, e.text) for e in events]
    assert len(keys) == len(set(keys))
    assert [date_order(e.date) for e in events] == sorted(date_order(e.date) for e in events)
    page = (site_dir / "indexes" / "timeline.html").read_text(encoding="utf-8")
    rows = re.findall(r"<tr>\s*<td>(.*?)</td>", page.split("<tbody>", 1)[1], re.S)
    assert len(rows) == len(events)


def test_an_event_reported_twice_appears_once_with_both_sources(tmp_path: Path) -> None:
    root = copy_repo(tmp_path)
    event = '  - date: "2021-09-01"\n    text: デジタル庁が発足する(試験用)\n'
    for name in ("akishima-enterprisezine", "kanagawa-dx-forum"):
        path = root / "content" / "articles" / f"{name}.yaml"
        text = path.read_text(encoding="utf-8")
        assert "\nevents:\n" in text
        path.write_text(text.replace("\nevents:\n", "\nevents:\n" + event, 1), encoding="utf-8")
    g = generate(root)
    (merged,) = [e for e in g.index.events if e.text == "デジタル庁が発足する(試験用)"]
    assert merged.articles == ("akishima-enterprisezine", "kanagawa-dx-forum")
    page = next(p.content for p in g.pages if p.path == "indexes/timeline.md")
    assert isinstance(page, str)
    (row,) = [line for line in page.splitlines() if "デジタル庁が発足する\\(試験用\\)" in line]
    assert "akishima-enterprisezine.md" in row and "kanagawa-dx-forum.md" in row


def test_partial_dates_sort_after_the_days_they_span() -> None:
    assert sorted(["2020-07", "2020-07-01", "2020", "2020-12-31", "2021"], key=date_order) == [
        "2020-07-01", "2020-07", "2020-12-31", "2020", "2021"]


def test_check_finds_a_key_point_number_its_lines_do_not_hold(tmp_path: Path) -> None:
    root = content_copy(tmp_path)
    path = root / "content/articles/akishima-enterprisezine.yaml"
    text = path.read_text(encoding="utf-8")
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "人口11.6万人の中規模自治体" in s)
    path.write_text(text.replace("人口11.6万人の中規模自治体", "人口12.6万人の中規模自治体", 1), encoding="utf-8")
    status, out = run_check(root, "--strict")
    assert status == 1
    assert out == [
        f"content/articles/akishima-enterprisezine.yaml:{line}: key_points[0].text: 警告: 数字「12.6」が根拠の行(paras)に"
        "ありません(原文の数字を確かめてください)",
        "エラー 0 件、警告 1 件。修正してからもう一度実行してください。",
    ]


def test_a_year_may_stand_in_wareki_in_the_cited_line() -> None:
    assert numbers_missing("2020年度に設置した", "令和2年度に設置") == []
    assert numbers_missing("2019年に", "令和元年に") == []
    assert numbers_missing("約1,070億円", "約1070億円") == []
    assert numbers_missing("2021年に3回", "2021年に2回") == ["3"]
