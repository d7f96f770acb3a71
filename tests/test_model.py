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
    # 昭島市's YAML gives no population: the 2020 census does (issue 28), so it has a band.
    assert hb.municipalities["akishima"].size_band == "10万〜30万人"


def test_every_body_has_its_census_population_joined_by_code(mini_root: Path) -> None:
    hb = generate(mini_root).handbook
    assert len(hb.local_governments) == 1788
    bandai = hb.municipalities["bandai"]
    assert (bandai.census.population, bandai.census.date, bandai.census.source) == (3332, "2020-10-01", "令和2年国勢調査 人口速報集計")
    assert bandai.population is not None and bandai.population.value == 3400  # the article's own figure stays
    niseko = hb.local_governments["013951"]
    assert (niseko.name, niseko.kind, niseko.region, niseko.census.population, niseko.size_band) == (
        "ニセコ町", "町", "北海道", 5077, "5千〜3万人")
    assert niseko.position == (42.80480026, 140.6875294)
    futaba = hb.local_governments["075469"]  # nobody counted in 2020 (evacuation order)
    assert futaba.census.population is None and futaba.size_band == "人口不明"
    assert hb.local_governments["010006"].kind == "都道府県"


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
