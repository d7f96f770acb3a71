"""Schema-driven fuzzing: hostile text in any field never runs in a published page.

The string fields are enumerated from ``generator.content.schema`` (every model of FOLDER_KINDS and FILE_KINDS,
nested models and lists included), so a field added to the schema is fuzzed without touching this file.
For each payload of ``tests/fuzz_payloads.py``:

* every position of the mini fixture (tests/fixtures/mini) where the schema admits the payload gets it, all at
  once, optional fields included (absent ones are added); the seed's body, heading and quoted paragraphs get it
  too. The tree is built with ``python -m generator build`` and every page kind is opened in Debian's Chromium,
  served over http and as file://, focused, hovered and with every tooltip opened. Nothing may open a dialog, carry
  an ``on*`` attribute or a javascript:/data:/vbscript: URL, show a title in a tooltip as markup, add script-capable
  elements, request anything off the origin, or lose the page's title or
  edit button; the payload must be readable as text where the field is shown.
* every position the schema refuses (ids, dates, readings, URLs that are not http(s), …) gets it in a second copy,
  and ``python -m generator check`` must fail with a Japanese ``path:line: field:`` message for each, no traceback.

A control run puts a distinct harmless tag in every position: it proves the harness sees clean pages as clean and
tells, for each page, which fields it shows (what the visibility checks rely on).

FUZZ_ALL_PAGES=1 reopens pages identical to the control's; FUZZ_GENERATOR_ROOT=DIR builds with another checkout's
generator (e.g. ``git archive <commit> generator | tar -x -C DIR``), to see what the test catches there.

The tests that open pages get the ``browser`` marker from tests/conftest.py (they use the ``browser`` fixture);
``-m "not browser"`` keeps the refused-input checks, which only run ``python -m generator check``.
"""

from __future__ import annotations

import concurrent.futures
import copy
import csv
import functools
import hashlib
import http.server
import io
import os
import re
import subprocess
import sys
import threading
import time
import types
import typing
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin

import pytest
import yaml
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from generator.content import schema
from generator.content.yamlio import field_name
from tests.conftest import MINI, ROOT, copy_mini
from tests.fuzz_payloads import PAYLOADS

SITE_NAME = "自治体DXハンドブック"
BUILD_TIMEOUT = 300
CONTROL = "control"

# ---------------------------------------------------------------------------------------------------------------
# 1. The string fields, from the schema.


@dataclass(frozen=True)
class StrField:
    """One string-typed field of the schema: ``articles.key_points[].text``; kind is text, url or id."""

    path: str
    kind: str


def _unwrap(ann: Any) -> tuple[Any, list[Any]]:
    """Strip ``Annotated`` and ``X | None`` from an annotation: the bare type and the metadata met on the way."""
    meta: list[Any] = []
    while True:
        origin = get_origin(ann)
        if origin is Annotated:
            ann, *more = get_args(ann)
            meta += more
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in get_args(ann) if a is not type(None)]
            if len(args) != 1:
                return ann, meta
            ann = args[0]
        else:
            return ann, meta


def _patterns(meta: list[Any]) -> set[str]:
    found: set[str] = set()
    for m in meta:
        if isinstance(m, FieldInfo):
            found |= _patterns(list(m.metadata))
        elif isinstance(getattr(m, "pattern", None), str):
            found.add(m.pattern)
    return found


def _stringish(t: Any) -> bool:
    """str, a str subclass, or a pydantic URL type (should the schema switch to one)."""
    return (isinstance(t, type) and issubclass(t, str)) or getattr(t, "__name__", "").endswith("Url")


def _is_model(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, BaseModel)


def _shape(name: str, info: FieldInfo) -> tuple[str, Any]:
    """("str", kind), ("list-str", kind), ("model", cls), ("list-model", cls) or ("other", None)."""
    ann, meta = _unwrap(info.annotation)
    meta = [*info.metadata, *meta]

    def kind(m: list[Any]) -> str:
        return "url" if name == "url" else "id" if schema.SLUG_RE in _patterns(m) else "text"

    if get_origin(ann) is list:
        inner, inner_meta = _unwrap(get_args(ann)[0])
        if _is_model(inner):
            return "list-model", inner
        return ("list-str", kind(inner_meta)) if _stringish(inner) else ("other", None)
    if _is_model(ann):
        return "model", ann
    return ("str", kind(meta)) if _stringish(ann) else ("other", None)


def _model_fields(model: type[BaseModel], prefix: str) -> Iterator[StrField]:
    for name, info in model.model_fields.items():
        shape, arg = _shape(name, info)
        if shape == "str":
            yield StrField(f"{prefix}.{name}", arg)
        elif shape == "list-str":
            yield StrField(f"{prefix}.{name}[]", arg)
        elif shape == "model":
            yield from _model_fields(arg, f"{prefix}.{name}")
        elif shape == "list-model":
            yield from _model_fields(arg, f"{prefix}.{name}[]")


def _owner(kind: str) -> str:
    """``articles`` for a folder kind, ``glossary`` for ``glossary.yaml``."""
    return kind.removesuffix(".yaml")


