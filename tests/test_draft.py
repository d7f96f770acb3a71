"""``python -m generator draft``: a proposed article YAML for a seed, measured against the five curated articles.

The curated YAML of each seed is the answer key: the draft must find the same body range, every furniture line
(and no body line), nearly every heading, every subject municipality, and most quotes and dated events. Then the
draft must be real YAML of the real schema, keep hostile seed text as data, and pass ``check`` except for the
fields only a person can write, which ``check`` names.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.cli import main
from generator.content.text import normalise_display, squash_space
from generator.tools.draft import Draft, known, make_draft

ROOT = Path(__file__).resolve().parents[1]
CURATED = sorted((ROOT / "content/articles").glob("*.yaml"))


def content_copy(dest: Path) -> Path:
    for name in ("content", "seeds", "data"):
        shutil.copytree(ROOT / name, dest / name)
    return dest


def cli(root: Path, *args: str) -> tuple[int, str, list[str]]:
    """Run the CLI in-process with --root; return status, stdout and stderr lines."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["--root", str(root), *args])
    return status, out.getvalue(), err.getvalue().splitlines()


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def draft_of(article: dict[str, Any]) -> Draft:
    raw = (ROOT / "seeds" / article["seed"]).read_bytes()
    return make_draft(article["seed"], raw, raw.decode("utf-8"), known(ROOT))


def same_quote(curated: str, proposed: str) -> bool:
    """The curated quote is the proposal or a part of it, or the other way round (spaces and look-alikes aside)."""
    a, b = (squash_space(normalise_display(t)) for t in (curated, proposed))
    return a in b or b in a


def figures(article: dict[str, Any], d: Draft) -> dict[str, Any]:
    """How the draft of a seed compares with its curated article (the figures of the issue's 'done when')."""
    s, lines = d.structure, d.lines
    (body,) = article["body"]
    exclude = set(article.get("exclude", []))
    flagged = {f.line for f in s.furniture if s.start <= f.line <= s.end}
    body_lines = {n for n in range(body["start"], body["end"] + 1) if lines[n - 1].strip()} - exclude
    curated_headings = {h["line"] for h in article.get("headings", [])}
    headings = {h.line for h in s.headings}
    subjects = {p.page for p in d.places if p.subject}
    quotes = article.get("quotes", [])
    found_quotes = [c for c in quotes if any(p.line == c["para"] and sp == c["speaker"] and same_quote(c["text"], p.text)
                                             for p, sp in zip(d.quotes, d.speakers, strict=True))]
    events = article.get("events", [])
    proposed_dates = {(e.line, e.date) for e in d.dates}
    found_events = [e for e in events if (e["para"], e["date"]) in proposed_dates]
    return {
        "body": (s.start, s.end) == (body["start"], body["end"]),
        "furniture_recall": len(exclude & flagged) / len(exclude) if exclude else 1.0,
        "body_flagged": sorted(flagged & body_lines),
        "headings_recall": len(curated_headings & headings) / len(curated_headings) if curated_headings else 1.0,
        "subjects_recall": len(set(article.get("municipalities", [])) & subjects) / len(article.get("municipalities", []))
        if article.get("municipalities") else 1.0,
        "quotes_recall": len(found_quotes) / len(quotes) if quotes else 1.0,
        "events_recall": len(found_events) / len(events) if events else 1.0,
    }


@pytest.mark.parametrize("path", CURATED, ids=[p.stem for p in CURATED])
def test_draft_finds_what_the_curated_article_records(path: Path) -> None:
    article = yaml.safe_load(path.read_text(encoding="utf-8"))
    f = figures(article, draft_of(article))
    assert f["body"], f
    assert f["furniture_recall"] == 1.0 and f["body_flagged"] == [], f
    assert f["headings_recall"] >= 0.9, f
    assert f["subjects_recall"] == 1.0, f
    assert f["quotes_recall"] >= 0.8, f
    assert f["events_recall"] >= 0.8, f


def test_two_line_headings_get_their_last_line() -> None:
    article = yaml.safe_load((ROOT / "content/articles/ayase-ntt-east.yaml").read_text(encoding="utf-8"))
    proposed = {(h.line, h.to) for h in draft_of(article).structure.headings}
    assert {(h["line"], h.get("to")) for h in article["headings"]} <= proposed


