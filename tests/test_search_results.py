"""What a reader sees in the search results (issue #29): labelled results, snippets from running text, an answer
when nothing matches exactly, synonyms kept in content/, separators ignored, results reachable by Tab.

Queries are typed into Material's search box in Debian's Chromium, over http and from the offline copy (file://).
"""

from __future__ import annotations

import functools
import http.server
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks.search_bench import PLACEHOLDER, SearchBox
from generator.publish.offline import ARCHIVE_NAME, ARCHIVE_ROOT, DIST_DIR
from generator.publish.search import aux_ranges, extract, matchable, search_key
from tests.test_a11y import axe_run, describe

READ_ITEMS = """() => [...document.querySelectorAll('.md-search-result__item')].map(li => {
  const head = li.querySelector('article');
  return {
    href: li.querySelector('a').getAttribute('href'),
    title: head.querySelector('h1').innerText,
    kind: (head.querySelector('.hb-result-kind') || {}).textContent || '',
    meta: (head.querySelector('.hb-result-meta') || {}).textContent || '',
    partial: (head.querySelector('.hb-result-partial') || {}).textContent || '',
    notice: !!head.querySelector('.hb-search-notice'),
    text: (head.querySelector('p') || {}).innerText || '',
  };
})"""

KINDS = {"自治体", "テーマ", "記事", "用語集", "索引", "ページ"}
FACT_LABELS = ("項目", "内容", "読み", "種別", "都道府県", "地方", "全国地方公共団体コード", "人口規模", "出典", "著者",
               "掲載日", "利用条件", "記事のテーマ")
"""The labels of the fact tables at the top of municipality and article pages: no snippet may quote them."""
FREQUENT = ("DX", "窓口", "ガバメントクラウド", "CDO", "BPR", "人材育成", "テレワーク", "標準化", "磐梯町", "昭島市",
            "綾瀬市", "神奈川県", "デジタル人材", "職員の意識改革", "官民連携", "押印", "研修", "マイナンバーカード",
            "推進体制", "業務量調査")
"""Twenty queries municipal staff type most (names of the handbook's bodies and themes, and their everyday words)."""


class ResultBox(SearchBox):
    """The search box, reading each result's heading, labels and snippet as a reader sees them."""

    def items(self, query: str) -> list[dict[str, Any]]:
        """Every result as shown: its link (without Material's ?h= highlight), heading, labels and snippet."""
        self.search(query)
        found = list(self.page.evaluate(READ_ITEMS))
        for item in found:
            item["href"] = item["href"].split("?")[0]
        return found

    def open_by_key(self, url: str) -> None:
        """Open the search as a keyboard user does ("/"): on a phone the box is behind the header's search button."""
        self.page.goto(url)
        self.page.wait_for_function("typeof window.keyboard$ !== 'undefined'")
        self.page.keyboard.press("/")
        self.page.wait_for_function(
            "t => document.querySelector('.md-search-result__meta').textContent === t", arg=PLACEHOLDER)


@pytest.fixture(scope="module")
def box(module_page: Any, http_url: str) -> ResultBox:
    found = ResultBox(module_page, http_url)
    found.open(http_url + "index.html")
    return found


@pytest.fixture(scope="module")
def offline_box(browser: Any, handbook_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ResultBox]:
    dest = tmp_path_factory.mktemp("results-offline")
    with zipfile.ZipFile(handbook_root / DIST_DIR / ARCHIVE_NAME) as zf:
        zf.extractall(dest)
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    base = (dest / ARCHIVE_ROOT).as_uri() + "/"
    found = ResultBox(page, base)
    found.open(base + "index.html")
    yield found
    context.close()


def _meta(box: ResultBox) -> str:
    return str(box.page.evaluate("document.querySelector('.md-search-result__meta').textContent"))


@pytest.mark.parametrize("where", ["http", "file"])
def test_every_query_of_the_issue_gets_results_or_a_partial_answer(where: str, box: ResultBox,
                                                                    offline_box: ResultBox) -> None:
    reader = box if where == "http" else offline_box
    # Synonyms (content/synonyms.yaml): はんこ finds 押印, 書かない窓口 finds 窓口改革, DX推進計画 finds デジタル変革戦略.
    for query, expected in (("はんこ", "押印"), ("書かない窓口", "窓口改革"), ("DX推進計画", "デジタル変革戦略")):
        items = reader.items(query)
        assert items and not items[0]["notice"], query
        assert any(expected in i["text"] or expected in i["title"] for i in items), (query, items[:3])
    # The separator is ignored: the same pages as without it.
    assert [i["href"] for i in reader.items("ガバメント・クラウド")] == [i["href"] for i in reader.items("ガバメントクラウド")]
    # No page holds 電子申請: said first, then pages holding its part 申請, labelled as partial.
    items = reader.items("電子申請")
    assert items[0]["notice"] and items[0]["title"] == "「電子申請」に一致するページはありません"
    assert "語の一部 「申請」「電子」 を含むページ" in items[0]["text"] and "テーマ一覧" in items[0]["text"]
    partial = [i for i in items if i["partial"]]
    assert partial and partial[0]["partial"] == "一部一致「申請」"
    assert all(i["partial"][5:-1] in ("申請", "電子") and i["partial"][5:-1] in i["text"] for i in partial), partial
    assert _meta(reader) == f"完全に一致するページはありません(一部一致 {len(partial)} 件)"
    # Nothing holds RPA or any part of it: the notice and where else to look, and a count line that says so.
    items = reader.items("RPA")
    assert items[0]["notice"] and items[0]["href"].endswith("themes/index.html")
    assert "glossary.html" in items[1]["href"] and items[1]["title"] == "用語集で調べる"
    assert _meta(reader) == "一致するページはありません"