@functools.cache
def schema_fields() -> dict[str, StrField]:
    """Every string field of every kind, by path."""
    kinds = {**schema.FOLDER_KINDS, **schema.FILE_KINDS}
    return {f.path: f for kind, model in kinds.items() for f in _model_fields(model, _owner(kind))}


# ---------------------------------------------------------------------------------------------------------------
# 2. Where those fields are in the mini fixture, and what the rules across files leave writable.

SEED = "mini.txt"
SEED_LINES = {3: "本文の段落", 4: "見出し(headings: line 4)"}
"""Seed lines that get the payload (one line of it) besides the quoted paragraph; 5 and 6 keep 業務量調査 and BPR."""
QUOTE_PARA = 7

KEEP: dict[str, str] = {
    "municipalities.name": "data/local-governments.csv の正式名称と一致しなければならない(validate._check_municipality)。"
                           "check で akishima の name に入れ、整ったエラーになることを確かめる",
    "municipalities.prefecture": "data/local-governments.csv の都道府県と一致しなければならない",
    "municipalities.reading": "data/local-governments.csv の読みと一致しなければならない(かなだけ)",
    "municipalities.code": "data/local-governments.csv にある 6 桁のコード",
    "articles.seed": "seeds/ に実在する .txt のファイル名でなければならない(validate._seed_for)",
    "articles.sha256": "seed の sha256(書き換えた seed から計算し直す)",
}
"""Text fields that cannot carry any payload in a build, and why (ids never can: they are URLs and references)."""

UNIQUE = {"themes.name": "テーマ名は重複できない(validate._check_duplicates): 2 つ目からは先頭に「別n」を付ける"}

ADAPTED = {
    "articles.quotes[].text": f"seeds/{SEED} の段落 {QUOTE_PARA} にも同じ文を書く(引用は段落に文字どおりなければならない)",
    "glossary.terms[].term": "用語の表記そのものが悪意ある文になる: 同じ文を持つ要約・要点・説明(Markdown の文脈)で、"
                             "その文が悪意ある定義を title に持つ <abbr> に包まれる(別名も同じ)",
}
"""Fields that carry the payload with a matching change elsewhere, or that make other fields exercise a path."""

CANNOT_CARRY = {
    "id": "id(Slug)は URL と参照先: どの悪意ある文もパターンに合わず、スキーマが拒む(check で確かめる)",
    "keep": "KEEP の項目: ファイルの外の一覧・ファイルと一致しなければならない",
    "refused": "スキーマが拒む組み合わせ(1 行の項目に改行、かな以外の読み、http(s) 以外や RFC 3986 外の URL、日付の形式、"
               "見えない文字・向きを変える文字など): 全文は check で確かめ、ビルドには 1 行目だけを入れる(FALLBACK)",
}
"""Why a field may not carry a given payload in the build; which fields each payload lost is printed in the summary."""

FALLBACK = "a refused multi-line payload goes into one-line fields as its first non-blank line, when the schema admits that"


@dataclass(frozen=True)
class Position:
    """One place a string goes: the file, the path inside it, the schema field, and whether the fixture has it."""

    doc: str
    loc: tuple[str | int, ...]
    field: StrField
    present: bool


def _positions(model: type[BaseModel], data: Any, doc: str, prefix: str,
               loc: tuple[str | int, ...] = ()) -> Iterator[Position]:
    fields = schema_fields()
    if not isinstance(data, dict):
        return
    for name, info in model.model_fields.items():
        shape, arg = _shape(name, info)
        value = data.get(name)
        here = (*loc, name)
        if shape == "str":
            yield Position(doc, here, fields[f"{prefix}.{name}"], value is not None)
        elif shape == "list-str":
            f = fields[f"{prefix}.{name}[]"]
            if value:
                yield from (Position(doc, (*here, i), f, True) for i in range(len(value)))
            else:
                yield Position(doc, (*here, 0), f, False)
        elif shape == "model" and isinstance(value, dict):
            yield from _positions(arg, value, doc, f"{prefix}.{name}", here)
        elif shape == "list-model" and isinstance(value, list):
            for i, item in enumerate(value):
                yield from _positions(arg, item, doc, f"{prefix}.{name}[]", (*here, i))


def _apply(data: Any, values: dict[tuple[str | int, ...], str]) -> Any:
    """A copy of ``data`` with each path set (lists and keys created as needed)."""
    out = copy.deepcopy(data)
    for loc, value in values.items():
        node = out
        for i, part in enumerate(loc[:-1]):
            nxt = loc[i + 1]
            if isinstance(node, dict) and node.get(part) is None:
                node[part] = [] if isinstance(nxt, int) else {}
            node = node[part]
        last = loc[-1]
        if isinstance(node, list) and last == len(node):
            node.append(value)
        else:
            node[last] = value
    return out


def _refused(model: type[BaseModel], data: Any) -> set[tuple[str | int, ...]]:
    try:
        model.model_validate(data)
    except ValidationError as exc:
        return {tuple(e["loc"]) for e in exc.errors()}
    return set()


