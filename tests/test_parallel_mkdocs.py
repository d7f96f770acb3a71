"""MkDocs split over several processes (generator/site/mkdocs.py) builds the same site as one process.

The split is used only for large sites; ``HANDBOOK_MKDOCS_JOBS`` forces it here on the mini fixture,
and the two builds are compared file by file, byte by byte (sitemap included). Broken links must still
fail the build with MkDocs' message; anchors are checked by MkDocs within each part.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from generator.build import build
from generator.pages.write import DOCS_DIR
from generator.publish.offline import OFFLINE_ENV
from generator.site import mkdocs as parallel_site
from generator.site.mkdocs import MkDocsFailed, run_mkdocs


def _no_source(_: str) -> None:
    """No page of these tests comes from a content file the message should name."""


def _site(root: Path, name: str, jobs: int, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the MkDocs step alone with ``jobs`` processes into ``root/name``."""
    monkeypatch.setenv(parallel_site.JOBS_ENV, str(jobs))
    out = root / name
    out.mkdir()
    run_mkdocs(root, out, {}, _no_source)
    return out


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _failure(root: Path, jobs: int, monkeypatch: pytest.MonkeyPatch) -> str:
    """MkDocs' message when the build of ``root`` with ``jobs`` processes fails."""
    monkeypatch.setenv(parallel_site.JOBS_ENV, str(jobs))
    out = root / f"fail-{jobs}"
    out.mkdir()
    with pytest.raises(MkDocsFailed) as failed:
        run_mkdocs(root, out, {}, _no_source)
    return str(failed.value)


def _pages(root: Path) -> list[str]:
    """Generated Markdown pages that are not in the nav (those a split may put in different parts)."""
    docs = root / DOCS_DIR
    nav = (root / "mkdocs.yml").read_text(encoding="utf-8")
    return sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md")
                  if f" {p.relative_to(docs).as_posix()}\n" not in nav)


@pytest.mark.parametrize(("jobs", "offline"), [(2, False), (3, False), (2, True)])
def test_split_build_is_byte_identical(mini_root: Path, jobs: int, offline: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    build(mini_root, site=False)
    if offline:
        for name, value in OFFLINE_ENV.items():
            monkeypatch.setenv(name, value)
    single = _files(_site(mini_root, "single", 1, monkeypatch))
    split = _files(_site(mini_root, "split", jobs, monkeypatch))
    assert sorted(split) == sorted(single)
    assert [name for name in single if split[name] != single[name]] == []
    assert len(_pages(mini_root)) > jobs
    assert (b"<loc>" in single["sitemap.xml"]) is not offline
    leftovers = [p.name for p in mini_root.iterdir() if p.name.startswith((".mkdocs-part-", ".site-parts-"))]
    assert leftovers == []


def _parts(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    """The HTML files each of two parts renders, built one after the other."""
    build(root, site=False)
    config = parallel_site.write_config(root, root / "mkdocs.yml")
    rendered = []
    for k in range(2):
        monkeypatch.setenv(parallel_site.PART_ENV, f"{k}/2")
        out = root / f"part-{k}"
        subprocess.run(parallel_site.mkdocs_command(config, out), cwd=root, env=parallel_site.mkdocs_env(os.environ),
                       capture_output=True, check=True)
        rendered.append({p.relative_to(out).as_posix() for p in out.rglob("*.html")})
    config.unlink()
    return rendered


def test_each_part_renders_every_other_page(mini_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rendered = _parts(mini_root, monkeypatch)
    pages = {page.removesuffix(".md") + ".html" for page in _pages(mini_root)}
    own = [pages & part for part in rendered]
    assert own[0] and own[1] and not own[0] & own[1]
    assert own[0] | own[1] == pages
    assert abs(len(own[0]) - len(own[1])) <= len(pages) // 2  # every other page, nav pages aside: about half each


def _warnings(message: str) -> set[str]:
    """MkDocs' warning lines about links, without the log prefix."""
    return {m.group(1) for m in re.finditer(r"(Doc file .*)", message)}


def test_broken_anchor_fails_a_single_process_build(mini_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(mini_root, site=False)
    pages = _pages(mini_root)
    source = mini_root / DOCS_DIR / pages[0]
    links = "".join(f"\n[x]({os.path.relpath(p, os.path.dirname(pages[0]))}#no-such-anchor)\n" for p in pages[1:])
    source.write_text(source.read_text(encoding="utf-8") + links, encoding="utf-8")
    assert "#no-such-anchor" in _failure(mini_root, 1, monkeypatch)


def test_broken_link_fails_the_split_build(mini_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(mini_root, site=False)
    source = mini_root / DOCS_DIR / _pages(mini_root)[-1]
    source.write_text(source.read_text(encoding="utf-8") + "\n[x](no-such-page.md)\n", encoding="utf-8")
    message = _failure(mini_root, 2, monkeypatch)
    assert "no-such-page.md" in message and "not found among documentation files" in message
    assert _warnings(message) == _warnings(_failure(mini_root, 1, monkeypatch))
    assert [p.name for p in mini_root.iterdir() if p.name.startswith((".mkdocs-part-", ".site-parts-"))] == []


def test_small_sites_keep_one_process(mini_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(mini_root, site=False)
    monkeypatch.delenv(parallel_site.JOBS_ENV, raising=False)
    assert parallel_site.jobs(mini_root / DOCS_DIR) == 1
    monkeypatch.setenv(parallel_site.JOBS_ENV, "two")
    with pytest.raises(ValueError, match="1 以上の整数"):
        parallel_site.jobs(mini_root / DOCS_DIR)


def test_large_sites_split_into_an_even_number_of_bounded_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(parallel_site.JOBS_ENV, raising=False)
    monkeypatch.setattr(parallel_site, "PART_BYTES", 1_000)
    for n in range(parallel_site.SPLIT_MIN_PAGES):
        (tmp_path / f"p{n}.md").write_text("x" * 9 + "\n", encoding="utf-8")  # 4,000 bytes in all
    assert parallel_site.jobs(tmp_path) == 4
    (tmp_path / "big.md").write_text("x" * 2_010, encoding="utf-8")  # 6,010 bytes: 7 parts of 1,000, rounded up to 8
    assert parallel_site.jobs(tmp_path) == 8
    monkeypatch.setattr(parallel_site, "PART_BYTES", 100_000)
    assert parallel_site.jobs(tmp_path) == 2
