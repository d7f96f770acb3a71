"""Live preview (issue 7): an edit regenerates only what it changed and writes only changed files,
and the result is exactly what a full build would write."""

from __future__ import annotations

import os
import re
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
from generator import a11y
from generator.build import DOCS_DIR, generate
from generator.preview import PREVIEW_SITE, Preview
from generator.render import render
from tests.conftest import ROOT, copy_repo


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The smallest benchmark corpus (100 articles, 36 bodies), not built."""
    return write_corpus(tmp_path_factory.mktemp("preview") / "root", 100).root


def docs(root: Path) -> dict[str, bytes]:
    out = root / DOCS_DIR
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def full(root: Path) -> dict[str, bytes]:
    """What a full generation produces now, as bytes by path (rendered for the preview: Material indexes it)."""
    generated = generate(root)
    pages = render(generated.handbook, generated.index, PREVIEW_SITE, a11y.load_results(root))
    return {p.path: p.data for p in pages}


def test_an_article_edit_renders_few_pages_writes_only_changes_and_equals_a_full_build(corpus: Path) -> None:
    preview = Preview(corpus)
    first = preview.regenerate()
    assert first.reused == 0 and first.stats.written == len(first.generated.pages)
    source = corpus / "content" / "articles" / "article-00050.yaml"
    original = source.read_text(encoding="utf-8")
    try:
        source.write_text(original.replace("summary: ", "summary: 要約を書き直しました。", 1), encoding="utf-8")
        edited = preview.regenerate()
        assert edited.reused > edited.rendered
        assert 1 <= edited.stats.written <= 3
        assert edited.stats.removed == 0
        written = docs(corpus)
        assert "要約を書き直しました" in written["articles/article-00050.md"].decode("utf-8")
        expected = full(corpus)
        assert {k: v for k, v in written.items() if k != ".generated-by-handbook"} == expected

        title = re.search(r"^title: (.+)$", original, re.M)
        assert title is not None
        source.write_text(original.replace(title.group(0), f"title: {title.group(1)}(改題)", 1), encoding="utf-8")
        retitled = preview.regenerate()
        assert retitled.stats.written > 1
        written = docs(corpus)
        assert {k: v for k, v in written.items() if k != ".generated-by-handbook"} == full(corpus)
        assert any("改題" in v.decode("utf-8") for k, v in written.items() if k.startswith(("municipalities/", "themes/")))
    finally:
        source.write_text(original, encoding="utf-8")
    back = preview.regenerate()
    assert {k: v for k, v in docs(corpus).items() if k != ".generated-by-handbook"} == full(corpus)
    assert back.stats.written >= 1


def test_an_edit_outside_articles_renders_everything_again(corpus: Path) -> None:
    preview = Preview(corpus)
    preview.regenerate()
    people = corpus / "content" / "people.yaml"
    original = people.read_text(encoding="utf-8")
    try:
        people.write_text(re.sub(r"(role: .+)", r"\1(兼務)", original, count=1), encoding="utf-8")
        again = preview.regenerate()
        assert again.reused == 0
        assert {k: v for k, v in docs(corpus).items() if k != ".generated-by-handbook"} == full(corpus)
    finally:
        people.write_text(original, encoding="utf-8")
        preview.regenerate()


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
    preview = Preview(corpus).regenerate()
    previewed = {p.path: p.data for p in preview.generated.pages}
    built = {p.path: p.data for p in generate(corpus).pages}
    assert marker not in previewed["articles/article-00050.md"]
    assert marker in built["articles/article-00050.md"]
    assert marker in previewed["print.md"], "the print view is never searchable"