@functools.cache
def mini_documents() -> dict[str, tuple[type[BaseModel], str, Any]]:
    """The fixture's YAML: relative path → (model, path prefix, data)."""
    docs: dict[str, tuple[type[BaseModel], str, Any]] = {}
    for folder, model in schema.FOLDER_KINDS.items():
        for path in sorted((MINI / "content" / folder).glob("*.yaml")):
            docs[f"content/{folder}/{path.name}"] = (model, folder, yaml.safe_load(path.read_text(encoding="utf-8")))
    for name, model in schema.FILE_KINDS.items():
        docs[f"content/{name}"] = (model, _owner(name), yaml.safe_load((MINI / "content" / name).read_text(encoding="utf-8")))
    return docs


def norm(text: str) -> str:
    """Whitespace as a reader sees it: runs collapsed, ends trimmed."""
    return " ".join(text.split())


Value = Callable[[Position, int, str | None], str]
"""The string for a position, given how many positions of the same field came before it (and the text to put there
instead of the whole payload, for FALLBACK)."""


@dataclass
class Plan:
    """What one payload does to the fixture."""

    build_docs: dict[str, Any]
    check_docs: dict[str, Any]
    seed_lines: list[str]
    accepted: dict[Position, str]
    refused: list[Position]
    kept: list[Position]
    expected_errors: list[tuple[str, str]]
    """(file, field) pairs that ``check`` must report for the refused copy."""


CROSS_FILE_PROBE = ("content/municipalities/akishima.yaml", ("name",))
"""In the refused copy this position alone gets the payload (its file has nothing else wrong, so the check against
data/local-governments.csv runs and must report it); every other file gets its refused positions."""


def _first_line(text: str) -> str | None:
    return next((line.strip() for line in text.splitlines() if line.strip()), None)


def _touches(p: Position, locs: set[tuple[str | int, ...]]) -> bool:
    return any(loc[:len(p.loc)] == p.loc or p.loc[:len(loc)] == loc for loc in locs)


def make_plan(value: Value, seed_value: str, fallback: bool = True) -> Plan:
    """Where the payload goes. Each file is validated with the payload in every position; the positions the schema
    refuses go to the refused copy (whole payload) and, where the schema admits the payload's first line, into the
    build with that line (FALLBACK)."""
    build_docs: dict[str, Any] = {}
    check_docs: dict[str, Any] = {}
    accepted: dict[Position, str] = {}
    refused: list[Position] = []
    kept: list[Position] = []
    expected: list[tuple[str, str]] = []
    seen: Counter[str] = Counter()
    for doc, (model, prefix, data) in mini_documents().items():
        positions = list(_positions(model, data, doc, prefix))
        wanted: dict[Position, str] = {}
        nth: dict[Position, int] = {}
        for p in positions:
            nth[p] = seen[p.field.path]
            wanted[p] = value(p, nth[p], None)
            seen[p.field.path] += 1
        no = _refused(model, _apply(data, {p.loc: v for p, v in wanted.items()}))
        bad = [p for p in positions if _touches(p, no)]
        ok: dict[Position, str] = {}
        for p in positions:
            if p.field.kind == "id" or p.field.path in KEEP:
                kept.append(p)
            elif p not in bad:
                ok[p] = wanted[p]
            elif fallback and (line := _first_line(wanted[p])) is not None and line != wanted[p].strip():
                ok[p] = value(p, nth[p], line)
        no = _refused(model, _apply(data, {p.loc: v for p, v in ok.items()}))
        ok = {p: v for p, v in ok.items() if not _touches(p, no)}
        built = _apply(data, {p.loc: v for p, v in ok.items()})
        assert not _refused(model, built), f"{doc}: the schema refuses the combination it admitted field by field"
        build_docs[doc] = built
        accepted.update(ok)
        refused += bad
        if doc == CROSS_FILE_PROBE[0]:
            check_docs[doc] = _apply(data, {CROSS_FILE_PROBE[1]: wanted[next(p for p in positions if p.loc == CROSS_FILE_PROBE[1])]})
            expected.append((doc, field_name(CROSS_FILE_PROBE[1])))
        else:
            check_docs[doc] = _apply(data, {p.loc: wanted[p] for p in bad})
            expected += [(doc, field_name(p.loc)) for p in bad]
    seed = (MINI / "seeds" / SEED).read_text(encoding="utf-8").split("\n")
    for n in SEED_LINES:
        seed[n - 1] = norm(seed_value)
    article = build_docs["content/articles/mini-article.yaml"]
    seed[QUOTE_PARA - 1] = f"「{norm(article['quotes'][0]['text'])}」と担当者は話す。"
    article["sha256"] = hashlib.sha256("\n".join(seed).encode("utf-8")).hexdigest()
    return Plan(build_docs, check_docs, seed, accepted, refused, kept, expected)


def payload_value(payload: str) -> Value:
    def value(p: Position, n: int, text: str | None) -> str:
        text = payload if text is None else text
        return f"別{n + 1}{text}" if n and p.field.path in UNIQUE else text
    return value


def control_value(p: Position, n: int, text: str | None) -> str:
    """A harmless tag naming the field: shows which page prints which field."""
    index = sorted(schema_fields()).index(p.field.path)
    if p.field.kind == "url":
        return f"https://example.com/tag{index:03d}x{n}"
    return f"検査札{index:03d}番{n}"


