"""generator.pages.escape: each output context's rule, checked on what Python-Markdown and a browser's parser make of it.

The payloads are the reproducers of the hostile-input review: each ran script in a published page before.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from markupsafe import Markup

from generator.pages import escape
from tests.conftest import convert_page

TOOLTIP_PAYLOADS = [
    "国が整備した環境です。[詳細](/ tabindex=1 autofocus onfocus=alert(document.domain) x=)",
    "一行目\n\n{: onfocus=alert(2) }\n\n![x](https://evil.example/p.png)",
    "[資料](javascript://%0aalert(1))",
    "[クリック](javascript:alert(3))",
    '"><img src=x onerror=alert(4)> <svg onload=alert(5)> `code` *em* _u_ <https://evil.example/>',
    "&lt;script&gt; &#60;b&#62; \\[x\\]",
]


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    return parser


def assert_inert(html: str, allowed_tags: set[str]) -> _Elements:
    """No tag but ours, no event handler, no script URL."""
    found = parsed(html)
    for tag, attrs in found.tags:
        assert tag in allowed_tags, (tag, html)
        for name, value in attrs.items():
            assert not name.startswith("on"), (name, html)
            assert not (value or "").strip().lower().startswith(("javascript:", "data:", "vbscript:")), (name, value)
    return found


@pytest.mark.parametrize("payload", TOOLTIP_PAYLOADS)
def test_raw_html_inside_markdown_survives_markdown_as_text(payload: str) -> None:
    """A glossary tooltip is raw HTML inside a Markdown paragraph: its title and text come out exactly as written."""
    page = f'本文 <abbr title="{escape.html(payload)}" tabindex="0">{escape.html(payload)}</abbr> 続き\n'
    html, _ = convert_page(page)
    found = assert_inert(html, {"p", "abbr"})
    abbr = next(attrs for tag, attrs in found.tags if tag == "abbr")
    flat = " ".join(payload.split())
    assert abbr["title"] == flat
    assert flat in "".join(found.text)


@pytest.mark.parametrize("payload", TOOLTIP_PAYLOADS)
def test_markdown_text_stays_text(payload: str) -> None:
    text = escape.markdown(payload)
    html, _ = convert_page(f"| 項目 | 内容 |\n|---|---|\n| 名前 | {text} |\n\n## {text} {{: #h }}\n")
    found = assert_inert(html, {"table", "thead", "tbody", "tr", "th", "td", "h2", "a"})
    assert " ".join(payload.split()) in " ".join("".join(found.text).split())


@pytest.mark.parametrize(("value", "printed"), [
    ("https://example.com/[x](/autofocus/onfocus=alert(1)//)", "https://example.com/%5Bx%5D%28/autofocus/onfocus=alert%281%29//%29"),
    ("https://例え.jp/記事?a=1&b=2_x", "https://xn--r8jz45g.jp/%E8%A8%98%E4%BA%8B?a=1&amp;b=2%5Fx"),
    ('https://a.example/%zz"onmouseover=alert(1)', "https://a.example/%25zz%22onmouseover=alert%281%29"),
])
def test_urls_are_percent_encoded_and_stay_one_attribute(value: str, printed: str) -> None:
    assert escape.url(value) == printed
    html, _ = convert_page(f'| URL | <a href="{escape.url(value)}" rel="noopener">{escape.markdown(value)}</a> |\n|---|---|\n')
    anchors = [attrs for tag, attrs in assert_inert(html, {"table", "thead", "tbody", "tr", "th", "td", "a"}).tags if tag == "a"]
    assert [set(a) for a in anchors] == [{"href", "rel"}]


@pytest.mark.parametrize("value", ["javascript:alert(1)", "data:text/html,x", "//evil.example/x", "/relative", "ftp://x.example/"])
def test_a_url_that_skipped_the_schema_is_refused_not_printed(value: str) -> None:
    with pytest.raises(escape.UnsafeURL):
        escape.url(value)


@pytest.mark.parametrize("value", ["index x", "a{: onclick=x}", "A", "", "-a", "a\n"])
def test_ids_are_slugs_or_refused(value: str) -> None:
    with pytest.raises(escape.UnsafeId):
        escape.slug(value)
    assert escape.slug("akishima-2") == Markup("akishima-2")


@pytest.mark.parametrize("payload", ["タイトル\x85{: onfocus=alert(1) }", 'a"\n---\ntitle: x', "\u2028改行\u2029", "<b>&",
                                     "\x00\x1b\x7f\x9f\ufeff\ufffe", "秋島市"])
def test_front_matter_is_one_printable_yaml_scalar_that_reads_back(payload: str) -> None:
    import html as html_module

    import yaml

    value = escape.front_matter(payload)
    assert all(c.isprintable() or c == " " for c in value), value
    assert yaml.safe_load(f"title: {value}\n") == {"title": html_module.escape(payload, quote=True)}


@pytest.mark.parametrize(("cell", "guarded"), [
    ("=1+1", True), ("+1", True), ("-1", True), ("@SUM(A1)", True), ("\tx", True), ("\rx", True),
    ("＝1+1", True), ("\u200b=1+1", True), (" =1", True), ("\u3000＠x", True), ("\ufeff-1", True),
    ("昭島市", False), ("1,000", False), ("—", False), (12, False),
])
def test_csv_formula_guard_covers_full_width_and_invisible_prefixes(cell: object, guarded: bool) -> None:
    out = escape.csv_cell(cell)
    assert out == (f"'{cell}" if guarded else cell)


def test_json_text_cannot_close_a_script_element() -> None:
    text = escape.json_text({"t": "</script><!-- \u2028 & >"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    import json

    assert json.loads(text) == {"t": "</script><!-- \u2028 & >"}


def test_markdown_text_is_one_line() -> None:
    assert escape.markdown("a\n# b\n- c") == "a \\# b \\- c"


def test_materials_tooltips_stay_off() -> None:
    """Material's content.tooltips writes every title with innerHTML, also the ones it puts on truncated navigation
    labels from their text: on, a heading or name would become markup. The glossary's tooltip is a11y.js's own."""
    from mkdocs.utils.yaml import yaml_load

    from tests.conftest import ROOT

    with open(ROOT / "mkdocs.yml", encoding="utf-8") as fh:
        assert "content.tooltips" not in yaml_load(fh)["theme"]["features"]
    assert "textContent" in (ROOT / "overrides/assets/javascripts/a11y.js").read_text(encoding="utf-8")


def test_a_backslash_from_data_cannot_escape_a_link_of_ours() -> None:
    """A name ending in a backslash must not turn the ``](`` after it into text for the print view's link rewriting."""
    assert escape.markdown("名前\\") == "名前&#92;"
    html, _ = convert_page(f"[{escape.markdown('名前' + chr(92))}](x.md)\n")
    assert html == '<p><a href="x.md">名前&#92;</a></p>'
