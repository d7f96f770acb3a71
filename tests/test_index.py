"""Index stage: cross-references are derived once and agree in both directions."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.build import generate


def test_theme_and_municipality_link_both_ways(mini_root: Path) -> None:
    ix = generate(mini_root).index
    assert ix.themes_by_municipality["bandai"] == ("counter", "mindset")
    assert ix.municipalities_by_theme == {"counter": ("bandai",), "mindset": ("bandai",)}
    for m, themes in ix.themes_by_municipality.items():
        for t in themes:
            assert m in ix.municipalities_by_theme[t]


def test_matrix_cells_count_evidence_items(mini_root: Path) -> None:
    ix = generate(mini_root).index
    assert ix.cell("bandai", "counter") == 2  # one key point + one event (the article's own themes count for nothing)
    assert ix.cell("bandai", "mindset") == 1  # one quote
    assert ix.cell("akishima", "counter") == 0


def test_events_and_groupings(mini_root: Path) -> None:
    ix = generate(mini_root).index
    assert [e.text for e in ix.events_by_municipality["bandai"]] == ["推進室を設置"]
    assert ix.municipalities_by_prefecture == {"福島県": ("bandai",), "東京都": ("akishima",)}
    assert ix.municipalities_by_size == {"5千人未満": ("bandai",), "10万〜30万人": ("akishima",)}


def test_real_handbook_every_theme_pair_is_in_both_directions(handbook_root: Path) -> None:
    ix = generate(handbook_root).index
    pairs_m = {(m, t) for m, ts in ix.themes_by_municipality.items() for t in ts}
    pairs_t = {(m, t) for t, ms in ix.municipalities_by_theme.items() for m in ms}
    assert pairs_m == pairs_t
    assert pairs_m == {k for k, v in ix.cells.items() if v}


@pytest.mark.parametrize("theme_count", [21, 300])
def test_related_bodies_are_the_six_best_scores_ties_in_order(theme_count: int) -> None:
    """Shared themes, plus 2 for the same size band (never for 人口不明); ties keep the bodies' order. With more
    than 253 themes a score could pass a byte: each body's lane is then two bytes wide."""
    import random
    from types import SimpleNamespace

    from generator.content.index import UNKNOWN_BAND, _related
    from generator.content.model import SIZE_BANDS

    rng = random.Random(7)
    themes = [f"t{i}" for i in range(theme_count)]
    bodies = [SimpleNamespace(id=f"m{i:03}", size_band=rng.choice(SIZE_BANDS)) for i in range(300)]
    taken = {b.id: tuple(rng.sample(themes, rng.randint(0, 4))) for b in bodies}
    taken["m001"] = ("t0", "no-such-theme")  # an unknown theme counts for nothing
    hb = SimpleNamespace(municipalities={b.id: b for b in bodies}, themes=dict.fromkeys(themes))
    related = _related(hb, taken)  # type: ignore[arg-type]

    def score(a: SimpleNamespace, b: SimpleNamespace) -> int:
        shared = len(set(taken[a.id]) & set(taken[b.id]) & set(themes))
        return shared + (2 if a.size_band == b.size_band != UNKNOWN_BAND else 0)

    for i, a in enumerate(bodies):
        ranked = sorted((j for j, b in enumerate(bodies) if j != i and score(a, b) > 0), key=lambda j: -score(a, bodies[j]))
        expected = [(bodies[j].id, tuple(t for t in taken[bodies[j].id] if t in taken[a.id]),
                     a.size_band == bodies[j].size_band != UNKNOWN_BAND) for j in ranked[:6]]
        assert [(r.municipality, r.shared_themes, r.same_size) for r in related[a.id]] == expected, a.id


def test_a_theme_lists_who_did_what_first(mini_root: Path) -> None:
    ix = generate(mini_root).index
    first = ix.first_event("counter", "bandai")
    assert first is not None and first.text == "推進室を設置"
    assert ix.first_event("counter", "akishima") is None
    assert ix.by_first_event("counter", ("akishima", "bandai")) == ["bandai", "akishima"]  # dated first, then the rest
