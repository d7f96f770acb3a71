"""Shared fixtures: a built copy of the real handbook, an HTTP server and headless Chromium.

The handbook is built once per session in a temporary copy of the repository, so tests never
touch the working tree's build/ or site/ and always see what a fresh checkout produces.
"""

from __future__ import annotations

import fcntl
import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import markdown
import pytest
from mkdocs.utils.yaml import yaml_load

from benchmarks.corpus import copy_support
from generator.build import Generated, build
from generator.pages.mdsyntax import FRONT_MATTER

ROOT = Path(__file__).resolve().parents[1]
TODAY = "2026-12-06"
"""The day ``check`` judges review dates by in every test (and its subprocesses): content checked on or after
2025-12-06 is never overdue, however late the suite runs (tests/test_review.py sets other days itself)."""
os.environ["HANDBOOK_TODAY"] = TODAY
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


BROWSER_FIXTURES = {"browser", "page"}

# What makes a test ``slow``: it builds a site with MkDocs, runs Java, Chromium or ``python -m generator`` in a
# subprocess per case, or writes a benchmark corpus. A name is a fixture the test uses (directly or through another
# fixture) or the test function itself (every parametrisation of it).
SLOW_FIXTURES = {
    "handbook_root",  # the real handbook built with MkDocs; site_dir, docs_dir, http_url, the PDF and offline copy rest on it
}
SLOW_IN_FILE: dict[str, set[str]] = {
    "test_benchmark_smoke.py": {
        "run",  # runs the benchmark: corpus, generator and MkDocs
        "test_the_corpus_is_deterministic_and_uses_real_codes_names_and_readings",
        "test_the_corpus_passes_check_strict",
        "test_the_skewed_corpus_is_deterministic_concentrated_long_and_passes_check",
        "test_the_skewed_profile_makes_more_pages_than_the_even_one",
    },
    "test_build_robustness.py": {
        "built",  # the mini handbook built with MkDocs by python -m generator build
        "test_site_and_dist_get_the_mode_the_umask_allows",
        "test_mkdocs_warning_about_a_generated_page_names_its_content_file",
    },
    "test_cli.py": {"test_failed_build_never_replaces_a_good_site"},
    "test_contributing.py": {"test_a_new_article_added_by_following_the_guide_appears_everywhere"},
    "test_determinism.py": {"test_two_builds_are_byte_identical"},
    "test_fuzz.py": {"checks", "builds"},  # python -m generator check, and build, once per payload
    "test_hostile_input.py": {"mini_root"},  # every test on a mini copy runs python -m generator in a subprocess
    "test_parallel_mkdocs.py": {
        "test_split_build_is_byte_identical",
        "test_each_part_renders_every_other_page",
        "test_broken_anchor_fails_a_single_process_build",
        "test_broken_link_fails_the_split_build",
    },
    "test_pdf.py": {"test_chromium_prints_with_javascript_off"},
    "test_preview.py": {"corpus"},  # a 100-article benchmark corpus
    "test_safe_rendering.py": {"hostile_site"},
    "test_scale_layouts.py": {"wide_site"},
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that drives Chromium ``browser`` and every test that builds with MkDocs or the like ``slow``
    (see SLOW_FIXTURES and SLOW_IN_FILE), so ``pytest -m "not browser and not slow"`` is the fast subset."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if BROWSER_FIXTURES & fixtures:
            item.add_marker(pytest.mark.browser)
        names = fixtures | {getattr(item, "originalname", item.name)}
        if SLOW_FIXTURES & fixtures or SLOW_IN_FILE.get(item.path.name, set()) & names:
            item.add_marker(pytest.mark.slow)


@functools.cache
def markdown_extensions(without: str = "") -> tuple[tuple[str, ...], dict[str, Any]]:
    """The Markdown extensions and their settings as ``mkdocs.yml`` lists them, but ``without`` one of them
    (read once: the tests of the generator's own extensions convert every generated page twice)."""
    with open(ROOT / "mkdocs.yml", encoding="utf-8") as fh:
        listed = yaml_load(fh)["markdown_extensions"]
    names: list[str] = []
    configs: dict[str, Any] = {}
    for item in listed:
        name, config = next(iter(item.items())) if isinstance(item, dict) else (item, {})
        if name != without:
            names.append(name)
            configs[name] = config
    return tuple(names), configs


def convert_page(text: str, without: str = "") -> tuple[str, markdown.Markdown]:
    """HTML of one generated page (front matter removed, as MkDocs does) and the converter, for what it stashed."""
    names, configs = markdown_extensions(without)
    md = markdown.Markdown(extensions=list(names), extension_configs=configs)
    return md.convert(FRONT_MATTER.sub("", text)), md


def converted_both_ways(generated: Generated, extension: str) -> Iterator[tuple[str, str, markdown.Markdown, markdown.Markdown]]:
    """Every generated Markdown page converted without and with ``extension``, after checking the HTML is the same
    to the byte: the page's path and Markdown, and both converters (for what the extension did)."""
    for page in generated.pages:
        if page.path.endswith(".md") and isinstance(page.content, str):
            plain, plain_md = convert_page(page.content, without=extension)
            fast, fast_md = convert_page(page.content)
            assert fast == plain, page.path
            yield page.path, page.content, plain_md, fast_md


def copy_repo(dest: Path) -> Path:
    """Copy what a build reads into ``dest``: content and seeds plus what any build needs (node_modules linked)."""
    copy_support(dest, ROOT)
    for name in ("content", "seeds"):
        shutil.copytree(ROOT / name, dest / name)
    return dest


MINI = ROOT / "tests" / "fixtures" / "mini"


def copy_mini(dest: Path) -> Path:
    """A small, stable content tree (tests/fixtures/mini) plus the official code list, census and town halls."""
    shutil.copytree(MINI, dest, dirs_exist_ok=True)
    (dest / "data").mkdir(exist_ok=True)
    for name in ("local-governments.csv", "population-2020.csv", "offices.csv"):  # the code list and what joins it
        shutil.copy2(ROOT / "data" / name, dest / "data" / name)
    for name in ("mkdocs.yml", "overrides"):
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, dirs_exist_ok=True)
        elif src.exists():
            shutil.copy2(src, dest / name)
    return dest


