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
  Eight payloads share a build, each in a copy of the fixture's entities of its own (a group, see GROUPS): a problem
  on a page only its group shows is its own, and a problem on a page all groups share (or a failed build) is traced
  by building each payload of that build alone among harmless tags.
* every position the schema refuses (ids, dates, readings, URLs that are not http(s), …) gets it in a second copy,
  and ``python -m generator check`` must fail with a Japanese ``path:line: field:`` message for each, no traceback.

A control run puts a distinct harmless tag in every position of every group: it proves the harness sees clean pages as
clean and tells, for each page, which fields of which group it shows (what the visibility checks and the attribution
rely on).

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
import itertools
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


# ---------------------------------------------------------------------------------------------------------------
# 2b. Groups: several payloads share a build, each in copies of the fixture's entities of its own.

GROUPS = 8
"""Payloads per build. Each payload gets a group: a copy of every entity of the fixture, its ids suffixed (``bandai-3``;
group 0 is the fixture itself), other real municipalities of the same prefecture and kind, a seed of its own. An
entity's page then shows one group only, so what happens there is that payload's doing; the pages all groups share
(lists, indexes, glossary, print) show them all, and a problem there is traced by building each payload of that build
alone among the control's tags (ALONE). The 22 payloads make three builds, where a build and its page loads for each
took most of the suite's time. At most 10: the top page lists the 10 newest articles (新着), and an eleventh would miss
that list; 16 bodies stay well under the matrix's 30 columns, whose layout changes above them (generator/pages/render.py)."""


DISTINCT = {"themes.name": UNIQUE["themes.name"],
            "synonyms.synonyms[].words[]": "同じ語は 1 つのまとまりにしか書けない(validate._check_synonyms)"}
"""Fields whose text must differ between groups: where a payload cannot go (the schema refuses it there), the fixture's
text stays, with the group's number after it."""


@functools.cache
def glossary_names() -> tuple[str, ...]:
    """The fixture's glossary terms and aliases, longest first: what the generator marks up wherever a text holds it."""
    terms = mini_documents()["content/glossary.yaml"][2]["terms"]
    return tuple(sorted({n for t in terms for n in (t["term"], *t.get("aliases", []))}, key=len, reverse=True))


def own_names(text: str, group: int) -> str:
    """The fixture's text as group ``group`` writes it: each glossary name with the group's number after its first
    character (``B3PR``). A payload that cannot be a term leaves the fixture's term in its group; the term then marks
    up that group's texts (its seed's BPR), as in a build of its own, and no other group's, which hold no such name."""
    for name in glossary_names() if group else ():
        text = text.replace(name, f"{name[0]}{group}{name[1:]}")
    return text


def fixture_seed(group: int) -> list[str]:
    """The fixture's seed lines as group ``group`` writes them (``own_names``)."""
    return [own_names(line, group) for line in (MINI / "seeds" / SEED).read_text(encoding="utf-8").split("\n")]


def suffix(group: int) -> str:
    """What group ``group`` appends to every id and to its seed's name: nothing for group 0, the fixture itself."""
    return f"-{group}" if group else ""


def seed_name(group: int) -> str:
    return SEED.replace(".txt", f"{suffix(group)}.txt")


def _get(data: Any, loc: tuple[str | int, ...]) -> Any:
    for part in loc:
        data = data[part]
    return data


@functools.cache
def fixture_ids() -> frozenset[str]:
    """Every id the fixture defines, the only values its references hold."""
    return frozenset(_get(data, p.loc) for doc, (model, prefix, data) in mini_documents().items()
                     for p in _positions(model, data, doc, prefix) if p.loc[-1] == "id")


@functools.cache
def stand_ins(mid: str) -> tuple[dict[str, str], ...]:
    """Real municipalities like the fixture's ``mid`` (same prefecture, so same region, and same kind), for the groups
    after the first: name, reading, prefecture and code must agree with data/local-governments.csv (KEEP)."""
    data = mini_documents()[f"content/municipalities/{mid}.yaml"][2]
    with open(ROOT / "data" / "local-governments.csv", encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["prefecture"] == data["prefecture"] and r["name"].endswith(data["kind"])
                and r["code"] != data["code"]]
    assert len(rows) >= GROUPS - 1, f"too few municipalities like {mid} for {GROUPS} groups"
    return tuple({"name": r["name"], "reading": r["name_kana"], "prefecture": r["prefecture"], "code": r["code"]}
                 for r in rows[:GROUPS - 1])


