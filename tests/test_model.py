"""Model stage: article bodies become anchored blocks; furniture and look-alike code points are gone."""

from __future__ import annotations

from pathlib import Path

from generator.build import generate
from generator.content.load import load
from generator.content.model import Article, build_model
from generator.content.validate import validate
from generator.errors import Problems


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


def test_blocks_are_made_where_the_page_is_rendered_and_bodies_compare_by_their_sources(mini_root: Path) -> None:
    """The model keeps what the blocks are made of; the render processes make them (README, 生成器の段階)."""
    def model() -> dict[str, Article]:
        problems = Problems()
        return build_model(validate(load(mini_root, problems), problems)).articles

    first, again = model()["mini-article"], model()["mini-article"]
    assert "blocks" not in vars(first.body)  # nothing made yet
    assert first == again and first.body is not again.body
    assert [b.line for b in first.blocks] == [3, 4, 5, 6, 7, 8] and "blocks" in vars(first.body)
    assert first == again  # made blocks are not part of the comparison
