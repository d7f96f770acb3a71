"""The hosted site: sitemap, canonical URLs, per-page description and Open Graph, a Japanese 404, and a sub-path."""

from __future__ import annotations

import functools
import html
import http.server
import re
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
import yaml

from generator.build import generate

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class _Head(HTMLParser):
    """The head's meta and link tags of a page, decoded as a browser decodes them."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = a.get("lang", "")
        elif tag == "meta" and ("name" in a or "property" in a):
            self.meta[a.get("name") or a["property"]] = a.get("content", "")
        elif tag == "link" and a.get("rel") == "canonical":
            self.links["canonical"] = a.get("href", "")


def head(path: Path) -> _Head:
    parser = _Head()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def front_matter(md: Path) -> dict[str, str]:
    text = md.read_text(encoding="utf-8")
    m = re.match(r"---\n(.*?)\n---\n", text, re.S)
    assert m, md
    return dict(yaml.safe_load(m.group(1)))


@pytest.fixture(scope="module")
def site_url(site_dir: Path) -> str:
    """The site_url the build used, read back from the sitemap's first entry."""
    first = ElementTree.parse(site_dir / "sitemap.xml").getroot().find(f"{SITEMAP_NS}url/{SITEMAP_NS}loc")
    assert first is not None and first.text
    return first.text.removesuffix("index.html")


@pytest.fixture(scope="module")
def pages(docs_dir: Path) -> list[str]:
    """Every generated Markdown page, as its path under docs."""
    return sorted(p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*.md"))


def test_sitemap_lists_every_page_under_site_url(site_dir: Path, site_url: str, pages: list[str]) -> None:
    assert site_url.startswith("https://") and urlsplit(site_url).path not in ("", "/"), "a GitHub Pages project site"
    locs = [e.text for e in ElementTree.parse(site_dir / "sitemap.xml").getroot().iter(f"{SITEMAP_NS}loc")]
    assert sorted(locs) == sorted(site_url + p.removesuffix(".md") + ".html" for p in pages)
    assert (site_dir / "sitemap.xml.gz").is_file()


def test_every_page_has_canonical_description_and_open_graph(site_dir: Path, docs_dir: Path, site_url: str,
                                                             pages: list[str]) -> None:
    for rel in pages:
        h = head(site_dir / (rel.removesuffix(".md") + ".html"))
        fm = front_matter(docs_dir / rel)
        assert h.lang == "ja", rel
        assert h.links["canonical"] == site_url + rel.removesuffix(".md") + ".html", rel
        # Front matter holds HTML-escaped text (Material prints it raw); a browser reads it unescaped.
        assert h.meta["description"] == html.unescape(fm["description"]) and fm["description"], rel
        assert h.meta["og:description"] == h.meta["description"], rel
        assert h.meta["og:title"] == html.unescape(fm["title"]), rel
        assert h.meta["og:url"] == h.links["canonical"], rel
        assert h.meta["og:site_name"] == "自治体DXハンドブック" and h.meta["og:locale"] == "ja_JP", rel


def test_description_is_the_summary(site_dir: Path, handbook_root: Path) -> None:
    hb = generate(handbook_root).handbook
    for m in hb.municipalities.values():
        assert head(site_dir / "municipalities" / f"{m.id}.html").meta["description"] == m.summary
    for a in hb.articles.values():
        assert head(site_dir / "articles" / f"{a.id}.html").meta["og:description"] == a.summary
    for t in hb.themes.values():
        assert head(site_dir / "themes" / f"{t.id}.html").meta["og:description"] == t.description


def test_404_page_is_japanese_with_absolute_asset_urls(site_dir: Path, site_url: str) -> None:
    text = (site_dir / "404.html").read_text(encoding="utf-8")
    base = urlsplit(site_url).path
    assert "<h1>ページが見つかりません(404)</h1>" in text
    assert f'<a href="{base}index.html">トップページへ戻る</a>' in text
    assert f'href="{base}assets/stylesheets/' in text and 'href="assets/' not in text
    assert "Not found" not in text


class _PagesHandler(http.server.SimpleHTTPRequestHandler):
    """GitHub Pages in miniature: the site under a sub-path, and its 404.html for anything missing."""

    not_found = b""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code != 404:
            super().send_error(code, message, explain)
            return
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.not_found)))
        self.end_headers()
        self.wfile.write(self.not_found)

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output clean."""


@pytest.fixture(scope="module")
def subpath_url(site_dir: Path, site_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The built site served at site_url's path (e.g. /handbook/) on 127.0.0.1, as GitHub Pages serves it."""
    base = urlsplit(site_url).path
    root = tmp_path_factory.mktemp("pages")
    mount = root / base.strip("/")
    mount.parent.mkdir(parents=True, exist_ok=True)
    mount.symlink_to(site_dir, target_is_directory=True)
    handler = type("Handler", (_PagesHandler,), {"not_found": (site_dir / "404.html").read_bytes()})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}{base}"
    server.shutdown()


def test_site_works_under_a_sub_path(page, subpath_url: str) -> None:  # type: ignore[no-untyped-def]
    failed: list[str] = []
    origin = "{0.scheme}://{0.netloc}/".format(urlsplit(subpath_url))
    # Only the site's own files count here (tests/test_finder.py checks that nothing else is asked for).
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 and r.url.startswith(origin) else None)
    page.on("requestfailed", lambda r: failed.append(f"failed {r.url}") if r.url.startswith(origin) else None)

    page.goto(subpath_url + "municipalities/akishima.html")
    assert page.locator("article h1").first.inner_text().removesuffix("¶").strip() == "昭島市"
    page.locator(".md-tabs__link", has_text="テーマ").click()
    page.wait_for_url(subpath_url + "themes/index.html")
    page.wait_for_load_state("networkidle")  # the search data loads after the page; let it finish
    assert failed == []

    response = page.goto(subpath_url + "no/such/page.html")
    assert response is not None and response.status == 404
    assert page.locator("article h1").inner_text() == "ページが見つかりません(404)"
    header = page.locator(".md-header").evaluate("e => getComputedStyle(e).backgroundColor")
    assert header not in ("", "rgba(0, 0, 0, 0)"), "the theme's stylesheet loaded on the 404 page"
    page.wait_for_load_state("networkidle")
    failed.remove(f"404 {subpath_url}no/such/page.html")
    assert failed == []
    page.get_by_role("link", name="トップページへ戻る").click()
    page.wait_for_url(subpath_url + "index.html")
    page.wait_for_load_state("networkidle")
    assert failed == []