@functools.cache
def group_documents(group: int) -> dict[str, tuple[type[BaseModel], str, Any]]:
    """The fixture's YAML as group ``group`` writes it, by path. Group 0 is the fixture; the others rename every id and
    every reference to one, stand in other municipalities, read their own seed and write the fixture's texts with
    ``own_names`` (and DISTINCT). A file of lists (glossary.yaml, …) holds only the group's entries here: ``merged``
    puts the groups together."""
    if group == 0:
        return mini_documents()
    docs: dict[str, tuple[type[BaseModel], str, Any]] = {}
    for doc, (model, prefix, data) in mini_documents().items():
        refs = {p.loc: _get(data, p.loc) for p in _positions(model, data, doc, prefix) if p.present and p.field.kind == "id"}
        assert set(refs.values()) <= fixture_ids(), f"{doc}: an id field holds no id of the fixture"
        texts = {p.loc: own_names(_get(data, p.loc), group) + (str(group) if p.field.path in DISTINCT else "")
                 for p in _positions(model, data, doc, prefix) if p.present and p.field.kind == "text"}
        copied = _apply(data, {loc: f"{value}{suffix(group)}" for loc, value in refs.items()} | texts)
        if prefix == "municipalities":
            copied.update(stand_ins(data["id"])[group - 1])
        if prefix == "articles":
            copied["seed"] = seed_name(group)
            copied["sha256"] = hashlib.sha256("\n".join(fixture_seed(group)).encode("utf-8")).hexdigest()
        if prefix in schema.FOLDER_KINDS:
            doc = f"content/{prefix}/{copied['id']}.yaml"
        docs[doc] = (model, prefix, copied)
    return docs


