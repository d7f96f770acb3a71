"""Where each page of the handbook lives: an entity's page path is computed here and nowhere else.

MkDocs is configured with ``use_directory_urls: false``, so a page ``themes/x.md`` is served as ``themes/x.html``;
long pages keep part 1 at their own path and put parts 2.. below it (``paging.part_path``).
"""

from __future__ import annotations

FOLDERS = {"municipality": "municipalities", "theme": "themes", "article": "articles"}
"""The entities with a page of their own, and the folder their pages are in."""
NAMES = {"municipality": "自治体", "theme": "テーマ", "article": "記事"}
"""What contributors call each of them."""


def entity_page(kind: str, ident: str) -> str:
    """The Markdown page of one municipality, theme or article, e.g. ``themes/gov-cloud.md``."""
    return f"{FOLDERS[kind]}/{ident}.md"


def html_of(page: str) -> str:
    """The HTML file MkDocs makes of a Markdown page."""
    return page.removesuffix(".md") + ".html"


def md_of(location: str) -> str:
    """The Markdown page a built HTML file was made from (``html_of`` backwards)."""
    return location.removesuffix(".html") + ".md"


def entity_of(page: str) -> tuple[str, str] | None:
    """The kind and id of the entity a page (or a part of one, ``themes/x/2.md``) was made from, or None."""
    folder, _, rest = page.partition("/")
    ident = rest.split("/")[0].removesuffix(".md")
    kind = next((k for k, f in FOLDERS.items() if f == folder), None)
    return (kind, ident) if kind is not None and ident and ident != "index" else None


DEFAULT_SITE_URL = "https://jichitai-dx-handbook.github.io/handbook/"
"""Where the handbook is published: ``site_url`` of mkdocs.yml, which ``HANDBOOK_SITE_URL`` overrides for both
(tests/test_opendata.py checks the two defaults agree)."""


def absolute(page: str, site_url: str) -> str:
    """The published address of a generated page or file (``data/x.csv`` as it is, ``x.md`` as its HTML), for the
    feed and the open data, which are read away from the site; the bare path when no site URL is set (offline)."""
    target = html_of(page) if page.endswith(".md") else page
    return (site_url.rstrip("/") + "/" + target) if site_url else target
