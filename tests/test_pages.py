"""The built handbook as readers get it: pages exist, link both ways, and show no furniture."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.build import generate
from tests.conftest import convert_page, copy_repo
from tests.test_rights import with_rights

FURNITURE = [
    "見出し画像", "この記事をシェア", "この記事は参考になりましたか", "磐梯note", "画像8", "画像2",
    "chisou_pub-ml", "お問い合わせ", "ご購入はこちら", "メルマガ", "オススメ!",
    "図 DX推進の流れ", "フォーラムでの講演の様子", "この記事が気に入ったらサポート", "連載一覧はこちら",
    "この記事の著者", "プロフィールは、執筆時点",
]

FURNITURE_LINES = {"アンケート", "閉じる", "関連記事", "-", "Facebook", "LINE", "画像2", "この記事をシェアする"}


class _Text(HTMLParser):
    """Collects the text and links of a page's main article element."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.text: list[str] = []
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "article":
            self.depth += 1
        if self.depth and a.get("id"):
            self.ids.add(a["id"] or "")
        if self.depth and tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.text.append(data)


def parse(path: Path) -> _Text:
    p = _Text()
    p.feed(path.read_text(encoding="utf-8"))
    return p


@pytest.fixture(scope="module")
def handbook(handbook_root: Path):  # type: ignore[no-untyped-def]
    return generate(handbook_root)


@pytest.fixture(scope="module")
def licensed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Article pages as they are when every source allows reuse (the real ones do not, so their pages show no body):
    the real content with ``rights: CC-BY-4.0`` added, converted by Python-Markdown with mkdocs.yml's extensions."""
    root = copy_repo(tmp_path_factory.mktemp("licensed"))
    for path in (root / "content" / "articles").glob("*.yaml"):
        with_rights(path, "  licence: CC-BY-4.0\n")
    out = root / "html"
    for page in generate(root).pages:
        if page.path.startswith("articles/") and isinstance(page.content, str):
            target = out / page.path.replace(".md", ".html")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f"<article>{convert_page(page.content)[0]}</article>", encoding="utf-8")
    return out


def test_every_seed_has_an_article_page(handbook_root: Path, site_dir: Path, handbook) -> None:  # type: ignore[no-untyped-def]
    seeds = sorted(p.name for p in (handbook_root / "seeds").glob("*.txt"))
    assert sorted(a.seed for a in handbook.handbook.articles.values()) == seeds
    for a in handbook.handbook.articles.values():
        page = parse(site_dir / "articles" / f"{a.id}.html")
        assert a.title in "".join(page.text)


@pytest.mark.parametrize("kind", ["published", "licensed"])
def test_no_furniture_on_any_article_page(kind: str, site_dir: Path, licensed: Path) -> None:
    pages = sorted(((site_dir if kind == "published" else licensed) / "articles").glob("*.html"))
    assert len(pages) == 6  # five articles and the list
    for path in pages:
        text = "".join(parse(path).text)
        found = [f for f in FURNITURE if f in text]
        assert not found, f"{path.name}: {found}"
        # Short furniture lines are also ordinary words ("アンケートを実施"): match them as whole paragraphs.
        paragraphs = re.findall(r"<p[^>]*>(.*?)</p>", path.read_text(encoding="utf-8"), re.S)
        assert not [p for p in paragraphs if p.strip() in FURNITURE_LINES], path.name


def test_text_fidelity(licensed: Path) -> None:
    bandai = "".join(parse(licensed / "articles" / "bandai-dx-strategy-2020.html").text)
    assert "窓口改革プロジェクト" in bandai and "⼝" not in bandai and "⽉" not in bandai and "⻑" not in bandai
    assert "①デジタル化はまちの将来を救う" in bandai
    assert "2019年" in bandai and "6月 佐藤が磐梯町長に初当選。" in bandai
    forum = "".join(parse(licensed / "articles" / "kanagawa-dx-forum.html").text)
    assert "生成AI" in forum and "Ⅰ" not in forum


def test_lists_are_kept(licensed: Path) -> None:
    html = (licensed / "articles" / "bandai-dx-strategy-2020.html").read_text(encoding="utf-8")
    assert re.search(r'<ul class="hb-list">\s*<li id="p23">①デジタル化はまちの将来を救う', html)
    assert re.search(r'<li id="p56">6月 佐藤が磐梯町長に初当選。', html)
    forum = (licensed / "articles" / "kanagawa-dx-forum.html").read_text(encoding="utf-8")
    assert '<li id="p56">■既存のやり方' in forum


def test_unknown_attribution_is_shown_as_unknown(site_dir: Path) -> None:
    html = (site_dir / "articles" / "ayase-ntt-east.html").read_text(encoding="utf-8")
    rows = dict(re.findall(r"<tr>\s*<t[dh]>(出典|著者|掲載日|URL)</t[dh]>\s*<t[dh]>(.*?)</t[dh]>", html, re.S))
    assert rows == {"出典": "不明", "著者": "不明", "掲載日": "不明", "URL": "不明"}


