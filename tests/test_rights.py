"""Rights: a source without a reuse licence is never republished; quotes stay short and subordinate; citations resolve.

The check over the built output (HTML pages, print view, PDF text, offline zip, search index, open data) is what
issue #27 asks: for every seed without a reuse licence, no run of more than ``QUOTE_MAX`` characters of its body
appears anywhere the handbook publishes.
"""

from __future__ import annotations

import functools
import html
import json
import re
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from generator.build import generate
from generator.content.rights import QUOTE_MAX
from generator.content.text import normalise_display
from tests.conftest import ROOT, convert_page, copy_repo
from tests.test_validation import content_copy, run_check, summary

ART = "content/articles/bandai-dx-strategy-2020.yaml"
WINDOW = QUOTE_MAX + 1
STEP = WINDOW // 2
"""Windows of ``STEP + 1`` characters starting at multiples of ``STEP`` meet every run of ``WINDOW`` characters."""
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def with_rights(path: Path, block: str) -> tuple[str, int]:
    """Replace the article's ``rights:`` block (the real ones end with it) by ``block``; the text before it and the
    line ``rights:`` is on."""
    head = path.read_text(encoding="utf-8").split("\nrights:\n", 1)[0] + "\n"
    path.write_text(head + "rights:\n" + block, encoding="utf-8")
    return head, head.count("\n") + 1


def squeezed(text: str) -> str:
    """Text as compared: look-alikes folded as the pages fold them, no white space (PDF text breaks lines anywhere)."""
    return _SPACE.sub("", normalise_display(text))


def html_text(markup: str) -> str:
    """What a reader sees of an HTML page: its text without tags, entities decoded."""
    return html.unescape(_TAG.sub("", markup))


def json_strings(value: object) -> Iterator[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from json_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from json_strings(v)


def script_strings(text: str) -> str:
    """The strings of a search-index script (``self.__hb({...});``) or a JSON file."""
    start, end = text.find("{"), text.rfind("}")
    if start < 0:
        return text
    return "\n".join(json_strings(json.loads(text[start:end + 1])))


def longest_run(line: str, haystack: str) -> int:
    """The longest run of ``line`` (at least ``STEP + 1`` characters, else 0) found in ``haystack``."""
    best = 0
    for k in range(0, max(1, len(line) - STEP), STEP):
        if line[k:k + STEP + 1] not in haystack:
            continue
        lo = k
        while lo > 0 and line[lo - 1:k + STEP + 1] in haystack:
            lo -= 1
        hi = k + STEP + 1
        while hi < len(line) and line[lo:hi + 1] in haystack:
            hi += 1
        best = max(best, hi - lo)
    return best


@functools.cache
def unlicensed_bodies() -> dict[str, list[str]]:
    """Each article without a reuse licence: the seed's body lines, squeezed (made once: three tests read them)."""
    generated = generate(ROOT)
    return {a.id: [squeezed(a.body.lines[b.line - 1]) for b in a.blocks]
            for a in generated.handbook.articles.values() if not a.rights.reusable}


@functools.cache
def published_texts(root: Path) -> tuple[tuple[str, str], ...]:
    """Every file the handbook publishes, as text a reader or a program gets from it (read once: two tests search it,
    and reading means parsing every page and running pdftotext on the PDF)."""
    return tuple(_published_texts(root))


def _published_texts(root: Path) -> Iterator[tuple[str, str]]:
    site = root / "site"
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.suffix == ".html":
            yield rel, html_text(path.read_text(encoding="utf-8"))
        elif path.suffix in (".js", ".json") and rel.startswith(("site/search/", "site/data/")):
            yield rel, script_strings(path.read_text(encoding="utf-8"))
        elif path.suffix == ".csv":
            yield rel, path.read_text(encoding="utf-8-sig")
        elif path.suffix == ".pdf":
            yield rel, subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                                      check=True).stdout
    for archive in sorted((root / "dist").glob("*.zip")):
        with zipfile.ZipFile(archive) as zf:
            for name in zf.namelist():
                if name.endswith(".html"):
                    yield f"{archive.name}:{name}", html_text(zf.read(name).decode("utf-8"))


def test_no_unlicensed_body_is_published(handbook_root: Path) -> None:
    bodies = unlicensed_bodies()
    assert bodies, "the real handbook's sources have no reuse licence"
    kinds = set()
    found: list[str] = []
    for rel, text in published_texts(handbook_root):
        kinds.add(rel.rsplit(".", 1)[-1])
        haystack = squeezed(text)
        for aid, lines in bodies.items():
            for n, line in enumerate(lines):
                if len(line) >= WINDOW and (run := longest_run(line, haystack)) >= WINDOW:
                    found.append(f"{rel}: {aid} body line {n}: {run} characters")
    assert {"html", "pdf", "js", "csv", "json"} <= kinds, kinds
    assert not found, "\n".join(found[:20])


def test_the_check_would_see_a_published_body(tmp_path: Path) -> None:
    """The search above finds a body line wherever it lands, even split across tags and lines."""
    line = squeezed(unlicensed_bodies()["bandai-dx-strategy-2020"][0] * 3)[:WINDOW + 40]
    page = "<p>前置き</p><p>" + line[:70] + "<abbr title='x'>" + line[70:71] + "</abbr>\n" + line[71:] + "</p>"
    assert longest_run(line, squeezed(html_text(page))) == len(line)
    assert longest_run(line, squeezed(html_text(page.replace(line[100:102], "")))) < WINDOW


def test_offline_zip_is_checked(handbook_root: Path) -> None:
    names = [rel for rel, _ in published_texts(handbook_root) if ".zip:" in rel]
    assert any(name.endswith("articles/bandai-dx-strategy-2020.html") for name in names), names[:5]


