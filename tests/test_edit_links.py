"""Each page's edit button opens the YAML it was generated from, on the repository in mkdocs.yml.

Pages generated from many files (lists, indexes) have no edit button, and no edit link may
point at the generated Markdown under build/docs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mkdocs.config import load_config

ROOT = Path(__file__).resolve().parents[1]
EDIT_LINK = re.compile(r'<a href="([^"]*)" title="([^"]*)" class="md-content__button md-icon" rel="edit">')


@pytest.fixture(scope="module")
def edit_base(handbook_root: Path) -> str:
    """edit_uri exactly as mkdocs.yml declares it, a full URL (no repo_url: issue 28) (read in the built copy: MkDocs
    wants docs_dir to exist)."""
    config = load_config(str(handbook_root / "mkdocs.yml"))
    assert not config["repo_url"] and config["edit_uri"].startswith("https://github.com/")
    return f"{config['edit_uri'].rstrip('/')}/"


def edit_links(html_path: Path) -> list[tuple[str, str]]:
    return EDIT_LINK.findall(html_path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("folder", "source"), [
    ("articles", "content/articles"),
    ("municipalities", "content/municipalities"),
    ("themes", "content/themes"),
])
def test_entity_pages_edit_their_own_yaml(site_dir: Path, edit_base: str, folder: str, source: str) -> None:
    pages = sorted(p for p in (site_dir / folder).glob("*.html") if p.name != "index.html")
    assert pages
    for page in pages:
        rel = f"{source}/{page.stem}.yaml"
        assert (ROOT / rel).is_file(), rel
        assert edit_links(page) == [(f"{edit_base}{rel}", f"このページの元データ({rel})を GitHub で編集")], page.name


def test_glossary_page_edits_glossary_yaml(site_dir: Path, edit_base: str) -> None:
    assert [href for href, _ in edit_links(site_dir / "glossary.html")] == [f"{edit_base}content/glossary.yaml"]


def test_pages_from_many_sources_have_no_edit_button(site_dir: Path) -> None:
    for rel in ("index.html", "municipalities/index.html", "themes/index.html", "articles/index.html",
                "indexes/index.html", "indexes/matrix.html", "indexes/timeline.html"):
        assert edit_links(site_dir / rel) == [], rel


def test_no_edit_link_points_at_generated_markdown(site_dir: Path) -> None:
    for page in site_dir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert 'rel="edit"' not in text or all(href.endswith(".yaml") for href, _ in edit_links(page)), page
        assert "build/docs" not in "".join(href for href, _ in edit_links(page))