def test_rules_are_not_tied_to_line_numbers() -> None:
    """Shift a seed down by three blank lines and some furniture: every proposal moves with it."""
    article = yaml.safe_load((ROOT / "content/articles/kanagawa-dx-forum.yaml").read_text(encoding="utf-8"))
    before = draft_of(article)
    text = "この記事をシェアする\n画像1\n\n" + "\n".join(before.lines)
    after = make_draft("x.txt", text.encode(), text, known(ROOT))
    assert (after.structure.start, after.structure.end) == (before.structure.start + 3, before.structure.end + 3)
    assert [h.line for h in after.structure.headings] == [h.line + 3 for h in before.structure.headings]
    assert [(q.line, q.text) for q in after.quotes] == [(q.line + 3, q.text) for q in before.quotes]
    assert [(e.line, e.date) for e in after.dates] == [(e.line + 3, e.date) for e in before.dates]


def _line_of(text: str, pattern: str, nth: int = 0) -> int:
    hits = [i for i, line in enumerate(text.splitlines(), 1) if re.search(pattern, line)]
    return hits[nth]


def test_the_draft_passes_check_but_for_what_a_person_writes(tmp_path: Path) -> None:
    root = content_copy(tmp_path)
    status, _, err = cli(root, "draft", "seeds/000_ab5e5dc8be4e576c.txt", "--id", "akishima-draft")
    rel = "content/articles/akishima-draft.yaml"
    assert status == 0 and err[0] == f"作成しました: {rel}"
    text = (root / rel).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert data["body"] == [{"start": 2, "end": 14}] and data["municipalities"] == ["akishima"]
    assert data["title"] == "東京郊外のベッドタウン昭島市、人口約11万人の「中規模自治体」の強みを活かしてDXに挑戦"
    assert "# 提案:" in text
    status, _, err = cli(root, "check")
    events = [_line_of(text, r'^    text: ""', i) for i in range(len(data["events"]))]
    assert status == 1
    assert err == [
        f"{rel}:{_line_of(text, r'^summary:')}: summary: 空にできません",
        *[f"{rel}:{n}: events[{i}].text: 空にできません" for i, n in enumerate(events)],
        f"エラー {1 + len(events)} 件、警告 0 件。修正してからもう一度実行してください。",
    ]
    # Once the person has written those, check says what else the rules ask of their text.
    text = text.replace('summary: ""', "summary: 昭島市のDXを紹介する記事。").replace('text: ""', "text: 出来事")
    (root / rel).write_text(text, encoding="utf-8")
    quoted = sum(len(q["text"]) for q in data["quotes"])
    assert cli(root, "check")[2] == [
        f"{rel}:{_line_of(text, r'^quotes:')}: quotes: 引用の合計 {quoted} 字が、この記事についてのハンドブック自身の文章"
        "(要約と要点の合計 14 字)以上です。引用を減らすか、要約・要点を充実させてください",
        "content/articles/akishima-enterprisezine.yaml:4: seed: 警告: 000_ab5e5dc8be4e576c.txt は "
        f"{rel} でも使われています",
        "エラー 1 件、警告 1 件。修正してからもう一度実行してください。",
    ]


def test_url_fills_the_source_and_stdout_writes_no_file(tmp_path: Path) -> None:
    root = content_copy(tmp_path)
    before = snapshot(root)
    status, out, err = cli(root, "draft", "002_54e0fae99f147edb.txt", "--url", "https://example.jp/記事?a=1", "--stdout")
    assert (status, err) == (0, [])
    assert yaml.safe_load(out)["url"] == "https://example.jp/記事?a=1"
    assert yaml.safe_load(out)["date"] == "2024-12-27"
    assert snapshot(root) == before


