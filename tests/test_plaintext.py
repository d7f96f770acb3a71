"""Texts without inline syntax skip the inline patterns (generator/site/plaintext.py), and nothing printed changes.

Every page generated from the real handbook is converted with the Markdown extensions of ``mkdocs.yml``,
with and without ``generator.site.plaintext``: the HTML must be the same to the byte, while most of each page's
texts must have been marked and its plain links made (so the test fails if either stops). Each of
Python-Markdown's inline patterns must still apply to a text that holds its syntax, every near miss of a plain
link must convert as Python-Markdown converts it, and an unknown pattern or order turns the work off.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from pathlib import Path
from typing import Any

import markdown
import pytest
from markdown.inlinepatterns import InlineProcessor

from generator.build import generate
from generator.site.plaintext import PlainText, syntax
from tests.conftest import convert_page, converted_both_ways, markdown_extensions

EXTENSION = "generator.site.plaintext"


def _step(md: markdown.Markdown) -> PlainText:
    """The converter's treeprocessor, for what it did in its last run."""
    step = md.treeprocessors["hb_plain_text"]
    assert isinstance(step, PlainText)
    return step


def _marked(md: markdown.Markdown) -> int:
    """How many texts the converter's treeprocessor marked in its last run."""
    return _step(md).marked


def test_mkdocs_yml_lists_it_and_every_pattern_there_is_known() -> None:
    assert EXTENSION in markdown_extensions()[0]
    _, md = convert_page("")
    found = syntax(md)
    assert found is not None  # otherwise nothing would ever be marked
    for needed in ["*", "_", "`", "\\", "[", "<", "&", "  \n"]:
        assert found.search(f"文{needed}字"), needed
    assert not found.search("読み ネヤガワシ(2024年1月1日時点)「自治体DX」 #p5 {: } ! | > - ]")


def test_every_generated_page_converts_to_the_same_html(handbook_root: Path) -> None:
    steps = [_step(fast_md) for _, _, _, fast_md in converted_both_ways(generate(handbook_root), EXTENSION)]
    assert sum(step.marked for step in steps) > 10 * len(steps)
    assert sum(step.linked for step in steps) > 10 * len(steps)


SYNTAX = [
    "*強調* と **太字** と _下線の強調_",
    "`code` と \\`そのまま\\`",
    "\\*エスケープ\\* と \\[括弧\\]",
    "[リンク](a.md) と [参照][r] と [r]\n\n[r]: b.md",
    "![画像](i.png) と ![参照画像][r]\n\n[r]: i.png",
    "<https://example.jp/> と <info@example.jp>",
    "一行目  \n二行目",
    '<abbr title="説明">用語</abbr>と<span>字</span>',
    "&amp; と &copy; と &#12354; と AT&T",
    "| 見出し | 値 |\n| --- | --- |\n| *a* | [b](c.md) |\n| 平文 | 平文 |",
]
"""One or more texts per inline syntax of Python-Markdown: each must still apply."""
NEAR_MISSES = [
    "[名前\\(よみ\\)](../m/lg-1.md#t-bpr) と \\(括弧\\) と [次](b.md)",  # escapes, two links: taken
    "[a](b.md)[c](d.md)",
    "[a](b.md)(c)",
    "[a](b.md))",
    "![画像](i.png) と [リンク](a.md)",
    "\\[a](b.md)",
    "[a\\](b.md)",
    "[a](b.md)\\",
    "[a\\q](b.md) と \\q",  # not an escapable character: the backslash stays
    "[リンク](<a.md>)",
    "[リンク](a.md \"題\")",
    "[リンク]( a.md )",
    "[リンク](a b.md)",
    "[リンク](a(1).md)",
    "[入れ子[括弧]](a.md)",
    "[](a.md)",
    "[a]\n(b.md)",
    "[a\nb](c.md)",
    "[a *b*](c.md)",
    "[a _b_](c.md)",
    "[a &amp; b](c.md)",
    "**[a](b.md)**",
    "[a](b_c*d&e.md)",
    "[a](b\\_c.md)",
    "`[a](b.md)`",
    "\\`[a](b.md)\\`",
    "[a](b.md)  \n次の行",
    "[a](b.md) \\{: #x }",
    "[a](b.md){: .c }",
    "[参照][r] と [a](b.md)\n\n[r]: c.md",
    "| 自治体 | テーマ |\n| --- | --- |\n| [a\\|b](c.md) | [d](e.md) · [f](g.md#h) |",
    "## [見出しの\\(リンク\\)](a.md)\n\n[目次へ](#a)",
]
"""Plain links, and texts that only just are not: each must convert as Python-Markdown converts it."""


@pytest.mark.parametrize("text", SYNTAX + NEAR_MISSES)
def test_each_syntax_and_each_near_miss_of_a_plain_link_converts_as_before(text: str) -> None:
    plain, _ = convert_page(text, without=EXTENSION)
    fast, _ = convert_page(text)
    assert fast == plain


def test_plain_texts_are_marked_and_syntax_is_not() -> None:
    md = markdown.Markdown(extensions=[EXTENSION])
    md.convert("平らな段落\n\n- 項目\n- [リンク](a.md)の\\(項目\\)\n- [リンク](a.md)の*強調*\n\n&amp; を含む段落\n")
    assert _marked(md) == 3  # the paragraph, the first item and the plain link's item; not the others
    assert _step(md).linked == 1


def test_links_are_left_to_the_patterns_when_theirs_do_not_come_first() -> None:
    md = markdown.Markdown(extensions=[EXTENSION])
    md.inlinePatterns.deregister("reference")
    assert md.convert("[リンク](a.md)の項目") == '<p><a href="a.md">リンク</a>の項目</p>'
    assert _step(md).linked == 0


class _Mention(InlineProcessor):
    """An extension's own pattern (``@name``): its syntax is not known, so nothing may be marked."""

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[Any, int, int]:  # type: ignore[override]
        el = etree.Element("b")
        el.text = m.group(1)
        return el, m.start(0), m.end(0)


def test_an_unknown_pattern_turns_the_marking_off() -> None:
    md = markdown.Markdown(extensions=[EXTENSION])
    md.inlinePatterns.register(_Mention(r"@(\w+)"), "mention", 75)
    assert syntax(md) is None
    assert md.convert("平らな段落と @taro さん") == "<p>平らな段落と <b>taro</b> さん</p>"
    assert _marked(md) == 0
