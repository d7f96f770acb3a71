"""Model stage: article bodies become anchored blocks; furniture and look-alike code points are gone."""

from __future__ import annotations

from pathlib import Path

from generator.build import generate


def test_article_blocks_keep_body_only(mini_root: Path) -> None:
    hb = generate(mini_root).handbook
    blocks = hb.articles["mini-article"].blocks
    assert [(b.kind, b.line) for b in blocks] == [("para", 3), ("heading", 4), ("item", 5), ("item", 6), ("para", 7), ("para", 8)]
    texts = " ".join(b.text for b in blocks)
    assert "見出し画像" not in texts and "シェア" not in texts
    assert "窓口" in texts and "⼝" not in texts
    assert blocks[2].text == "①業務量調査"


def test_anchors_are_seed_line_numbers(mini_root: Path) -> None:
    hb = generate(mini_root).handbook
    assert [b.anchor for b in hb.articles["mini-article"].blocks][:2] == ["p3", "p4"]


def test_municipalities_sorted_by_reading_and_size_band(mini_root: Path) -> None:
    hb = generate(mini_root).handbook
    assert list(hb.municipalities) == ["akishima", "bandai"]
    assert hb.municipalities["bandai"].size_band == "5千人未満"
    assert hb.municipalities["akishima"].size_band == "人口不明"


def test_quote_attributed_to_the_speakers_town(mini_root: Path) -> None:
    hb = generate(mini_root).handbook
    (quote,) = hb.articles["mini-article"].quotes
    assert quote.municipality == "bandai"
