"""The printable PDF: built by the main build from the print view, one chapter per page run, Japanese text, linked from the top page."""

from __future__ import annotations

import html
import itertools
import re
import subprocess
import zipfile
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest

from generator.pages.printview import PDF_NAME
from generator.publish.offline import ARCHIVE_NAME, ARCHIVE_ROOT, DIST_DIR
from generator.publish.pdf import PdfFailed, pin_dates, print_to_pdf


class _Chapters(HTMLParser):
    """Titles of the print view's chapters (the headings that start a new printed page)."""

    def __init__(self) -> None:
        super().__init__()
        self.titles: list[str] = []
        self._in = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "h2" and "print-break" in (dict(attrs).get("class") or ""):
            self._in = True
            self.titles.append("")
        elif tag == "a" and self._in:
            self._in = False  # the permalink mark

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._in = False

    def handle_data(self, data: str) -> None:
        if self._in:
            self.titles[-1] += data


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def pdf(site_dir: Path) -> Path:
    return site_dir / PDF_NAME


@pytest.fixture(scope="module")
def page_texts(pdf: Path) -> list[str]:
    """Text of each PDF page, as pdftotext extracts it (pages end with a form feed)."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return out.split("\f")[:-1]


def _pdfinfo_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    m = re.search(r"^Pages:\s+(\d+)$", info, re.M)
    assert m, info
    return int(m.group(1))


def test_pdf_is_in_the_site_and_in_the_offline_copy(pdf: Path, handbook_root: Path) -> None:
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 100_000
    with zipfile.ZipFile(handbook_root / DIST_DIR / ARCHIVE_NAME) as zf:
        assert zf.read(f"{ARCHIVE_ROOT}/{PDF_NAME}") == data


def test_top_page_offers_the_pdf_and_the_print_view(site_dir: Path) -> None:
    home = (site_dir / "index.html").read_text(encoding="utf-8")
    assert f'<a href="{PDF_NAME}">全ページの PDF</a>' in home
    assert '<a href="print.html">印刷用の1ページ版</a>' in home


def _outline(pdf: Path) -> list[tuple[str, int]]:
    """The PDF's bookmarks one level under the handbook title (contents and chapters), with their pages."""
    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-q", "-stdout", str(pdf)], capture_output=True, text=True, check=True).stdout
    top = ElementTree.fromstring(xml.encode("utf-8")).find("outline")
    assert top is not None, "Chromium wrote no document outline"
    level2 = top.find("outline")
    assert level2 is not None
    return [("".join(item.itertext()), int(item.get("page", "0"))) for item in level2.findall("item")]


def test_page_count_is_the_chapters_each_starting_a_page(pdf: Path, page_texts: list[str], site_dir: Path) -> None:
    parser = _Chapters()
    parser.feed((site_dir / "print.html").read_text(encoding="utf-8"))
    chapters = [_squash(t) for t in parser.titles]
    assert len(chapters) >= 40, chapters
    pages = _pdfinfo_pages(pdf)
    assert len(page_texts) == pages
    outline = _outline(pdf)
    assert outline[0] == ("目次", 1)
    assert [_squash(title) for title, _ in outline[1:]] == chapters
    starts = [page for _, page in outline[1:]]
    # Every chapter opens a new page, after the cover and contents, and the last one ends the document.
    assert all(a < b for a, b in itertools.pairwise(starts)), starts
    assert starts[0] > 1 and starts[-1] <= pages
    for chapter, page in zip(chapters, starts, strict=True):
        # pdftotext may put a run in another font (Latin "DX") after the Japanese around it; compare letters, not order.
        head = Counter(_squash(page_texts[page - 1])[: len(chapter) + 4])
        assert not Counter(chapter) - head, (chapter, page)
    assert pages >= len(chapters) + 1


