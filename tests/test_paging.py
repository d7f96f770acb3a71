"""Long pages are cut into parts under a size budget, and every link follows its anchor (issue 7)."""

from __future__ import annotations

import re

from generator.pages.paging import BUDGET, html_cost, paginate, part_path, split_page

FRONT = '---\ntitle: "テーマ"\ndescription: "説明"\n---\n\n# テーマ\n\n説明文です。\n\n'


def long_theme_page(sections: int = 400) -> str:
    """A theme page like the templates write: one section per municipality, each with an id and links."""
    listing = "".join(f"- [自治体{i}](#m-town-{i})\n" for i in range(sections))
    body = "".join(
        f"## 自治体{i} {{: #m-town-{i} }}\n\n[自治体{i}のページ](../municipalities/town-{i}.md)\n\n"
        f"- 要点{i}の本文がここに入ります。([記事](../articles/a{i}.md) [¶3](../articles/a{i}.md#p3))\n\n"
        for i in range(sections)
    )
    return FRONT + "## 取り組んだ自治体\n\n" + listing + "\n" + body


def long_table_page(rows: int = 3000) -> str:
    table = "| 自治体 | 人口 |\n| --- | ---: |\n" + "".join(f"| [町{i}](town-{i}.md) | {i} |\n" for i in range(rows))
    return '---\ntitle: "自治体一覧"\ndescription: "一覧"\n---\n\n# 自治体一覧\n\n' + table


def pages_by_path(pages: list[tuple[str, str | bytes]]) -> dict[str, str]:
    return {path: text for path, text in pages if isinstance(text, str)}


def test_short_pages_are_left_byte_for_byte() -> None:
    page = ("themes/x.md", FRONT + "## 一つだけ {: #m-a }\n\n本文\n")
    assert paginate([page]) == [page]


def test_a_long_table_is_cut_between_rows_and_each_part_repeats_the_header() -> None:
    out = pages_by_path(paginate([("municipalities/index.md", long_table_page())]))
    parts = sorted(out, key=lambda p: (p.count("/"), int(re.sub(r"\D", "", p) or 1)))
    assert parts[0] == "municipalities/index.md" and "municipalities/index/2.md" in out
    rows = [line for text in out.values() for line in text.splitlines() if line.startswith("| [町")]
    assert len(rows) == 3000 and len(set(rows)) == 3000
    for path, text in out.items():
        assert "| 自治体 | 人口 |\n| --- | ---: |" in text
        assert html_cost(text) <= BUDGET, path
    last = len(out)
    assert f'title: "自治体一覧({last}/{last})"' in out[f"municipalities/index/{last}.md"]
    assert f"# 自治体一覧({last}/{last})" in out[f"municipalities/index/{last}.md"]


def test_links_in_later_parts_are_rebased_one_folder_deeper() -> None:
    out = pages_by_path(paginate([("municipalities/index.md", long_table_page())]))
    assert "[町0](town-0.md)" in out["municipalities/index.md"]
    second = out["municipalities/index/2.md"]
    first_row = next(line for line in second.splitlines() if line.startswith("| [町"))
    assert re.match(r"\| \[町\d+\]\(\.\./town-\d+\.md\)", first_row)
    assert "[1](../index.md)" in second and "**2**" in second


def test_anchors_that_moved_are_followed_from_other_pages_and_from_the_page_itself() -> None:
    other = ("municipalities/town-399.md", "# 町\n\n- [テーマ](../themes/x.md#m-town-399)\n- [テーマ](../themes/x.md)\n")
    out = pages_by_path(paginate([("themes/x.md", long_theme_page()), other]))
    holder = next(p for p, t in out.items() if "{: #m-town-399 }" in t)
    assert holder.startswith("themes/x/")
    assert f"[テーマ](../{holder}#m-town-399)" in out["municipalities/town-399.md"]
    assert "[テーマ](../themes/x.md)" in out["municipalities/town-399.md"]
    assert f"[自治体399]({holder.removeprefix('themes/')}#m-town-399)" in out["themes/x.md"]
    assert "[自治体0](#m-town-0)" in out["themes/x.md"]
    assert "## 自治体399 {: #m-town-399 }" in out[holder]
    assert "[自治体399のページ](../../municipalities/town-399.md)" in out[holder]


def test_links_to_other_pages_that_share_the_split_pages_file_name_are_left_alone() -> None:
    links = ("- [記事](../articles/x.md#m-town-399)\n- [別のテーマ](ax.md#m-town-399)\n"
             "- [一覧](../indexes/x.md#m-town-399)\n- [ここ](#m-town-399)\n")
    other = ("themes/y.md", "# 別のテーマ\n\n" + links)
    out = pages_by_path(paginate([("themes/x.md", long_theme_page()), other]))
    assert len(out) > 2
    assert out["themes/y.md"] == other[1]


def test_a_section_cut_in_two_repeats_its_heading_without_the_id() -> None:
    items = "".join(f"- [記事{i}](../articles/a{i}.md)({i}年)\n" for i in range(3000))
    page = FRONT + "## 記事 {: #articles }\n\n" + items + "\n## 関連するテーマ\n\n- [別のテーマ](y.md)\n"
    out = pages_by_path(paginate([("themes/x.md", page)]))
    assert len(out) > 2
    assert out["themes/x.md"].count("## 記事 {: #articles }") == 1
    for path, text in out.items():
        if path != "themes/x.md" and "[記事" in text:
            assert "## 記事(続き)" in text and "{: #articles }" not in text
    items_out = [line for t in out.values() for line in t.splitlines() if line.startswith("- [記事")]
    assert len(items_out) == 3000
    assert any("## 関連するテーマ" in t for t in out.values())


def test_sections_with_ids_are_never_duplicated() -> None:
    out = pages_by_path(paginate([("themes/x.md", long_theme_page())]))
    ids = [m for t in out.values() for m in re.findall(r"\{: #(m-town-\d+) \}", t)]
    assert len(ids) == len(set(ids)) == 400


def test_part_paths_cannot_collide_with_entity_pages() -> None:
    assert part_path("themes/x.md", 1) == "themes/x.md"
    assert part_path("themes/x.md", 3) == "themes/x/3.md"
    assert part_path("indexes/matrix.md", 2) == "indexes/matrix/2.md"


def test_a_kept_page_stays_whole() -> None:
    page = ("print.md", long_table_page())
    assert split_page(*page) is not None
    assert paginate([page], keep=frozenset({"print.md"})) == [page]
