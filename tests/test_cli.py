"""The command line as a contributor meets it: exit codes, one sorted report, no tracebacks.

Also covers ``check`` reporting stale generated files, ``new`` scaffolding, and the promise
that a failed build never replaces a good site.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.build import build
from generator.cli import main
from tests.conftest import copy_repo

ROOT = Path(__file__).resolve().parents[1]
ART = "content/articles/akishima-enterprisezine.yaml"
MUNI = "content/municipalities/akishima.yaml"


def content_copy(dest: Path) -> Path:
    for name in ("content", "seeds", "data"):
        shutil.copytree(ROOT / name, dest / name)
    return dest


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def cli(root: Path, *args: str) -> tuple[int, list[str]]:
    """Run the CLI in-process with --root; return status and stderr lines."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        status = main(["--root", str(root), *args])
    return status, err.getvalue().splitlines()


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_every_error_in_one_sorted_report_with_status_1_and_no_traceback(tmp_path: Path) -> None:
    root = content_copy(tmp_path)
    edit(root, MUNI, 'code: "132071"', 'code: "132072"')
    edit(root, ART, "author: 角田仁", "auther: 角田仁")
    edit(root, ART, "url: https://enterprisezine.jp/article/detail/23333", "url: javascript:alert(1)")
    edit(root, "content/themes/funding.yaml", "  - system-selection", "  - no-such-theme")
    (root / "seeds/001_ea386e4e5567c88a.txt").write_bytes("本文です\n".encode("cp932"))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "generator", "check"], cwd=root, env=env,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = proc.stderr.splitlines()
    assert lines == [
        "content/articles/akishima-enterprisezine.yaml:8: auther: 知らない項目です(綴りを確認してください)",
        "content/articles/akishima-enterprisezine.yaml:10: url: "
        "URL は http:// または https:// で始まり、空白や < > \" ' を含まない形にしてください",
        "content/articles/ayase-ntt-east.yaml:4: seed: "
        "seeds/001_ea386e4e5567c88a.txt を読めません(そのファイルのエラーを先に直してください)",
        "content/municipalities/akishima.yaml:7: code: 全国地方公共団体コード 132072 の検査数字が正しくありません(正しくは 132071)",
        "content/themes/funding.yaml:12: related[0]: テーマ「no-such-theme」は存在しません",
        "seeds/001_ea386e4e5567c88a.txt:1: (文字コード): Shift_JIS(CP932)で保存されているようです。UTF-8 で保存し直してください"
        "(例: iconv -f CP932 -t UTF-8 seeds/001_ea386e4e5567c88a.txt > tmp && mv tmp seeds/001_ea386e4e5567c88a.txt)",
        "エラー 6 件、警告 0 件。修正してからもう一度実行してください。",
    ]
    # Sorted by file, then by line number (as a number: 8 before 10).
    keys = [(ln.split(":")[0], int(ln.split(":")[1])) for ln in lines[:-1]]
    assert keys == sorted(keys)


def test_strict_turns_warnings_into_failure(tmp_path: Path) -> None:
    root = content_copy(tmp_path)
    (root / "content/memo.txt").write_text("メモ\n", encoding="utf-8")
    warning = "content/memo.txt:1: (ファイル): 警告: この場所のファイルは読み込まれません(置き場所を確認してください)"
    status, lines = cli(root, "check")
    assert (status, lines[:2]) == (0, [warning, "警告 1 件(--strict では失敗になります)。"])
    failed = "エラー 0 件、警告 1 件。修正してからもう一度実行してください。"
    assert cli(root, "check", "--strict") == (1, [warning, failed])
    assert cli(root, "build", "--strict", "--no-site", "--quiet") == (1, [warning, failed])
    assert sorted(p.name for p in (root / "build").iterdir()) == [".lock"], "only the build's lock is written"


def test_check_writes_nothing_and_reports_outdated_generated_files(tmp_path: Path) -> None:
    root = content_copy(tmp_path)
    assert cli(root, "build", "--no-site", "--quiet")[0] == 0
    status, lines = cli(root, "check", "--strict")
    assert status == 0 and len(lines) == 1 and lines[0].startswith("OK: ")
    edit(root, MUNI, "region: 関東", "region: 関東\n# 変更")
    edit(root, MUNI, "summary: ", "summary: 更新した要約。")
    (root / "build/docs/municipalities/ayase.md").unlink()
    (root / "build/docs/old-page.md").write_text("古いページ\n", encoding="utf-8")
    before = snapshot(root)
    status, lines = cli(root, "check")
    assert snapshot(root) == before
    stale = [ln for ln in lines if "(生成物)" in ln]
    hint = "python -m generator build で"
    assert f"build/docs/municipalities/akishima.md:1: (生成物): 警告: 内容が古くなっています({hint}更新してください)" in stale
    assert f"build/docs/municipalities/ayase.md:1: (生成物): 警告: まだ生成されていません({hint}生成してください)" in stale
    assert f"build/docs/old-page.md:1: (生成物): 警告: もう生成されないファイルです({hint}削除されます)" in stale
    assert stale == sorted(stale, key=lambda ln: ln.split(":")[0])
    assert status == 0
    assert cli(root, "check", "--strict")[0] == 1
    assert cli(root, "build", "--no-site", "--quiet")[0] == 0
    assert cli(root, "check", "--strict")[0] == 0