CONTROL_SEED = "検査札本文"

# ---------------------------------------------------------------------------------------------------------------
# 3. Building and checking the copies (in a pool, ahead of the browser).


@dataclass
class Prepared:
    name: str
    payload: str
    plan: Plan
    root: Path
    build_rc: int = -1
    build_err: str = ""
    build_seconds: float = 0.0
    check_rc: int = -1
    check_err: str = ""

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def fields(self) -> set[str]:
        return {p.field.path for p in self.plan.accepted}


def _write(root: Path, docs: dict[str, Any], seed: list[str]) -> None:
    copy_mini(root)
    for rel, data in docs.items():
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6)
        (root / rel).write_text(text, encoding="utf-8")
    (root / "seeds" / SEED).write_text("\n".join(seed), encoding="utf-8")


GENERATOR_ROOT = Path(os.environ.get("FUZZ_GENERATOR_ROOT") or ROOT)
"""Whose ``generator`` builds the copies: this checkout, or another (e.g. an older commit exported with git archive)."""


def _run(root: Path, *args: str) -> tuple[int, str]:
    proc = subprocess.run([sys.executable, "-m", "generator", "--root", str(root), *args], cwd=GENERATOR_ROOT,
                          capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    return proc.returncode, proc.stderr


def _build(prep: Prepared) -> Prepared:
    _write(prep.root, prep.plan.build_docs, prep.plan.seed_lines)
    start = time.perf_counter()
    prep.build_rc, prep.build_err = _run(prep.root, "build", "--no-package", "--quiet")
    prep.build_seconds = time.perf_counter() - start
    return prep


def _check(prep: Prepared, root: Path) -> Prepared:
    seed = (MINI / "seeds" / SEED).read_text(encoding="utf-8").split("\n")
    _write(root, prep.plan.check_docs, seed)
    prep.check_rc, prep.check_err = _run(root, "check")
    return prep


IDS = [name for name, _ in PAYLOADS]
BY_NAME = dict(PAYLOADS)


Futures = dict[str, "concurrent.futures.Future[Prepared]"]


@dataclass
class Work:
    """The copies of every payload and the pool that builds and checks them, two at a time."""

    base: Path
    pool: concurrent.futures.ThreadPoolExecutor
    preps: dict[str, Prepared]
    builds: Futures = field(default_factory=dict)
    checks: Futures = field(default_factory=dict)


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Work]:
    base = tmp_path_factory.mktemp("fuzz")
    preps = {CONTROL: Prepared(CONTROL, CONTROL_SEED, make_plan(control_value, CONTROL_SEED, fallback=False), base / CONTROL)}
    for i, (name, payload) in enumerate(PAYLOADS):
        preps[name] = Prepared(name, payload, make_plan(payload_value(payload), payload), base / f"p{i:02d}")
    w = Work(base, concurrent.futures.ThreadPoolExecutor(2), preps)
    yield w
    w.pool.shutdown(wait=True, cancel_futures=True)


@pytest.fixture(scope="module")
def checks(work: Work) -> Futures:
    """Every refused copy checked in the pool as its test asks (``OnDemand``): what ``-m "not browser"`` runs here."""
    if not work.checks:
        work.checks = OnDemand(IDS, lambda name: work.pool.submit(_check, work.preps[name], work.base / f"c{IDS.index(name):02d}"))
    return work.checks


class OnDemand(dict[str, "concurrent.futures.Future[Prepared]"]):
    """Work on the payloads, each submitted to the pool when a test first asks for it, with the next one in ``order``
    beside it (so one runs while the browser checks the one before). Under pytest-xdist each worker then does only the
    payloads of the tests it runs; submitting all of them up front made both workers build all 22."""

    def __init__(self, order: Sequence[str], submit: Callable[[str], concurrent.futures.Future[Prepared]]) -> None:
        super().__init__()
        self.order = list(order)
        self.submit = submit

    def __missing__(self, name: str) -> concurrent.futures.Future[Prepared]:
        at = self.order.index(name)
        for wanted in self.order[at : at + 2]:
            if wanted not in self:
                self[wanted] = self.submit(wanted)
        return self[name]


@pytest.fixture(scope="module")
def builds(work: Work) -> Futures:
    """Every payload built in the pool as the browser tests need it (``OnDemand``), the control first."""
    if not work.builds:
        work.builds = OnDemand((CONTROL, *IDS), lambda name: work.pool.submit(_build, work.preps[name]))
        work.builds[CONTROL]  # starts the control build, and the first payload's beside it
    return work.builds


# ---------------------------------------------------------------------------------------------------------------
# 4. The browser.

ENTITY_PAGES = {"municipalities": "bandai", "themes": "counter", "articles": "mini-article"}
"""One page per kind of entity page (the fixture's fullest entity); every other page is a kind of its own."""


