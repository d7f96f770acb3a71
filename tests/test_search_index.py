"""The search index stage: normalisation, query splitting, text extraction and the files it writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.search import (
    bigram_bits,
    bloom,
    extract,
    fold,
    lookalike_table,
    normalise,
    query_phrase,
    query_terms,
    search_key,
    strip_edges,
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ＤＸ", "DX"),
        ("ﾃﾞｼﾞﾀﾙ", "デジタル"),
        ("ｶﾞﾊﾞﾒﾝﾄｸﾗｳﾄﾞ", "ガバメントクラウド"),
        ("２０４０年", "2040年"),
        ("生成AⅠ", "生成AI"),
        ("⽉⾼⼝", "月高口"),
        ("\u2ed1野県", "長野県"),
        ("ＮＴＴ\u3000東日本", "NTT東日本"),
    ],
)
def test_fold_unifies_widths_and_lookalikes(typed: str, stored: str) -> None:
    assert normalise(typed) == stored


def test_circled_digits_and_kana_stay_as_written() -> None:
    assert fold("①②③ ひらがな カタカナ") == "①②③ ひらがな カタカナ"


def test_case_is_folded_only_for_matching() -> None:
    assert normalise("Chief Digital Officer") == "Chief Digital Officer"
    assert search_key("Chief Digital Officer") == "chief digital officer"
    assert search_key("ｂｐｒ") == search_key("BPR") == "bpr"


def test_lower_casing_keeps_the_length_so_snippet_offsets_stay_valid() -> None:
    text = normalise("İstanbul ＤＸ ⽉")
    assert len(text.lower()) == len(text)


@pytest.mark.parametrize(
    ("raw", "squeezed"),
    [
        ("NTT 東日本", "NTT東日本"),
        ("デジタル 人材", "デジタル人材"),
        ("です。\n 次に", "です。次に"),
        ("Chief  Digital\nOfficer", "Chief Digital Officer"),
        ("2040 年", "2040年"),
        ("OODA ループ", "OODAループ"),
    ],
)
def test_spaces_only_separate_latin_words(raw: str, squeezed: str) -> None:
    assert normalise(raw) == squeezed


def test_query_terms_split_on_spaces_and_drop_edge_punctuation() -> None:
    assert query_terms("「ガバクラ」　ＮＴＴ 東日本") == ["ガバクラ", "ntt", "東日本"]
    assert query_terms("・OODA、") == ["ooda"]
    assert query_terms("推進体制(CDO/CIO)") == ["推進体制(cdo/cio"]
    assert query_terms("   ") == []


def test_query_phrase_joins_terms_like_the_index() -> None:
    assert query_phrase("NTT 東日本") == "ntt東日本"
    assert query_phrase("Chief Digital Officer") == "chief digital officer"
    assert strip_edges("「意識改革」。") == "意識改革"


def test_lookalike_table_matches_the_display_normalisation() -> None:
    table = lookalike_table()
    assert table["⽉"] == "月"
    assert table["Ⅰ"] == "I"
    assert table["\u00a0"] == " "
    assert "①" not in table


PAGE = """<html><head><title>見出し - 自治体DXハンドブック</title></head><body>
<nav>ナビゲーション</nav>
<article class="md-content__inner md-typeset">
<a href="edit" title="編集" class="md-content__button md-icon"><svg><path d="M0"/></svg></a>
<h1 id="top">ＤＸの 見出し<a class="headerlink" href="#top">&para;</a></h1>
<p>本文 の<abbr title="用語の説明">ガバクラ</abbr>と &lt;script&gt; と Open Data。</p>
<h2 id="s2">Section Two<a class="headerlink" href="#s2">&para;</a></h2>
<table><tr><td>Chief</td><td>Officer</td></tr></table>
<script>var ignored = 1;</script>
</article>
<footer>フッター</footer>
</body></html>"""


def test_extract_keeps_article_text_only_with_sections() -> None:
    page = extract("a/b.html", PAGE, "自治体DXハンドブック")
    assert page is not None
    assert page.title == "DXの見出し"
    assert page.text == "DXの見出し本文のガバクラと<script>とOpen Data。Section Two Chief Officer"
    assert [(s.anchor, s.title) for s in page.sections] == [("top", "DXの見出し"), ("s2", "Section Two")]
    assert page.text[page.sections[1].offset :].startswith("Section Two")
    assert "ナビゲーション" not in page.text and "用語の説明" not in page.text and "ignored" not in page.text


def test_extract_skips_pages_without_an_article() -> None:
    assert extract("x.html", "<html><body><p>リダイレクト</p></body></html>") is None


def test_built_site_has_stub_index_and_data(site_dir: Path) -> None:
    stub = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert stub["docs"] == []
    assert stub["config"]["lang"] == ["ja"]
    name = stub["config"]["handbook"]["index"]
    data = json.loads((site_dir / f"{name}.json").read_text(encoding="utf-8"))
    texts = (site_dir / f"{name}.txt").read_bytes().decode("utf-16-le").split("\x00")
    filters = (site_dir / f"{name}.bin").read_bytes()
    assert len(filters) == len(data["docs"]) * data["bloom"]["bits"] // 8
    script = (site_dir / f"{name}.js").read_text(encoding="utf-8")
    assert script.startswith("self.__handbookSearchIndex={") and script.rstrip().endswith(";")
    assert "self.__handbookSearchText=" in script
    assert (site_dir / "search" / "search_index.js").read_text(encoding="utf-8").startswith("var __index = {")
    locations = [d[0] for d in data["docs"]]
    assert "themes/gov-cloud-standardization.html" in locations
    assert "print.html" not in locations, "search: exclude のページは索引に入れない"
    assert "404.html" not in locations
    assert ["ガバメントクラウド", "ガバクラ"] in data["synonyms"]
    assert ["CDO", "最高デジタル責任者", "Chief Digital Officer"] in data["synonyms"]
    assert len(texts) == len(data["docs"]) == len(data["lengths"])
    assert [len(t.encode("utf-16-le")) // 2 for t in texts] == data["lengths"]
    glossary = texts[locations.index("glossary.html")]
    anchors = {a: offset for a, _, offset in data["docs"][locations.index("glossary.html")][2]}
    assert glossary[anchors["g-gov-cloud"] :].startswith("ガバメントクラウド")


def test_worker_is_what_the_pages_load(site_dir: Path) -> None:
    html = (site_dir / "index.html").read_text(encoding="utf-8")
    # overrides/main.html rewrites the "search" entry of Material's __config before its bundle reads it.
    config = html.index('<script id="__config"')
    patch = html.index('c.search="assets/javascripts/handbook-search.js"')
    assert config < patch < html.index("bundle.")
    assert (site_dir / "assets" / "javascripts" / "handbook-search.js").is_file()


def test_bigram_filter_matches_the_workers_hash() -> None:
    # The worker computes the same two bits with Math.imul (overrides/assets/javascripts/handbook-search.js).
    assert bigram_bits(ord("ガ"), ord("バ")) == (2841, 410)
    assert bigram_bits(100, 120) == (178, 2656)
    bits = bloom(normalise("ＮＴＴ東日本"))
    for a, b in (("n", "t"), ("t", "t"), ("t", "東"), ("東", "日"), ("日", "本")):
        for h in bigram_bits(ord(a), ord(b)):
            assert bits[h >> 3] & (1 << (h & 7)), (a, b)
