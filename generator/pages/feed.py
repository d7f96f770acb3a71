"""The Atom feed of articles (``feed.xml``): a reader follows new and re-checked cases without visiting the site.

Every date comes from the content (``added``, ``reviewed``), never from the build clock, so the same content gives
the same feed byte for byte. Every string from the content goes through ``escape.xml``; addresses come from
``paths``. Articles without ``added`` are not in the feed (nor in the 新着 list).
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.content.model import Article, Handbook
from generator.pages import escape, paths

FEED = "feed.xml"
TITLE = "自治体DXハンドブック: 新着記事"
TAG = "tag:jichitai-dx-handbook.github.io,2026:"
"""Entry ids are tag URIs: they stay the same if the site moves, as Atom asks of an id (RFC 4287 4.2.6)."""
NEW = 10
"""Articles on the top page's 新着 list."""


def _time(day: str) -> str:
    """A content date as an Atom date-time: midnight in Japan."""
    return f"{day}T00:00:00+09:00"


def updated(a: Article) -> str:
    """The later of the day the article joined the handbook and the day it was last checked."""
    return max(filter(None, (a.added, a.reviewed)))


def newest(hb: Handbook) -> list[Article]:
    """Articles with an ``added`` date, newest first (then by id): the feed's and the 新着 list's order."""
    dated = sorted((a for a in hb.articles.values() if a.added), key=lambda a: a.id)
    return sorted(dated, key=lambda a: a.added or "", reverse=True)


def _entry(a: Article, hb: Handbook, site_url: str) -> str:
    page = escape.xml(paths.absolute(paths.entity_page("article", a.id), site_url))
    themes = "".join(f'\n    <category term="{escape.xml(t)}" label="{escape.xml(hb.themes[t].name)}"/>'
                     for t in a.themes if t in hb.themes)
    return (f"  <entry>\n    <title>{escape.xml(a.title)}</title>\n    <id>{escape.xml(TAG + 'articles/' + a.id)}</id>\n"
            f'    <link rel="alternate" type="text/html" href="{page}"/>\n'
            f"    <published>{_time(a.added or '')}</published>\n    <updated>{_time(updated(a))}</updated>\n"
            f'    <summary type="text">{escape.xml(a.summary)}</summary>{themes}\n  </entry>\n')


def render(hb: Handbook, site_url: str) -> bytes:
    """The feed, newest article first; the feed's own ``updated`` is its latest entry's (a fixed day if empty)."""
    articles = newest(hb)
    latest = max((updated(a) for a in articles), default="2000-01-01")
    links = _links(((FEED, "self", "application/atom+xml"), ("index.md", "alternate", "text/html")), site_url)
    return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ja">\n'
            f"  <title>{escape.xml(TITLE)}</title>\n  <id>{escape.xml(TAG + 'articles')}</id>\n{links}"
            f"  <updated>{_time(latest)}</updated>\n  <author><name>自治体DXハンドブック</name></author>\n"
            + "".join(_entry(a, hb, site_url) for a in articles) + "</feed>\n").encode("utf-8")


def _links(links: Iterable[tuple[str, str, str]], site_url: str) -> str:
    return "".join(f'  <link rel="{rel}" type="{kind}" href="{escape.xml(paths.absolute(page, site_url))}"/>\n'
                   for page, rel, kind in links)
