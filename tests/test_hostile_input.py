"""Malformed and hostile input: each reproducer runs ``python -m generator`` as a contributor (or CI) would.

Every case expects the exact ``path:line: field: message`` lines, exit status 1, no traceback and no hang: the
command runs in a subprocess with a timeout, so a blocking read or an endless loop fails the test instead of the run.
Warnings that follow from an invalid article (its themes then look unused) are left out of the comparison.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import AfterValidator, BaseModel

from generator.content import schema
from generator.pages import paging

ROOT = Path(__file__).resolve().parents[1]
ART = "content/articles/mini-article.yaml"
MUNI = "content/municipalities/bandai.yaml"
THEME = "content/themes/counter.yaml"
PEOPLE = "content/people.yaml"
GLOSSARY = "content/glossary.yaml"
ORGS = "content/organisations.yaml"
URL_MESSAGE = "URL は http:// または https:// で始まり、空白や < > \" ' を含まない形にしてください"
NOT_REGULAR = "通常のファイルではありません(フォルダー・名前付きパイプ・デバイスなどは読み込みません)"


def bidi(code: str, pos: int) -> str:
    return f"文字の向きを変える制御文字 {code} は使えません({pos} 文字目。表示と中身が食い違う原因になります)"


def invisible(code: str, pos: int) -> str:
    return f"見えない文字 {code} は名前・題名・id などの 1 行の項目には使えません({pos} 文字目。見た目が同じ別の名前になってしまいます)"


def run(root: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, list[str]]:
    """``python -m generator --root ROOT ARGS`` of this checkout; exit status and stderr lines (never a traceback)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("HANDBOOK_")}
    environ.update(PYTHONPATH=str(ROOT), CI="true", **(env or {}))
    proc = subprocess.run([sys.executable, "-m", "generator", "--root", str(root), *args], cwd=ROOT, env=environ,
                          capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=60, check=False)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, proc.stderr.splitlines()


def check_errors(root: Path) -> list[str]:
    """``check`` must fail: its error lines, after checking the count line agrees with them."""
    status, lines = run(root, "check")
    errors = [line for line in lines if ": 警告: " not in line and not line.startswith("エラー ")]
    assert status == 1, lines
    assert lines[-1].startswith(f"エラー {len(errors)} 件、"), lines
    return errors


