"""CONTRIBUTING.md stays true: its field reference matches the schema, and its walkthrough works.

The walkthrough test does what a new contributor would do with nothing but the guide: save the
example seed, run the guide's commands in order, fill in the YAML as the guide's examples show,
then open the pages the guide lists and find the new article on each of them.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.content.schema import FILE_KINDS, FOLDER_KINDS
from generator.tools import schemadoc
from tests.conftest import copy_repo

ROOT = Path(__file__).resolve().parents[1]
GUIDE = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")


def section(title_start: str) -> str:
    """The text of the ``##`` section whose title starts with ``title_start``."""
    m = re.search(rf"^## {re.escape(title_start)}.*?$(.*?)(?=^## )", GUIDE, re.M | re.S)
    assert m, title_start
    return m.group(1)


def generated_reference() -> str:
    """What lies between the schema-docs markers."""
    return GUIDE.split(schemadoc.START, 1)[1].split(schemadoc.END, 1)[0]


def test_field_reference_is_up_to_date() -> None:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        status = schemadoc.run(ROOT, write=False, check=True)
    assert (status, err.getvalue()) == (0, "")


@pytest.mark.parametrize("kind", [*FOLDER_KINDS, *FILE_KINDS])
def test_every_schema_field_is_documented_with_its_description(kind: str) -> None:
    model = {**FOLDER_KINDS, **FILE_KINDS}[kind]
    heading = f"### {schemadoc.FILES[kind]}\n"
    reference = generated_reference().split(heading, 1)[1].split("\n### ", 1)[0]
    fields = list(schemadoc.walk(model))
    assert fields
    for path, info in fields:
        assert info.description, f"{kind}: {path} has no description in schema.py"
        row = re.search(rf"^\| `{re.escape(path)}` \| (必須|任意) \| .* \| (.*) \|$", reference, re.M)
        assert row, f"{kind}: field {path} is missing from CONTRIBUTING.md"
        assert info.description.replace("|", "\\|") in row.group(0)


def test_check_fails_when_a_field_is_missing(tmp_path: Path) -> None:
    """The same check CI runs, on a copy whose reference lost one row."""
    (tmp_path / "CONTRIBUTING.md").write_text(GUIDE.replace("| `quotes[].speaker` |", "| `quotes[].spkr` |"), encoding="utf-8")
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        status = schemadoc.run(tmp_path, write=False, check=True)
    line = GUIDE[: GUIDE.index(schemadoc.START)].count("\n") + 1
    assert status == 1
    assert err.getvalue() == (f"CONTRIBUTING.md:{line}: (項目一覧): 項目一覧が schema.py と一致しません。"
                              "python -m generator schema-docs --write で更新してください\n")


def test_a_new_article_added_by_following_the_guide_appears_everywhere(tmp_path: Path) -> None:
    walkthrough = section("記事を追加する")
    root = copy_repo(tmp_path / "repo")
    env = dict(os.environ, PYTHONPATH=str(ROOT), CI="true")

    # Step 1: save the example seed under the name the guide uses.
    seed_name = re.search(r"練習用の `seeds/([^`]+)` の中身", walkthrough)
    seed_text = re.search(r"```text\n(.*?)```", walkthrough, re.S)
    assert seed_name and seed_text
    (root / "seeds" / seed_name.group(1)).write_text(seed_text.group(1), encoding="utf-8")

    commands = [c for block in re.findall(r"```bash\n(.*?)```", walkthrough, re.S) for c in block.splitlines() if c.strip()]
    examples = re.findall(r"```yaml\n# (content/\S+?\.yaml)\(記入例[^\n]*\n(.*?)```", walkthrough, re.S)
    assert [c.split()[3] for c in commands] == ["new", "new", "check", "build"]
    assert [path for path, _ in examples] == ["content/municipalities/kamakura.yaml", "content/articles/kamakura-practice.yaml"]

    filled = False
    for command in commands:
        args = command.split()
        assert args[:3] == [".venv/bin/python", "-m", "generator"], command
        if args[3] != "new" and not filled:
            # Steps 2–4: write into the skeletons what the guide's examples show (the rest stays as generated).
            for path, example in examples:
                data = yaml.safe_load((root / path).read_text(encoding="utf-8"))
                data.update(yaml.safe_load(example))
                (root / path).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
            filled = True
        proc = subprocess.run([sys.executable, *args[1:]], cwd=root, env=env, capture_output=True, text=True, check=False)
        assert proc.returncode == 0, f"{command}\n{proc.stderr}"
        assert "Traceback" not in proc.stderr

    title = yaml.safe_load(examples[1][1])["title"]
    pages = re.findall(r"^\| [^|]+ \| `(site/[^`]+\.html)` \|", walkthrough, re.M)
    assert pages == ["site/articles/kamakura-practice.html", "site/municipalities/kamakura.html",
                     "site/themes/paperless-seal-abolition.html", "site/articles/index.html"]
    for rel in pages:
        html = (root / rel).read_text(encoding="utf-8")
        assert title in html, rel
        if rel != "site/articles/kamakura-practice.html":
            assert "kamakura-practice.html" in html, f"{rel} does not link to the new article"


def test_the_guides_example_error_is_what_check_prints(tmp_path: Path) -> None:
    """The error shown under エラーメッセージの読み方 comes from the guide's own skeleton with an unquoted date."""
    from generator.cli import main

    example = re.search(r"```\n(content/articles/kamakura-practice\.yaml:\d+: date: .*)\n```", section("エラーメッセージの読み方"))
    assert example
    walkthrough = section("記事を追加する")
    seed_text = re.search(r"```text\n(.*?)```", walkthrough, re.S)
    assert seed_text
    for name in ("content", "seeds", "data"):
        shutil.copytree(ROOT / name, tmp_path / name)
    (tmp_path / "seeds/900_kamakura-practice.txt").write_text(seed_text.group(1), encoding="utf-8")
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["--root", str(tmp_path), "new", "article", "kamakura-practice", "--seed", "900_kamakura-practice.txt"]) == 0
        path = tmp_path / "content/articles/kamakura-practice.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("date: null", "date: 2023"), encoding="utf-8")
        assert main(["--root", str(tmp_path), "check"]) == 1
    assert example.group(1) in err.getvalue().splitlines()