@pytest.fixture()
def mini_root(tmp_path: Path) -> Path:
    """A fresh writable copy of the mini fixture for tests that change or build it."""
    return copy_mini(tmp_path / "mini")


@pytest.fixture(scope="session")
def results_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the accessibility tests record their figures: a temporary folder, so a test run never rewrites committed
    files; the repository itself only when HANDBOOK_RECORD_RESULTS=1 (a maintainer refreshing the published figures)."""
    return ROOT if os.environ.get("HANDBOOK_RECORD_RESULTS") == "1" else tmp_path_factory.mktemp("results")


@pytest.fixture(scope="session")
def handbook_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A temporary checkout with the real content, fully built (Markdown and site), which no test changes. Under
    pytest-xdist it is built once for all workers, in the folder they share: the first to ask builds it while holding
    a lock, the others wait for it (each building its own took a minute of the two cores)."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        root = copy_repo(tmp_path_factory.mktemp("handbook"))
        build(root)
        return root
    shared = tmp_path_factory.getbasetemp().parent
    root, done = shared / "handbook", shared / "handbook.built"
    with open(shared / "handbook.lock", "a", encoding="ascii") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(root, ignore_errors=True)  # what a worker whose build failed left
            build(copy_repo(root))
            done.touch()
    return root


@pytest.fixture(scope="session")
def site_dir(handbook_root: Path) -> Path:
    """The built static site of the real handbook."""
    return handbook_root / "site"


@pytest.fixture(scope="session")
def docs_dir(handbook_root: Path) -> Path:
    """The generated Markdown of the real handbook."""
    return handbook_root / "build" / "docs"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep test output clean."""


@pytest.fixture(scope="session")
def http_url(site_dir: Path) -> Iterator[str]:
    """Serve the built site on 127.0.0.1 (a random free port) for browser tests."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright; never a downloaded browser."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _japanese_page(browser: object) -> Iterator[object]:
    """A page in a context of its own with a Japanese locale, closed with that context."""
    context = browser.new_context(locale="ja-JP")  # type: ignore[attr-defined]
    yield context.new_page()
    context.close()


@pytest.fixture()
def page(browser: object) -> Iterator[object]:
    """A fresh page (own context) per test."""
    yield from _japanese_page(browser)


@pytest.fixture(scope="module")
def module_page(browser: object) -> Iterator[object]:
    """One page for a whole module, whose tests reuse what it has loaded (the search index)."""
    yield from _japanese_page(browser)