def test_failed_build_never_replaces_a_good_site(tmp_path: Path) -> None:
    root = copy_repo(tmp_path / "repo")
    build(root, package=False)
    good = snapshot(root / "site")
    assert "index.html" in good
    # 1. Invalid content: validation stops the build before anything is written.
    edit(root, MUNI, 'code: "132071"', 'code: "132072"')
    status, lines = cli(root, "build", "--quiet", "--no-package")
    assert status == 1 and lines[0].startswith(f"{MUNI}:7: code: ")
    assert snapshot(root / "site") == good
    edit(root, MUNI, 'code: "132072"', 'code: "132071"')
    # 2. Valid content but MkDocs fails: the staged site is thrown away, the old one stays.
    (root / "mkdocs.yml").write_text((root / "mkdocs.yml").read_text(encoding="utf-8") + "\nnav_broken: [\n", encoding="utf-8")
    status, lines = cli(root, "build", "--quiet", "--no-package")
    assert status == 1
    assert lines[0] == "mkdocs.yml:1: (MkDocs): サイトの生成に失敗しました。以前のサイトはそのままです。"
    assert all(line.startswith("mkdocs.yml:1: (MkDocs): ") for line in lines), lines
    assert snapshot(root / "site") == good
    assert not list(root.glob(".site-*")), "staging folder left behind"


def test_new_article_from_seed_is_valid_yaml_that_check_walks_through(tmp_path: Path) -> None:
    root = content_copy(tmp_path)
    (root / "seeds/900_new.txt").write_bytes(b"\n\xe8\xa6\x8b\xe5\x87\xba\xe3\x81\x97\n\nline three\n\n")
    status, lines = cli(root, "new", "article", "my-article", "--seed", "900_new.txt")
    assert status == 0
    assert lines[0] == "作成しました: content/articles/my-article.yaml"
    text = (root / "content/articles/my-article.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert data["id"] == "my-article" and data["seed"] == "900_new.txt"
    assert data["body"] == [{"start": 2, "end": 4}]
    assert all(line.startswith("#") or not line.strip() or ":" in line for line in text.splitlines())
    status, lines = cli(root, "check")
    rel = "content/articles/my-article.yaml"
    assert lines == [
        f"{rel}:10: title: 空にできません",
        f"{rel}:20: summary: 空にできません",
        f"{rel}:34: themes: 少なくとも 1 つ必要です",
        "エラー 3 件、警告 0 件。修正してからもう一度実行してください。",
    ]


def test_new_municipality_fills_registry_fields_and_theme_skeleton(tmp_path: Path) -> None:
    root = content_copy(tmp_path)
    assert cli(root, "new", "municipality", "kamakura", "--code", "142042")[0] == 0
    data = yaml.safe_load((root / "content/municipalities/kamakura.yaml").read_text(encoding="utf-8"))
    assert data == {"id": "kamakura", "name": "鎌倉市", "reading": "カマクラシ", "kind": "市", "prefecture": "神奈川県",
                    "code": "142042", "region": "関東", "summary": "", "reviewed": None}
    assert cli(root, "new", "theme", "open-data")[0] == 0
    assert cli(root, "check")[1] == [
        "content/municipalities/kamakura.yaml:23: summary: 空にできません",
        "content/themes/open-data.yaml:4: name: 空にできません",
        "content/themes/open-data.yaml:6: reading: 空にできません",
        "content/themes/open-data.yaml:10: description: 空にできません",
        "エラー 4 件、警告 0 件。修正してからもう一度実行してください。",
    ]


@pytest.mark.parametrize(("args", "message"), [
    (("new", "theme", "funding"),
     "content/themes/funding.yaml:1: id: このファイルはすでにあります(既存のファイルを編集するか、別の id にしてください)"),
    (("new", "theme", "Open_Data"),
     "content/themes/:1: id: 識別子「Open_Data」は英小文字・数字・ハイフンだけで書いてください(例: akishima)"),
    (("new", "municipality", "x", "--code", "142041"),
     "content/municipalities/x.yaml:1: code: 全国地方公共団体コード「142041」が正しくありません(検査数字を含む 6 桁)"),
    (("new", "article", "x", "--seed", "../content/people.yaml"),
     "content/articles/x.yaml:1: seed: --seed には seeds/ の中のファイル名だけを書いてください(パスは使えません)"),
    (("new", "article", "x", "--seed", "nothing.txt"),
     "content/articles/x.yaml:1: seed: seeds/nothing.txt が見つかりません(先に seeds/ に置いてください)"),
])
def test_new_refuses_bad_arguments_without_writing(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    root = content_copy(tmp_path)
    before = snapshot(root)
    assert cli(root, *args) == (1, [message])
    assert snapshot(root) == before