def page_kinds(site: Path) -> list[str]:
    pages = [p.name for p in sorted(site.glob("*.html"))]
    for folder in sorted(d for d in site.iterdir() if d.is_dir() and any(d.glob("*.html"))):
        if folder.name in ENTITY_PAGES:
            pages += [f"{folder.name}/index.html", f"{folder.name}/{ENTITY_PAGES[folder.name]}.html"]
        else:
            pages += [f"{folder.name}/{p.name}" for p in sorted(folder.glob("*.html"))]
    return pages


TITLES = 12
"""Distinct titles per page whose tooltip is opened one by one (the sink check in INSPECT covers every title)."""

STIR = """async (titles) => {
  // Focus everything focusable in the content and whatever asks for focus, then fire focus and pointer events at every
  // element that carries an inline handler, so a handler that got through runs and shows up as a dialog. The header,
  // navigation and footer hold no contributor text: focusing their hundred links only cost time.
  const focusable = document.querySelectorAll(
    '.md-content :is([tabindex], a, abbr, button, input, select, textarea, summary, iframe, [contenteditable]), [autofocus]');
  for (const el of focusable) { try { el.focus({preventScroll: true}); } catch (e) {} }
  const handled = [...document.querySelectorAll('*')].filter((el) => el.getAttributeNames().some((n) => /^on/i.test(n)));
  for (const el of handled) {
    for (const type of ['focus', 'focusin', 'mouseover', 'mouseenter', 'mousemove', 'pointerover', 'pointerenter', 'mouseout', 'blur']) {
      const ev = /^(focus|blur)/.test(type) ? new FocusEvent(type, {bubbles: type === 'focusin'}) : new MouseEvent(type, {bubbles: true});
      try { el.dispatchEvent(ev); } catch (e) {}
    }
  }
  // Tooltips show an element's title when it is hovered or focused: open the tooltip of each distinct title in turn,
  // giving the page a moment to render it (INSPECT then looks at what every tooltip holds).
  const opened = new Set();
  for (const el of document.querySelectorAll('.md-content [title]')) {
    const title = el.getAttribute('title');
    if (title === null || opened.has(title) || opened.size >= titles) continue;
    opened.add(title);
    el.dispatchEvent(new MouseEvent('mouseenter'));
    el.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
    try { el.focus({preventScroll: true}); } catch (e) {}
    await new Promise((resolve) => setTimeout(resolve, 5));
    for (const made of document.querySelectorAll('.md-tooltip2 *, .md-tooltip *, .hb-tooltip *, [role="tooltip"] *')) {
      (window.__hbTipMarkup = window.__hbTipMarkup || []).push(`<${made.tagName.toLowerCase()} ${made.getAttributeNames().join(' ')}>`);
    }
    el.dispatchEvent(new MouseEvent('mouseleave'));
    try { el.blur(); } catch (e) {}
  }
  return focusable.length + handled.length + opened.size;
}"""

INSPECT = """async () => {
  await new Promise((resolve) => setTimeout(resolve, 30));  // what the events above scheduled
  const URL_ATTRS = ['href', 'src', 'action', 'formaction', 'xlink:href', 'poster', 'data', 'background', 'srcset', 'ping',
                     'cite', 'codebase', 'srcdoc'];
  const DANGER = ['script', 'iframe', 'frame', 'object', 'embed', 'style', 'link', 'meta', 'base', 'form', 'input', 'button',
                  'textarea', 'select', 'img', 'svg', 'math', 'video', 'audio', 'source', 'template', 'details', 'marquee', 'picture'];
  const content = document.querySelector('.md-content');
  const out = {on: [], urls: [], titles: [], danger: {}, title: document.title, edit: false, text: '', h1: '', definitions: {},
               content: !!content};
  for (const el of document.querySelectorAll('*')) {
    for (const name of el.getAttributeNames()) {
      const lower = name.toLowerCase();
      const v = el.getAttribute(name) || '';
      if (lower.startsWith('on')) out.on.push(`<${el.tagName.toLowerCase()} ${name}="${v.slice(0, 80)}">`);
      const bare = v.replace(/[\\u0000-\\u0020\\u007f]+/g, '').toLowerCase();
      if (URL_ATTRS.includes(lower) && (lower === 'srcdoc' || /^(javascript|data|vbscript):/.test(bare))) {
        out.urls.push(`<${el.tagName.toLowerCase()} ${name}="${v.slice(0, 80)}">`);
      }
    }
  }
  // Whatever shows a title as a tooltip (a11y.js's glossary tooltip; Material's, were content.tooltips ever switched
  // on) must show it as text: an element inside a tooltip came from markup in a title (STIR notes those it opened).
  for (const made of window.__hbTipMarkup || []) out.titles.push(`an opened tooltip held ${made}`);
  for (const tip of document.querySelectorAll('.md-tooltip2, .md-tooltip, .hb-tooltip, [role="tooltip"]')) {
    for (const made of tip.querySelectorAll('*')) {
      out.titles.push(`tooltip ${tip.className || tip.id} holds <${made.tagName.toLowerCase()} ${made.getAttributeNames().join(' ')}>`);
    }
  }
  if (!content) return out;
  for (const tag of DANGER) out.danger[tag] = content.getElementsByTagName(tag).length;
  out.edit = !!content.querySelector('a.md-content__button[rel="edit"]');
  out.text = content.innerText;
  const h1 = content.querySelector('h1');
  out.h1 = h1 ? h1.innerText.replace(/¶\\s*$/, '') : '';
  for (const h2 of content.querySelectorAll('h2[id^="g-"]')) {
    let text = '';
    for (let el = h2.nextElementSibling; el && el.tagName !== 'H2'; el = el.nextElementSibling) text += el.innerText + '\\n';
    out.definitions[h2.id] = text;
  }
  return out;
}"""