def test_no_page_is_blank_and_pages_render(pdf: Path, page_texts: list[str], tmp_path: Path) -> None:
    assert [i + 1 for i, text in enumerate(page_texts) if not text.strip()] == [], "blank pages"
    pages = _pdfinfo_pages(pdf)
    # Rendering all pages takes ~20 s (Type 3 CJK glyphs); the first, a middle and the last page show it works.
    for number in sorted({1, pages // 2, pages}):
        subprocess.run(["pdftoppm", "-gray", "-r", "12", "-f", str(number), "-l", str(number), str(pdf), str(tmp_path / "p")],
                       check=True)
    images = sorted(tmp_path.glob("p-*.pgm"))
    assert len(images) == len({1, pages // 2, pages})
    for image in images:
        magic, _size, _depth, pixels = image.read_bytes().split(b"\n", 3)
        assert magic == b"P5"
        assert min(pixels) < 128, f"{image.name} has no ink"


def test_japanese_text_and_embedded_fonts(pdf: Path, page_texts: list[str]) -> None:
    assert "自治体DXハンドブック" in page_texts[0]
    assert "目次" in page_texts[0]
    joined = "".join(page_texts)
    for phrase in ("昭島市", "ガバメントクラウド", "用語集"):
        assert phrase in joined
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(" yes " in line for line in fonts), "every font is embedded"
    assert not any(nav in page_texts[1] for nav in ("検索", "トップ テーマ")), "no site chrome in print"


def test_pdf_dates_are_pinned_for_reproducible_bytes(pdf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^CreationDate:\s+Tue Jan  1 00:00:00 1980 UTC$", info, re.M), info
    raw = b"<< /CreationDate (D:20261122083312+00'00')\n/ModDate (D:20261122083312+00'00') >>"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert pin_dates(raw) == b"<< /CreationDate (D:20260101000000+00'00')\n/ModDate (D:20260101000000+00'00') >>"


def test_unusable_chromium_raises_pdf_failed(tmp_path: Path, site_dir: Path) -> None:
    with pytest.raises(PdfFailed, match="Chromium を実行できませんでした"):
        print_to_pdf(site_dir / "print.html", tmp_path / "x.pdf", chromium=tmp_path / "no-chromium")
    assert list(tmp_path.iterdir()) == []


def test_chromium_prints_with_javascript_off(tmp_path: Path) -> None:
    """No script of the printed page runs: inline, external or in an event handler attribute."""
    (tmp_path / "ran.js").write_text("document.body.insertAdjacentHTML('beforeend', '<p>EXTERNAL-RAN</p>')\n",
                                     encoding="utf-8")
    page = tmp_path / "page.html"
    page.write_text('<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>t</title></head><body>'
                    "<p>STATIC 印刷される本文</p>"
                    "<script>document.body.insertAdjacentHTML('beforeend', '<p>INLINE-RAN</p>')</script>"
                    '<script src="ran.js"></script>'
                    """<img src="missing.png" alt="" onerror="document.body.insertAdjacentHTML('beforeend', '<p>HANDLER-RAN</p>')">"""
                    "</body></html>", encoding="utf-8")
    out = print_to_pdf(page, tmp_path / "page.pdf")
    assert out == tmp_path / "page.pdf" and not (tmp_path / "page.pdf.part").exists()
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "STATIC 印刷される本文" in text
    assert "RAN" not in text, text


def test_theme_page_prints_without_site_chrome(page, http_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(http_url + "themes/mindset-reform.html")
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => ['.md-header', '.md-tabs', '.md-search', '.md-sidebar--primary', '.md-sidebar--secondary',
        '.md-footer', '.md-content__button', '.headerlink'].map(s => [s, Array.from(document.querySelectorAll(s))
        .every(e => getComputedStyle(e).display === 'none')])""")
    assert dict(hidden) == dict.fromkeys(dict(hidden), True), hidden
    font = page.locator("article").evaluate("e => getComputedStyle(e).fontFamily")
    assert font.startswith('"Noto Sans CJK JP"'), font
    assert page.locator("article h1").is_visible()
    page.emulate_media(media="screen")
    assert page.locator(".md-header").is_visible()


_CJK = re.compile(r"[^\u3040-\u30ff\u3400-\u9fff]")


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def _printed_parts(print_html: str) -> dict[str, list[str]]:
    """What the print view holds that a body's own printed page leaves out (print.css), by kind: each quote's first
    paragraph, the 出来事 of each timeline row, each theme chip."""
    timelines = re.findall(r'<details class="hb-timeline"[^>]*>(.*?)</details>', print_html, re.S)
    rows = [re.findall(r"<td>(.*?)</td>", row, re.S) for t in timelines for row in re.findall(r"<tr>(.*?)</tr>", t, re.S)]
    return {
        "quote": [_text(q) for q in re.findall(r"<blockquote>\s*<p>(.*?)</p>", print_html, re.S)],
        "event": [_text(cells[-1]) for cells in rows if cells],
        "theme chip": [_text(c) for c in re.findall(r'<div class="hb-chips">(.*?)</div>', print_html, re.S)],
    }


def test_the_pdf_keeps_quotes_timelines_and_themes(site_dir: Path, page_texts: list[str]) -> None:
    """The whole-handbook PDF prints what a body's own printed page leaves out to fit two sheets: its 発言, its 年表
    (folded on screen) and its themes. Compared as kana and kanji only: pdftotext may move Latin runs and breaks lines."""
    paper = _CJK.sub("", "".join(page_texts))
    for kind, found in _printed_parts((site_dir / "print.html").read_text(encoding="utf-8")).items():
        assert found, f"the print view has no {kind}"
        missing = [text for text in found if _CJK.sub("", text)[:12] not in paper]
        assert missing == [], f"{len(missing)} of {len(found)} {kind}s are not in the PDF: {missing[:3]}"
