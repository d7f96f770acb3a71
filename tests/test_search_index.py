"""The search index stage: normalisation, query splitting, text extraction and the files it writes."""

from __future__ import annotations

import base64
import itertools
import json
import random
import re
from pathlib import Path
from typing import Any

import pytest

from generator.publish import search as search_module
from generator.publish.search import (
    BITMAP_MARK,
    KINDS,
    LATIN_CLASS,
    PERMALINK,
    SCRIPT_PREFIX,
    SCRIPT_SUFFIX,
    SPACE_CLASS,
    Entity,
    PageText,
    Section,
    chunks,
    encode_postings,
    extract,
    fold,
    gram_key,
    index_files,
    lookalike_table,
    matchable,
    normalise,
    postings,
    read_pages,
    search_key,
    shard_of,
    site_pages,
    squeeze,
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


def _squeeze_run_by_run(text: str) -> str:
    """The rule ``squeeze`` implements, one run of white space at a time: kept as one space only between Latin letters."""

    def space(m: re.Match[str]) -> str:
        before, after = text[m.start() - 1 : m.start()], text[m.end() : m.end() + 1]
        return " " if re.fullmatch(LATIN_CLASS, before) and re.fullmatch(LATIN_CLASS, after) else ""

    return re.sub(SPACE_CLASS, space, text)


def test_squeeze_follows_the_rule_run_by_run() -> None:
    rng = random.Random(7)
    alphabet = ["a", "Z", "9", "é", "ǿ", "東", "。", "(", "-", "\ue001", " ", "  ", "\u3000", "\n", "\t", "\u00a0", "\u200b"]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 12)))
        assert squeeze(text) == _squeeze_run_by_run(text), repr(text)


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
<p id="p7" class="hb-para">段落です。 <a class="hb-para-link" href="#p7" aria-label="段落 7 へのリンク">¶7</a></p>
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
    assert page.text == "DXの見出し本文のガバクラと<script>とOpen Data。段落です。Section Two Chief Officer"
    assert [(s.anchor, s.title) for s in page.sections] == [("top", "DXの見出し"), ("s2", "Section Two")]
    assert page.text[page.sections[1].offset :].startswith("Section Two")
    assert "ナビゲーション" not in page.text and "用語の説明" not in page.text and "ignored" not in page.text
    assert "¶" not in page.text  # paragraph permalinks are furniture, like the headings' ¶
    # Block boundaries are kept apart from the text: matching ignores them, snippets show a separator there.
    cuts = [0, *page.breaks, len(page.text)]
    assert [page.text[a:b] for a, b in itertools.pairwise(cuts)] == [
        "DXの見出し", "本文のガバクラと<script>とOpen Data。", "段落です。", "Section Two", " Chief", " Officer"]


def test_permalinks_dropped_before_the_walk_are_what_it_would_skip(site_dir: Path) -> None:
    dropped = 0
    for _rel, path in site_pages(site_dir):
        html_text = path.read_text(encoding="utf-8")
        start = html_text.find('<article class="md-content__inner')
        if start < 0:
            continue
        inner = html_text[html_text.index(">", start) + 1 : html_text.rfind("</article>")]
        kept, count = PERMALINK.subn("", inner)
        dropped += count
        walked, fast = search_module._collect(inner), search_module._collect(kept)
        assert ("".join(fast.parts), fast.headings) == ("".join(walked.parts), walked.headings), _rel
    assert dropped > 500  # every heading's ¶ (and every body paragraph's, where a source allows its body)


def test_the_walks_own_marks_in_a_page_are_dropped_as_text() -> None:
    """The walk marks headings and block ends with private-use characters; the same characters in a page, written or
    as a character reference, must not become headings or breaks."""
    page = extract("a.html", '<html><body><article class="md-content__inner"><h1 id="a">見出し</h1>'
                             '<p>本&#xe001;文\ue000と\ue002X\ue003</p><h2 id="b">次</h2><p>終</p></article></body></html>')
    assert page is not None
    assert page.text == "見出し本文とX次終"
    assert [(s.anchor, s.offset) for s in page.sections] == [("a", 0), ("b", 7)]
    assert page.breaks == [3, 7, 8]


def test_extract_skips_pages_without_an_article() -> None:
    assert extract("x.html", "<html><body><p>リダイレクト</p></body></html>") is None


def read_script(path: Path) -> dict[str, Any]:
    """An index file's payload, parsed the way the worker does over http."""
    text = path.read_text(encoding="utf-8")
    assert text.startswith(SCRIPT_PREFIX) and text.endswith(SCRIPT_SUFFIX), path
    payload: dict[str, Any] = json.loads(text[len(SCRIPT_PREFIX) : -len(SCRIPT_SUFFIX)])
    return payload


