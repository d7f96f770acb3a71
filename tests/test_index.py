"""Index stage: cross-references are derived once and agree in both directions."""

from __future__ import annotations

from pathlib import Path

from generator.build import generate


def test_theme_and_municipality_link_both_ways(mini_root: Path) -> None:
    ix = generate(mini_root).index
    assert ix.themes_by_municipality["bandai"] == ("counter", "mindset")
    assert ix.municipalities_by_theme == {"counter": ("bandai",), "mindset": ("bandai",)}
    for m, themes in ix.themes_by_municipality.items():
        for t in themes:
            assert m in ix.municipalities_by_theme[t]


def test_matrix_cells_count_articles_key_points_and_quotes(mini_root: Path) -> None:
    ix = generate(mini_root).index
    assert ix.cell("bandai", "counter") == 2  # the article + one key point
    assert ix.cell("bandai", "mindset") == 2  # the article + one quote
    assert ix.cell("akishima", "counter") == 0


def test_events_and_groupings(mini_root: Path) -> None:
    ix = generate(mini_root).index
    assert [e.text for e in ix.events_by_municipality["bandai"]] == ["推進室を設置"]
    assert ix.municipalities_by_prefecture == {"福島県": ("bandai",), "東京都": ("akishima",)}
    assert ix.municipalities_by_size == {"5千人未満": ("bandai",), "人口不明": ("akishima",)}


def test_real_handbook_every_theme_pair_is_in_both_directions(handbook_root: Path) -> None:
    ix = generate(handbook_root).index
    pairs_m = {(m, t) for m, ts in ix.themes_by_municipality.items() for t in ts}
    pairs_t = {(m, t) for t, ms in ix.municipalities_by_theme.items() for m in ms}
    assert pairs_m == pairs_t
    assert pairs_m == {k for k, v in ix.cells.items() if v}