@dataclass
class Visit:
    """What one payload's pages did in one scheme."""

    pages: dict[str, dict[str, Any]] = field(default_factory=dict)
    dialogs: list[str] = field(default_factory=list)
    offsite: list[str] = field(default_factory=list)
    theme_requests: list[str] = field(default_factory=list)
    navigated: list[str] = field(default_factory=list)


THEME_REQUESTS: tuple[str, ...] = ()
"""What Material itself may fetch off the origin: nothing since repo_url is unset (issue 28: the repository's facts came
from api.github.com on every page). Anything leaving the origin fails the test."""


def visit(browser: Any, base: str, pages: list[str]) -> Visit:
    result = Visit()
    same_origin = "file://" if base.startswith("file:") else base
    current = [""]

    def route(r: Any) -> None:
        url = r.request.url
        (result.theme_requests if url.startswith(THEME_REQUESTS) else result.offsite).append(f"{current[0]}: {url}")
        r.abort()

    def dialog(d: Any) -> None:
        result.dialogs.append(f"{current[0]}: {d.type}({d.message!r})")
        d.dismiss()

    # Only what leaves the origin is routed (to be noted and aborted): routing every request through this process too
    # cost a fifth of each page load.
    elsewhere = re.compile("^(?!" + "|".join(map(re.escape, (same_origin, "data:", "blob:", "about:"))) + ")")
    context = browser.new_context(locale="ja-JP")
    try:
        context.route(elsewhere, route)
        page = context.new_page()
        page.on("dialog", dialog)
        for rel in pages:
            current[0] = rel
            page.goto(base + rel, wait_until="load")
            page.evaluate(STIR, TITLES)
            for _ in range(TABS):  # real keyboard focus moves too
                page.keyboard.press("Tab")
            result.pages[rel] = page.evaluate(INSPECT)
            if page.url.split("#")[0] != base + rel:
                result.navigated.append(f"{rel} → {page.url}")
    finally:
        context.close()
    return result