def sub(root: Path, rel: str, old: str, new: str) -> None:
    """Replace one exact occurrence in a file."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {rel}"
    path.write_text(text.replace(old, new), encoding="utf-8")


# --- 1. characters the schema refuses ---------------------------------------------------------------------------------
# (file, text, replacement written with YAML escapes so this file stays readable, expected error line)
CHARACTERS: dict[str, tuple[str, str, str, str]] = {
    "c0-control-in-title": (ART, "title: 小さな町の窓口改革", r'title: "小さな\x01町"',
                            f"{ART}:4: title: 制御文字 U+0001 は使えません(4 文字目)"),
    "escape-in-title": (ART, "title: 小さな町の窓口改革", r'title: "小さな\e[31m町"',
                        f"{ART}:4: title: 制御文字 U+001B(エスケープ)は使えません(4 文字目)"),
    "c1-control-in-title": (ART, "title: 小さな町の窓口改革", r'title: "小さな\x85町"',
                            f"{ART}:4: title: 制御文字 U+0085(改行 NEL)は使えません(4 文字目)"),
    "delete-in-summary": (ART, "summary: 小さな町が", r'summary: "小さな\x7f町"' + "\n#",
                          f"{ART}:9: summary: 制御文字 U+007F(DEL)は使えません(4 文字目)"),
    "fffe-in-title": (ART, "title: 小さな町の窓口改革", r'title: "小さな\ufffe町"',
                      f"{ART}:4: title: U+FFFE は文字ではないため使えません(4 文字目)"),
    "ffff-in-summary": (ART, "summary: 小さな町が", r'summary: "\uffff"' + "\n#",
                        f"{ART}:9: summary: U+FFFF は文字ではないため使えません(1 文字目)"),
    "lone-surrogate-in-title": (ART, "title: 小さな町の窓口改革", r'title: "小さな\ud800町"',
                                f"{ART}:4: title: 対になっていないサロゲート U+D800 は使えません(4 文字目。UTF-8 で表せない文字です)"),
    "lone-surrogate-in-summary": (ART, "summary: 小さな町が", r'summary: "改革\udc00"' + "\n#",
                                  f"{ART}:9: summary: 対になっていないサロゲート U+DC00 は使えません(3 文字目。UTF-8 で表せない文字です)"),
    "override-in-summary": (ART, "summary: 小さな町が", r'summary: "申請は\u202e不要\u202c です"' + "\n#",
                            f"{ART}:9: summary: {bidi('U+202E', 4)}"),
    "isolate-in-role": (PEOPLE, "role: 窓口改革の担当", r'role: "担当\u2066課長\u2069"',
                        f"{PEOPLE}:4: people[0].role: {bidi('U+2066', 3)}"),
    "rlm-in-alias": (GLOSSARY, "aliases: [業務改革]", r'aliases: ["業務\u200f改革"]',
                     f"{GLOSSARY}:5: terms[0].aliases[0]: {bidi('U+200F', 3)}"),
    "arabic-letter-mark-in-name": (ORGS, "name: 磐梯町役場", r'name: "磐梯町\u061c役場"',
                                   f"{ORGS}:3: organisations[0].name: {bidi('U+061C', 4)}"),
    "newline-in-title": (ART, "title: 小さな町の窓口改革", r'title: "小さな町の\n窓口改革"',
                         f"{ART}:4: title: 改行は使えません(6 文字目。この項目は 1 行で書いてください)"),
    "line-separator-in-title": (ART, "title: 小さな町の窓口改革", r'title: "小さな町の\L窓口改革"',
                                f"{ART}:4: title: 改行は使えません(6 文字目。この項目は 1 行で書いてください)"),
    "tab-in-title": (ART, "title: 小さな町の窓口改革", r'title: "小さな町の\t窓口改革"',
                     f"{ART}:4: title: 制御文字 U+0009(タブ)は使えません(6 文字目)"),
    "zwsp-in-id-reference": (ART, "  - counter\n  - mindset", "  - \"coun\\u200bter\"\n  - mindset",
                             f"{ART}:18: themes[0]: {invisible('U+200B', 5)}"),
    "zwnj-in-id": (THEME, "id: counter", r'id: "coun\u200cter"',
                   f"{THEME}:1: id: {invisible('U+200C', 5)}"),
    "bom-in-municipality-name": (MUNI, "name: 磐梯町", r'name: "磐梯\ufeff町"',
                                 f"{MUNI}:3: name: {invisible('U+FEFF', 3)}"),
    "word-joiner-in-population-source": (MUNI, "source: 記事の記載", r'source: "記事の\u2060記載"',
                                         f"{MUNI}:11: population.source: {invisible('U+2060', 4)}"),
    "mongolian-separator-in-publisher": (ART, "publisher: null", r'publisher: "広報\u180eあきしま"',
                                         f"{ART}:5: publisher: {invisible('U+180E', 3)}"),
    "zwsp-in-allowed-value": ("content/municipalities/akishima.yaml", "kind: 市", r'kind: "市\u200b"',
                              f"content/municipalities/akishima.yaml:4: kind: {invisible('U+200B', 2)}"),
    "override-in-unknown-key": (ART, "author: null", 'author: null\n"auth\\u202eor": x',
                                f"{ART}:7: auth<U+202E>or: 知らない項目です(綴りを確認してください)"),
}


@pytest.mark.parametrize("name", sorted(CHARACTERS))
def test_refused_character_is_named_by_code_point(mini_root: Path, name: str) -> None:
    rel, old, new, expected = CHARACTERS[name]
    sub(mini_root, rel, old, new)
    assert check_errors(mini_root) == [expected]


@pytest.mark.parametrize("escaped", [True, False], ids=["escaped", "raw"])
def test_theme_name_that_looks_like_another_with_a_zwj_inside_is_refused(mini_root: Path, escaped: bool) -> None:
    """財源・補助金 with U+200D (ZWJ) after 財源 looks exactly like 財源・補助金: written raw (the line reader) or
    escaped (libyaml), it is refused."""
    sub(mini_root, THEME, "name: 住民目線・窓口", 'name: "財源\\u200d・補助金"' if escaped else "name: 財源\u200d・補助金")
    assert check_errors(mini_root) == [f"{THEME}:2: name: {invisible('U+200D', 3)}"]


def test_multi_line_text_keeps_newlines_tabs_and_joiners(mini_root: Path) -> None:
    sub(mini_root, ART, "summary: 小さな町が窓口のデジタル化を進めた記事。",
        'summary: "小さな町が窓口のデジタル化を進めた記事。\\n\\t二行目 👩\\u200d💻"')
    status, lines = run(mini_root, "check")
    assert (status, lines) == (0, ["OK: 自治体 2、記事 1、テーマ 2、用語 2"])


def test_a_raw_control_character_in_a_yaml_file_is_a_syntax_error_on_its_line(mini_root: Path) -> None:
    sub(mini_root, ART, "title: 小さな町の窓口改革", "title: 小さな\x01町")
    assert check_errors(mini_root) == [
        f"{ART}:4: (構文): YAML として読めません: YAML に書けない文字(制御文字など)があります。その文字を消してください"
        "(unacceptable character #x0001: special characters are not allowed)"]


def _str_leaves(annotation: Any, metadata: list[Any]) -> Iterator[list[Any]]:
    """The metadata of every ``str`` a field's type holds (in lists, unions and ``Annotated``)."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        yield from _str_leaves(args[0], [*metadata, *args[1:]])
    elif origin in (typing.Union, types.UnionType):
        for arg in args:
            yield from _str_leaves(arg, metadata)
    elif origin is list:
        yield from _str_leaves(args[0], [])
    elif annotation is str:
        yield metadata


