"""The print view's folding of pages into one: ids stay unique, links stay inside the page, headings nest."""

from __future__ import annotations

from generator.pages.printview import sections

ARTICLE = """---
title: "記事A"
description: "概要"
---

# 記事A

| 自治体 | [町](../municipalities/town.md) |

## 本文

<p id="p3" class="hb-para">本文 <a class="hb-para-link" href="#p3">¶3</a></p>

### 小見出し {: #p4 }

[データ](../data/handbook.json)、[出典](https://example.jp/a)
"""

TOWN = """---
title: "町"
description: "町の概要"
---

# 町

- 要点([記事A](../articles/a.md) [¶3](../articles/a.md#p3) [¶9](../articles/a.md#p9))
"""


def _by_path() -> dict[str, object]:
    pages = [("index.md", "# top\n"), ("articles/a.md", ARTICLE), ("municipalities/town.md", TOWN), ("data/x.csv", "a,b\n")]
    return {s.path: s for s in sections(pages)}


def test_ids_are_prefixed_and_fragment_links_follow_them() -> None:
    got = _by_path()
    assert sorted(got) == ["articles/a.md", "municipalities/town.md"]
    article = got["articles/a.md"]
    assert article.title == "記事A" and article.anchor == "s-articles-a"  # type: ignore[attr-defined]
    body = str(article.body)  # type: ignore[attr-defined]
    assert '<p id="s-articles-a--p3" class="hb-para">' in body
    assert 'href="#s-articles-a--p3"' in body
    assert "### 本文" in body and "#### 小見出し {: #s-articles-a--p4 }" in body
    assert "[町](#s-municipalities-town)" in body
    assert "[データ](data/handbook.json)" in body and "[出典](https://example.jp/a)" in body
    town = str(got["municipalities/town.md"].body)  # type: ignore[attr-defined]
    # A known id keeps its place; an unknown fragment falls back to the start of the chapter.
    assert "[記事A](#s-articles-a) [¶3](#s-articles-a--p3) [¶9](#s-articles-a)" in town


def test_too_large_a_handbook_keeps_lists_only() -> None:
    pages = [("articles/index.md", "# 記事一覧\n"), ("articles/a.md", ARTICLE), ("glossary.md", "# 用語集\n")]
    assert [s.path for s in sections(pages, max_chars=10)] == ["articles/index.md", "glossary.md"]
    assert [s.nested for s in sections(pages)] == [False, True, False]


def test_links_in_md_in_html_cells_follow_the_sections_but_raw_html_text_stays() -> None:
    matrix = ("# 表\n\n<table>\n<tr>\n<th scope=\"row\" markdown=\"span\">[町](../municipalities/town.md)</th>\n"
              "<td markdown=\"span\">[1](../articles/a.md#p3 \"町 × 記事A\")</td>\n<td>[そのまま](../x.md)</td>\n</tr>\n</table>\n")
    pages = [("indexes/matrix.md", matrix), ("articles/a.md", ARTICLE), ("municipalities/town.md", TOWN)]
    body = str(next(s.body for s in sections(pages) if s.path == "indexes/matrix.md"))
    assert '<th scope="row" markdown="span">[町](#s-municipalities-town)</th>' in body
    assert '<td markdown="span">[1](#s-articles-a--p3 "町 × 記事A")</td>' in body
    assert "<td>[そのまま](../x.md)</td>" in body