def merged(groups: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The files of several groups as one tree: each group's own files side by side, and the files of lists
    (glossary.yaml, …) with every group's entries, group 0's first."""
    out: dict[str, Any] = {}
    for docs in groups:
        for rel, data in docs.items():
            if rel not in out:
                out[rel] = copy.deepcopy(data)
                continue
            for key, value in data.items():
                if isinstance(value, list):
                    out[rel][key] = [*out[rel][key], *copy.deepcopy(value)]
                else:
                    assert out[rel][key] == value, (rel, key)
    return out


def article_doc(group: int) -> str:
    return f"content/articles/mini-article{suffix(group)}.yaml"


def norm(text: str) -> str:
    """Whitespace as a reader sees it: runs collapsed, ends trimmed."""
    return " ".join(text.split())


Value = Callable[[Position, int, str | None], str]
"""The string for a position, given how many positions of the same field came before it (and the text to put there
instead of the whole payload, for FALLBACK)."""


@dataclass
class Plan:
    """What one payload does to its group's copy of the fixture."""

    group: int
    build_docs: dict[str, Any]
    check_docs: dict[str, Any]
    seed_lines: list[str]
    accepted: dict[Position, str]
    refused: list[Position]
    kept: list[Position]
    expected_errors: list[tuple[str, str]]
    """(file, field) pairs that ``check`` must report for the refused copy."""

    @property
    def fields(self) -> set[str]:
        return {p.field.path for p in self.accepted}


CROSS_FILE_PROBE = ("content/municipalities/akishima.yaml", ("name",))
"""In the refused copy this position alone gets the payload (its file has nothing else wrong, so the check against
data/local-governments.csv runs and must report it); every other file gets its refused positions."""


def _strings(data: Any) -> Iterator[str]:
    """Every string in YAML data."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict | list):
        for value in data.values() if isinstance(data, dict) else data:
            yield from _strings(value)


def _first_line(text: str) -> str | None:
    return next((line.strip() for line in text.splitlines() if line.strip()), None)


def _touches(p: Position, locs: set[tuple[str | int, ...]]) -> bool:
    return any(loc[:len(p.loc)] == p.loc or p.loc[:len(loc)] == loc for loc in locs)


def make_plan(value: Value, seed_value: str, fallback: bool = True, group: int = 0) -> Plan:
    """Where the payload goes in group ``group``. Each file is validated with the payload in every position; the
    positions the schema refuses go to the refused copy (whole payload) and, where the schema admits the payload's
    first line, into the build with that line (FALLBACK)."""
    build_docs: dict[str, Any] = {}
    check_docs: dict[str, Any] = {}
    accepted: dict[Position, str] = {}
    refused: list[Position] = []
    kept: list[Position] = []
    expected: list[tuple[str, str]] = []
    seen: Counter[str] = Counter()
    probe = CROSS_FILE_PROBE[0].replace(".yaml", f"{suffix(group)}.yaml")
    for doc, (model, prefix, data) in group_documents(group).items():
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
        if doc == probe:
            check_docs[doc] = _apply(data, {CROSS_FILE_PROBE[1]: wanted[next(p for p in positions if p.loc == CROSS_FILE_PROBE[1])]})
            expected.append((doc, field_name(CROSS_FILE_PROBE[1])))
        else:
            check_docs[doc] = _apply(data, {p.loc: wanted[p] for p in bad})
            expected += [(doc, field_name(p.loc)) for p in bad]
    seed = fixture_seed(group)
    for n in SEED_LINES:
        seed[n - 1] = norm(seed_value)
    article = build_docs[article_doc(group)]
    seed[QUOTE_PARA - 1] = f"「{norm(article['quotes'][0]['text'])}」と担当者は話す。"
    article["sha256"] = hashlib.sha256("\n".join(seed).encode("utf-8")).hexdigest()
    return Plan(group, build_docs, check_docs, seed, accepted, refused, kept, expected)


def payload_value(payload: str) -> Value:
    def value(p: Position, n: int, text: str | None) -> str:
        text = payload if text is None else text
        return f"別{n + 1}{text}" if n and p.field.path in UNIQUE else text
    return value


def control_value(group: int) -> Value:
    """Harmless tags naming the field and the group: show which page prints which field of which group (fixed widths,
    so no tag is the beginning of another)."""
    def value(p: Position, n: int, text: str | None) -> str:
        index = sorted(schema_fields()).index(p.field.path)
        if p.field.kind == "url":
            return f"https://example.com/tag{index:03d}g{group:02d}x{n:02d}"
        return f"検査札{index:03d}組{group:02d}番{n:02d}"
    return value


def control_seed(group: int) -> str:
    return f"検査札本文{group:02d}"


IDS = [name for name, _ in PAYLOADS]
BY_NAME = dict(PAYLOADS)


@functools.cache
def plan_for(member: str, group: int) -> Plan:
    """The plan of a payload (or of the control's tags, ``CONTROL``) in group ``group``."""
    if member == CONTROL:
        return make_plan(control_value(group), control_seed(group), fallback=False, group=group)
    return make_plan(payload_value(BY_NAME[member]), BY_NAME[member], group=group)


def _written(name: str) -> set[str]:
    values = {*plan_for(name, 0).accepted.values(), BY_NAME[name]}
    return values | {norm(v) for v in values}


def _clash(a: set[str], b: set[str]) -> bool:
    return any(v in w for v in a for w in b) or any(v in w for v in b for w in a)


@functools.cache
def layout() -> dict[str, tuple[str, ...]]:
    """Which payloads share a build, group by group: as few builds as GROUPS allows, and never two payloads where one
    writes a text the other contains (a glossary term of one would then mark up the other's text; the first line of
    front-matter-break is a lone ``"``). Most constrained first, each into the emptiest build it may join."""
    written = {name: _written(name) for name in IDS}
    clash = {a: {b for b in IDS if b != a and _clash(written[a], written[b])} for a in IDS}
    builds: list[list[str]] = [[] for _ in range(-(-len(IDS) // GROUPS))]
    for name in sorted(IDS, key=lambda a: -len(clash[a])):
        fits = [b for b in builds if len(b) < GROUPS and not clash[name] & set(b)]
        assert fits, f"{name} clashes with a payload in every build (more builds, or fewer GROUPS)"
        min(fits, key=len).append(name)
    return {f"build-{i + 1}": tuple(sorted(b, key=IDS.index)) for i, b in enumerate(builds)}


def place(name: str) -> tuple[str, int]:
    """The build a payload is in, and its group there."""
    return next((build, members.index(name)) for build, members in layout().items() if name in members)


# ---------------------------------------------------------------------------------------------------------------
# 3. Building and checking the copies (in a pool, ahead of the browser).

ALONE = " alone"
"""A build named ``<payload> alone`` holds that payload in its group and the control's tags in all the others."""


def members(build: str) -> tuple[str, ...]:
    """What each group of a build holds: the control's tags everywhere (``CONTROL``), a build's payloads (the control's
    tags in the groups left over, so every build has the control's pages), or one payload among the control's tags."""
    if build == CONTROL:
        return (CONTROL,) * GROUPS
    if build.endswith(ALONE):
        name = build.removesuffix(ALONE)
        group = place(name)[1]
        return tuple(name if g == group else CONTROL for g in range(GROUPS))
    payloads = layout()[build]
    return (*payloads, *[CONTROL] * (GROUPS - len(payloads)))


@dataclass
class Build:
    """One copy of the fixture built as a site, a payload (or the control's tags) in each group."""

    name: str
    root: Path
    build_rc: int = -1
    build_err: str = ""
    build_seconds: float = 0.0

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def members(self) -> tuple[str, ...]:
        return members(self.name)

    @property
    def plans(self) -> list[Plan]:
        return [plan_for(member, g) for g, member in enumerate(self.members)]


@dataclass
class Checked:
    """``python -m generator check`` of refused copies: those of a build's payloads side by side, each in its group, or
    (named after a payload) that payload's alone in the fixture's own files, as a contributor would have them."""

    name: str
    root: Path
    check_rc: int = -1
    check_err: str = ""

    @property
    def plans(self) -> list[Plan]:
        if self.name in layout():
            return [plan_for(member, g) for g, member in enumerate(layout()[self.name])]
        return [plan_for(self.name, 0)]


LIST_FILES = {f"content/{name}" for name in schema.FILE_KINDS}
"""The files whose entries every group adds to (``merged``)."""


def expected_errors(plans: list[Plan], group: int) -> list[tuple[str, str]]:
    """The (file, field) pairs ``check`` must report for group ``group`` among ``plans`` merged: in a file of lists the
    group's entries come after the earlier groups' (``terms[0]`` of group 2 is ``terms[4]`` there)."""
    before: Counter[tuple[str, str]] = Counter()
    for plan in plans[:group]:
        for rel, data in plan.check_docs.items():
            if rel in LIST_FILES:
                before.update({(rel, key): len(value) for key, value in data.items() if isinstance(value, list)})
    shifted = []
    for doc, fname in plans[group].expected_errors:
        if doc in LIST_FILES and (m := re.match(r"(\w+)\[(\d+)\](.*)", fname)):
            fname = f"{m[1]}[{int(m[2]) + before[(doc, m[1])]}]{m[3]}"
        shifted.append((doc, fname))
    return shifted


def check_problems(c: Checked, group: int) -> list[str]:
    """What is wrong with group ``group``'s messages in a check's output: the exit status, a traceback, or a refused
    position with no Japanese ``path:line: field:`` message."""
    problems = [] if c.check_rc == 1 else [f"check exit {c.check_rc}"]
    problems += ["a traceback"] if "Traceback" in c.check_err else []
    for doc, fname in expected_errors(c.plans, group):
        line = re.compile(rf"^{re.escape(doc)}:\d+: {re.escape(fname)}: .*[\u3040-\u30ff\u4e00-\u9fff]", re.M)
        if not line.search(c.check_err):
            problems.append(f"no `path:line: field:` message for {doc}: {fname}")
    return problems


def _write(root: Path, docs: dict[str, Any], seeds: dict[str, list[str]]) -> None:
    copy_mini(root)
    for rel, data in docs.items():
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6)
        (root / rel).write_text(text, encoding="utf-8")
    for name, lines in seeds.items():
        (root / "seeds" / name).write_text("\n".join(lines), encoding="utf-8")


GENERATOR_ROOT = Path(os.environ.get("FUZZ_GENERATOR_ROOT") or ROOT)
"""Whose ``generator`` builds the copies: this checkout, or another (e.g. an older commit exported with git archive)."""


def _run(root: Path, *args: str) -> tuple[int, str]:
    proc = subprocess.run([sys.executable, "-m", "generator", "--root", str(root), *args], cwd=GENERATOR_ROOT,
                          capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    return proc.returncode, proc.stderr


def _build(b: Build) -> Build:
    plans = b.plans
    _write(b.root, merged([p.build_docs for p in plans]), {seed_name(p.group): p.seed_lines for p in plans})
    start = time.perf_counter()
    b.build_rc, b.build_err = _run(b.root, "build", "--no-package", "--quiet")
    b.build_seconds = time.perf_counter() - start
    return b


def _check(c: Checked) -> Checked:
    plans = c.plans
    _write(c.root, merged([p.check_docs for p in plans]), {seed_name(p.group): fixture_seed(p.group) for p in plans})
    c.check_rc, c.check_err = _run(c.root, "check")
    return c


@dataclass
class Work:
    """The builds and checks, made in a pool two at a time ahead of the tests that wait for them, and what the browser
    saw of each build."""

    base: Path
    pool: concurrent.futures.ThreadPoolExecutor
    builds: dict[str, concurrent.futures.Future[Build]] = field(default_factory=dict)
    checks: dict[str, concurrent.futures.Future[Checked]] = field(default_factory=dict)
    opened: dict[str, Opened] = field(default_factory=dict)

    def build(self, name: str) -> concurrent.futures.Future[Build]:
        """The build ``name``, submitted to the pool the first time it is asked for."""
        if name not in self.builds:
            self.builds[name] = self.pool.submit(_build, Build(name, self.base / name.replace(" ", "-")))
        return self.builds[name]

    def check(self, name: str) -> concurrent.futures.Future[Checked]:
        """The check ``name`` (a build's refused copies, or a payload's alone), submitted the first time it is asked for."""
        if name not in self.checks:
            self.checks[name] = self.pool.submit(_check, Checked(name, self.base / f"check-{name}"))
        return self.checks[name]


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Work]:
    w = Work(tmp_path_factory.mktemp("fuzz"), concurrent.futures.ThreadPoolExecutor(2))
    yield w
    w.pool.shutdown(wait=True, cancel_futures=True)


@pytest.fixture(scope="module")
def checks(work: Work) -> Work:
    """The refused copies, a build's side by side, checked in the pool: what ``-m "not browser"`` runs here."""
    for name in layout():
        work.check(name)
    return work


@pytest.fixture(scope="module")
def builds(work: Work) -> Work:
    """The control and the payloads' builds, all submitted at once, the control first, then the checks of the refused
    copies, which the pool runs while the browser opens pages (the builds of a payload alone only when a test needs
    them)."""
    for name in (CONTROL, *layout()):
        work.build(name)
    for name in layout():
        work.check(name)
    return work


# ---------------------------------------------------------------------------------------------------------------
# 4. The browser.

ENTITY_PAGES = {"municipalities": "bandai", "themes": "counter", "articles": "mini-article"}
"""One page per kind of entity page and group (the fixture's fullest entity); every other page is a kind of its own."""


def page_kinds(site: Path) -> list[str]:
    pages = [p.name for p in sorted(site.glob("*.html"))]
    for folder in sorted(d for d in site.iterdir() if d.is_dir() and any(d.glob("*.html"))):
        if folder.name in ENTITY_PAGES:
            ident = ENTITY_PAGES[folder.name]
            pages += [f"{folder.name}/index.html", *(f"{folder.name}/{ident}{suffix(g)}.html" for g in range(GROUPS))]
        else:
            pages += [f"{folder.name}/{p.name}" for p in sorted(folder.glob("*.html"))]
    return pages


def html_files(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


TITLES = 12
"""Distinct titles per page and group whose tooltip is opened one by one (the sink check in INSPECT covers every title)."""


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
    """What one build's pages did in one scheme."""

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
            page.evaluate(STIR, TITLES * GROUPS)
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


def failure(b: Build) -> str | None:
    if b.build_rc != 0 or "Traceback" in b.build_err:
        return f"{b.name}: build exit {b.build_rc}\n{b.build_err[-3000:]}"
    return None


def _fail_build(b: Build) -> None:
    if (failed := failure(b)) is not None:
        pytest.fail(failed)


@dataclass
class Baseline:
    """The control build in the browser: clean pages, which fields of which group each shows, which have an edit button."""

    build: Build
    pages: list[str]
    seen: dict[str, Visit]
    shown: dict[str, dict[int, set[str]]]
    """Page → group → the fields (and ``seed``) whose tags the page shows as text."""
    owners: dict[str, set[int]]
    """Page → the groups whose tags are anywhere in its HTML: a page of one group shows nothing of the others."""
    edit: set[str]


@pytest.fixture(scope="module")
def baseline(builds: Work, browser: Any) -> Baseline:
    control: Build = builds.build(CONTROL).result()
    _fail_build(control)
    pages = page_kinds(control.site)
    seen = both_schemes(browser, control.site, pages)
    tags = {g: {v: p.field.path for p, v in plan.accepted.items()} | {control_seed(g): "seed"}
            for g, plan in enumerate(control.plans)}
    shown = {rel: {g: {f for tag, f in tags[g].items() if tag in info["text"]} for g in tags}
             for rel, info in seen["http"].pages.items()}
    owners = {}
    for rel in pages:
        html = (control.site / rel).read_text(encoding="utf-8")
        owners[rel] = {g for g in tags if any(tag in html for tag in tags[g])}
    edit = {rel for rel, info in seen["http"].pages.items() if info["edit"]}
    return Baseline(control, pages, seen, shown, owners, edit)


@dataclass
class Opened:
    """A build's pages in both schemes (those that differ from the control's), opened once for all its payloads."""

    build: Build
    pages: list[str]
    seen: dict[str, Visit]


def opened(work: Work, browser: Any, baseline: Baseline, name: str) -> Opened:
    if name not in work.opened:
        b: Build = work.build(name).result()
        assert html_files(b.site) == html_files(baseline.build.site), f"{name}: not the control's pages"
        control_site = baseline.build.site
        pages = [rel for rel in baseline.pages if ALL_PAGES or (b.site / rel).read_bytes() != (control_site / rel).read_bytes()]
        work.opened[name] = Opened(b, pages, both_schemes(browser, b.site, pages))
        STATS["builds"] += 1
        STATS["build_seconds"] += b.build_seconds
        STATS["identical"] += len(baseline.pages) - len(pages)
        for v in work.opened[name].seen.values():
            STATS["page_loads"] += len(v.pages)
            STATS["dialogs"] += len(v.dialogs)
            STATS["offsite"] += len(v.offsite)
            STATS["theme_requests"] += len(v.theme_requests)
    return work.opened[name]


def judge(o: Opened, baseline: Baseline, group: int) -> tuple[list[str], list[str]]:
    """What went wrong with the payload of group ``group``: problems on the pages only its group shows, and its text
    not readable where its fields are shown, are its own; problems on pages other groups show too, dialogs and
    requests leaving the origin are the build's (shared), and only a build of each payload alone tells whose."""
    payload = BY_NAME[o.build.members[group]]
    plan = o.build.plans[group]
    full = norm(payload)
    carried = {p.field.path: norm(v) for p, v in plan.accepted.items()}
    whole = {f for f, v in carried.items() if full in v} | {"seed"}
    line = norm(_first_line(payload) or "")
    by_loc = {(p.doc, p.loc): norm(v) for p, v in plan.accepted.items()}
    title = by_loc.get((article_doc(group), ("title",)))
    definition = by_loc.get(("content/glossary.yaml", ("terms", 0, "definition")))
    term_id = f"g-bpr{suffix(group)}"
    control_pages = baseline.seen["http"].pages
    own: list[str] = []
    shared: list[str] = []
    for scheme, v in o.seen.items():
        shared += [f"{scheme} dialog {d}" for d in v.dialogs]
        shared += [f"{scheme} request leaving the origin {r}" for r in v.offsite]
        shared += [f"{scheme} navigated {n}" for n in v.navigated]
        for rel, info in v.pages.items():
            where = f"{scheme} {rel}"
            owners = baseline.owners[rel]
            if owners == {group} or len(owners) != 1:
                found = own if owners == {group} else shared
                found += [f"{where}: on* attribute {a}" for a in info["on"]]
                found += [f"{where}: dangerous URL {a}" for a in info["urls"]]
                found += [f"{where}: title rendered as HTML in a tooltip: {a}" for a in info["titles"]]
                base_danger = control_pages[rel]["danger"]
                found += [f"{where}: {n - base_danger.get(tag, 0)} more <{tag}> in the content"
                          for tag, n in info["danger"].items() if n > base_danger.get(tag, 0)]
                if not info["content"]:
                    found.append(f"{where}: no .md-content")
                if not norm(info["title"]) or SITE_NAME not in info["title"]:
                    found.append(f"{where}: broken <title> {info['title']!r}")
                if rel in baseline.edit and not info["edit"]:
                    found.append(f"{where}: the edit button is gone")
            here = baseline.shown[rel][group]
            expected = full if here & whole else line if here & set(carried) else None
            if expected and expected not in norm(info["text"]):
                shown_here = sorted(here & (whole | set(carried)))
                own.append(f"{where}: {expected!r} is not readable as text (fields shown here: {shown_here})")
        article = v.pages.get(f"articles/mini-article{suffix(group)}.html")
        if article and title is not None:
            if norm(article["h1"]) != title:
                own.append(f"{scheme} article: <h1> reads {article['h1']!r}, not the title {title!r}")
            if not norm(article["title"]).startswith(title):
                own.append(f"{scheme} article: <title> is {article['title']!r}")
        glossary = v.pages.get("glossary.html")
        if glossary and definition is not None and definition not in norm(glossary["definitions"].get(term_id, "")):
            own.append(f"{scheme} glossary: the definition of BPR reads {glossary['definitions'].get(term_id, '')!r}")
    return own, shared


def judged(work: Work, browser: Any, baseline: Baseline, build: str, group: int) -> tuple[list[str], list[str]]:
    """``judge`` on a build; a build that failed is a shared problem (whose, only builds of its payloads alone tell)."""
    failed = failure(work.build(build).result())
    return ([], [failed]) if failed else judge(opened(work, browser, baseline, build), baseline, group)


def problems_of(work: Work, browser: Any, baseline: Baseline, name: str) -> list[str]:
    """A payload's problems in its build; when the build failed or has shared problems, the payload's problems in a
    build of it alone among the control's tags too (every payload of the build is then built alone). Shared problems
    no payload shows alone come from payloads side by side: every payload of the build then fails with them."""
    build, group = place(name)
    own, shared = judged(work, browser, baseline, build, group)
    if not shared:
        return own
    for member in layout()[build]:
        work.build(member + ALONE)  # all submitted at once: the pool builds them while the browser opens the first
    alone: dict[str, list[str]] = {}
    for member in layout()[build]:
        mine, others = judged(work, browser, baseline, member + ALONE, place(member)[1])
        alone[member] = mine + others  # alone, the other groups hold the control's harmless tags
    together = [] if any(alone.values()) else [f"only beside the other payloads of {build}: {p}" for p in shared]
    mine = alone[name]
    return mine + [p for p in own if p not in mine] + together  # its own pages' problems show in both builds

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
    print(f"\n[fuzz] payloads {STATS['payloads']} ({GROUPS} to a build) × fields {len(schema_fields())} enumerated "
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
    # Each field is somewhere in the fixture (or can be added there), so each is fuzzed, in every group alike.
    for group in range(GROUPS):
        reached = {p.field.path for doc, (m, prefix, data) in group_documents(group).items()
                   for p in _positions(m, data, doc, prefix)}
        assert reached == set(fields), (group, sorted(set(fields) - reached))
    assert set(KEEP) <= set(fields) and set(UNIQUE) <= set(fields) and set(ADAPTED) <= set(fields) and set(DISTINCT) <= set(fields)


def test_every_payload_has_a_group_of_its_own() -> None:
    """The builds hold every payload once, at most GROUPS to a build; a group writes the fields group 0 (the fixture)
    writes, with the same texts, so the payload meets the same fields wherever its group is; and no glossary name of
    one group is in a text of another, so no group marks up what another shows."""
    placed = [name for payloads in layout().values() for name in payloads]
    assert sorted(placed) == sorted(IDS) and all(len(p) <= GROUPS for p in layout().values())
    for name in IDS:
        group = place(name)[1]
        plan, alone = plan_for(name, group), plan_for(name, 0)
        assert sorted((p.field.path, v) for p, v in plan.accepted.items()) == sorted((p.field.path, v) for p, v in alone.accepted.items())
        assert [plan.seed_lines[n - 1] for n in (*SEED_LINES, QUOTE_PARA)] == [alone.seed_lines[n - 1] for n in (*SEED_LINES, QUOTE_PARA)]
    for build in (CONTROL, *layout()):
        plans = [plan_for(member, g) for g, member in enumerate(members(build))]
        for a, b in itertools.permutations(plans, 2):
            names = {n for t in b.build_docs["content/glossary.yaml"]["terms"] for n in (t["term"], *t.get("aliases", [])) if len(n) >= 2}
            texts = [*a.seed_lines, *_strings(a.build_docs)]
            assert not [(n, t) for n in names for t in texts if n in t], (build, a.group, b.group)


NOT_SHOWN: dict[str, str] = {}
"""Fields the schema admits text in but no page prints as text, and why: none today (the control test fails on one)."""


def test_control_pages_are_clean_and_show_every_field(baseline: Baseline) -> None:
    for scheme, v in baseline.seen.items():
        assert v.dialogs == [] and v.offsite == [] and v.navigated == [], scheme
        for rel, info in v.pages.items():
            assert info["on"] == info["urls"] == info["titles"] == [], (scheme, rel, info["on"], info["urls"], info["titles"])
            assert info["content"] and SITE_NAME in info["title"], (scheme, rel, info["title"])
    for group, plan in enumerate(baseline.build.plans):
        shown_anywhere = set().union(*(shown[group] for shown in baseline.shown.values()))
        missing = sorted(plan.fields - shown_anywhere - set(NOT_SHOWN))
        assert missing == [], f"group {group}: accepted but printed on no page: {missing}"
        # What a group's entity pages do is that group's payload's: they show nothing of another group.
        for folder, ident in ENTITY_PAGES.items():
            rel = f"{folder}/{ident}{suffix(group)}.html"
            assert baseline.owners[rel] == {group}, (rel, baseline.owners[rel])
    assert {"articles/mini-article.html", "glossary.html"} <= baseline.edit
    FINDINGS.append(f"page kinds: {', '.join(baseline.pages)}")
    FINDINGS.append("builds: " + "; ".join(f"{b}: {', '.join(p)}" for b, p in layout().items()))
    plan = baseline.build.plans[0]
    ids = sum(1 for f in schema_fields().values() if f.kind == "id")
    FINDINGS.append(f"control: {len(plan.fields)} fields printed; {ids} id fields and {sorted(KEEP)} kept; refused formats: "
                    f"{sorted({p.field.path for p in plan.refused if p.field.kind != 'id'} - set(KEEP))}")


@pytest.mark.parametrize("name", IDS)
def test_payload_runs_nothing(name: str, builds: Work, baseline: Baseline, browser: Any) -> None:
    build, group = place(name)
    problems = problems_of(builds, browser, baseline, name)
    plan = plan_for(name, group)
    STATS["payloads"] += 1
    STATS["positions"] += len(plan.accepted)
    STATS["page_kinds"] = len(baseline.pages)
    carried = {p.field.path: norm(v) for p, v in plan.accepted.items()}
    whole = {f for f, v in carried.items() if norm(BY_NAME[name]) in v}
    always = {p.field.path for p in plan_for(CONTROL, group).refused} | {p.field.path for p in plan.kept}
    lost = sorted({p.field.path for p in plan.refused} - set(carried) - always)
    partial = sorted(set(carried) - whole)
    FINDINGS.append(f"{name}: {len(whole)} fields carry it whole, {len(partial)} its first line {partial or ''}, "
                    f"refused in {lost or 'no other field'}; {build} group {group}, "
                    f"pages opened {len(builds.opened[build].pages) if build in builds.opened else '(build failed)'}/{len(baseline.pages)}")
    if problems:
        kinds = Counter(next((k for k in PROBLEM_KINDS if k in p), "other") for p in problems)
        FINDINGS.append(f"  FAILED {name}: " + ", ".join(f"{k} ×{n}" for k, n in kinds.most_common()))
    unique = list(dict.fromkeys(problems))
    assert problems == [], f"{name} ({BY_NAME[name]!r}):\n" + "\n".join(unique[:80])


@pytest.mark.parametrize("name", IDS)
def test_payload_stays_text_in_the_feed_and_the_case_list(name: str, builds: Work) -> None:
    """The files read away from the site: the Atom feed must parse and hold the title as text, and no cell of
    事例一覧.csv may start a spreadsheet formula (escape.xml, escape.csv_cell)."""
    build, group = place(name)
    b: Build = builds.build(build).result()
    if failure(b) is not None:  # whose failure it is, the payload's build alone tells (as test_payload_runs_nothing)
        b = builds.build(name + ALONE).result()
    _fail_build(b)
    article = f"articles/mini-article{suffix(group)}"
    entries = ET.fromstring((b.site / "feed.xml").read_bytes()).findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == GROUPS
    (entry,) = [e for e in entries if (e.findtext("{http://www.w3.org/2005/Atom}id") or "").endswith(f":{article}")]
    title = {(p.doc, p.loc): v for p, v in b.plans[group].accepted.items()}.get((article_doc(group), ("title",)))
    if title is not None:
        assert norm(entry.findtext("{http://www.w3.org/2005/Atom}title") or "") == norm(title)
    text = (b.site / "data" / "事例一覧.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))[1:]
    pages = [f"/articles/mini-article{suffix(g)}.html" for g in range(GROUPS)]
    assert all(row[-1].endswith(tuple(pages)) for row in rows), "a row from no group's article"
    mine = [row for row in rows if row[-1].endswith(f"/{article}.html")]
    assert mine
    for row in mine:
        for cell in row:
            visible = next((c for c in cell if unicodedata.category(c) not in ("Cf", "Zs")), "")
            formula = cell[:1] in ("\t", "\r") or unicodedata.normalize("NFKC", visible)[:1] in ("=", "+", "-", "@")
            assert not formula or cell[:1] == "'", cell


@pytest.mark.parametrize("name", IDS)
def test_refused_input_fails_cleanly(name: str, checks: Work) -> None:
    """Where the schema (or the official list) refuses the payload, check says where, in Japanese, and exits 1. The
    refused copies of a build are checked side by side; a payload whose messages are not all there there is judged by
    its refused copy checked alone (the fixture's own files, as a contributor would have them)."""
    build, group = place(name)
    checked: Checked = checks.check(build).result()
    STATS["refused"] += len(plan_for(name, group).refused)
    if check_problems(checked, group):
        checked, group = checks.check(name).result(), 0
    problems = check_problems(checked, group)
    assert problems == [], "\n".join(problems) + "\n" + checked.check_err[-3000:]