@pytest.mark.parametrize(("args", "message"), [
    (("draft", "000_ab5e5dc8be4e576c.txt", "--id", "akishima-enterprisezine"),
     "content/articles/akishima-enterprisezine.yaml:1: id: このファイルはすでにあります"
     "(上書きしません。--id で別の id にするか、--stdout で画面に出してください)"),
    (("draft", "000_ab5e5dc8be4e576c.txt", "--url", "javascript:alert(1)"),
     "content/articles/draft-000-ab5e5dc8be4e576c.yaml:1: url: URL は http:// または https:// で始まり、"
     "空白や < > \" ' を含まない形にしてください"),
    (("draft", "nothing.txt"),
     "content/articles/draft-nothing.yaml:1: seed: seeds/nothing.txt が見つかりません(先に seeds/ に置いてください)"),
    (("draft", "content/people.yaml"),
     "content/articles/draft-people.yaml:1: seed: seed は seeds/ の中に置いてください(seeds/ の外のファイルは使えません)"),
    (("draft", "000_ab5e5dc8be4e576c.txt", "--id", "Bad_Id"),
     "content/articles/:1: id: 識別子「Bad_Id」は英小文字・数字・ハイフンだけで書いてください(例: akishima)"),
])
def test_draft_refuses_without_writing(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    root = content_copy(tmp_path)
    before = snapshot(root)
    status, out, err = cli(root, *args)
    assert (status, out, err) == (1, "", [message])
    assert snapshot(root) == before


HOSTILE = "\": #'\\n {{ config }} {% if x %}'' --- &a *a !!python/object \u2028"


def test_hostile_seed_text_stays_data(tmp_path: Path) -> None:
    """Seed text reaches the YAML only as a double-quoted scalar or inside a one-line comment."""
    root = content_copy(tmp_path)
    spoken = f"試験のために{HOSTILE}と書いた文です。"
    seed = "\n".join([
        f"題名 {HOSTILE}",
        "",
        f"{HOSTILE} 見出し",
        "",
        f"昭島市の総務部で、小林大介氏は「{spoken}」と話した。{HOSTILE}2022年4月に始めた。",
        "",
        f"図 {HOSTILE[:24]}",
        "",
        f"山田太郎氏は、「{spoken}」と述べた。",
        "",
        "この記事をシェア",
    ])
    (root / "seeds/900_hostile.txt").write_text(seed, encoding="utf-8")
    status, out, err = cli(root, "draft", "900_hostile.txt", "--stdout")
    assert (status, err) == (0, [])
    data = yaml.safe_load(out)
    assert data["title"] == f"題名 {HOSTILE}".strip()
    assert data["quotes"] == [{"text": spoken, "speaker": "kobayashi-daisuke", "para": 5}]
    assert data["events"] == [{"date": "2022-04", "text": "", "para": 5}]
    assert data["exclude"] == [7] and data["municipalities"] == ["akishima"]
    assert list(data) == ["id", "seed", "sha256", "title", "publisher", "author", "date", "url", "summary", "body",
                          "exclude", "headings", "municipalities", "themes", "organisations", "people", "key_points",
                          "quotes", "events", "rights"]
    assert all(line.startswith("#") or "\u2028" not in line for line in out.split("\n"))


def _blocks(section: str, lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```", section, re.M | re.S)


def test_the_guides_draft_walkthrough_is_what_the_tools_print(tmp_path: Path) -> None:
    """CONTRIBUTING.md: the practice seed of the walkthrough, the draft command and the check output it shows."""
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    walkthrough = guide.split("## 記事を追加する(はじめから終わりまで)", 1)[1].split("\n## ", 1)[0]
    section = guide.split("## 下書きから記事を作る(draft)", 1)[1].split("\n## ", 1)[0]
    root = content_copy(tmp_path)
    (root / "seeds/900_kamakura-practice.txt").write_text(_blocks(walkthrough, "text")[0], encoding="utf-8")
    draft_command, check_command = (block.strip() for block in _blocks(section, "bash"))
    assert draft_command.startswith(".venv/bin/python -m generator draft ") and check_command == ".venv/bin/python -m generator check"
    status, _, err = cli(root, *draft_command.split()[3:])
    assert (status, err[0]) == (0, "作成しました: content/articles/kamakura-practice.yaml")
    data = yaml.safe_load((root / "content/articles/kamakura-practice.yaml").read_text(encoding="utf-8"))
    assert data["url"] == "https://example.jp/kamakura" and [h["line"] for h in data["headings"]] == [5, 10]
    assert cli(root, "check")[2] == _blocks(section, "text")[0].splitlines()


def test_a_speaker_not_in_people_yaml_is_proposed_as_a_new_person(tmp_path: Path) -> None:
    root = content_copy(tmp_path)
    seed = "\n".join([
        "架空の町の取り組み",
        "",
        "綾瀬市 DX推進担当の山田太郎氏は、「窓口の手続きを、まず三つだけオンラインにしました。」と話した。",
        "山田氏は「住民の声を聞きながら、少しずつ増やしていきます。」と述べた。",
    ])
    (root / "seeds/900_new-person.txt").write_text(seed, encoding="utf-8")
    status, out, _ = cli(root, "draft", "900_new-person.txt", "--stdout")
    assert status == 0 and yaml.safe_load(out)["quotes"] == []
    assert out.split("\n# 提案: content/people.yaml に加える人物(id はローマ字で。役職は本文の記載から):\n", 1)[1].startswith(
        "#   - id: (ローマ字の id)\n#     name: 山田太郎\n#     role: 綾瀬市 DX推進担当\nevents:")
    assert "#   行 3: 話者「山田太郎」: 窓口の手続きを" in out and "#   行 4: 話者「山田」: 住民の声を" in out
