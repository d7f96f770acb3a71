"""Each class of bad input a contributor can send, with the exact line ``check`` prints for it.

Every case mutates a fresh copy of the real content and runs ``python -m generator check``
in-process; the expected output is the whole report, so an extra (cascading) error fails too.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import io
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.cli import main

ROOT = Path(__file__).resolve().parents[1]
ART = "content/articles/akishima-enterprisezine.yaml"
MUNI = "content/municipalities/akishima.yaml"
THEME = "content/themes/funding.yaml"
SEED = "seeds/000_ab5e5dc8be4e576c.txt"
SEED_SHA = "cade6a8675a52b9defd5b07e4836b6f0278c4843660c5769fbb5a9921ade4a40"

Mutation = Callable[[Path], None]


def content_copy(dest: Path) -> Path:
    """The three folders ``check`` reads: content, seeds and the code list."""
    for name in ("content", "seeds", "data"):
        shutil.copytree(ROOT / name, dest / name)
    return dest


def run_check(root: Path, *args: str) -> tuple[int, list[str]]:
    """Run ``check`` in-process; return the exit status and the stderr lines."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        status = main(["--root", str(root), "check", *args])
    return status, err.getvalue().splitlines()


def sub(rel: str, old: str, new: str) -> Mutation:
    """Replace one exact occurrence in a file (fails loudly if the anchor text moved)."""

    def apply(root: Path) -> None:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} must occur once in {rel}"
        path.write_text(text.replace(old, new), encoding="utf-8")

    return apply


def write(rel: str, data: bytes) -> Mutation:
    def apply(root: Path) -> None:
        (root / rel).write_bytes(data)

    return apply


def summary(errors: int, warnings: int = 0) -> str:
    return f"エラー {errors} 件、警告 {warnings} 件。修正してからもう一度実行してください。"


SYN = "content/synonyms.yaml"

