"""Hostile text in every field reaches the page as text: nothing runs, nothing is injected.

A fixture adds an article, seed, municipality, theme, glossary term, organisation and person
whose every free-text field holds a payload (script tags, event handlers, iframes,
javascript:/data: URLs, raw HTML, Markdown link/attribute injection, Jinja syntax, snippet
includes, YAML tags). The tree is built with the real pipeline and MkDocs (strict), the pages
are opened in Chromium, and the test asserts that no dialog opened, no payload script ran,
no dangerous element or attribute exists, and every payload is visible as literal text.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.build import build
from tests.conftest import copy_repo

PAYLOADS = (
    "<script>window.__pwned=(window.__pwned||0)+1;alert('script')</script>",
    "<img src=x onerror=\"window.__pwned=1;alert('img')\">",
    "<iframe src=\"javascript:alert('iframe')\"></iframe>",
    "[クリック](javascript:alert('md-link'))",
    "[データ](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<a href=\"javascript:alert('a')\">生のリンク</a>",
    "<svg onload=\"window.__pwned=1\">",
    "{{ config.repo_url }}{% raw %}{% include 'x' %}",
    "--8<-- \"/etc/passwd\"",
    "!!python/object/apply:os.system ['touch pwned']",
    "<javascript:alert('autolink')>",
    "![画像](x \"t\"){: onerror=\"alert('attr')\" }",
    "</p><style>body{display:none}</style><p>",
    "**太字** _斜体_ `code` | 表 | を壊す",
)

SEED_NAME = "990_payload.txt"


def payload(i: int, field: str) -> str:
    """A payload tagged with the field it was put in, so a missing field is easy to spot."""
    return f"{PAYLOADS[i % len(PAYLOADS)]} 〔{field}〕"


def _q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def seed_lines() -> list[str]:
    """Seed text: a title line, then one body paragraph per payload, plus Markdown block syntax."""
    lines = ["題名の行", ""]
    lines += [f"段落{i}: {p}" for i, p in enumerate(PAYLOADS)]
    lines += ["# 見出しに見える行", "- リストに見える行", "    字下げされたコードに見える行", "<div onclick=\"alert('div')\">div</div>"]
    return lines


def add_payload_content(root: Path) -> dict[str, str]:
    """Write the hostile entities into the copy; return {field: payload} for visibility checks."""
    fields: dict[str, str] = {}

    def p(field: str) -> str:
        fields[field] = payload(len(fields), field)
        return _q(fields[field])

    lines = seed_lines()
    raw = ("\n".join(lines) + "\n").encode("utf-8")
    (root / "seeds" / SEED_NAME).write_bytes(raw)
    body_end = len(lines)
    quote_line = 3  # 段落0: the <script> payload
    quote_text = lines[quote_line - 1].split(": ", 1)[1]
    (root / "content/municipalities/kamakura.yaml").write_text(f"""id: kamakura
name: 鎌倉市
reading: かまくらし
kind: 市
prefecture: 神奈川県
code: "142042"
region: 関東
population:
  value: 170000
  as_of: "2024"
  source: {p("municipality.population.source")}
  article: payload-article
summary: {p("municipality.summary")}
""", encoding="utf-8")
    (root / "content/themes/payload-theme.yaml").write_text(f"""id: payload-theme
name: {p("theme.name")}
reading: ぺいろーど
aliases:
  - {p("theme.aliases")}
description: {p("theme.description")}
related: []
glossary:
  - payload-term
""", encoding="utf-8")
    glossary = root / "content/glossary.yaml"
    glossary.write_text(glossary.read_text(encoding="utf-8") + f"""  - id: payload-term
    term: {p("glossary.term")}
    reading: ぺいろーど
    aliases:
      - {p("glossary.aliases")}
    definition: {p("glossary.definition")}
    themes:
      - payload-theme
""", encoding="utf-8")
    orgs = root / "content/organisations.yaml"
    orgs.write_text(orgs.read_text(encoding="utf-8") + f"""  - id: payload-org
    name: {p("organisation.name")}
    kind: 企業
    aliases:
      - {p("organisation.aliases")}
    description: {p("organisation.description")}
    url: "https://example.com/?q=javascript:alert(1)&x=(a)(javascript:alert(2))"
""", encoding="utf-8")
    people = root / "content/people.yaml"
    people.write_text(people.read_text(encoding="utf-8") + f"""  - id: payload-person
    name: {p("person.name")}
    role: {p("person.role")}
    municipality: kamakura
    organisation: payload-org
""", encoding="utf-8")
    (root / "content/articles/payload-article.yaml").write_text(f"""id: payload-article
seed: {SEED_NAME}
sha256: {hashlib.sha256(raw).hexdigest()}
title: {p("article.title")}
publisher: {p("article.publisher")}
author: {p("article.author")}
date: "2024-01"
url: "https://example.com/a?b=javascript:alert(1)&c=data:text/html,x"
summary: {p("article.summary")}
body:
  - start: 3
    end: {body_end}
headings:
  - line: {body_end - 3}
    level: 2
municipalities:
  - kamakura
themes:
  - payload-theme