ALL_PAGES = os.environ.get("FUZZ_ALL_PAGES") == "1"
"""A page whose HTML is byte for byte the clean control's (404, accessibility, …) behaves as the control did, which was
opened in both schemes: it is not opened again unless FUZZ_ALL_PAGES=1."""
TABS = 2


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """No request logs in test output."""


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A load the browser abandoned (broken pipe) is no news."""


@dataclass
class Served:
    url: str
    server: _QuietServer


def serve(site: Path) -> Served:
    handler = functools.partial(_Quiet, directory=str(site))
    server = _QuietServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return Served(f"http://127.0.0.1:{server.server_address[1]}/", server)


def both_schemes(browser: Any, site: Path, pages: list[str]) -> dict[str, Visit]:
    served = serve(site)
    try:
        return {"http": visit(browser, served.url, pages), "file": visit(browser, site.as_uri() + "/", pages)}
    finally:
        served.server.shutdown()
        served.server.server_close()


# ---------------------------------------------------------------------------------------------------------------
# Counts for the summary.

STATS: Counter[str] = Counter()
PROBLEM_KINDS = ("dialog", "request leaving", "navigated", "on* attribute", "dangerous URL", "in a tooltip", "more <",
                 "readable as text", "edit button", "broken <title>", "<h1>", "<title>", "definition", "no .md-content")
FINDINGS: list[str] = []


@pytest.fixture(scope="module", autouse=True)
def summary() -> Iterator[None]:
    start = time.perf_counter()
    yield
    print(f"\n[fuzz] payloads {STATS['payloads']} × fields {len(schema_fields())} enumerated "
          f"(positions written: {STATS['positions']}, refused and checked: {STATS['refused']}) × page kinds "
          f"{STATS['page_kinds']} × 2 schemes: {STATS['page_loads']} page loads ({STATS['identical']} pages identical to the "
          f"clean control's, not reopened); builds {STATS['builds']} "
          f"({STATS['build_seconds']:.0f} s of build time); dialogs {STATS['dialogs']}; requests leaving the origin "
          f"{STATS['offsite']} (theme's own, aborted: {STATS['theme_requests']}); {time.perf_counter() - start:.0f} s")
    for line in FINDINGS:
        print(f"[fuzz] {line}")


# ---------------------------------------------------------------------------------------------------------------
# The tests.


def test_fields_are_enumerated_from_the_schema() -> None:
    fields = schema_fields()
    for path in ("articles.title", "articles.summary", "articles.key_points[].text", "articles.quotes[].text",
                 "articles.events[].text", "municipalities.summary", "municipalities.population.source",
                 "glossary.terms[].definition", "glossary.terms[].aliases[]", "organisations.organisations[].url",
                 "people.people[].role", "themes.aliases[]", "themes.description"):
        assert path in fields, path
    assert fields["organisations.organisations[].url"].kind == "url" and fields["articles.url"].kind == "url"
    assert fields["articles.themes[]"].kind == "id" and fields["articles.id"].kind == "id"
    assert fields["articles.key_points[].municipality"].kind == "id"
    assert fields["glossary.terms[].definition"].kind == "text"
    assert len([f for f in fields.values() if f.kind == "text"]) >= 25
    # Each field is somewhere in the fixture (or can be added there), so each is fuzzed.
    reached = {p.field.path for doc, (m, prefix, data) in mini_documents().items() for p in _positions(m, data, doc, prefix)}
    assert reached == set(fields), sorted(set(fields) - reached)
    assert set(KEEP) <= set(fields) and set(UNIQUE) <= set(fields) and set(ADAPTED) <= set(fields)


@pytest.mark.parametrize("name", IDS)
def test_refused_input_fails_cleanly(name: str, checks: Futures) -> None:
    """Where the schema (or the official list) refuses the payload, check says where, in Japanese, and exits 1."""
    prep = checks[name].result()
    STATS["refused"] += len(prep.plan.refused)
    assert prep.check_rc == 1, prep.check_err[-2000:]
    assert "Traceback" not in prep.check_err, prep.check_err[-3000:]
    missing = []
    for doc, fname in prep.plan.expected_errors:
        line = re.compile(rf"^{re.escape(doc)}:\d+: {re.escape(fname)}: .*[\u3040-\u30ff\u4e00-\u9fff]", re.M)
        if not line.search(prep.check_err):
            missing.append(f"{doc}: {fname}")
    assert missing == [], f"no `path:line: field:` message for: {missing}\n{prep.check_err[-3000:]}"


@pytest.mark.parametrize("name", IDS)
def test_payload_stays_text_in_the_feed_and_the_case_list(name: str, builds: Futures) -> None:
    """The files read away from the site: the Atom feed must parse and hold the title as text, and no cell of
    事例一覧.csv may start a spreadsheet formula (escape.xml, escape.csv_cell)."""
    prep = builds[name].result()
    _fail_build(prep)
    entries = ET.fromstring((prep.site / "feed.xml").read_bytes()).findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 1
    title = {(p.doc, p.loc): v for p, v in prep.plan.accepted.items()}.get(("content/articles/mini-article.yaml", ("title",)))
    if title is not None:
        assert norm(entries[0].findtext("{http://www.w3.org/2005/Atom}title") or "") == norm(title)
    text = (prep.site / "data" / "事例一覧.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) > 1
    for row in rows[1:]:
        for cell in row:
            visible = next((c for c in cell if unicodedata.category(c) not in ("Cf", "Zs")), "")
            formula = cell[:1] in ("\t", "\r") or unicodedata.normalize("NFKC", visible)[:1] in ("=", "+", "-", "@")
            assert not formula or cell[:1] == "'", cell


def _fail_build(prep: Prepared) -> None:
    if prep.build_rc != 0 or "Traceback" in prep.build_err:
        pytest.fail(f"{prep.name}: build exit {prep.build_rc}\n{prep.build_err[-3000:]}")


@pytest.fixture(scope="module")
def baseline(builds: Futures, browser: Any) -> dict[str, Any]:
    """The control build in the browser (http): clean pages, what each shows, which have an edit button."""
    prep = builds[CONTROL].result()
    _fail_build(prep)
    pages = page_kinds(prep.site)
    seen = both_schemes(browser, prep.site, pages)
    tags = {v: p.field.path for p, v in prep.plan.accepted.items()}
    shown: dict[str, set[str]] = {}
    for rel, info in seen["http"].pages.items():
        text = info["text"]
        shown[rel] = {f for tag, f in tags.items() if tag in text}
        if CONTROL_SEED in text:
            shown[rel].add("seed")
    return {"prep": prep, "pages": pages, "seen": seen, "shown": shown,
            "edit": {rel for rel, info in seen["http"].pages.items() if info["edit"]}}


NOT_SHOWN: dict[str, str] = {}
"""Fields the schema admits text in but no page prints as text, and why: none today (the control test fails on one)."""


def test_control_pages_are_clean_and_show_every_field(baseline: dict[str, Any]) -> None:
    prep: Prepared = baseline["prep"]
    for scheme, v in baseline["seen"].items():
        assert v.dialogs == [] and v.offsite == [] and v.navigated == [], scheme
        for rel, info in v.pages.items():
            assert info["on"] == info["urls"] == info["titles"] == [], (scheme, rel, info["on"], info["urls"], info["titles"])
            assert info["content"] and SITE_NAME in info["title"], (scheme, rel, info["title"])
    shown_anywhere = set().union(*baseline["shown"].values())
    missing = sorted(prep.fields - shown_anywhere - set(NOT_SHOWN))
    assert missing == [], f"accepted but printed on no page: {missing}"
    assert {"articles/mini-article.html", "glossary.html"} <= baseline["edit"]
    FINDINGS.append(f"page kinds: {', '.join(baseline['pages'])}")
    ids = sum(1 for f in schema_fields().values() if f.kind == "id")
    FINDINGS.append(f"control: {len(prep.fields)} fields printed; {ids} id fields and {sorted(KEEP)} kept; refused formats: "
                    f"{sorted({p.field.path for p in prep.plan.refused if p.field.kind != 'id'} - set(KEEP))}")


@pytest.mark.parametrize("name", IDS)
def test_payload_runs_nothing(name: str, builds: Futures, baseline: dict[str, Any], browser: Any) -> None:
    prep = builds[name].result()
    _fail_build(prep)
    STATS["payloads"] += 1
    STATS["builds"] += 1
    STATS["build_seconds"] += prep.build_seconds
    STATS["positions"] += len(prep.plan.accepted)
    pages = [rel for rel in baseline["pages"] if (prep.site / rel).is_file()]
    assert len(pages) == len(baseline["pages"]), sorted(set(baseline["pages"]) - set(pages))
    STATS["page_kinds"] = len(pages)
    control_site = baseline["prep"].site
    opened = [rel for rel in pages if ALL_PAGES or (prep.site / rel).read_bytes() != (control_site / rel).read_bytes()]
    STATS["identical"] += len(pages) - len(opened)
    seen = both_schemes(browser, prep.site, opened)
    full = norm(prep.payload)
    carried = {p.field.path: norm(v) for p, v in prep.plan.accepted.items()}
    whole = {f for f, v in carried.items() if full in v} | {"seed"}
    line = norm(_first_line(prep.payload) or "")
    by_loc = {(p.doc, p.loc): norm(v) for p, v in prep.plan.accepted.items()}
    title = by_loc.get(("content/articles/mini-article.yaml", ("title",)))
    definition = by_loc.get(("content/glossary.yaml", ("terms", 0, "definition")))
    control_pages = baseline["seen"]["http"].pages
    problems: list[str] = []
    for scheme, v in seen.items():
        STATS["page_loads"] += len(v.pages)
        STATS["dialogs"] += len(v.dialogs)
        STATS["offsite"] += len(v.offsite)
        STATS["theme_requests"] += len(v.theme_requests)
        problems += [f"{scheme} dialog {d}" for d in v.dialogs]
        problems += [f"{scheme} request leaving the origin {r}" for r in v.offsite]
        problems += [f"{scheme} navigated {n}" for n in v.navigated]
        for rel, info in v.pages.items():
            where = f"{scheme} {rel}"
            problems += [f"{where}: on* attribute {a}" for a in info["on"]]
            problems += [f"{where}: dangerous URL {a}" for a in info["urls"]]
            problems += [f"{where}: title rendered as HTML in a tooltip: {a}" for a in info["titles"]]
            base_danger = control_pages[rel]["danger"]
            problems += [f"{where}: {n - base_danger.get(tag, 0)} more <{tag}> in the content"
                         for tag, n in info["danger"].items() if n > base_danger.get(tag, 0)]
            if not info["content"]:
                problems.append(f"{where}: no .md-content")
            if not norm(info["title"]) or SITE_NAME not in info["title"]:
                problems.append(f"{where}: broken <title> {info['title']!r}")
            if rel in baseline["edit"] and not info["edit"]:
                problems.append(f"{where}: the edit button is gone")
            here = baseline["shown"].get(rel, set())
            expected = full if here & whole else line if here & set(carried) else None
            if expected and expected not in norm(info["text"]):
                shown_here = sorted(here & (whole | set(carried)))
                problems.append(f"{where}: {expected!r} is not readable as text (fields shown here: {shown_here})")
        article = v.pages.get("articles/mini-article.html")
        if article and title is not None:
            if norm(article["h1"]) != title:
                problems.append(f"{scheme} article: <h1> reads {article['h1']!r}, not the title {title!r}")
            if not norm(article["title"]).startswith(title):
                problems.append(f"{scheme} article: <title> is {article['title']!r}")
        glossary = v.pages.get("glossary.html")
        if glossary and definition is not None and definition not in norm(glossary["definitions"].get("g-bpr", "")):
            problems.append(f"{scheme} glossary: the definition of BPR reads {glossary['definitions'].get('g-bpr', '')!r}")
    always = {p.field.path for p in baseline["prep"].plan.refused} | {p.field.path for p in prep.plan.kept}
    lost = sorted({p.field.path for p in prep.plan.refused} - set(carried) - always)
    partial = sorted(set(carried) - whole)
    FINDINGS.append(f"{name}: {len(whole) - 1} fields carry it whole, {len(partial)} its first line {partial or ''}, "
                    f"refused in {lost or 'no other field'}; pages opened {len(opened)}/{len(pages)}")
    if problems:
        kinds = Counter(next((k for k in PROBLEM_KINDS if k in p), "other") for p in problems)
        FINDINGS.append(f"  FAILED {name}: " + ", ".join(f"{k} ×{n}" for k, n in kinds.most_common()))
    unique = list(dict.fromkeys(problems))
    assert problems == [], f"{name} ({prep.payload!r}):\n" + "\n".join(unique[:80])
