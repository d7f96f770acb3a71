"""The Atom feed (generator/pages/feed.py) and the top page's 新着 list: dates from the content, never the clock."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import yaml

from generator.build import generate
from generator.pages.feed import FEED
from tests.conftest import ROOT

ATOM = "{http://www.w3.org/2005/Atom}"


def pages(root: Path) -> dict[str, str | bytes]:
    return {p.path: p.content for p in generate(root).pages}


def test_every_article_has_an_entry_with_its_date_added() -> None:
    generated = generate(ROOT)
    feed = next(p.data for p in generated.pages if p.path == FEED)
    root = ET.fromstring(feed)
    assert root.tag == f"{ATOM}feed"
    entries = {link.get("href"): e for e in root.findall(f"{ATOM}entry") for link in e.findall(f"{ATOM}link")}
    assert len(entries) == len(generated.handbook.articles) == 5
    for a in generated.handbook.articles.values():
        assert a.added, f"{a.id}: every article of the handbook records when it was added"
        href = f"https://jichitai-dx-handbook.github.io/handbook/articles/{a.id}.html"
        entry = entries[href]
        assert entry.findtext(f"{ATOM}title") == a.title
        assert entry.findtext(f"{ATOM}published") == f"{a.added}T00:00:00+09:00"
        assert entry.findtext(f"{ATOM}updated") == f"{max(a.added, a.reviewed or a.added)}T00:00:00+09:00"
        assert entry.findtext(f"{ATOM}id") == f"tag:jichitai-dx-handbook.github.io,2026:articles/{a.id}"
    latest = max(e.findtext(f"{ATOM}updated") or "" for e in entries.values())
    assert root.findtext(f"{ATOM}updated") == latest, "the feed's date is its latest entry's, not the build's"


def test_feed_is_the_same_whenever_it_is_built() -> None:
    assert pages(ROOT)[FEED] == pages(ROOT)[FEED]


def test_hostile_title_and_summary_stay_text_in_the_feed(mini_root: Path) -> None:
    article = mini_root / "content" / "articles" / "mini-article.yaml"
    data = yaml.safe_load(article.read_text(encoding="utf-8"))
    hostile = "</title><entry>&amp;]]><!-- \"' ＝1+1"
    data["title"], data["summary"] = f"題 {hostile}", f"要約 {hostile}"
    article.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    feed = pages(mini_root)[FEED]
    assert isinstance(feed, bytes)
    entries = ET.fromstring(feed).findall(f"{ATOM}entry")
    assert len(entries) == 1
    assert entries[0].findtext(f"{ATOM}title") == f"題 {hostile}"
    assert entries[0].findtext(f"{ATOM}summary") == f"要約 {hostile}"


def test_top_page_lists_new_articles_and_links_the_feed() -> None:
    home = pages(ROOT)["index.md"]
    assert isinstance(home, str)
    block = home.split("## 新着", 1)[1].split("\n## ", 1)[0]
    assert block.count("](articles/") == 5
    assert "令和8年11月22日" in block and "(feed.xml)" in block
    assert "(../feed.xml)" in str(pages(ROOT)["articles/index.md"])


def test_no_page_fetches_the_sitemap(page: Any, http_url: str) -> None:
    """Material takes every ``<link rel="alternate">`` for another language's copy of the site and fetches the
    ``sitemap.xml`` beside it: announced in the head, the feed made every page load fetch the sitemap (1.3 MB at
    national scale). The feed is linked from the top page's text instead."""
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    alternates: dict[str, int] = {}
    for rel in ("index.html", "municipalities/akishima.html", "articles/index.html"):
        page.goto(http_url + rel)
        page.wait_for_load_state("networkidle")
        alternates[rel] = page.locator("link[rel=alternate]").count()
    assert [u for u in fetched if "sitemap" in u] == []
    assert set(alternates.values()) == {0}, alternates
    page.goto(http_url + "index.html")
    assert page.get_by_role("link", name="フィード(Atom)").get_attribute("href") == "feed.xml"