def _models() -> Iterator[type[BaseModel]]:
    seen: list[type[BaseModel]] = []
    todo: list[type[BaseModel]] = [*schema.FOLDER_KINDS.values(), *schema.FILE_KINDS.values()]
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.append(model)
        yield model
        for info in model.model_fields.values():
            todo += [t for t in _types(info.annotation) if isinstance(t, type) and issubclass(t, BaseModel)]


def _types(annotation: Any) -> Iterator[Any]:
    yield annotation
    for arg in typing.get_args(annotation):
        yield from _types(arg)


def test_every_text_field_of_every_model_is_one_line_or_multi_line() -> None:
    """What the fuzz tests rely on: a ``str`` field outside ``OneLine``/``MultiLine`` would let anything through."""
    kinds: dict[str, set[str]] = {}
    for model in _models():
        for name, info in model.model_fields.items():
            for metadata in _str_leaves(info.annotation, list(info.metadata)):
                found = {schema.TEXT_KINDS[m.func] for m in metadata if isinstance(m, AfterValidator) and m.func in schema.TEXT_KINDS}
                assert len(found) == 1, f"{model.__name__}.{name}"
                kinds.setdefault(found.pop(), set()).add(f"{model.__name__}.{name}")
    assert kinds["multi-line"] == {"Municipality.summary", "Article.summary", "KeyPoint.text", "Quote.text", "Event.text",
                                   "Theme.description", "GlossaryTerm.definition", "Organisation.description"}
    assert {"Theme.name", "Theme.aliases", "Article.title", "Article.url", "Article.date", "Person.role", "Person.id",
            "Article.themes", "Organisation.url", "Population.as_of", "Municipality.code"} <= kinds["one-line"]


def test_isprintable_refuses_every_character_the_schema_refuses() -> None:
    """``schema`` lets a value ``str.isprintable`` accepts through unread, and reads the others with the classes less
    what lies beyond U+FFFF when they hold nothing from there: both are only right while this holds."""
    for refused in (schema._ONE_LINE_REFUSED, schema._MULTI_LINE_REFUSED):
        chars = [c for c in map(chr, range(0x110000)) if refused.match(c)]
        assert len(chars) > 2000 and not [c for c in chars if c.isprintable()]
        bmp = schema._BMP_ONLY[refused]
        assert [c for c in map(chr, range(0x10000)) if bmp.match(c)] == [c for c in chars if c <= "\uffff"]


