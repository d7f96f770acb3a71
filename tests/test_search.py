"""Search in a real browser: queries derived from the content, typed into Material's search box.

The queries follow a fixed rule (benchmarks/search_bench.py): every municipality, theme and
glossary name and alias, plus phrases sampled at fixed positions from article bodies. A page is
expected when its built text, normalised, contains the query. Over http://127.0.0.1 and over the
offline copy opened from file://, every expected page must be returned (recall 100%) and, for
entity names, the entity's own page must be among the first three results.
"""

from __future__ import annotations

import functools
import http.server
import threading
import zipfile
from pathlib import Path
from typing import Any

import pytest

from benchmarks.search_bench import (
    Query,
    SearchBox,
    derive_queries,
    expected_pages,
    page_texts,
)
from generator.build import generate
from generator.content.model import Handbook
from generator.publish.offline import ARCHIVE_NAME, ARCHIVE_ROOT, DIST_DIR


@pytest.fixture(scope="module")
def handbook(handbook_root: Path) -> Handbook:
    return generate(handbook_root).handbook


@pytest.fixture(scope="module")
def texts(site_dir: Path, docs_dir: Path) -> dict[str, str]:
    """Normalised article text of every searchable built page."""
    return page_texts(site_dir, docs_dir)


@pytest.fixture(scope="module")
def queries(handbook: Handbook, site_dir: Path) -> list[Query]:
    return derive_queries(handbook, site_dir)


@pytest.fixture(scope="module")
def http_box(module_page: Any, http_url: str) -> SearchBox:
    box = SearchBox(module_page, http_url)
    box.open(http_url)
    return box