CASES: dict[str, tuple[Mutation, list[str]]] = {
    # --- search synonyms (content/synonyms.yaml): each word belongs to one group (leading nowhere: a warning, below)
    "synonym-in-two-groups": (
        sub(SYN, "  - words: [デジタル人材, DX人材, ICT人材]", "  - words: [デジタル人材, はんこ]"),
        [f"{SYN}:13: synonyms[3].words[1]: 「はんこ」はほかの同義語のまとまり({SYN}:7)にもあります(1 つにまとめてください)"],
    ),
    "synonym-group-of-one": (
        sub(SYN, "  - words: [デジタル人材, DX人材, ICT人材]", "  - words: [デジタル人材]"),
        [f"{SYN}:13: synonyms[3].words: 2 件以上にしてください"],
    ),
    # --- types, required fields, allowed values, unknown keys
    "number-for-date": (
        sub(ART, "date: null", "date: 2022"),
        [f'{ART}:9: date: 日付は引用符で囲んで書いてください(例: "2022"、"2022-04"、"2022-04-01")(書かれた値: 2022)'],
    ),
    "number-for-code": (
        sub(MUNI, 'code: "132071"', "code: 132071"),
        [f'{MUNI}:7: code: 6 桁の数字を引用符で囲んで書いてください(例: "132071")(書かれた値: 132071)'],
    ),
    "text-for-integer": (
        sub(MUNI, "value: 116000", "value: 約11.6万人"),
        [f"{MUNI}:9: population.value: 整数で書いてください(書かれた値: 約11.6万人)"],
    ),
    "missing-required": (
        sub(ART, "\ntitle: ", "\n#title: "),
        [f"{ART}:3: title: 必須の項目がありません"],
    ),
    "empty-required": (
        sub(THEME, "name: 財源・補助金", 'name: ""'),
        [f"{THEME}:3: name: 空にできません"],
    ),
    "not-allowed-value": (
        sub(MUNI, "kind: 市", "kind: 県"),
        [f"{MUNI}:5: kind: 使える値ではありません(使える値: 都道府県 / 市 / 町 / 村 / 特別区)(書かれた値: 県)"],
    ),
    "unknown-key": (
        sub(ART, "author: 角田仁", "auther: 角田仁"),
        [f"{ART}:8: auther: 知らない項目です(綴りを確認してください)"],
    ),
    "bad-id": (
        sub(THEME, "  - system-selection", "  - System_Selection"),
        [f"{THEME}:12: related[0]: 英小文字・数字・ハイフンだけで書いてください(例: akishima)(書かれた値: System_Selection)"],
    ),
    # --- duplicates
    "duplicate-yaml-key": (
        sub(ART, "author: 角田仁", "author: 角田仁\nauthor: 別の人"),
        [f"{ART}:9: author: キー「author」が重複しています(8 行目にもあります)"],
    ),
    "duplicate-id": (
        lambda root: shutil.copy(root / THEME, root / "content/themes/funding-2.yaml"),
        [
            "content/themes/funding-2.yaml:2: id: id「funding」はファイル名「funding-2」と同じにしてください",
            "content/themes/funding.yaml:2: id: テーマの id「funding」が重複しています(content/themes/funding-2.yaml:2 にもあります)",
        ],
    ),
    "same-town-twice": (
        lambda root: (root / "content/municipalities/akishima-2.yaml").write_text(
            (root / MUNI).read_text(encoding="utf-8").replace("id: akishima", "id: akishima-2"), encoding="utf-8"),
        [f"{MUNI}:7: code: 全国地方公共団体コード「132071」は content/municipalities/akishima-2.yaml:7 でも使われています"],
    ),
    "duplicate-list-entry": (
        sub(ART, "\n  - funding\n", "\n  - funding\n  - funding\n"),
        [f"{ART}:28: themes[7]: 「funding」が重複しています"],
    ),
    # --- references
    "unknown-theme": (
        sub(ART, "\n  - funding\n", "\n  - fundng\n"),
        [f"{ART}:27: themes[6]: テーマ「fundng」は存在しません"],
    ),
    "unknown-municipality": (
        sub(ART, "municipalities:\n  - akishima", "municipalities:\n  - akishma"),
        [f"{ART}:19: municipalities[0]: 自治体「akishma」は存在しません"],
    ),
    "unknown-organisation": (
        sub(ART, "  - digital-agency\n", "  - digital-agencyy\n"),
        [f"{ART}:30: organisations[0]: 組織「digital-agencyy」は存在しません"],
    ),
    "unknown-glossary-term": (
        sub(THEME, "  - general-revenue", "  - general-revenu"),
        [f"{THEME}:16: glossary[0]: 用語「general-revenu」は存在しません"],
    ),
    "theme-related-to-itself": (
        sub(THEME, "  - system-selection", "  - funding"),
        [f"{THEME}:12: related[0]: テーマ自身を関連テーマにはできません"],
    ),
    # --- paragraphs and quotes
    "paragraph-out-of-range": (
        sub(ART, "      - 14\n", "      - 99\n"),
        [f"{ART}:81: key_points[5].paras[0]: 段落 99 は本文にありません(本文の行番号を指定してください。{SEED[6:]} は全 28 行)"],
    ),
    "paragraph-outside-body": (
        sub(ART, "      - 14\n", "      - 20\n"),
        [f"{ART}:81: key_points[5].paras[0]: 段落 20 は本文にありません(本文の行番号を指定してください。{SEED[6:]} は全 28 行)"],
    ),
    "body-past-end": (
        sub(ART, "    end: 14", "    end: 40"),
        [f"{ART}:13: body[0].end: 行 40 は 000_ab5e5dc8be4e576c.txt の範囲外です(全 28 行)"],
    ),
    "quote-not-verbatim": (
        sub(ART, "迷わず応募しました", "すぐに応募しました"),
        [f"{ART}:87: quotes[0].text: 引用文が段落 8 に文字どおり見つかりません(空白以外は原文と同じにしてください)"],
    ),
    # --- dates
    "impossible-month": (
        sub(ART, "date: null", 'date: "2022-13"'),
        [f"{ART}:9: date: 月 13 は 1〜12 の範囲にありません"],
    ),
    "impossible-day": (
        sub(ART, "date: null", 'date: "2023-02-29"'),
        [f"{ART}:9: date: 日 29 は 2023年2月 に存在しません"],
    ),
    "date-format": (
        sub(ART, "date: null", "date: 2022年4月"),
        [f"{ART}:9: date: 日付は YYYY、YYYY-MM、YYYY-MM-DD のいずれかの形式で書いてください"],
    ),
    "future-publication-date": (
        sub(ART, "date: null", 'date: "2999-01"'),
        [f"{ART}:9: date: 掲載日 2999-01 が未来の日付です(今日は {datetime.date.today().isoformat()})"],
    ),
    # --- 全国地方公共団体コード
    "check-digit": (
        sub(MUNI, 'code: "132071"', 'code: "132072"'),
        [f"{MUNI}:7: code: 全国地方公共団体コード 132072 の検査数字が正しくありません(正しくは 132071)"],
    ),
    "code-names-another-town": (
        sub(MUNI, 'code: "132071"', 'code: "132080"'),
        [
            f"{MUNI}:3: name: コード 132080 は「調布市」のものです(書かれた名前: 昭島市)",
            f"{MUNI}:4: reading: 読みが一覧と違います(一覧: チョウフシ)",
        ],
    ),
    # --- URLs
    "javascript-url": (
        sub(ART, "url: https://enterprisezine.jp/article/detail/23333", "url: javascript:alert(1)"),
        [f"{ART}:10: url: URL は http:// または https:// で始まり、空白や < > \" ' を含まない形にしてください"],
    ),
    "data-url": (
        sub(ART, "url: https://enterprisezine.jp/article/detail/23333", "url: 'data:text/html,<script>alert(1)</script>'"),
        [f"{ART}:10: url: URL は http:// または https:// で始まり、空白や < > \" ' を含まない形にしてください"],
    ),
    "url-breaking-out-of-attribute": (
        sub(ART, "url: https://enterprisezine.jp/article/detail/23333", "url: 'https://x.example/\" onmouseover=\"alert(1)'"),
        [f"{ART}:10: url: URL は http:// または https:// で始まり、空白や < > \" ' を含まない形にしてください"],
    ),
    # --- seeds
    "shift-jis-seed": (
        lambda root: (root / SEED).write_bytes((root / SEED).read_text(encoding="utf-8").encode("cp932", errors="replace")),
        [
            f"{ART}:4: seed: seeds/000_ab5e5dc8be4e576c.txt を読めません(そのファイルのエラーを先に直してください)",
            f"{SEED}:1: (文字コード): Shift_JIS(CP932)で保存されているようです。UTF-8 で保存し直してください"
            f"(例: iconv -f CP932 -t UTF-8 {SEED} > tmp && mv tmp {SEED})",
        ],
    ),
    "empty-seed": (
        write(SEED, b"\xef\xbb\xbf\r\n  \n"),
        [
            f"{ART}:4: seed: seeds/000_ab5e5dc8be4e576c.txt を読めません(そのファイルのエラーを先に直してください)",
            f"{SEED}:1: (ファイル): ファイルが空です",
        ],
    ),
    "seed-path-traversal": (
        sub(ART, "\nseed: 000_ab5e5dc8be4e576c.txt", "\nseed: ../content/people.yaml"),
        [f"{ART}:4: seed: seed には seeds/ の中のファイル名だけを書いてください(パスは使えません)"],
    ),
    "seed-absolute-path": (
        sub(ART, "\nseed: 000_ab5e5dc8be4e576c.txt", "\nseed: /etc/passwd"),
        [f"{ART}:4: seed: seed には seeds/ の中のファイル名だけを書いてください(パスは使えません)"],
    ),
    "seed-missing": (
        sub(ART, "\nseed: 000_ab5e5dc8be4e576c.txt", "\nseed: 000_missing.txt"),
        [f"{ART}:4: seed: seeds/000_missing.txt が見つかりません(置いたファイル名と同じにしてください)"],
    ),
    "seed-not-txt": (
        sub(ART, "\nseed: 000_ab5e5dc8be4e576c.txt", "\nseed: 000_ab5e5dc8be4e576c.md"),
        [f"{ART}:4: seed: seed ファイルの名前は .txt で終わるようにしてください(seeds/ の .txt だけを読み込みます)"],
    ),
    # --- YAML itself
    "yaml-python-tag": (
        sub(ART, "author: 角田仁", "author: !!python/object/apply:os.system ['touch pwned']"),
        [f"{ART}:8: author: YAML タグ tag:yaml.org,2002:python/object/apply:os.system は使えません(データとして書いてください)"],
    ),
    "yaml-alias": (
        sub(ART, "author: 角田仁\ndate: null\nurl: https://enterprisezine.jp/article/detail/23333",
            "author: &who 角田仁\ndate: null\nurl: *who"),
        [f"{ART}:10: url: YAML のアンカー/エイリアス(& と *)は使えません。値をそのまま書いてください"],
    ),
    "yaml-syntax": (
        sub(ART, "author: 角田仁", "author: [角田仁"),
        [f"{ART}:9: (構文): YAML として読めません: [ ] が閉じていません(expected ',' or ']', but got ':')"],
    ),
    "yaml-tab-indent": (
        sub(THEME, "  - system-selection", "\t- system-selection"),
        [f"{THEME}:12: (構文): YAML として読めません: タブ文字は使えません。字下げは半角空白にしてください"
         "(found character '\\t' that cannot start any token)"],
    ),
    "empty-yaml-file": (
        write("content/themes/empty.yaml", b"# comment only\n"),
        ["content/themes/empty.yaml:1: (ルート): ファイルが空です"],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_reports_exact_message(name: str, tmp_path: Path) -> None:
    mutate, expected = CASES[name]
    root = content_copy(tmp_path)
    mutate(root)
    status, lines = run_check(root)
    assert lines == [*expected, summary(len(expected))]
    assert status == 1


def test_sha256_mismatch_names_the_new_digest(tmp_path: Path) -> None:
    root = content_copy(tmp_path)
    seed = root / SEED
    seed.write_bytes(seed.read_bytes() + "追記された行\n".encode())
    digest = hashlib.sha256(seed.read_bytes()).hexdigest()
    status, lines = run_check(root)
    assert lines == [
        f"{ART}:5: sha256: seeds/000_ab5e5dc8be4e576c.txt の内容が変わっています(現在の sha256: {digest})。"
        "行番号を見直してから sha256 を更新してください",
        summary(1),
    ]
    assert status == 1


def test_bom_and_crlf_seed_is_accepted(tmp_path: Path) -> None:
    """Same text saved by Windows Notepad: only the sha256 changes, line numbers still match."""
    root = content_copy(tmp_path)
    seed = root / SEED
    seed.write_bytes(b"\xef\xbb\xbf" + seed.read_bytes().replace(b"\n", b"\r\n"))
    art = root / ART
    art.write_text(art.read_text(encoding="utf-8").replace(SEED_SHA, hashlib.sha256(seed.read_bytes()).hexdigest()), encoding="utf-8")
    status, lines = run_check(root, "--strict")
    assert (status, lines[-1:]) == (0, [ok_line(root)])


def test_quote_may_differ_in_whitespace_only(tmp_path: Path) -> None:
    root = content_copy(tmp_path)
    sub(ART, "迷わず応募しました", "迷わず 応募 しました")(root)
    status, lines = run_check(root, "--strict")
    assert (status, lines) == (0, [ok_line(root)])


@pytest.mark.parametrize("target", ["outside", "content"])
def test_seed_symlink_leading_out_of_seeds_is_refused(tmp_path: Path, target: str) -> None:
    root = content_copy(tmp_path / "repo")
    secret = tmp_path / "secret.txt"
    secret.write_text("秘密の行\n", encoding="utf-8")
    link = root / "seeds/999_link.txt"
    os.symlink(secret if target == "outside" else root / "content/people.yaml", link)
    status, lines = run_check(root)
    assert lines == ["seeds/999_link.txt:1: (ファイル): seeds/ の外を指すシンボリックリンクは使えません", summary(1)]
    assert status == 1


def test_yaml_symlink_leading_out_of_the_repository_is_refused(tmp_path: Path) -> None:
    root = content_copy(tmp_path / "repo")
    secret = tmp_path / "secret.yaml"
    secret.write_text("id: secret\n", encoding="utf-8")
    os.symlink(secret, root / "content/municipalities/zz-link.yaml")
    assert run_check(root) == (1, ["content/municipalities/zz-link.yaml:1: (ファイル): リポジトリの外を指すシンボリックリンクは使えません",
                                   summary(1)])


def test_oversized_yaml_file_is_refused_unread(tmp_path: Path) -> None:
    root = content_copy(tmp_path)
    (root / "content/municipalities/zz-big.yaml").write_bytes(b"# " + b"x" * 2_000_000 + b"\n")
    assert run_check(root) == (1, ["content/municipalities/zz-big.yaml:1: (ファイル): "
                                   "ファイルが大きすぎます(2,000,003 バイト、上限 2,000,000 バイト)", summary(1)])


INDENTED = "\n" + "".join("  " * i + "- b:\n" for i in range(40)) + "  " * 40 + "- x"
"""81 levels of lists and mappings, each on its own line."""


@pytest.mark.parametrize("nested", ["[" * 100_000 + "]" * 100_000, INDENTED], ids=["brackets", "indentation"])
def test_deeply_nested_yaml_is_refused_before_it_is_composed(tmp_path: Path, nested: str) -> None:
    """100,000 brackets crashed libyaml's composer (a segmentation fault, no message); a few hundred levels ended in a traceback."""
    root = content_copy(tmp_path)
    (root / "content/municipalities/zz-deep.yaml").write_text(f"id: zz-deep\nname: {nested}\n", encoding="utf-8")
    line = 2 if nested.startswith("[") else 34
    assert run_check(root) == (1, [f"content/municipalities/zz-deep.yaml:{line}: (構文): "
                                   "入れ子が深すぎます(64 段まで。リストやキーの入れ子を見直してください)", summary(1)])


def test_future_event_is_a_warning_that_strict_turns_into_failure(tmp_path: Path) -> None:
    root = content_copy(tmp_path)
    sub(ART, 'date: "2021-09"', 'date: "2999-09"')(root)
    warning = f"{ART}:111: events[0].date: 警告: 日付 2999-09 は未来です(予定なら本文にそう書かれているか確認してください)"
    assert run_check(root) == (0, [warning, "警告 1 件(--strict では失敗になります)。", ok_line(root)])
    assert run_check(root, "--strict") == (1, [warning, summary(0, 1)])


def test_a_synonym_that_leads_nowhere_is_a_warning_that_strict_turns_into_failure(tmp_path: Path) -> None:
    root = content_copy(tmp_path)
    sub(SYN, "  - words: [デジタル人材, DX人材, ICT人材]", "  - words: [電子申請, オンライン申請]")(root)
    warning = (f"{SYN}:13: synonyms[3].words: 警告: 「電子申請」・「オンライン申請」のどれもハンドブックの内容にありません"
               "(検索しても何も見つからない同義語です)")
    assert run_check(root) == (0, [warning, "警告 1 件(--strict では失敗になります)。", ok_line(root)])
    assert run_check(root, "--strict") == (1, [warning, summary(0, 1)])


def test_invalid_entity_does_not_cascade_into_unknown_reference_errors(tmp_path: Path) -> None:
    """A municipality with a typo stays referable: only its own error is reported."""
    root = content_copy(tmp_path)
    sub(MUNI, "region: 関東", "region: 関東地方")(root)
    regions = "北海道 / 東北 / 関東 / 中部 / 近畿 / 中国 / 四国 / 九州・沖縄"
    assert run_check(root) == (1, [f"{MUNI}:13: region: 使える値ではありません(使える値: {regions})(書かれた値: 関東地方)", summary(1)])


def ok_line(root: Path) -> str:
    """The success line, counted from the tree itself so content edits elsewhere do not break it."""
    from generator.build import generate

    hb = generate(root).handbook
    return f"OK: 自治体 {len(hb.municipalities)}、記事 {len(hb.articles)}、テーマ {len(hb.themes)}、用語 {len(hb.glossary)}"


def test_real_content_passes_strictly(tmp_path: Path) -> None:
    root = content_copy(tmp_path)
    assert run_check(root, "--strict") == (0, [ok_line(root)])


def test_a_folder_is_listed_as_path_glob_lists_it(tmp_path: Path) -> None:
    """``load.listing`` stands in for ``Path.glob``: hidden names and folders that match count, other cases do not."""
    from generator.content.load import listing

    for name in ("a.txt", ".hidden.txt", "B.TXT", "c.txt.bak", "d.yaml", "e.yml", ".f.yaml", "g.yaml~"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "folder.txt").mkdir()
    for pattern in ("*.txt", "*.y*ml"):
        assert listing(tmp_path, pattern) == sorted(p.name for p in tmp_path.glob(pattern))
    assert listing(tmp_path, "*.txt") == [".hidden.txt", "a.txt", "folder.txt"]
    assert listing(tmp_path / "missing", "*.txt") == listing(tmp_path / "a.txt", "*.txt") == []