def test_results_say_what_they_are_and_where_a_municipality_is(box: ResultBox) -> None:
    items = box.items("磐梯町")
    heads = [i for i in items if i["kind"]]
    assert heads and all(i["kind"] in KINDS for i in heads)
    town = next(i for i in heads if i["href"].endswith("municipalities/bandai.html"))
    assert town["kind"] == "自治体" and town["meta"] == "福島県・5千人未満"
    assert town["title"] == "自治体 磐梯町 福島県・5千人未満"
    assert {i["kind"] for i in box.items("ガバメントクラウド") if i["kind"]} >= {"テーマ", "用語集", "記事", "自治体"}
    prefecture = next(i for i in box.items("神奈川県") if i["href"].endswith("municipalities/kanagawa.html"))
    assert prefecture["meta"] == "都道府県"


def test_snippets_of_frequent_queries_quote_running_text_not_fact_tables(box: ResultBox) -> None:
    quoted_labels: list[str] = []
    for query in FREQUENT:
        for item in box.items(query):
            text = item["text"]
            if any(f"{label} · " in text or f" · {label}" in text or text.startswith(label + " ") for label in FACT_LABELS):
                quoted_labels.append(f"{query}: {item['href']}: {text[:80]}")
    assert not quoted_labels, "\n".join(quoted_labels)
    # The real 窓口 passage of 磐梯町's page is the snippet shown, not the table of facts or the theme chips.
    town = next(i for i in box.items("窓口") if i["href"].endswith("municipalities/bandai.html"))
    assert "窓口改革プロジェクト" in town["text"]


def test_results_are_reached_with_tab_and_the_dialog_keeps_the_focus(box: ResultBox) -> None:
    box.items("磐梯町")
    page = box.page
    page.locator("input.md-search__input").focus()
    where = "document.activeElement.closest('.md-search-result__item') ? 'result' : document.activeElement.className"
    seen = []
    for i in range(4):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(where))
        page.evaluate("i => { document.activeElement.dataset.hbStop = i; }", i)
    assert seen[0].startswith("md-search__icon") and seen[1:] == ["result"] * 3, seen  # the clear button, then results
    assert page.evaluate("document.activeElement.matches('.md-search-result__link, summary')")
    assert page.evaluate("document.getElementById('__search').checked"), "Tab must not close the dialog"
    assert page.evaluate("document.querySelector('.md-search__scrollwrap').hasAttribute('tabindex')") is False
    for back in (2, 1, 0):
        page.keyboard.press("Shift+Tab")
        assert page.evaluate("document.activeElement.dataset.hbStop") == str(back)
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.classList.contains('md-search__input')")


@pytest.mark.parametrize("width", [1280, 390])
def test_axe_on_the_dialog_with_results_and_with_a_partial_answer(browser: Any, http_url: str, width: int) -> None:
    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        reader = ResultBox(page, http_url)
        reader.open_by_key(http_url + "index.html")
        for query in ("窓口", "電子申請", "RPA"):
            reader.items(query)
            violations = axe_run(page)
            assert not violations, f"{query} ({width}px):\n{describe(violations)}"
    finally:
        context.close()


def test_axe_on_the_404_page_served_from_another_path(browser: Any, site_dir: Path) -> None:
    """The 404 page links its files under the site's sub-path; served elsewhere they do not load, and the page must
    still name every control (Material's hidden state checkboxes become visible without the stylesheet)."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

        def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
            body = (site_dir / "404.html").read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(site_dir)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page = browser.new_page()
    try:
        response = page.goto(f"http://127.0.0.1:{server.server_address[1]}/no/such/page.html")
        assert response is not None and response.status == 404
        violations = axe_run(page)
        assert not violations, describe(violations)
    finally:
        page.close()
        server.shutdown()


def test_separators_and_long_vowel_dashes_are_ignored_for_matching() -> None:
    assert search_key("ガバメント・クラウド") == search_key("ガバメントクラウド") == "ガバメントクラウド"
    assert search_key("ｻｰﾊﾞ") == search_key("サ−バ") == search_key("サーバ")
    assert search_key("e-Gov") == "egov"
    assert matchable("2020〜2022") == "2020〜2022"  # a range mark is not a separator


def test_tables_and_link_only_list_items_are_marked_auxiliary() -> None:
    html = ('<title>t</title><article class="md-content__inner md-typeset"><h1 id="t">題</h1>'
            '<table><tr><th>項目</th><td>窓口</td></tr></table>'
            '<ul><li><a href="a.html">窓口改革</a></li><li>窓口の<a href="b.html">見直し</a>を進めた。</li></ul>'
            '<p>窓口で申請書を書かずに済む。</p></article>')
    page = extract("x.html", html)
    assert page is not None
    spans = [page.text[a:b] for a, b in zip(page.aux[::2], page.aux[1::2], strict=True)]
    assert spans == ["題", "項目窓口", "窓口改革"]
    assert page.text.endswith("窓口の見直しを進めた。窓口で申請書を書かずに済む。")
    assert aux_ranges([0, -5, 7, 9, -12, -15]) == [0, 4, 7, 14]