organisations:
  - payload-org
people:
  - payload-person
key_points:
  - text: {p("article.key_points.text")}
    paras: [3, 4]
    themes: [payload-theme]
quotes:
  - text: {_q(quote_text)}
    speaker: payload-person
    role: {p("article.quotes.role")}
    para: {quote_line}
    themes: [payload-theme]
events:
  - date: "2023-04"
    text: {p("article.events.text")}
    municipality: kamakura
    para: 4
""", encoding="utf-8")
    fields["seed paragraphs"] = quote_text
    return fields


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """No request logs in test output."""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str, dict[str, str]]]:
    """The real handbook plus the payload entities, built strictly and served over http."""
    root = copy_repo(tmp_path_factory.mktemp("hostile"))
    fields = add_payload_content(root)
    build(root, strict=True, package=False)
    handler = functools.partial(_Quiet, directory=str(root / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}/", fields
    server.shutdown()


PAGES = (
    "articles/payload-article.html",
    "municipalities/kamakura.html",
    "themes/payload-theme.html",
    "glossary.html",
    "indexes/organisations.html",
    "indexes/timeline.html",
    "articles/index.html",
    "themes/index.html",
    "index.html",
)

DANGEROUS = """() => {
  const bad = [];
  const hostile = (v) => /alert\\(|__pwned|javascript:|data:text\\/html/i.test(v || '');
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.getAttributeNames()) {
      if (attr.startsWith('on') && hostile(el.getAttribute(attr))) bad.push(`${el.tagName} ${attr}`);
    }
  }
  for (const el of document.querySelectorAll('iframe, embed, object')) bad.push(el.tagName);
  for (const el of document.querySelectorAll('style')) if ((el.textContent || '').includes('body{display:none}')) bad.push('STYLE');
  for (const el of document.querySelectorAll('[href], [src]')) {
    const url = (el.getAttribute('href') || el.getAttribute('src') || '').trim().toLowerCase();
    if (url.startsWith('javascript:') || url.startsWith('data:text/html') || url === 'x') bad.push(`${el.tagName} ${url}`);
  }
  for (const el of document.querySelectorAll('script')) if (hostile(el.textContent) && !el.src) bad.push('inline payload script');
  return bad;
}"""


def test_payloads_run_nothing_and_show_as_text(hostile_site: tuple[Path, str, dict[str, str]], browser: object) -> None:
    root, url, fields = hostile_site
    context = browser.new_context(locale="ja-JP")  # type: ignore[attr-defined]
    dialogs: list[str] = []
    text = ""
    try:
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for rel in PAGES:
            page.goto(url + rel, wait_until="load")
            assert page.evaluate("() => window.__pwned") is None, rel
            assert page.evaluate(DANGEROUS) == [], rel
            text += page.evaluate("() => document.body.innerText") + "\n"
        # Material's search shows result text as HTML: a payload must stay text there too.
        page.goto(url + "index.html", wait_until="load")
        page.locator("input.md-search__input").click()
        page.keyboard.type("onerror", delay=20)
        first = page.locator("a.md-search-result__link").first
        first.wait_for(state="attached", timeout=20_000)
        assert page.evaluate("() => window.__pwned") is None
        assert page.evaluate(DANGEROUS) == []
        # The result link highlights the term on the target page (?h=): that must stay inert too.
        first.click()
        page.wait_for_load_state("load")
        assert "?h=onerror" in page.url
        assert page.evaluate("() => window.__pwned") is None
        assert page.evaluate(DANGEROUS) == []
    finally:
        context.close()
    assert dialogs == []
    assert not (root / "pwned").exists()
    assert "root:x:0:0" not in text
    missing = [f"{field}: {value}" for field, value in fields.items() if value not in text]
    assert missing == []


# Markdown/HTML syntax that would be live if it reached MkDocs without a backslash or entity in front.
UNESCAPED = [re.compile(p) for p in (
    r"<script", r"<img src=x", r"<iframe", r"<svg", r"<style", r"<javascript:",
    r"(?<!\\)\]\((?:javascript|data):", r"(?<!\\)\{:\s*on",
)]


def test_generated_markdown_escapes_every_payload(hostile_site: tuple[Path, str, dict[str, str]]) -> None:
    """No payload appears unescaped in the Markdown MkDocs reads (the first line of defence).

    ``{{ }}`` and ``--8<--`` may appear literally: nothing renders Jinja in Markdown and the
    snippets extension is not enabled (the browser test shows them as text).
    """
    root, _, _ = hostile_site
    docs = root / "build" / "docs"
    for md in docs.rglob("*.md"):
        # Raw HTML blocks (lines starting with a tag) and attribute values are not Markdown-processed;
        # their text is checked in the browser.
        body = md.read_text(encoding="utf-8").split("\n---\n", 1)[-1]  # front matter is YAML, not Markdown
        text = "\n".join(re.sub(r"<a href=\"[^\"<>]*\"", "<a", ln) for ln in body.splitlines() if not ln.startswith("<"))
        for bad in UNESCAPED:
            assert not bad.search(text), f"{md.relative_to(docs)}: {bad.pattern}"