def decode(postings: str) -> list[int]:
    """Page numbers from an encoded postings string (handbook-search.js decode)."""
    if postings.startswith(BITMAP_MARK):
        bits = base64.b64decode(postings[1:])
        return [i * 8 + k for i, b in enumerate(bits) for k in range(8) if b & (1 << k)]
    return list(itertools.accumulate(int(gap) for gap in postings.split(",")))


@pytest.fixture(scope="module")
def index_dir(site_dir: Path) -> Path:
    stub = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    return site_dir / stub["config"]["handbook"]["index"]


def test_built_site_has_stub_index_and_manifest(site_dir: Path, index_dir: Path) -> None:
    stub = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert stub["docs"] == [], "Material's own index is replaced by a stub"
    assert stub["config"]["lang"] == ["ja"]
    assert (site_dir / "search" / "search_index.js").read_text(encoding="utf-8").startswith("var __index = {")
    manifest = read_script(index_dir / "manifest.js")
    info = page_info(index_dir)
    locations = [d[0] for d in info]
    assert len(info) == manifest["pages"]
    assert "themes/gov-cloud-standardization.html" in locations
    assert "print.html" not in locations, "印刷用ページは索引に入れない"
    assert "404.html" not in locations
    assert ["ガバメントクラウド", "ガバクラ"] in manifest["synonyms"]
    assert ["CDO", "最高デジタル責任者", "Chief Digital Officer"] in manifest["synonyms"]
    assert ["押印", "はんこ", "ハンコ", "印鑑", "判子"] in manifest["synonyms"], "content/synonyms.yaml"
    assert manifest["special"]["glossary.html"] == locations.index("glossary.html")
    bandai = locations.index("municipalities/bandai.html")
    assert [bandai, "", ["磐梯町"]] in manifest["entities"]
    assert info[bandai][2:] == [KINDS.index("自治体"), "福島県・5千人未満"]
    assert {p.name for p in index_dir.iterdir()} == {
        "manifest.js", *(f"g{i}.js" for i in range(manifest["shards"])),
        *(f"t{c}.js" for c in range(len(decode(manifest["chunks"])))),
        *(f"i{n}.js" for n in range(-(-manifest["pages"] // manifest["infoPages"]))),
    }


def page_info(index_dir: Path) -> list[list[Any]]:
    """Every page's [location, title, kind, meta], from the info files in order."""
    out: list[list[Any]] = []
    for n in range(len(list(index_dir.glob("i*.js")))):
        out += read_script(index_dir / f"i{n}.js")["docs"]
    return out


def test_every_page_text_is_in_the_chunk_the_manifest_names(index_dir: Path) -> None:
    manifest = read_script(index_dir / "manifest.js")
    texts: dict[int, tuple[str, list[list[Any]]]] = {}
    for path in sorted(index_dir.glob("t*.js")):
        chunk = read_script(path)
        for d, text, sections, _breaks, _aux in chunk["docs"]:
            starts = decode(manifest["chunks"])
            assert max(c for c, start in enumerate(starts) if start <= d) == chunk["chunk"] == int(path.stem[1:])
            texts[d] = (text, sections)
    assert sorted(texts) == list(range(manifest["pages"]))
    glossary, sections = texts[[d[0] for d in page_info(index_dir)].index("glossary.html")]
    offsets = {anchor: offset for anchor, _, offset in sections}
    # Offsets count UTF-16 code units, as the worker's strings do.
    units = glossary.encode("utf-16-le")
    assert units[2 * offsets["g-gov-cloud"] :].decode("utf-16-le").startswith("ガバメントクラウド")


def test_every_gram_of_every_page_lists_that_page(index_dir: Path) -> None:
    manifest = read_script(index_dir / "manifest.js")
    shards = [read_script(index_dir / f"g{i}.js")["grams"] for i in range(manifest["shards"])]
    texts = {d: text for path in index_dir.glob("t*.js") for d, text, *_ in read_script(path)["docs"]}
    for d, text in texts.items():
        for gram in worker_grams(matchable(text)):
            assert d in decode(shards[shard_of(gram, manifest["shards"])][gram]), (gram, d)
    assert all(gram in shards[i] for i in range(len(shards)) for gram in shards[i]
               if shard_of(gram, len(shards)) == i), "each gram sits in the shard its hash names"
    assert "磐梯" in shards[shard_of("磐梯", len(shards))]
    assert "ぽぽ" not in shards[shard_of("ぽぽ", len(shards))]


def test_postings_use_gaps_or_a_bitmap_whichever_is_shorter() -> None:
    assert encode_postings([3, 4, 10], 1000) == "3,1,6"
    dense = list(range(0, 40, 2))
    encoded = encode_postings(dense, 40)
    assert encoded.startswith(BITMAP_MARK) and decode(encoded) == dense
    assert decode(encode_postings([0, 7, 8, 999], 1000)) == [0, 7, 8, 999]


def worker_grams(low: str) -> set[str]:
    """What handbook-search.js can look up: every UTF-16 code unit and pair of adjacent units (JavaScript slices)."""
    data = low.encode("utf-16-le")
    units = [data[i : i + 2] for i in range(0, len(data), 2)]
    return {b"".join(units[i : i + n]).decode("utf-16-le", "surrogatepass") for n in (1, 2) for i in range(len(units) - n + 1)}


def test_grams_are_cut_by_utf16_units_like_the_worker_cuts_them(tmp_path: Path) -> None:
    # 𠮷 is outside the BMP: two code units in JavaScript. "𠮷野家" is looked up by "𠮷" and "\udfb7野".
    pages = [PageText("a.html", "a", "𠮷野家のDX"), PageText("b.html", "b", "野家")]
    found = {gram_key(g): list(docs) for g, docs in postings(pages).items()}
    assert set(found) == worker_grams("𠮷野家のdx") | worker_grams("野家")
    assert found["\udfb7野"] == [0] and found["𠮷"] == [0] and found["野家"] == [0, 1]
    files = index_files(pages, [], postings(pages))
    shards = [json.loads(files[f"g{i}.js"].removeprefix(SCRIPT_PREFIX).removesuffix(SCRIPT_SUFFIX))["grams"]
              for i in range(json.loads(files["manifest.js"].removeprefix(SCRIPT_PREFIX).removesuffix(SCRIPT_SUFFIX))["shards"])]
    assert "\\udfb7野" in "".join(files[f"g{i}.js"] for i in range(len(shards))), "lone surrogates are JSON escapes"
    for gram in worker_grams("𠮷野家"):
        assert decode(shards[shard_of(gram, len(shards))][gram]) == ([0, 1] if gram in worker_grams("野家") else [0])
    for text in files.values():
        assert text.encode("utf-8").decode("utf-8") == text  # no raw surrogate: every file is valid UTF-8


def test_shard_hash_is_fnv1a_over_utf16_units() -> None:
    # handbook-search.js shardOf computes the same with Math.imul; a mismatch loses every result.
    assert shard_of("a", 1 << 30) == 0xE40C292C & ((1 << 30) - 1)  # the published FNV-1a of "a"
    assert shard_of("磐梯", 1) == 0
    assert {shard_of(g, 16) for g in ("DX", "dx", "デジ", "ジタ", "タル")} <= set(range(16))


def test_chunks_close_at_the_size_limit() -> None:
    pages = [PageText(f"p{i}.html", "t", "あ" * size) for i, size in enumerate((1500, 600, 10, 5000, 20))]
    assert chunks(pages) == [[0, 1], [2, 3], [4]]
    assert chunks([]) == []


def test_worker_is_what_the_pages_load(site_dir: Path) -> None:
    html = (site_dir / "index.html").read_text(encoding="utf-8")
    # overrides/main.html rewrites the "search" entry of Material's __config before its bundle reads it.
    config = html.index('<script id="__config"')
    patch = html.index('c.search="assets/javascripts/handbook-search.js"')
    assert config < patch < html.index("bundle.")
    assert (site_dir / "assets" / "javascripts" / "handbook-search.js").is_file()


def test_an_entity_whose_heading_paging_moved_is_found_in_the_part_that_holds_it() -> None:
    # At national scale the glossary is cut into parts (glossary/2.html, …): a term's result must open the part that
    # holds its heading, not glossary.html, where the anchor is not.
    pages = [PageText("glossary.html", "用語集", "アジャイル", [Section("g-agile", "アジャイル", 0)]),
             PageText("glossary/2.html", "用語集(2)", "ボトムアップ", [Section("g-bottom-up", "ボトムアップ", 0)])]
    ents = [Entity("glossary.html#g-agile", ("アジャイル",)), Entity("glossary.html#g-bottom-up", ("ボトムアップ",)),
            Entity("glossary.html#g-nowhere", ("どこにもない",))]
    manifest = index_files(pages, ents, postings(pages))["manifest.js"]
    found = json.loads(manifest.removeprefix(SCRIPT_PREFIX).removesuffix(SCRIPT_SUFFIX))["entities"]
    assert [entry[:2] for entry in found] == [[0, "g-agile"], [1, "g-bottom-up"], [0, "g-nowhere"]]


def test_a_missing_page_is_left_out_and_the_numbers_close_up(site_dir: Path) -> None:
    # The postings number the pages read, not the locations asked for: a gap would point every later gram at the
    # wrong page.
    locations = [rel for rel, _ in site_pages(site_dir) if rel != "print.html"]
    asked = [*locations[:3], "missing.html", *locations[3:]]
    pages, found = read_pages(site_dir, asked, "自治体DXハンドブック")
    assert [p.location for p in pages] == locations
    assert {g: list(d) for g, d in found.items()} == {g: list(d) for g, d in postings(pages).items()}
    assert max(d for docs in found.values() for d in docs) == len(pages) - 1
