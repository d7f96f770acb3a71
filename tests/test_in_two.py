"""A large build's render processes relink and write their own pages: the same files as generating and writing after.

At national scale ``build`` never brings the pages back from the two render processes (generator/in_two.py). Here a
small corpus is made to take that path (``render.PARALLEL_PAGES`` = 1), and what it writes is compared, file for file,
with what ``generate`` returns.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from benchmarks.corpus import write_corpus
from generator import cores, paging, printview, render
from generator.build import DOCS_DIR, build, generate
from generator.write import OWNER_MARK


def _tree(docs: Path) -> dict[str, bytes]:
    return {p.relative_to(docs).as_posix(): p.read_bytes() for p in sorted(docs.rglob("*"))
            if p.is_file() and p.name != OWNER_MARK}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("in-two") / "root", 100).root


def _small_parts(monkeypatch: pytest.MonkeyPatch, budget: int) -> None:
    """Cut pages above ``budget`` bytes (the defaults of both places that cut), so that a small corpus has what a
    national one has: links from other pages to anchors that moved into a later part."""
    assert paging.split_page.__defaults__ == (paging.BUDGET, paging.SPLIT_ABOVE)
    assert paging.paginate.__defaults__ == (paging.BUDGET, frozenset(), paging.SPLIT_ABOVE, None, None)
    monkeypatch.setattr(paging.split_page, "__defaults__", (budget, budget))
    monkeypatch.setattr(paging.paginate, "__defaults__", (budget, frozenset(), budget, None, None))


def test_the_render_processes_write_what_generate_returns(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(printview, "NO_SECTIONS_CHARS", 0)  # as at national scale: the print view lists no pages
    _small_parts(monkeypatch, 12_000)
    expected = {p.path: p.data for p in generate(corpus).pages}
    relinked = [path for path, data in expected.items()
                if (path.startswith("municipalities/") and b"/2.md#m-" in data) or b"organisations/2.md#o-" in data]
    assert relinked, "links into a later part of another page must be followed"
    stale = corpus / DOCS_DIR / "themes" / "gone.md"
    stale.parent.mkdir(parents=True, exist_ok=True)
    (corpus / DOCS_DIR / OWNER_MARK).write_text("", encoding="utf-8")
    stale.write_text("# もう生成されないページ\n", encoding="utf-8")
    monkeypatch.setattr(render, "PARALLEL_PAGES", 1)
    messages: list[str] = []

    generated = build(corpus, site=False, progress=messages.append)

    assert generated.written is not None and generated.pages == []
    assert _tree(corpus / DOCS_DIR) == expected
    assert generated.paths == sorted(expected)
    assert not stale.exists()
    assert f"書き込み: 更新 {len(expected)}、変更なし 0、削除 1" in messages
    again = build(corpus, site=False, progress=messages.append)
    assert again.written is not None and (again.written.stats.written, again.written.stats.removed) == (0, 0)


def test_a_print_view_that_needs_the_pages_sends_them_back(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fewer than printview.NO_SECTIONS_CHARS characters: the print view is made of the pages, which come back."""
    expected = {p.path: p.data for p in generate(corpus).pages}
    assert printview.PRINT_PAGE in expected and b'id="s-articles-' in expected[printview.PRINT_PAGE]
    monkeypatch.setattr(render, "PARALLEL_PAGES", 1)

    generated = generate(corpus, docs=corpus / DOCS_DIR)

    assert generated.written is None
    assert {p.path: p.data for p in generated.pages} == expected


_FAIL: list[bool] = []
"""Set by the test of a failing process (the forked processes inherit it)."""


def _first(share: int) -> tuple[int, int]:
    if share == 5 and _FAIL:
        raise ValueError("share five is broken")
    return share * share, share


def _second(kept: list[int], payload: int) -> tuple[list[int], int]:
    return sorted(kept), payload


def test_two_rounds_keep_what_each_process_made() -> None:
    summaries, results = cores.in_two_rounds(_first, 8, lambda squares: sum(squares), _second)
    assert summaries == [k * k for k in range(8)]
    assert sorted(k for kept, _ in results for k in kept) == list(range(8))
    assert [payload for _, payload in results] == [140, 140]


def test_a_failing_process_is_reported_and_none_is_left_running() -> None:
    _FAIL.append(True)
    try:
        with pytest.raises(cores.WorkerFailed, match="ValueError: share five is broken"):
            cores.in_two_rounds(_first, 8, sum, _second)
    finally:
        _FAIL.clear()
    assert multiprocessing.active_children() == []