# --- 2. URLs ----------------------------------------------------------------------------------------------------------
URLS: dict[str, tuple[str, str]] = {
    "pipe": ("https://x.example/a|b", f"{URL_MESSAGE}(使えない文字 「|」(U+007C) があります)"),
    "backslash": ("https://x.example\\\\@evil.example/", f"{URL_MESSAGE}(使えない文字 「\\」(U+005C) があります)"),
    "caret": ("https://x.example/a^b", f"{URL_MESSAGE}(使えない文字 「^」(U+005E) があります)"),
    "braces": ("https://x.example/{a}", f"{URL_MESSAGE}(使えない文字 「{{」(U+007B) があります)"),
    "no-host": ("https:///etc/passwd", f"{URL_MESSAGE}(ホスト名がありません)"),
    "userinfo": ("https://www.example.jp@evil.example/", f"{URL_MESSAGE}(ユーザー名やパスワード(@ の前)を含む URL は使えません)"),
    "bad-percent": ("https://x.example/%E3%8", f"{URL_MESSAGE}(% の後には 16 進数 2 桁が必要です)"),
    "brackets-in-path": ("https://x.example/a[1]", f"{URL_MESSAGE}([ ] はホスト名の IPv6 アドレスにしか使えません)"),
    "bad-ipv6": ("http://[::zz]/", f"{URL_MESSAGE}([::zz] は IPv6 アドレスではありません)"),
    "port": ("https://x.example:99999/", f"{URL_MESSAGE}(ポート番号「99999」は 0〜65535 の数字にしてください)"),
    "ideographic-space": ("https://x.example/\u3000a", URL_MESSAGE),
    "upper-case-scheme": ("HTTPS://x.example/", URL_MESSAGE),
    "bidi": ("https://x.example/\\u202egpj.exe", bidi("U+202E", 19)),
    "zero-width": ("https://x.example/\\u200b", invisible("U+200B", 19)),
    "soft-hyphen": ("https://exa\\u00admple.jp/", f"{URL_MESSAGE}(使えない文字 U+00AD があります)"),
}


@pytest.mark.parametrize("name", sorted(URLS))
def test_url_outside_rfc_3986_is_refused(mini_root: Path, name: str) -> None:
    url, message = URLS[name]
    sub(mini_root, ART, "url: null", f'url: "{url}"')
    assert check_errors(mini_root) == [f"{ART}:8: url: {message}"]


def test_iri_and_ipv6_urls_are_accepted(mini_root: Path) -> None:
    sub(mini_root, ART, "url: null", "url: https://例え.jp/記事?q=自治体#見出し")
    sub(mini_root, "content/organisations.yaml", "kind: 自治体の組織", "kind: 自治体の組織\n    url: http://[2001:db8::1]:8080/a%20b")
    assert run(mini_root, "check") == (0, ["OK: 自治体 2、記事 1、テーマ 2、用語 2"])


# --- 3. reserved ids --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("ident", "reason"), [
    ("index", "各フォルダーの一覧ページ index.md と同じ名前になるため"),
    ("con", "Windows ではファイル名に使えない名前のため"),
    ("lpt1", "Windows ではファイル名に使えない名前のため"),
    ("com9", "Windows ではファイル名に使えない名前のため"),
])
def test_reserved_id_is_refused(mini_root: Path, ident: str, reason: str) -> None:
    (mini_root / f"content/themes/{ident}.yaml").write_text(
        f"id: {ident}\nname: 予約語\nreading: よやくご\ndescription: 説明。\n", encoding="utf-8")
    assert check_errors(mini_root) == [f"content/themes/{ident}.yaml:1: id: id「{ident}」は使えません({reason})"]


def test_reference_to_a_reserved_id_is_refused(mini_root: Path) -> None:
    sub(mini_root, ART, "  - counter\n  - mindset", "  - counter\n  - nul")
    assert check_errors(mini_root) == [f"{ART}:19: themes[1]: id「nul」は使えません(Windows ではファイル名に使えない名前のため)"]


@pytest.mark.parametrize(("kind", "ident", "reason"), [
    ("theme", "index", "各フォルダーの一覧ページ index.md と同じ名前になるため"),
    ("article", "aux", "Windows ではファイル名に使えない名前のため"),
])
def test_new_refuses_a_reserved_id(mini_root: Path, kind: str, ident: str, reason: str) -> None:
    folder = {"theme": "themes", "article": "articles"}[kind]
    assert run(mini_root, "new", kind, ident) == (1, [f"content/{folder}/:1: id: id「{ident}」は使えません({reason})"])
    assert not (mini_root / f"content/{folder}/{ident}.yaml").exists()


