"""Live preview: an edit is regenerated through the build's own path and only changed files are rewritten; the
served page and its search show it; SIGTERM stops MkDocs too."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from benchmarks.corpus import write_corpus
from benchmarks.search_bench import SearchBox
from generator.build import generate
from generator.errors import Problems
from generator.pages.write import DOCS_DIR
from generator.tools.serve import PREVIEW_SITE, regenerate
from tests.conftest import ROOT, copy_repo


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The smallest benchmark corpus (100 articles, 36 bodies), not built."""
    return write_corpus(tmp_path_factory.mktemp("preview") / "root", 100).root


def docs(root: Path) -> dict[str, bytes]:
    out = root / DOCS_DIR
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def quiet(_: object) -> None:
    """Progress and problems sink."""


def test_an_article_edit_rewrites_only_changed_files_and_equals_a_full_generation(corpus: Path) -> None:
    regenerate(corpus, quiet, quiet)
    before = docs(corpus)
    source = corpus / "content" / "articles" / "article-00050.yaml"
    original = source.read_text(encoding="utf-8")
    try:
        source.write_text(original.replace("summary: ", "summary: 要約を書き直しました。", 1), encoding="utf-8")
        regenerate(corpus, quiet, quiet)
        after = docs(corpus)
        changed = {k for k in after if after[k] != before.get(k)}
        assert "articles/article-00050.md" in changed and 1 <= len(changed) <= 3
        assert "要約を書き直しました" in after["articles/article-00050.md"].decode("utf-8")
        expected = {p.path: p.data for p in generate(corpus, site=PREVIEW_SITE).pages}
        assert {k: v for k, v in after.items() if k != ".generated-by-handbook"} == expected
    finally:
        source.write_text(original, encoding="utf-8")
    regenerate(corpus, quiet, quiet)
    assert docs(corpus) == before


def test_a_broken_edit_is_reported_and_the_previous_pages_stay(corpus: Path) -> None:
    regenerate(corpus, quiet, quiet)
    before = docs(corpus)
    people = corpus / "content" / "people.yaml"
    original = people.read_text(encoding="utf-8")
    reported: list[Problems] = []
    try:
        people.write_text(original.replace("people:", "persons:", 1), encoding="utf-8")
        regenerate(corpus, quiet, reported.append)
        assert len(reported) == 1 and reported[0].errors()
        assert docs(corpus) == before
    finally:
        people.write_text(original, encoding="utf-8")


def test_serve_shows_an_edit_and_stops_with_its_mkdocs_on_sigterm(tmp_path: Path, browser: Any) -> None:
    """The real handbook under ``serve``: an edited summary reaches the served page and its search (Material's
    texts, as the preview has no build-time index); SIGTERM ends both processes."""
    root = copy_repo(tmp_path / "serve")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, PYTHONPATH=str(ROOT), CI="true")
    server = subprocess.Popen([sys.executable, "-m", "generator", "--root", str(root), "serve", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/handbook/articles/where-to-start.html"

    def served() -> str:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return str(response.read().decode("utf-8"))
        except OSError:
            return ""

    def wait(marker: str) -> bool:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if marker in served():
                return True
            time.sleep(0.2)
        return False

    source = root / "content" / "articles" / "where-to-start.yaml"
    try:
        assert wait("自治体DXは何から始めるべきか")
        text = source.read_text(encoding="utf-8")
        source.write_text(text.replace("summary: ", "summary: プレビューで確かめる一文。", 1), encoding="utf-8")
        assert wait("プレビューで確かめる一文。")
        context = browser.new_context(locale="ja-JP")
        try:
            box = SearchBox(context.new_page(), url.removesuffix("articles/where-to-start.html"))
            box.open(url)
            assert "articles/where-to-start.html" in box.search("プレビューで 確かめる一文")
        finally:
            context.close()
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) == 0
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0, "MkDocs must stop with serve"


def test_preview_pages_keep_materials_search_and_built_pages_leave_it_to_ours(corpus: Path) -> None:
    # mkdocs serve has no build-time index, so only the preview lets Material index its pages.
    marker = b"search:\n  exclude: true\n"
    previewed = {p.path: p.data for p in generate(corpus, site=PREVIEW_SITE).pages}
    built = {p.path: p.data for p in generate(corpus).pages}
    assert marker not in previewed["articles/article-00050.md"]
    assert marker in built["articles/article-00050.md"]
    assert marker in previewed["print.md"], "the print view is never searchable"
