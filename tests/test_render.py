"""Render stage: templates cannot print unescaped data, and tooltips wrap first occurrences only."""

from __future__ import annotations

import hashlib
import random
import re
from pathlib import Path
from types import SimpleNamespace

import jinja2
import pytest
from markupsafe import Markup

from generator.build import generate
from generator.pages import render as render_module
from generator.pages.render import Tooltips, _environment, tooltip_factory


@pytest.mark.parametrize(("value", "message"), [
    ("<b>x</b>", "エスケープされていない値をテンプレートが出力しようとしました: '<b>x</b>'"),
    (True, "エスケープされていない値をテンプレートが出力しようとしました: 'True'"),
    (["<b>"], "エスケープされていない値をテンプレートが出力しようとしました: \"\\['<b>'\\]\""),
    (None, "テンプレートが None を出力しようとしました"),
])
def test_printing_a_raw_value_is_an_error(value: object, message: str) -> None:
    env = _environment()
    with pytest.raises(TypeError, match=message):
        env.from_string("{{ value }}").render(value=value)


def test_undefined_names_are_errors() -> None:
    with pytest.raises(jinja2.UndefinedError):
        _environment().from_string("{{ missing|md }}").render()


def test_filters_escape() -> None:
    env = _environment()
    out = env.from_string("{{ v|md }} / {{ v|h }}").render(v="<i>*x*</i>")
    assert out == "&lt;i&gt;\\*x\\*&lt;/i&gt; / &#60;i&#62;&#42;x&#42;&#60;&#47;i&#62;"


def test_escaped_text_prints_as_it_is_and_numbers_as_digits() -> None:
    """Jinja's public ``finalize`` refuses raw values; Markup and numbers print as they are."""
    template = _environment().from_string("{{ a }}|{{ b }}|{{ c }}|{{ d|h }}")
    assert template.render(a=Markup("<b>済</b>"), b=1788, c=0.5, d="<script>") == "<b>済</b>|1788|0.5|&#60;script&#62;"


def test_lists_of_links_and_names_are_one_call_joined_by_the_japanese_comma() -> None:
    """``link.munis``/``themes``/``articles`` and the ``lookup`` and ``names`` filters replace loops asking loop.last."""
    env = _environment()
    table = {"a": SimpleNamespace(id="a", name="秋*島", title="記事"), "b": SimpleNamespace(id="b", name="<b>", title="x")}
    template = env.from_string("{{ link.munis(ids|lookup(table)) }}|{{ link.articles(ids[:1]|lookup(table)) }}|"
                               "{{ link.themes(none_|lookup(table)) }}|{{ ids|lookup(table)|names|md }}")
    out = template.render(link=render_module.Links("themes/t.md"), table=table, ids=["a", "b"], none_=[])
    assert out == ("[秋\\*島](../municipalities/a.md)、[&lt;b&gt;](../municipalities/b.md)|[記事](../articles/a.md)||"
                   "秋\\*島、&lt;b&gt;")
    with pytest.raises(TypeError, match="エスケープされていない値"):
        env.from_string("{{ ids|lookup(table)|names }}").render(table=table, ids=["a"])


def test_tooltips_wrap_each_term_once_per_page(mini_root: Path) -> None:
    hb = generate(mini_root).handbook
    tips: Tooltips = tooltip_factory(hb)()
    first = tips.h("BPRと業務改革とBPR")
    assert first.count("<abbr") == 1
    assert 'title="BPR&#58; 仕事の流れを根本から組み立て直すこと。"' in first
    assert tips.h("BPR") == "BPR"
    fresh = tooltip_factory(hb)()
    assert fresh.md("業務量調査<x>").startswith('<abbr title="業務量調査&#58; ')
    assert fresh.md("業務量調査<x>").endswith("&lt;x&gt;")  # Markdown context around the tooltip


@pytest.mark.parametrize("texts", [
    ["BPRの話", "業務改革とBPR", "<b>業務量調査</b>", "", "業務量調査とBPR"],
    ["BPR\x00業務量調査", "業務量調査"],  # a NUL (refused on load) makes each text take its own pass
    [],
])
def test_a_body_annotated_in_one_pass_is_what_one_pass_per_paragraph_gives(mini_root: Path, texts: list[str]) -> None:
    hb = generate(mini_root).handbook
    each = tooltip_factory(hb)()
    assert list(tooltip_factory(hb)().h_each(texts)) == [each.h(text) for text in texts]


def test_output_is_deterministic(mini_root: Path) -> None:
    first = [(p.path, p.content) for p in generate(mini_root).pages]
    second = [(p.path, p.content) for p in generate(mini_root).pages]
    assert first == second
    assert [p for p, _ in first] == sorted(p for p, _ in first)


def test_a_theme_many_bodies_took_up_lists_them_by_prefecture(mini_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # At national scale a theme page lists bodies one line each, by prefecture, instead of every key point.
    detailed = {p.path: p.content for p in generate(mini_root).pages}["themes/counter.md"]
    assert isinstance(detailed, str) and "研修から始めた。" in detailed
    # An article about no body in particular is listed after the prefectures.
    seed = (mini_root / "seeds" / "mini.txt").read_bytes()
    (mini_root / "seeds" / "national.txt").write_bytes(seed)
    (mini_root / "content" / "articles" / "national.yaml").write_text(
        f"id: national\nseed: national.txt\nsha256: {hashlib.sha256(seed).hexdigest()}\ntitle: 国の窓口改革\n"
        "publisher: null\nauthor: null\ndate: null\nurl: null\nsummary: 全国の動き。\nbody:\n  - start: 3\n    end: 8\n"
        "themes: [counter]\n", encoding="utf-8")
    monkeypatch.setattr(render_module, "THEME_DETAIL_BODIES", 0)
    page = {p.path: p.content for p in generate(mini_root, strict=True).pages}["themes/counter.md"]
    assert isinstance(page, str)
    assert "取り組んだ団体が 1 あるため、都道府県ごとに団体とその記事を並べています。" in page
    assert ("### 福島県\n\n- [磐梯町](../municipalities/bandai.md)(5千人未満)："
            "[小さな町の窓口改革](../articles/mini-article.md)\n  {: #m-bandai }\n") in page
    assert "研修から始めた。" not in page  # key points stay on the body's and the article's pages
    assert page.split("## 取り組んだ自治体")[0] == detailed.split("## 取り組んだ自治体")[0]
    assert "\n## 団体を特定しない記事\n\n- [国の窓口改革](../articles/national.md)\n\n## 関連するテーマ {: #related-themes }\n" in page
    assert page.split("## 関連する")[1:] == detailed.split("## 関連する")[1:]


def test_the_term_trie_splits_text_as_the_longest_first_alternation_does() -> None:
    """``render.longest_first`` is the alternation of the names sorted longest first, as a trie."""
    rng = random.Random(7)
    alphabet = "デジタル変革人材庁自治体DXab"
    for _ in range(300):
        names = {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 5))) for _ in range(rng.randint(1, 12))}
        plain = re.compile("(" + "|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n))) + ")")
        trie = re.compile("(" + render_module.longest_first(names) + ")")
        for _ in range(20):
            text = "".join(rng.choice(alphabet + "。 ") for _ in range(rng.randint(0, 40)))
            assert trie.split(text) == plain.split(text), (names, text)
    assert render_module.longest_first(["デジタル庁", "デジタル", "DX"]) == "(?:DX|デジタル(?:庁)?)"