@pytest.mark.parametrize("folder", ["municipalities", "articles", "themes"])
def test_no_id_can_name_a_part_file_of_another_page(folder: str) -> None:
    """Parts 2.. of a long page go into a folder named after the page (``paging.part_path``); an id has no ``/``, so
    ``foo-2`` or ``2`` can never be part 2 of ``foo`` or of the folder's list page. Should the parts ever become
    siblings, this fails, and validation must then refuse such ids."""
    pages = {f"{folder}/{ident}.md" for ident in ("foo", "foo-2", "2", "index")}
    parts = {paging.part_path(page, k) for page in pages for k in range(2, 12)}
    assert not pages & parts
    assert all(paging.part_path(page, 2) == page.removesuffix(".md") + "/2.md" for page in pages)


# --- 4. no traceback, no hang -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("where", ["block", "flow"])
def test_number_of_5000_digits_is_too_large_not_a_traceback(mini_root: Path, where: str) -> None:
    """Python will not convert a string of over 4,300 digits to an int: the YAML reader used to end with a ValueError."""
    if where == "block":
        sub(mini_root, MUNI, "value: 3400", "value: " + "9" * 5000)
        expected = f"{MUNI}:9: population.value: 数が大きすぎます(5,000 桁)"
    else:
        sub(mini_root, ART, "paras: [5, 6]", f"paras: [5, {'7' * 5000}]")
        expected = f"{ART}:26: key_points[0].paras[1]: 数が大きすぎます(5,000 桁)"
    assert check_errors(mini_root) == [expected]


@pytest.mark.parametrize(("rel", "old", "new", "expected"), [
    (ART, 'date: "2020-07"\nurl', 'date: "0000"\nurl', f"{ART}:7: date"),
    (ART, '  - date: "2020-07"', '  - date: "0000-01-01"', f"{ART}:35: events[0].date"),
    (MUNI, "as_of: null", 'as_of: "0000-02"', f"{MUNI}:10: population.as_of"),
], ids=["date", "event", "as_of"])
def test_year_zero_is_refused(mini_root: Path, rel: str, old: str, new: str, expected: str) -> None:
    """datetime.date has no year 0: the check of future dates used to end with a traceback."""
    sub(mini_root, rel, old, new)
    assert check_errors(mini_root) == [f"{expected}: 年 0000 はありません(西暦 1 年以降の年を書いてください)"]


@pytest.mark.parametrize("content", ["\u3000\n", "\u3000", "", "\ufeff \r\n\u3000\u2003\n"],
                         ids=["ideographic-space", "no-newline", "empty", "bom-and-spaces"])
def test_new_article_from_a_blank_seed(mini_root: Path, content: str) -> None:
    (mini_root / "seeds/blank.txt").write_text(content, encoding="utf-8")
    assert run(mini_root, "new", "article", "x", "--seed", "blank.txt") == (
        1, ["content/articles/x.yaml:1: seed: seeds/blank.txt: ファイルが空です"])
    assert not (mini_root / "content/articles/x.yaml").exists()


def test_seed_of_ideographic_spaces_only_is_empty(mini_root: Path) -> None:
    (mini_root / "seeds/blank.txt").write_text("\u3000\u3000\n\u3000\n", encoding="utf-8")
    assert check_errors(mini_root) == ["seeds/blank.txt:1: (ファイル): ファイルが空です"]


@pytest.mark.parametrize("value", ["two", "0", "²", "33", "1" * 5000], ids=["word", "zero", "superscript", "too-many", "5000-digits"])
def test_bad_mkdocs_jobs_is_a_clear_error(mini_root: Path, value: str) -> None:
    status, lines = run(mini_root, "build", "--quiet", "--no-package", env={"HANDBOOK_MKDOCS_JOBS": value})
    shown = value if len(value) <= 20 else value[:20] + "…"
    assert (status, lines) == (1, [
        f"(環境変数):1: HANDBOOK_MKDOCS_JOBS: MkDocs のプロセス数は 1 以上の整数で指定してください(最大 32。指定された値: {shown})",
        "エラー 1 件、警告 0 件。修正してからもう一度実行してください。"])
    assert not (mini_root / "site").exists()