def _citations(page_html: str) -> list[tuple[str, str]]:
    return re.findall(r'<a class="hb-cite" href="([^"]+)" rel="noopener">(原文 \d+ 行目)</a>', page_html)


def test_key_point_citations_open_the_original_at_the_cited_line(site_dir: Path) -> None:
    generated = generate(ROOT)
    checked = 0
    for a in generated.handbook.articles.values():
        page = (site_dir / "articles" / f"{a.id}.html").read_text(encoding="utf-8")
        cited = {n for kp in a.key_points for n in kp.paras} | {q.para for q in a.quotes}
        if a.url is None:
            assert not _citations(page)
            for n in cited:
                assert f"原文 {n} 行目" in page, (a.id, n)
            continue
        links = {label: href for href, label in _citations(html.unescape(page))}
        for n in cited:
            href = links[f"原文 {n} 行目"]
            parts = urlsplit(href)
            assert f"{parts.scheme}://{parts.netloc}{parts.path}" == a.url.split("#")[0]
            assert parts.fragment.startswith(":~:text="), href
            words = [unquote(w) for w in parts.fragment.removeprefix(":~:text=").split(",")]
            for word in words:
                assert word and word in a.body.lines[n - 1], (a.id, n, word)
            checked += 1
    assert checked > 20


def test_a_licensed_source_shows_its_body_with_the_licence(tmp_path: Path) -> None:
    root = copy_repo(tmp_path)
    with_rights(root / ART, "  licence: CC-BY-4.0\n")
    generated = generate(root, strict=True)
    text = next(p.content for p in generated.pages if p.path == "articles/bandai-dx-strategy-2020.md")
    assert isinstance(text, str)
    page, _ = convert_page(text)
    a = generated.handbook.articles["bandai-dx-strategy-2020"]
    assert "<h2 id=\"本文\">本文" in page
    first = a.blocks[1]
    assert f'<p id="p{first.line}" class="hb-para">' in page
    assert 'href="https://creativecommons.org/licenses/by/4.0/legalcode.ja"' in page
    assert "クリエイティブ・コモンズ 表示 4.0 国際(CC BY 4.0)" in page
    assert f"出典: 「{a.title}」(" in html.unescape(page) and "を加工して作成" in page
    # key points cite the body paragraph on this page, not the original
    assert f'href="#p{a.key_points[0].paras[0]}"' in page or f'bandai-dx-strategy-2020.md#p{a.key_points[0].paras[0]}' in text


def test_an_unlicensed_source_has_no_body_section(site_dir: Path) -> None:
    page = (site_dir / "articles" / "bandai-dx-strategy-2020.html").read_text(encoding="utf-8")
    assert '<h2 id="本文">' not in page and 'class="hb-para"' not in page
    assert "<td>利用条件</td>\n<td>不明(転載の許諾なし)。本文は掲載せず" in html.unescape(page)
    assert re.search(r'<a class="md-button md-button--primary hb-original" href="https://bandai-town.note.jp/[^"]+"'
                     r' rel="noopener">元の記事を読む\(磐梯町 公式note\)</a>', html.unescape(page))
    assert '<h2 id="発言の引用">' in page and "の発言の引用。出典: " in page


def test_check_reports_rights_mistakes(tmp_path: Path) -> None:
    root = content_copy(tmp_path)
    path = root / ART
    _, line = with_rights(path, "  licence: CC-BY-3.0\n")
    status, out = run_check(root)
    assert status == 1
    assert out[0] == (f"{ART}:{line + 1}: rights.licence: 使える値ではありません(使える値: unknown / CC-BY-4.0 / PDL-1.0 / "
                      "政府標準利用規約-2.0 / permission)(書かれた値: CC-BY-3.0)")
    assert out[-1].startswith("エラー 1 件、")  # and warnings: the article's themes are unused while it is invalid
    with_rights(path, "  licence: permission\n")
    status, out = run_check(root)
    assert status == 1
    assert out[0] == (f"{ART}:{line}: rights: licence が permission のときは granted_by(許諾した人・組織)と"
                      " granted_on(許諾を得た日)を書いてください")
    assert out[-1].startswith("エラー 1 件、")
    with_rights(path, '  licence: permission\n  granted_by: 磐梯町\n  granted_on: "2026-12-01"\n')
    assert run_check(root) == (0, ["OK: 自治体 6、記事 5、テーマ 21、用語 44"])


def test_check_keeps_quotes_short_and_subordinate(tmp_path: Path) -> None:
    root = content_copy(tmp_path)
    path = root / ART
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["quotes"][0]["text"] = "あ" * (QUOTE_MAX + 1)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    line = next(i for i, s in enumerate(text.splitlines(), 1) if s.endswith("あ" * (QUOTE_MAX + 1)))
    status, out = run_check(root)
    assert status == 1
    assert out[0] == (f"{ART}:{line}: quotes[0].text: 引用は {QUOTE_MAX} 字以内にしてください({QUOTE_MAX + 1} 字あります。"
                      "長い箇所は要点として自分の言葉でまとめてください)")

    data = yaml.safe_load((ROOT / ART).read_text(encoding="utf-8"))
    data["summary"], data["key_points"] = "短い要約。", []
    quoted = sum(len(q["text"]) for q in data["quotes"])
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("quotes:") + 1
    status, out = run_check(root)
    assert status == 1
    assert out == [
        f"{ART}:{line}: quotes: 引用の合計 {quoted} 字が、この記事についてのハンドブック自身の文章(要約と要点の合計 5 字)以上です。"
        "引用を減らすか、要約・要点を充実させてください",
        summary(1),
    ]