@pytest.fixture(scope="module")
def offline_root(handbook_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The offline zip unpacked the way a reader would."""
    dest = tmp_path_factory.mktemp("search-offline")
    with zipfile.ZipFile(handbook_root / DIST_DIR / ARCHIVE_NAME) as zf:
        zf.extractall(dest)
    return dest / ARCHIVE_ROOT


def _count_line(n: int) -> str:
    """Material's Japanese result count line for n result pages."""
    return "何も見つかりませんでした" if n == 0 else f"{n}件見つかりました"


def _check_all(box: SearchBox, queries: list[Query], texts: dict[str, str]) -> tuple[list[str], list[str]]:
    """Run every query; list misses (recall) and entity pages outside the top 3."""
    misses: list[str] = []
    ranks: list[str] = []
    for q in queries:
        got = box.search(q.text)
        assert box.count_line == _count_line(len(got)), q.text
        assert box.shown == got[: len(box.shown)] and len(box.shown) == min(10, len(got)), q.text
        missing = expected_pages(q.text, texts) - set(got)
        if missing:
            misses.append(f"{q.text!r}: 見つからない {sorted(missing)}")
        for entity in q.entity_pages:
            if entity not in got[: max(3, len(q.entity_pages))]:
                ranks.append(f"{q.text!r}: {entity} が上位3件にない {got[:3]}")
    return misses, ranks


def test_query_rule_yields_enough_queries(queries: list[Query], texts: dict[str, str]) -> None:
    kinds = {q.kind for q in queries}
    assert len(queries) >= 60 and kinds == {"entity", "phrase"}
    assert all(expected_pages(q.text, texts) for q in queries), "every derived query occurs in some built page"
    names = {q.text for q in queries}
    for required in ("ガバクラ", "最高デジタル責任者", "CDO", "BPR", "デジタル人材", "昭島市"):
        assert required in names


def test_recall_and_entity_rank_over_http(http_box: SearchBox, queries: list[Query], texts: dict[str, str]) -> None:
    misses, ranks = _check_all(http_box, queries, texts)
    assert misses == []
    assert ranks == []


def test_recall_and_entity_rank_from_file_url(browser: Any, offline_root: Path, queries: list[Query],
                                              texts: dict[str, str]) -> None:
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    base = offline_root.as_uri() + "/"
    box = SearchBox(page, base)
    box.open(base + "index.html")
    misses, ranks = _check_all(box, queries, texts)
    context.close()
    assert misses == []
    assert ranks == []
    assert [u for u in requests if not u.startswith(("file:", "data:", "blob:", "about:"))] == []


def test_issue_examples_are_found(http_box: SearchBox, texts: dict[str, str]) -> None:
    for query in ("デジタル人材", "最高デジタル責任者", "NTT東日本", "2040", "2040年", "OODA", "意識改革", "生成AI"):
        got = http_box.search(query)
        assert got and set(got) >= expected_pages(query, texts), query
    # A compound is one phrase, not its pieces OR'ed: 意識改革 does not return every page.
    assert len(http_box.search("意識改革")) == len(expected_pages("意識改革", texts)) < len(texts) / 2


@pytest.mark.parametrize(
    ("typed", "written"),
    [("ＤＸ", "DX"), ("ﾃﾞｼﾞﾀﾙ", "デジタル"), ("ｂｐｒ", "BPR"), ("cdo", "CDO"), ("ＮＴＴ東日本", "NTT東日本")],
)
def test_width_and_case_variants_find_the_same_pages(http_box: SearchBox, typed: str, written: str) -> None:
    assert http_box.search(typed) == http_box.search(written)


def test_spaces_in_the_query_do_not_lose_pages(http_box: SearchBox, texts: dict[str, str]) -> None:
    got = http_box.search("NTT 東日本")
    assert set(got) >= expected_pages("NTT東日本", texts)
    assert got[0] == "indexes/organisations.html"


def test_aliases_find_each_other(http_box: SearchBox, texts: dict[str, str]) -> None:
    assert set(http_box.search("ガバクラ")) >= expected_pages("ガバメントクラウド", texts)
    assert set(http_box.search("CDO")) >= expected_pages("最高デジタル責任者", texts)
    assert set(http_box.search("最高デジタル責任者")) >= expected_pages("CDO", texts)


def test_results_show_highlighted_snippets_with_japanese_labels(http_box: SearchBox) -> None:
    page = http_box.page
    http_box.search("ガバメントクラウド")
    meta = page.locator(".md-search-result__meta").inner_text()
    assert meta.endswith("件見つかりました")
    first = page.locator(".md-search-result__item").first
    assert first.locator("a").first.get_attribute("href").split("?")[0].endswith("themes/gov-cloud-standardization.html")
    marks = page.locator(".md-search-result__item mark").all_text_contents()
    assert "ガバメントクラウド" in marks
    assert set(marks) <= {"ガバメントクラウド", "ガバクラ", "ガバメントクラウド・標準化"}, "the query or its synonyms"
    # The snippet is the sentence of running text that holds the match, not the page's heading (already the title).
    assert first.locator("article p").first.inner_text() == (
        "昭島市は2022年のガバメントクラウド先行事業に落選したのち、翌年度のガバメントクラウド早期移行団体検証事業に採択された。")
    http_box.search("ＮＴＴ")
    assert {m.upper() for m in page.locator(".md-search-result__item mark").all_text_contents()} == {"NTT"}
    http_box.search("存在しない語句ですよ")
    assert page.locator(".md-search-result__meta").inner_text() == "一致するページはありません"  # then suggestions


def test_query_markup_is_never_interpreted(http_box: SearchBox) -> None:
    page = http_box.page
    http_box.search('ガバクラ <img src=x onerror="window.__xss=1">')
    assert page.locator(".md-search-result__item").count() > 0
    assert page.locator(".md-search-result img").count() == 0
    missing = page.locator(".md-search-result__terms del").all_inner_texts()
    assert '<img' not in missing and "img" in missing, "missing terms are shown as text"
    # the notice, then where else to look
    assert http_box.search("<b>存在しない</b>") == ["themes/index.html", "glossary.html", "finder.html"]
    assert page.locator(".md-search-result b").count() == 0
    assert "「<b>存在しない</b>」に一致するページはありません" in page.locator(".md-search-result__item").first.inner_text()
    assert page.evaluate("() => window.__xss") is None


def test_a_query_loads_only_its_part_of_the_index_from_the_site(browser: Any, http_url: str, site_dir: Path) -> None:
    """No search service, no third party: a query fetches a few index files of this site, each once."""
    index = next((site_dir / "search").glob("handbook_index.*/"))
    context = browser.new_context(locale="ja-JP")
    try:
        box = SearchBox(context.new_page(), http_url)
        box.open(http_url)
        seen: list[str] = []
        box.page.on("request", lambda request: seen.append(request.url))
        box.search("窓口改革プロジェクト")
        prefix = f"{http_url}search/{index.name}/"
        assert seen and all(url.startswith(prefix) for url in seen), seen
        names = {url.removeprefix(prefix) for url in seen}
        assert {n[0] for n in names} == {"g", "i", "t"}, names  # grams, the pages' titles, the texts to check
        assert len(names) < len(list(index.iterdir())) / 2, "一つの検索で索引の半分以上を読まない"
        seen.clear()
        box.search("窓口改革プロジェクト")  # the same query again (the box is cleared first)
        assert seen == [], "読み込んだ索引ファイルは再利用する"
    finally:
        context.close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep test output clean."""


def test_search_works_under_a_sub_path(browser: Any, site_dir: Path, tmp_path: Path, texts: dict[str, str]) -> None:
    (tmp_path / "handbook").symlink_to(site_dir, target_is_directory=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/handbook/"
    context = browser.new_context(locale="ja-JP")
    try:
        box = SearchBox(context.new_page(), base)
        box.open(base + "themes/index.html")
        got = box.search("ガバクラ")
        assert got[0] in {"themes/gov-cloud-standardization.html", "glossary.html"}
        assert set(got) >= expected_pages("ガバクラ", texts)
    finally:
        context.close()
        server.shutdown()
        server.server_close()
