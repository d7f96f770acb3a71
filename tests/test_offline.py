"""The offline copy: the zip in dist/, unzipped anywhere and opened from file://, works with no network at all."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest

from generator.build import generate
from generator.content.rights import LICENCES
from generator.publish.offline import ARCHIVE_NAME, ARCHIVE_ROOT, DIST_DIR, SHIM_TARGET, write_archive

LICENCE_URLS = {licence.url for licence in LICENCES.values() if licence.url}
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
SEARCHES = ("ガバメントクラウド", "意識改革", "磐梯町")
CSS_URL = re.compile(r"""url\(\s*["']?(https?:[^"')\s]+)""")
CSS_IMPORT = re.compile(r"""@import\s+["'](https?:[^"']+)""")


class _Refs(HTMLParser):
    """Every attribute value of a page that is an http(s) URL (XML namespace declarations are names, not references)."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and not name.startswith("xmlns") and re.match(r"\s*https?:", value, re.I):
                self.refs.append((tag, name, value.strip()))


@pytest.fixture(scope="module")
def archive(handbook_root: Path) -> Path:
    """The archive the main build command wrote."""
    return handbook_root / DIST_DIR / ARCHIVE_NAME


@pytest.fixture(scope="module")
def offline_root(archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The archive unzipped into a fresh folder, as a reader would."""
    dest = tmp_path_factory.mktemp("unzipped")
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(dest)
    return dest / ARCHIVE_ROOT


@pytest.fixture(scope="module")
def source_urls(handbook_root: Path) -> set[str]:
    """URLs of the cited source articles: with the licences' texts, the only http(s) links the offline copy may keep."""
    return {a.url for a in generate(handbook_root).handbook.articles.values() if a.url}


def _texts(root: Path, suffix: str) -> Iterator[tuple[str, str]]:
    for path in sorted(root.rglob(f"*{suffix}")):
        yield path.relative_to(root).as_posix(), path.read_text(encoding="utf-8")


def test_archive_holds_the_site_under_one_folder(archive: Path) -> None:
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
        assert zf.testzip() is None
    assert all(n.startswith(f"{ARCHIVE_ROOT}/") for n in names)
    for needed in ("index.html", "municipalities/akishima.html", "indexes/matrix.html", "glossary.html", SHIM_TARGET):
        assert f"{ARCHIVE_ROOT}/{needed}" in names
    assert f"{ARCHIVE_ROOT}/sitemap.xml" not in names


def test_archive_is_deterministic(archive: Path) -> None:
    with zipfile.ZipFile(archive) as zf:
        infos = zf.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_a_failed_archive_leaves_the_previous_one_and_no_part(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>新しい版</p>\n", encoding="utf-8")
    archive = tmp_path / DIST_DIR / ARCHIVE_NAME
    archive.parent.mkdir()
    archive.write_bytes(b"previous archive")

    def full_disk(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", full_disk)
    with pytest.raises(OSError):
        write_archive(site, archive)
    assert archive.read_bytes() == b"previous archive"
    assert sorted(p.name for p in archive.parent.iterdir()) == [ARCHIVE_NAME]


def test_no_http_asset_reference_is_left(offline_root: Path, source_urls: set[str]) -> None:
    assert source_urls, "the handbook cites no source URL; the check below would prove nothing"
    seen_sources: set[str] = set()
    for rel, text in _texts(offline_root, ".html"):
        parser = _Refs()
        parser.feed(text)
        for tag, attr, url in parser.refs:
            source, _, fragment = url.partition("#")
            cited = source in source_urls and (not fragment or fragment.startswith(":~:text="))  # 原文 N 行目
            assert (tag, attr) == ("a", "href") and (cited or unquote(url) in LICENCE_URLS), f"{rel}: <{tag} {attr}={url!r}>"
            if cited:
                seen_sources.add(source)
        assert "unpkg.com" not in text, rel
        assert not CSS_URL.findall(text) and not CSS_IMPORT.findall(text), rel
    for rel, text in _texts(offline_root, ".css"):
        assert not CSS_URL.findall(text) and not CSS_IMPORT.findall(text), rel
    assert seen_sources == source_urls


def test_polyfill_is_the_local_iframe_worker_shim(offline_root: Path) -> None:
    home = (offline_root / "index.html").read_text(encoding="utf-8")
    assert f'<script src="{SHIM_TARGET}"></script>' in home
    shim = (offline_root / SHIM_TARGET).read_text(encoding="utf-8")
    assert 'location.protocol==="file:"&&(window.Worker=' in shim


def _h1(page) -> str:  # type: ignore[no-untyped-def]
    """The page heading without its permalink mark."""
    return str(page.locator("article h1").first.inner_text()).removesuffix("¶").strip()


def _search(page, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Type a query into the header's search box and return the visible result titles."""
    box = page.locator(".md-search__input")
    box.click()
    box.fill(query)
    box.press("End")
    items = page.locator(".md-search-result__item")
    items.first.wait_for(state="visible", timeout=20_000)
    return [t.strip() for t in page.locator(".md-search-result__article h1").all_inner_texts()]


def test_from_file_navigation_search_tooltips_without_network(browser, offline_root: Path) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    context.route(re.compile(r"^https?://"), lambda route: route.abort())
    page = context.new_page()
    try:
        page.goto((offline_root / "index.html").as_uri())
        assert _h1(page) == "自治体DXハンドブック"

        page.locator(".md-tabs__link", has_text="自治体").click()
        page.wait_for_url("**/municipalities/index.html")
        page.locator("article a", has_text="昭島市").first.click()
        page.wait_for_url("**/municipalities/akishima.html")
        assert _h1(page) == "昭島市"
        abbr = page.locator("article abbr[title]").first
        definition = str(abbr.get_attribute("title"))
        abbr.hover()
        tooltip = page.locator("#hb-tooltip")  # the glossary tooltip of overrides/assets/javascripts/a11y.js
        tooltip.wait_for(state="visible", timeout=5_000)
        assert definition[:20] in tooltip.inner_text()

        page.goto((offline_root / "indexes" / "matrix.html").as_uri())
        assert page.locator("article table tbody tr").count() >= 10
        page.locator("article table tbody a[href*='#m-']").first.click()
        page.wait_for_url(re.compile(r"/themes/[a-z-]+\.html#m-[a-z-]+$"))

        for query in SEARCHES:
            page.goto((offline_root / "index.html").as_uri())
            titles = _search(page, query)
            assert titles, query
            assert any(query in t for t in page.locator(".md-search-result__item").all_inner_texts()), query
        page.locator(".md-search-result__link").first.click()
        page.wait_for_load_state()
        assert page.url.startswith("file://") and page.url != (offline_root / "index.html").as_uri()
    finally:
        context.close()
    assert requests, "no request was recorded at all"
    outside = [u for u in requests if not u.startswith(LOCAL_SCHEMES)]
    assert outside == []
