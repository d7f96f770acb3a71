"""How current a page is (generator/content/review.py): ``reviewed`` dates on the pages, the editors' 要確認 list, and
``check`` warning about entries due for review on an injected day, while builds never look at the clock."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from generator.build import generate
from tests.conftest import copy_mini
from tests.test_cli import cli, content_copy, edit

MUNI = "content/municipalities/bandai.yaml"


def test_check_warns_about_entries_past_their_review_date_on_the_given_day(tmp_path: Path) -> None:
    root = content_copy(tmp_path)
    status, lines = cli(root, "check", "--strict", "--today", "2027-11-22")
    assert status == 0 and lines[-1].startswith("OK: "), lines  # due that day: not yet past
    status, lines = cli(root, "check", "--today", "2027-11-23")
    assert len([ln for ln in lines if ": reviewed: 警告: " in ln]) == 5, lines  # the bodies last changed 2026-11-22
    status, lines = cli(root, "check", "--today", "2027-12-07")
    warnings = [ln for ln in lines if ": reviewed: 警告: " in ln]
    assert status == 0 and len(warnings) == 5 + 6 + 21, lines
    line = next(n for n, text in enumerate((root / MUNI).read_text(encoding="utf-8").splitlines(), 1)
                if text.startswith("reviewed:"))
    assert f"{MUNI}:{line}: reviewed: 警告: 確認日 2026-12-06 から 1 年以上たちました(次回確認予定 2027-12-06、今日は 2027-12-07)。" \
           "出典と照らして内容を確認し、reviewed を更新してください" in lines
    assert cli(root, "check", "--strict", "--today", "2027-12-07")[0] == 1


def test_the_day_comes_from_the_environment_when_not_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = content_copy(tmp_path)
    monkeypatch.setenv("HANDBOOK_TODAY", "2030-01-01")
    assert cli(root, "check", "--strict")[0] == 1
    monkeypatch.setenv("HANDBOOK_TODAY", "2026-12-06")
    assert cli(root, "check", "--strict")[0] == 0


def test_malformed_and_future_dates_are_refused_in_japanese(tmp_path: Path) -> None:
    root = content_copy(tmp_path)
    edit(root, MUNI, 'reviewed: "2026-12-06"', 'reviewed: "2026-12"')
    edit(root, "content/articles/ayase-ntt-east.yaml", 'added: "2026-11-22"', 'added: "2999-01-01"')
    status, lines = cli(root, "check")
    assert status == 1
    assert any(re.fullmatch(rf"{MUNI}:\d+: reviewed: 日付は YYYY-MM-DD の形式で書いてください\(例: 2026-11-22\)", ln)
               for ln in lines), lines
    assert any(re.fullmatch(r"content/articles/ayase-ntt-east.yaml:\d+: added: 追加日 2999-01-01 が未来の日付です\(今日は .*\)", ln)
               for ln in lines), lines
    with pytest.raises(SystemExit) as exited:  # argparse refuses the day itself, in Japanese
        cli(root, "check", "--today", "2026-13-01")
    assert exited.value.code == 2


def test_pages_show_last_review_and_next_due_date_and_the_list_orders_by_it(tmp_path: Path) -> None:
    shown = {p.path: p.content for p in generate(copy_mini(tmp_path / "mini")).pages}
    line = "内容の最終確認: 令和8年4月1日&#40;2026年4月1日&#41;。次回確認予定: 令和9年4月1日&#40;2027年4月1日&#41;"
    assert line in str(shown["municipalities/bandai.md"]) and line in str(shown["themes/counter.md"])
    article = str(shown["articles/mini-article.md"])
    assert "ハンドブックへの追加: 令和2年9月1日&#40;2020年9月1日&#41;。" + line in article
    assert "内容の最終確認: 未確認" in str(shown["municipalities/akishima.md"])
    review = str(shown["review.md"])
    rows = [ln for ln in review.splitlines() if ln.startswith("| ") and "](" in ln]
    assert [re.search(r"\]\(([^)]+)\)", r).group(1) for r in rows] == [  # type: ignore[union-attr]
        "municipalities/akishima.md", "themes/mindset.md",  # never checked: first
        "articles/mini-article.md", "municipalities/bandai.md", "themes/counter.md"]
    assert "**未確認**" in rows[0] and "令和9年4月1日" in rows[2]


def test_built_pages_show_dates_and_the_review_list(site_dir: Path) -> None:
    bandai = unescape((site_dir / "municipalities" / "bandai.html").read_text(encoding="utf-8"))
    assert re.search(r'<p class="hb-reviewed">内容の最終確認: 令和8年12月6日\(2026年12月6日\)。'
                     r"次回確認予定: 令和9年12月6日\(2027年12月6日\)。</p>", bandai)
    article = unescape((site_dir / "articles" / "bandai-dx-strategy-2020.html").read_text(encoding="utf-8"))
    assert "ハンドブックへの追加: 令和8年11月22日(2026年11月22日)。内容の最終確認: 令和8年12月6日(2026年12月6日)" in article
    theme = unescape((site_dir / "themes" / "funding.html").read_text(encoding="utf-8"))
    assert "次回確認予定: 令和9年12月6日(2027年12月6日)" in theme
    review = (site_dir / "review.html").read_text(encoding="utf-8")
    assert "要確認リスト(編集者向け)" in review and review.count("<tr>") == 1 + 5 + 6 + 21
    assert 'href="municipalities/bandai.html"' in review
