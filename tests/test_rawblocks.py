"""The raw-HTML pass-through (generator/rawblocks.py) makes MkDocs faster and changes nothing it prints.

Every page generated from the real handbook is converted with the Markdown extensions of ``mkdocs.yml``,
with and without ``generator.rawblocks``: the HTML must be the same to the byte, while the article bodies
must have gone through as one raw block each run (so the test fails if the pass-through stops working).
MkDocs must still see the ids inside those blocks, which links to ``#p12`` are checked against, without
parsing the blocks for them.
"""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest
from mkdocs.structure.pages import _RawHTMLPreprocessor

from generator.build import DOCS_DIR, MkDocsFailed, generate, run_mkdocs, write_docs
from generator.rawblocks import RawBlocks
from tests.conftest import converted_both_ways, markdown_extensions

EXTENSION = "generator.rawblocks"


def test_mkdocs_yml_lists_the_pass_through() -> None:
    assert EXTENSION in markdown_extensions()[0]
    assert EXTENSION not in markdown_extensions(EXTENSION)[0]


def test_every_generated_page_converts_to_the_same_html(handbook_root: Path) -> None:
    generated = generate(handbook_root)
    articles = 0
    for path, text, plain_md, fast_md in converted_both_ways(generated, EXTENSION):
        if path.startswith("articles/") and text.count('<p id="p') > 1:
            articles += 1
            assert fast_md.htmlStash.html_counter < plain_md.htmlStash.html_counter, path
    assert articles == len(generated.handbook.articles)


def _run(lines: list[str]) -> tuple[list[str], list[str]]:
    """The preprocessor's output lines and what it stashed."""
    md = markdown.Markdown()
    out = RawBlocks(md).run(lines)
    return out, [str(b) for b in md.htmlStash.rawHtmlBlocks]


class _SeenScan(_RawHTMLPreprocessor):
    """MkDocs' scan for ids in raw HTML, remembering the lines it was given."""

    def run(self, lines: list[str]) -> list[str]:
        self.seen = list(lines)
        return super().run(lines)


def test_a_run_of_blocks_becomes_one_raw_block() -> None:
    lines = ["### 見出し {: #p3 }", "", '<p id="p5" class="hb-para">一 <a href="#p5">¶5</a></p>', "",
             '<ul class="hb-list">', '<li id="p7">二</li>', "</ul>", "", "",
             '<p id="p9" class="hb-para">三</p>', "", "## 次"]
    out, stashed = _run(lines)
    assert stashed == ['<p id="p5" class="hb-para">一 <a href="#p5">¶5</a></p>\n\n'
                       '<ul class="hb-list">\n<li id="p7">二</li>\n</ul>\n\n<p id="p9" class="hb-para">三</p>\n']
    assert out == ["### 見出し {: #p3 }", "", "\x02wzxhzdk:0\x03", "", "## 次"]


def test_mkdocs_gets_the_ids_of_passed_blocks_without_parsing_them() -> None:
    md = markdown.Markdown(extensions=[EXTENSION, "attr_list", "md_in_html"])
    scan = _SeenScan()
    scan._register(md)
    text = ('## 見出し\n\n<p id="p5" class="hb-para">一 <a href="#p5">¶5</a></p>\n\n<ul class="hb-list">\n'
            '<li id="p7">二</li>\n<li id="a&amp;b">三</li>\n</ul>\n\n<div id="other">四</div>\n')
    md.convert(text)
    assert scan.present_anchor_ids == {"p5", "p7", "a&b", "other"}
    assert not any("hb-" in line for line in scan.seen)  # the passed blocks reached it as a placeholder
    assert '<div id="other">四</div>' in scan.seen  # other raw HTML is still parsed by MkDocs
    md.convert("本文だけ\n")  # the next page starts with no ids of its own
    assert scan.present_anchor_ids == set()


@pytest.mark.parametrize("lines", [
    ["本文の続き", '<p id="p5" class="hb-para">段落の途中</p>'],  # not after a blank line: part of a paragraph
    ["", '<p id="p5" class="hb-para">閉じていない', "続き"],  # does not end with its closing tag
    ["", '<p class="other">ほかの段落</p>'],  # not a block the generator writes without Markdown inside
    ["", '<abbr title="用語: 説明" tabindex="0">用語</abbr>の段落'],
    ["", '<div class="hb-matrix" markdown="block">', "[a](b.md)", "</div>"],
])
def test_other_html_is_left_to_markdown(lines: list[str]) -> None:
    assert _run(lines) == (lines, [])


def test_ids_inside_passed_blocks_are_still_checked_by_mkdocs(mini_root: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANDBOOK_MKDOCS_JOBS", "1")
    generated = generate(mini_root)
    article = next(p for p in generated.pages if p.path.startswith("articles/") and '<p id="p' in str(p.content))
    present = re.search(r'<p id="(p\d+)"', str(article.content))
    assert present
    name = article.path.removeprefix("articles/")
    write_docs(mini_root, generated)
    home = mini_root / DOCS_DIR / "index.md"
    home.write_text(home.read_text(encoding="utf-8") + f"\n[x](articles/{name}#{present.group(1)})\n"
                    f"\n[y](articles/{name}#p99999)\n", encoding="utf-8")
    out = mini_root / "out"
    out.mkdir()
    with pytest.raises(MkDocsFailed) as failed:
        run_mkdocs(mini_root, out)
    message = str(failed.value)
    assert f"contains a link 'articles/{name}#p99999', but the doc 'articles/{name}' does not contain an anchor" in message
    assert f"#{present.group(1)}'" not in message
