"""Pages that change shape at national scale (matrix by rows, themes by prefecture), built by MkDocs --strict."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.build import build
from generator.pages import render
from tests.conftest import copy_mini


@pytest.fixture(scope="module")
def wide_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini handbook built as if it held more bodies than both thresholds (once: both tests only read it)."""
    root = copy_mini(tmp_path_factory.mktemp("wide") / "mini")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(render, "MATRIX_COLUMNS", 0)
        monkeypatch.setattr(render, "THEME_DETAIL_BODIES", 0)
        build(root, strict=True, package=False)
    return root / "site"


def test_the_wide_matrix_gives_every_body_a_row_header(wide_site: Path) -> None:
    html = (wide_site / "indexes" / "matrix.html").read_text(encoding="utf-8")
    assert "行が自治体(都道府県ごと)、列がテーマです。" in html
    assert '<th scope="row"><a href="../municipalities/bandai.html">磐梯町</a></th>' in html
    assert '<th scope="col"><a href="../themes/counter.html">住民目線・窓口</a></th>' in html
    assert '<td><a href="../themes/counter.html#m-bandai" title="磐梯町 × 住民目線・窓口">2</a></td>' in html
    assert "<td>—</td>" in html


def test_a_theme_by_prefecture_keeps_the_anchor_bodies_link_to(wide_site: Path) -> None:
    theme = (wide_site / "themes" / "counter.html").read_text(encoding="utf-8")
    assert '<h3 id="福島県">福島県<a class="headerlink"' in theme
    assert ('<li id="m-bandai"><a href="../municipalities/bandai.html">磐梯町</a>(5千人未満)：'
            '<a href="../articles/mini-article.html">小さな町の窓口改革</a></li>') in theme
    body = (wide_site / "municipalities" / "bandai.html").read_text(encoding="utf-8")
    assert 'href="../themes/counter.html#m-bandai"' in body
