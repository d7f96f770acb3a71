"""Issue 28 in the browser: the finder (似た自治体をさがす), combined filters kept in the URL, from a server and from
file://; no request leaves the origin; no page scrolls sideways at 390 px; the body page's reading order; a body's page
prints on at most two A4 pages; axe finds nothing on the new page kind and the reordered ones.

All on the one session-built handbook (tests/conftest.py ``site_dir``, ``http_url``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.test_a11y import axe_run, describe

PAGE_KINDS = (
    "index.html", "finder.html", "municipalities/index.html", "municipalities/bandai.html", "themes/index.html",
    "themes/mindset-reform.html", "articles/index.html", "articles/bandai-dx-strategy-2020.html", "indexes/index.html",
    "indexes/matrix.html", "indexes/prefectures.html", "indexes/population.html", "indexes/timeline.html",
    "indexes/organisations.html", "glossary.html", "opendata.html", "accessibility.html", "rights.html", "print.html",
)


def _base(kind: str, http_url: str, site_dir: Path) -> str:
    return http_url if kind == "http" else site_dir.as_uri() + "/"


def _pick(page: Any, text: str) -> None:
    page.fill("#hb-body", text)
    page.locator("#hb-body-choices button").first.click()


@pytest.mark.parametrize("kind", ["http", "file"])
def test_the_finder_given_niseko_lists_bandai_among_the_most_similar(page: Any, http_url: str, site_dir: Path, kind: str) -> None:
    page.goto(_base(kind, http_url, site_dir) + "finder.html")
    _pick(page, "にせこ")  # hiragana finds the katakana reading
    names = page.locator("#hb-similar-list > li strong").all_inner_texts()
    assert names[0] == "磐梯町", names
    assert "#body=013951" in page.url
    assert "5,077人" in page.inner_text("#hb-similar")  # the census figure of ニセコ町


@pytest.mark.parametrize("kind", ["http", "file"])
def test_filters_combine_and_the_url_restores_them(page: Any, http_url: str, site_dir: Path, kind: str) -> None:
    base = _base(kind, http_url, site_dir)
    page.goto(base + "finder.html")
    page.select_option("select[name=place]", "神奈川県")
    assert set(page.locator("#hb-results-list > li").evaluate_all("els => els.map(e => e.dataset.municipality)")) == {
        "ayase", "hayama", "kanagawa"}
    page.select_option("select[name=theme]", "mindset-reform")
    shown = page.locator("#hb-results-list > li").evaluate_all("els => els.map(e => e.dataset.municipality)")
    assert shown == ["ayase"]  # 神奈川県 and 職員の意識改革: only 綾瀬市 has evidence of both
    url = page.url
    assert f"place={quote('神奈川県')}" in url and "theme=mindset-reform" in url
    page.goto("about:blank")
    page.goto(url)
    assert page.input_value("select[name=place]") == "神奈川県"
    assert page.input_value("select[name=theme]") == "mindset-reform"
    assert page.locator("#hb-results-list > li").evaluate_all("els => els.map(e => e.dataset.municipality)") == ["ayase"]


def test_without_javascript_the_finder_leads_to_the_index_pages(browser: Any, http_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    pg.goto(http_url + "finder.html")
    assert not pg.locator("#hb-finder").is_visible()
    hrefs = pg.locator("article a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert {"municipalities/index.html", "indexes/prefectures.html", "indexes/population.html"} <= set(hrefs)
    context.close()


@pytest.mark.parametrize("kind", ["http", "file"])
def test_no_request_leaves_the_origin_on_any_page_kind_or_search(browser: Any, http_url: str, site_dir: Path, kind: str) -> None:
    base = _base(kind, http_url, site_dir)
    origin = "file://" if kind == "file" else http_url
    offsite: list[str] = []
    context = browser.new_context(locale="ja-JP")

    def route(r: Any) -> None:
        if r.request.url.startswith((origin, "data:", "blob:", "about:")):
            r.continue_()
        else:
            offsite.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    pg = context.new_page()
    for rel in PAGE_KINDS:
        pg.goto(base + rel)
        pg.wait_for_load_state("networkidle")
    if kind == "http":  # the search worker loads its index from the site
        pg.goto(base + "index.html")
        pg.wait_for_function("typeof window.keyboard$ !== 'undefined'")  # Material's key handling is up
        pg.keyboard.press("/")
        pg.wait_for_function("document.activeElement.classList.contains('md-search__input')")
        pg.locator("input.md-search__input").fill("磐梯")
        pg.keyboard.press("End")  # a key after the text, as an IME commit gives (fill alone sends no key)
        pg.wait_for_selector(".md-search-result__item")
    context.close()
    assert offsite == []


def test_no_page_is_wider_than_a_phone(browser: Any, http_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ja-JP")
    pg = context.new_page()
    wide = {}
    for rel in PAGE_KINDS:
        pg.goto(http_url + rel)
        width = pg.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wide[rel] = width
    small = pg.goto(http_url + "municipalities/index.html") and pg.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.md-typeset table td')).fontSize)")
    context.close()
    assert wide == {}
    assert small >= 14


def test_table_boxes_are_labelled_focusable_regions(page: Any, http_url: str) -> None:
    page.goto(http_url + "municipalities/index.html")
    box = page.locator(".md-typeset__scrollwrap").first
    assert box.get_attribute("role") == "region"
    assert box.get_attribute("aria-label") == "表: 自治体一覧"
    assert box.get_attribute("tabindex") == "0"


def test_key_points_come_before_the_timeline_on_a_body_page(page: Any, http_url: str) -> None:
    page.goto(http_url + "municipalities/bandai.html")
    headings = [h.removesuffix("¶").strip() for h in page.locator("article h2").all_inner_texts()]
    assert headings[:4] == ["概要", "要点", "発言", "年表"]
    assert page.locator("details.hb-timeline").get_attribute("open") is None  # collapsed
    jump = page.locator("nav.hb-jump a").all_inner_texts()
    assert jump[:3] == ["概要", "要点", "発言"]
    assert page.locator("nav.hb-jump .hb-print").is_visible()
    # the article's title once per section, not after every key point
    title = "人口3400人、小さなまち磐梯町がなぜDXに本気になるのか?"
    key_points = page.locator("h2#key-points ~ ul").first.inner_text()
    assert title not in key_points


@pytest.mark.parametrize("rel", ["municipalities/bandai.html", "themes/mindset-reform.html"])
def test_a_body_or_theme_page_prints_on_at_most_two_a4_pages(page: Any, http_url: str, rel: str) -> None:
    page.goto(http_url + rel)
    pdf = page.pdf(format="A4")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 2, pages


@pytest.mark.parametrize("rel", ["index.html", "finder.html", "municipalities/bandai.html", "themes/mindset-reform.html",
                                 "municipalities/index.html"])
def test_axe_finds_nothing_on_the_new_and_reordered_pages(page: Any, http_url: str, rel: str) -> None:
    page.goto(http_url + rel)
    if rel == "finder.html":  # with a body picked and filters set: the results are part of the page
        _pick(page, "ニセコ")
        page.select_option("select[name=theme]", "mindset-reform")
    violations = axe_run(page)
    assert violations == [], describe(violations)


def test_the_map_links_every_covered_body_by_keyboard(page: Any, http_url: str) -> None:
    page.goto(http_url + "index.html")
    links = page.locator(".hb-map-svg a")
    assert links.count() == 6
    assert (page.locator(".hb-map-svg title").text_content() or "").startswith("全国 1,788 の庁舎")
    links.first.focus()
    assert page.evaluate("document.activeElement.closest('svg') !== null")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/municipalities/\w+\.html$"))


def test_the_offline_zip_is_linked_from_the_top_and_open_data_pages(site_dir: Path) -> None:
    assert (site_dir / "jichitai-dx-handbook-offline.zip").is_file()
    for rel in ("index.html", "opendata.html"):
        assert 'href="jichitai-dx-handbook-offline.zip" download' in (site_dir / rel).read_text(encoding="utf-8"), rel


def test_the_finder_data_escapes_every_string_for_a_script(mini_root: Path) -> None:
    from generator.build import generate
    from generator.pages import finder

    g = generate(mini_root)
    script = next(p.content for p in g.pages if p.path == finder.DATA_SCRIPT)
    assert isinstance(script, str) and script.startswith("// ") and "window.HB_FINDER = {" in script
    assert "<" not in script.split("\n", 1)[1]  # json_text: no tag can open or close inside the script
    data = finder.finder_data(g.handbook, g.index)
    assert len(data["bodies"]) == 1788
    assert [c["id"] for c in data["covered"]] == list(g.handbook.municipalities)


def test_beyond_sixty_bodies_the_map_draws_them_without_links(mini_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.build import generate
    from generator.pages import finder

    hb = generate(mini_root).handbook
    assert str(finder.map_svg(hb, "index.md")).count("<a ") == len(hb.municipalities)
    monkeypatch.setattr(finder, "MAP_LINKS", 1)
    svg = str(finder.map_svg(hb, "index.md"))
    assert "<a " not in svg and 'class="hb-map-covered-many"' in svg
    assert f"掲載している {len(hb.municipalities)} 団体" in svg