def test_key_points_and_quotes_link_to_existing_paragraphs(licensed: Path, handbook) -> None:  # type: ignore[no-untyped-def]
    for a in handbook.handbook.articles.values():
        ids = parse(licensed / "articles" / f"{a.id}.html").ids
        for n in {n for kp in a.key_points for n in kp.paras} | {q.para for q in a.quotes}:
            assert f"p{n}" in ids, f"{a.id}: ¶{n} has no anchor"


def test_municipality_and_theme_pages_link_both_ways(site_dir: Path, handbook) -> None:  # type: ignore[no-untyped-def]
    hb, ix = handbook.handbook, handbook.index
    for m in ("akishima", "ayase", "bandai", "kanagawa", "hayama", "ishikawa"):
        assert m in hb.municipalities
    for m in hb.municipalities.values():
        links = parse(site_dir / "municipalities" / f"{m.id}.html").links
        for t in ix.themes_by_municipality[m.id]:
            assert f"../themes/{t}.html#m-{m.id}" in links
            theme_page = parse(site_dir / "themes" / f"{t}.html")
            assert f"../municipalities/{m.id}.html" in theme_page.links
            assert f"m-{m.id}" in theme_page.ids


def test_related_bodies_name_their_shared_themes_once_linked_above(site_dir: Path, handbook) -> None:  # type: ignore[no-untyped-def]
    # The テーマ section links each theme; the related table names them as text (one link per row: the body).
    hb, ix = handbook.handbook, handbook.index
    for m in hb.municipalities.values():
        related = ix.related_municipalities.get(m.id, ())
        if not related:
            continue
        page = (site_dir / "municipalities" / f"{m.id}.html").read_text(encoding="utf-8")
        table = re.split(r'<h2 id="[^"]*">関連する自治体', page)[1].split("</table>", 1)[0]
        assert "../themes/" not in table
        rows = re.findall(r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", table, re.S)
        assert [(f'<a href="{r.municipality}.html">{hb.municipalities[r.municipality].name}</a>',
                 "、".join(hb.themes[t].name for t in r.shared_themes) or "—") for r in related] == rows


def test_matrix_is_complete(site_dir: Path, handbook) -> None:  # type: ignore[no-untyped-def]
    hb, ix = handbook.handbook, handbook.index
    html = (site_dir / "indexes" / "matrix.html").read_text(encoding="utf-8")
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    assert body is not None
    rows = re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
    assert len(rows) == len(hb.themes)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", r, re.S) for r in rows]
    assert all(len(c) == len(hb.municipalities) + 1 for c in cells) or all(len(c) == len(hb.municipalities) for c in cells)
    linked = re.findall(r'href="\.\./themes/([\w-]+)\.html#m-([\w-]+)"', body.group(1))
    assert {(m, t) for t, m in linked} == {k for k, v in ix.cells.items() if v}


def test_indexes_and_glossary(site_dir: Path, handbook) -> None:  # type: ignore[no-untyped-def]
    hb = handbook.handbook
    timeline = "".join(parse(site_dir / "indexes" / "timeline.html").text)
    assert "2020年7月1日" in timeline and "令和2年7月1日" in timeline
    glossary = parse(site_dir / "glossary.html")
    assert {f"g-{g}" for g in hb.glossary} <= glossary.ids
    assert len(hb.glossary) >= 25
    prefs = "".join(parse(site_dir / "indexes" / "prefectures.html").text)
    assert prefs.index("福島県") < prefs.index("東京都") < prefs.index("神奈川県") < prefs.index("石川県")
    assert "5千人未満" in "".join(parse(site_dir / "indexes" / "population.html").text)


def test_municipality_index_is_in_gojuon_order(site_dir: Path) -> None:
    links = parse(site_dir / "municipalities" / "index.html").links
    order = [m for m in (re.match(r"(\w+)\.html$", link) for link in links) if m]
    names = [m.group(1) for m in order if m.group(1) in {"akishima", "ayase", "bandai", "kanagawa", "hayama", "ishikawa"}]
    assert names == ["akishima", "ayase", "ishikawa", "kanagawa", "hayama", "bandai"]


def test_glossary_tooltips_in_japanese_text(site_dir: Path) -> None:
    html = (site_dir / "articles" / "akishima-enterprisezine.html").read_text(encoding="utf-8")
    titles = [unescape(t) for t in re.findall(r'<abbr [^>]*title="([^"]+)"', html)]
    assert any(t.startswith("ガバメントクラウド: ") for t in titles), titles


def test_open_data_is_published_and_linked(site_dir: Path) -> None:
    assert "opendata.html" in parse(site_dir / "index.html").links
    csv = (site_dir / "data" / "municipalities.csv").read_bytes()
    assert csv.startswith("\ufeffcode,name,".encode())
    assert "132071,昭島市,アキシマシ,市,東京都".encode() in csv
    assert b'"municipalities"' in (site_dir / "data" / "handbook.json").read_bytes()


def test_no_google_fonts_and_japanese_language(site_dir: Path) -> None:
    for path in site_dir.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert "fonts.googleapis.com" not in html and "fonts.gstatic.com" not in html
    assert '<html lang="ja"' in (site_dir / "index.html").read_text(encoding="utf-8")