@pytest.mark.parametrize("rel", ["seeds/fifo.txt", "content/themes/fifo.yaml", GLOSSARY])
def test_a_fifo_is_refused_not_waited_on(mini_root: Path, rel: str) -> None:
    path = mini_root / rel
    path.unlink(missing_ok=True)
    os.mkfifo(path)
    assert check_errors(mini_root) == [f"{rel}:1: (ファイル): {NOT_REGULAR}"]


def test_new_article_from_a_fifo_seed(mini_root: Path) -> None:
    os.mkfifo(mini_root / "seeds/fifo.txt")
    assert run(mini_root, "new", "article", "x", "--seed", "fifo.txt") == (
        1, [f"content/articles/x.yaml:1: seed: seeds/fifo.txt: {NOT_REGULAR}"])


def test_a_folder_named_like_a_seed_is_refused(mini_root: Path) -> None:
    (mini_root / "seeds/folder.txt").mkdir()
    assert check_errors(mini_root) == [f"seeds/folder.txt:1: (ファイル): {NOT_REGULAR}"]


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("  - line: 4", "  - line: 4\n    to: 100000", f"{ART}:15: headings[0].to: 行 100000 は mini.txt の範囲外です(全 10 行)"),
    ("  - line: 4", "  - line: 4\n    to: 100000000000000000000",
     f"{ART}:15: headings[0].to: 値が大きすぎます(書かれた値: 100000000000000000000)"),
    ("headings:", "exclude: [100000]\nheadings:", f"{ART}:13: exclude[0]: 行 100000 は mini.txt の範囲外です(全 10 行)"),
    ("headings:", "exclude: [9]\nheadings:",
     f"{ART}:13: exclude[0]: 行 9 は本文の行範囲(body)の外です(exclude には body の範囲の中の行を書いてください)"),
    ("  - start: 3\n    end: 8", "  - start: 3\n    end: 800000000000",
     f"{ART}:12: body[0].end: 値が大きすぎます(書かれた値: 800000000000)"),
], ids=["heading-to", "heading-to-huge", "exclude-past-end", "exclude-outside-body", "body-end-huge"])
def test_line_reference_past_the_seed_is_refused(mini_root: Path, old: str, new: str, expected: str) -> None:
    """``headings[].to`` was only compared with ``line``: a huge one made the model join every line up to it."""
    sub(mini_root, ART, old, new)
    assert check_errors(mini_root) == [expected]


# --- 5. everything at once --------------------------------------------------------------------------------------------
def test_every_hostile_input_is_reported_in_one_run(mini_root: Path) -> None:
    sub(mini_root, THEME, "name: 住民目線・窓口", "name: 財源\u200d・補助金")
    sub(mini_root, MUNI, "as_of: null", 'as_of: "0000"')
    sub(mini_root, ART, "url: null", "url: https://x.example/a|b")
    sub(mini_root, ART, "  - line: 4", "  - line: 4\n    to: 100000")
    (mini_root / "content/themes/con.yaml").write_text("id: con\nname: 予約語\nreading: よやくご\ndescription: 説明。\n",
                                                       encoding="utf-8")
    os.mkfifo(mini_root / "seeds/fifo.txt")
    assert check_errors(mini_root) == [
        f"{ART}:8: url: {URL_MESSAGE}(使えない文字 「|」(U+007C) があります)",
        f"{MUNI}:10: population.as_of: 年 0000 はありません(西暦 1 年以降の年を書いてください)",
        "content/themes/con.yaml:1: id: id「con」は使えません(Windows ではファイル名に使えない名前のため)",
        f"{THEME}:2: name: {invisible('U+200D', 3)}",
        f"seeds/fifo.txt:1: (ファイル): {NOT_REGULAR}",
    ]


def test_messages_never_print_a_refused_character(mini_root: Path) -> None:
    """A file name is the contributor's too: shown as <U+XXXX>, so a report line cannot be reordered or cut."""
    shutil.copy(mini_root / THEME, mini_root / "content/themes/counter\u202e.yaml")
    assert check_errors(mini_root) == [
        "content/themes/counter<U+202E>.yaml:1: id: id「counter」はファイル名「counter<U+202E>」と同じにしてください",
        "content/themes/counter<U+202E>.yaml:1: id: テーマの id「counter」が重複しています(content/themes/counter.yaml:1 にもあります)"]
