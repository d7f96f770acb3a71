"""Stage 2, validate: schema per file, then every cross-reference, collecting all problems.

Like mkdocs' config validation, nothing stops at the first error: each check records what it
finds and the build aborts once, after the report, so a contributor fixes everything in one go.
"""

from __future__ import annotations

import datetime
import posixpath
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import compress
from pathlib import PurePosixPath
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from generator.content import review, rights, schema
from generator.content.load import SEEDS_DIR, Registered, SeedText, Sources
from generator.content.text import loose_key, normalise_display, squash_space, to_katakana
from generator.content.yamlio import Located, field_name
from generator.errors import BuildAborted, Problems

M = TypeVar("M", bound=BaseModel)

_PYDANTIC_JA = {
    "missing": "必須の項目がありません",
    "extra_forbidden": "知らない項目です(綴りを確認してください)",
    "string_type": "文字列で書いてください",
    "int_type": "整数で書いてください",
    "int_parsing": "整数で書いてください",
    "list_type": "リスト(- で始まる行)で書いてください",
    "model_type": "項目の集まり(キー: 値)で書いてください",
    "dict_type": "項目の集まり(キー: 値)で書いてください",
    "literal_error": "使える値ではありません",
    "string_pattern_mismatch": "形式が正しくありません",
    "string_too_short": "空にできません",
    "string_too_long": "長すぎます",
    "too_short": "少なくとも 1 つ必要です",
    "greater_than": "値が小さすぎます",
    "greater_than_equal": "値が小さすぎます",
    "less_than": "値が大きすぎます",
    "less_than_equal": "値が大きすぎます",
    "int_parsing_size": "数が大きすぎます",
    "int_from_float": "整数で書いてください",
    "finite_number": "整数で書いてください",
    "string_unicode": "文字列として扱えない文字があります",
    "bool_type": "true か false で書いてください",
}

_PATTERN_HINTS = {
    "id": "英小文字・数字・ハイフンだけで書いてください(例: akishima)",
    "code": "6 桁の数字を引用符で囲んで書いてください(例: \"132071\")",
    "sha256": "64 桁の16進数(sha256sum の出力)を書いてください",
}

# YAML turns an unquoted 2022 or 011002 into a number: say how to keep it a string.
_STRING_HINTS = {
    "date": "日付は引用符で囲んで書いてください(例: \"2022\"、\"2022-04\"、\"2022-04-01\")",
    "as_of": "日付は引用符で囲んで書いてください(例: \"2022\"、\"2022-04\"、\"2022-04-01\")",
    "code": _PATTERN_HINTS["code"],
}


_CHARACTER_KINDS = ("string_unicode", "string_pattern_mismatch", "literal_error")
"""Errors whose input may fail for a character the schema refuses in any text (``schema.text_problem``)."""


@dataclass(frozen=True)
class Entry(Generic[M]):
    """A validated model with where it came from, for messages and edit links."""

    model: M
    source: Located
    where: tuple[str | int, ...]

    def line(self, *sub: str | int) -> int:
        """Line of a field of this entry."""
        return self.source.line((*self.where, *sub))


@dataclass(frozen=True)
class Validated:
    """Schema-checked content, ready for the model stage."""

    municipalities: tuple[Entry[schema.Municipality], ...]
    articles: tuple[Entry[schema.Article], ...]
    themes: tuple[Entry[schema.Theme], ...]
    glossary: tuple[Entry[schema.GlossaryTerm], ...]
    organisations: tuple[Entry[schema.Organisation], ...]
    people: tuple[Entry[schema.Person], ...]
    seeds: dict[str, SeedText]
    registry: dict[str, Registered] = field(default_factory=dict)
    """The official list of all bodies with their census population and town hall (``load.Registered``)."""
    synonyms: tuple[Entry[schema.SynonymGroup], ...] = ()


def _message(err: Any) -> str:
    """Japanese text for one pydantic error, with the allowed values where useful."""
    kind = err["type"]
    if kind == "value_error":
        return str(err["ctx"]["error"]) if "ctx" in err else err["msg"]
    if kind in _CHARACTER_KINDS and isinstance(err.get("input"), str):
        # A lone surrogate never reaches the schema's own validators, and an id or allowed value with an invisible
        # character is better told by that character than by its form: name it, never echo it.
        problem = schema.text_problem(err["input"], multi_line=kind == "string_unicode")
        if problem is not None:
            return problem
    if kind == "int_parsing_size" and isinstance(err.get("input"), str):
        return f"数が大きすぎます({sum(c.isdigit() for c in err['input']):,} 桁)"
    text = _PYDANTIC_JA.get(kind, err["msg"])
    last = next((p for p in reversed(err["loc"]) if isinstance(p, str)), "")
    if kind == "literal_error" and "ctx" in err:
        allowed = re.sub(r"'|\bor\b", "", str(err["ctx"].get("expected", ""))).replace(",", " ")
        text += f"(使える値: {' / '.join(allowed.split())})"
    if kind == "string_type" and last in _STRING_HINTS:
        text = _STRING_HINTS[last]
    if kind == "too_short" and err.get("ctx", {}).get("min_length", 1) > 1:
        text = f"{err['ctx']['min_length']} 件以上にしてください"
    if kind == "string_pattern_mismatch":
        is_slug = err.get("ctx", {}).get("pattern") == schema.SLUG_RE
        text = _PATTERN_HINTS["id"] if is_slug else _PATTERN_HINTS.get(last, text)
    shown = err.get("input")
    if kind not in ("missing", "extra_forbidden") and shown not in ("", None) and not isinstance(shown, dict | list):
        text += f"(書かれた値: {str(err['input'])[:60]})"
    return text


def check_model(model: type[M], data: Any, source: Located, where: tuple[str | int, ...], problems: Problems) -> M | None:
    """Validate one mapping against its model; report every error with its line."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = (*where, *err["loc"])
            problems.error(source.path, source.line(loc), field_name(loc), _message(err))
        return None


def _raw_id(data: Any) -> str | None:
    """The id an invalid entry claims, so its references do not cascade into more errors."""
    ident = data.get("id") if isinstance(data, dict) else None
    return ident if isinstance(ident, str) else None


def _folder_entries(docs: tuple[Located, ...], model: type[M], problems: Problems, invalid: set[str]) -> list[Entry[M]]:
    """One entity per file; its id must equal the file name so URLs and files agree."""
    entries = []
    for doc in docs:
        if not isinstance(doc.data, dict):
            problems.error(doc.path, 1, "(ルート)", "ファイルの中身は項目の集まり(キー: 値)にしてください")
            continue
        item = check_model(model, doc.data, doc, (), problems)
        stem = posixpath.splitext(posixpath.basename(doc.path))[0]  # PurePosixPath(...).stem, without building one
        if item is None:
            if (ident := _raw_id(doc.data)) is not None:
                invalid.add(ident)
            invalid.add(stem)  # the id it should have: an id refused for its own sake (index, con) cascades no further
            continue
        ident = getattr(item, "id")  # noqa: B009 (every folder model has an id; M is bound to BaseModel)
        if ident != stem:
            problems.error(doc.path, doc.line(("id",)), "id", f"id「{ident}」はファイル名「{stem}」と同じにしてください")
        entries.append(Entry(item, doc, ()))
    return entries


def _list_entries(docs: tuple[Located, ...], wrapper: type[BaseModel], key: str, item_model: type[BaseModel],
                  problems: Problems, invalid: set[str]) -> list[Entry[Any]]:
    """A list file: validate the wrapper, keep each valid item with its own position."""
    entries: list[Entry[Any]] = []
    for doc in docs:
        parsed = check_model(wrapper, doc.data, doc, (), problems)
        if parsed is not None:
            entries += [Entry(item, doc, (key, i)) for i, item in enumerate(getattr(parsed, key))]
            continue
        items = doc.data.get(key) if isinstance(doc.data, dict) else None
        for i, raw in enumerate(items if isinstance(items, list) else []):
            try:
                entries.append(Entry(item_model.model_validate(raw), doc, (key, i)))
            except ValidationError:
                if (ident := _raw_id(raw)) is not None:
                    invalid.add(ident)
    return entries


def _unique(entries: list[Entry[Any]], kind: str, problems: Problems) -> None:
    """Ids are URLs and reference targets: two of the same would silently shadow one another."""
    first: dict[str, Entry[Any]] = {}
    for entry in entries:
        ident = entry.model.id
        if ident in first:
            prev = first[ident]
            problems.error(entry.source.path, entry.line("id"), field_name((*entry.where, "id")),
                           f"{kind}の id「{ident}」が重複しています({prev.source.path}:{prev.line('id')} にもあります)")
        else:
            first[ident] = entry


def check_digit(code: str) -> int:
    """全国地方公共団体コード check digit: weights 6..2 over five digits, mod 11."""
    total = sum(int(d) * w for d, w in zip(code[:5], (6, 5, 4, 3, 2), strict=True))
    return (11 - total % 11) % 10


def _check_municipality(entry: Entry[schema.Municipality], registry: dict[str, Registered], problems: Problems) -> None:
    """Codes, names and readings must agree with the official list, not with memory."""
    m, path = entry.model, entry.source.path
    if check_digit(m.code) != int(m.code[5]):
        right = f"{m.code[:5]}{check_digit(m.code)}"
        problems.error(path, entry.line("code"), "code", f"全国地方公共団体コード {m.code} の検査数字が正しくありません(正しくは {right})")
        return
    official = registry.get(m.code)
    if official is None:
        problems.error(path, entry.line("code"), "code",
                       f"コード {m.code} は全国地方公共団体コードの一覧(data/local-governments.csv)にありません")
        return
    if official.name != m.name:
        problems.error(path, entry.line("name"), "name", f"コード {m.code} は「{official.name}」のものです(書かれた名前: {m.name})")
    if official.prefecture != m.prefecture:
        problems.error(path, entry.line("prefecture"), "prefecture", f"{official.name}の都道府県は「{official.prefecture}」です")
    if to_katakana(m.reading).replace(" ", "") != official.reading:
        problems.error(path, entry.line("reading"), "reading", f"読みが一覧と違います(一覧: {official.reading})")
    expected_kind = "都道府県" if m.code[2:5] == "000" else kind_from_name(m.name)
    if expected_kind and m.kind != expected_kind:
        problems.error(path, entry.line("kind"), "kind", f"{m.name}の種別は「{expected_kind}」です")


def kind_from_name(name: str) -> str | None:
    """Infer 市/町/村/特別区 from the official name's suffix."""
    if name.endswith("区") and not name.endswith("市区"):
        return "特別区"
    for suffix in ("市", "町", "村"):
        if name.endswith(suffix):
            return suffix
    return None


def _seed_for(entry: Entry[schema.Article], seeds: dict[str, SeedText], unreadable: frozenset[str],
              problems: Problems) -> SeedText | None:
    """Resolve the seed name safely: a bare file name inside seeds/, nothing else."""
    a, path = entry.model, entry.source.path
    name = a.seed
    if "/" in name or "\\" in name or name in (".", "..") or name.startswith("~") or re.match(r"^[A-Za-z]:", name):
        problems.error(path, entry.line("seed"), "seed", f"seed には {SEEDS_DIR}/ の中のファイル名だけを書いてください(パスは使えません)")
        return None
    if not name.endswith(".txt"):
        problems.error(path, entry.line("seed"), "seed",
                       "seed ファイルの名前は .txt で終わるようにしてください(seeds/ の .txt だけを読み込みます)")
        return None
    seed = seeds.get(name)
    if seed is None and name in unreadable:
        problems.error(path, entry.line("seed"), "seed", f"{SEEDS_DIR}/{name} を読めません(そのファイルのエラーを先に直してください)")
        return None
    if seed is None:
        problems.error(path, entry.line("seed"), "seed", f"{SEEDS_DIR}/{name} が見つかりません(置いたファイル名と同じにしてください)")
        return None
    if seed.sha256 != a.sha256:
        problems.error(path, entry.line("sha256"), "sha256",
                       f"{SEEDS_DIR}/{name} の内容が変わっています(現在の sha256: {seed.sha256})。"
                       "行番号を見直してから sha256 を更新してください")
    return seed


def body_lines(article: schema.Article, seed: SeedText) -> set[int]:
    """Line numbers that are article text: in a body range, not excluded, not blank."""
    return body_numbers(((r.start, r.end) for r in article.body), article.exclude, seed.lines)


def body_numbers(ranges: Iterable[tuple[int, int]], exclude: Iterable[int], lines: Sequence[str]) -> set[int]:
    """``body_lines`` from the ranges, the excluded lines and the seed's lines (the model keeps only those).

    Each range's non-blank lines are picked by ``compress`` over ``str.strip``, in C: a Python test per line was a
    fifth of validating a national-scale tree (250,000 lines)."""
    body: set[int] = set()
    for start, end in ranges:
        first, last = max(start, 1), min(end, len(lines))
        body.update(compress(range(first, last + 1), map(str.strip, lines[first - 1:last])))
    body.difference_update(exclude)
    return body


def _check_article(entry: Entry[schema.Article], seed: SeedText, problems: Problems) -> None:
    """Line references must point at real body paragraphs, and quotes must be verbatim."""
    a, path = entry.model, entry.source.path
    total = len(seed.lines)
    for i, r in enumerate(a.body):
        if r.end > total:
            problems.error(path, entry.line("body", i), f"body[{i}].end", f"行 {r.end} は {seed.name} の範囲外です(全 {total} 行)")
    body = body_lines(a, seed)

    def para(field_path: tuple[str | int, ...], line: int) -> bool:
        if line not in body:
            problems.error(path, entry.line(*field_path), field_name(field_path),
                           f"段落 {line} は本文にありません(本文の行番号を指定してください。{seed.name} は全 {total} 行)")
            return False
        return True

    for i, n in enumerate(a.exclude):
        if n > total:
            problems.error(path, entry.line("exclude", i), f"exclude[{i}]", f"行 {n} は {seed.name} の範囲外です(全 {total} 行)")
        elif not any(r.start <= n <= r.end for r in a.body):
            problems.error(path, entry.line("exclude", i), f"exclude[{i}]",
                           f"行 {n} は本文の行範囲(body)の外です(exclude には body の範囲の中の行を書いてください)")
    for i, h in enumerate(a.headings):
        para(("headings", i, "line"), h.line)
        if h.to is not None and h.to > total:
            problems.error(path, entry.line("headings", i, "to"), f"headings[{i}].to",
                           f"行 {h.to} は {seed.name} の範囲外です(全 {total} 行)")
        elif h.to is not None and h.to < h.line:
            problems.error(path, entry.line("headings", i, "to"), f"headings[{i}].to", "to は line 以降の行にしてください")
    for i, kp in enumerate(a.key_points):
        for j, n in enumerate(kp.paras):
            para(("key_points", i, "paras", j), n)
    for i, kp in enumerate(a.key_points):
        cited = " ".join(seed.lines[n - 1] for n in kp.paras if n in body)
        for number in numbers_missing(kp.text, cited):
            problems.warning(path, entry.line("key_points", i, "text"), f"key_points[{i}].text",
                             f"数字「{number}」が根拠の行(paras)にありません(原文の数字を確かめてください)")
    for i, q in enumerate(a.quotes):
        if para(("quotes", i, "para"), q.para):
            haystack = squash_space(normalise_display(seed.lines[q.para - 1]))
            if squash_space(normalise_display(q.text)) not in haystack:
                problems.error(path, entry.line("quotes", i, "text"), f"quotes[{i}].text",
                               f"引用文が段落 {q.para} に文字どおり見つかりません(空白以外は原文と同じにしてください)")
    for i, ev in enumerate(a.events):
        if ev.para is not None:
            para(("events", i, "para"), ev.para)
    _check_rights(entry, problems)


_NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)*")


def _numbers(text: str) -> set[str]:
    """The numbers in a text, with full-width digits folded and thousands separators dropped (11,600 = 11600)."""
    return {n.replace(",", "") for n in _NUMBER.findall(unicodedata.normalize("NFKC", text))}


def _wareki(year: int) -> tuple[str, ...]:
    """How a 西暦 year may stand in 和暦 (2020 = 令和2, 2019 = 令和元 too); none before 平成."""
    for era, first in (("令和", 2019), ("平成", 1989)):
        if year >= first:
            return (f"{era}{year - first + 1}", f"{era}元") if year == first else (f"{era}{year - first + 1}",)
    return ()


def numbers_missing(claim: str, cited: str) -> list[str]:
    """Numbers of a key point that its cited lines do not hold: a year may stand there in 和暦 (2020 = 令和2)."""
    found = _numbers(cited)
    folded = unicodedata.normalize("NFKC", cited)
    missing = []
    for number in sorted(_numbers(claim) - found):
        eras = _wareki(int(number)) if number.isdigit() and len(number) == 4 else ()
        if not any(era in folded for era in eras):
            missing.append(number)
    return missing


def _check_rights(entry: Entry[schema.Article], problems: Problems) -> None:
    """Quotes stay subordinate to the handbook's own text (引用), and a reused body can be credited as its licence asks."""
    a, path = entry.model, entry.source.path
    quotes, own = [q.text for q in a.quotes], [kp.text for kp in a.key_points]
    if quotes and not rights.quoted_within_limit(quotes, a.summary, own):
        problems.error(path, entry.line("quotes"), "quotes",
                       f"引用の合計 {sum(map(len, quotes))} 字が、この記事についてのハンドブック自身の文章(要約と要点の合計 "
                       f"{rights.own_characters(a.summary, own)} 字)以上です。引用を減らすか、要約・要点を充実させてください")
    licence = rights.LICENCES[a.rights.licence]
    if licence.id == "permission":
        return  # the permission itself says what credit it asks for
    if licence.reuse and a.url is None:
        problems.warning(path, entry.line("url"), "url",
                         f"本文を掲載する記事({licence.name})には出典として元記事の URL を書いてください")
    if licence.reuse and licence.url is None and a.rights.url is None:
        problems.warning(path, entry.line("rights", "licence"), "rights.url",
                         f"{licence.name} の内容を確かめられるよう、rights.url に利用規約・許諾の URL を書いてください")


_FOLDER_REF_KIND = {"municipalities": "municipality", "articles": "article", "themes": "theme"}
_FILE_REF_KIND = {"glossary.yaml": "glossary", "organisations.yaml": "organisation", "people.yaml": "person"}
ANY_ID = "*"


def _invalid_from_unreadable(paths: frozenset[str], invalid: dict[str, set[str]]) -> None:
    """A file that did not parse still exists: its id (or, for a list file, every id) stays referable."""
    for path in paths:
        pure = PurePosixPath(path)
        if pure.parent.name in _FOLDER_REF_KIND:
            invalid[_FOLDER_REF_KIND[pure.parent.name]].add(pure.stem)
        elif pure.name in _FILE_REF_KIND:
            invalid[_FILE_REF_KIND[pure.name]].add(ANY_ID)


def _check_refs(v: Validated, invalid: dict[str, set[str]], problems: Problems) -> None:
    """Every id mentioned anywhere must name an entity that exists (valid or already reported)."""
    ids = {
        "municipality": {e.model.id for e in v.municipalities} | invalid["municipality"],
        "theme": {e.model.id for e in v.themes} | invalid["theme"],
        "organisation": {e.model.id for e in v.organisations} | invalid["organisation"],
        "person": {e.model.id for e in v.people} | invalid["person"],
        "glossary": {e.model.id for e in v.glossary} | invalid["glossary"],
        "article": {e.model.id for e in v.articles} | invalid["article"],
    }
    labels = {"municipality": "自治体", "theme": "テーマ", "organisation": "組織", "person": "人物", "glossary": "用語", "article": "記事"}

    def ref(entry: Entry[Any], kind: str, value: str | None, *sub: str | int) -> None:
        if value is not None and value not in ids[kind] and ANY_ID not in ids[kind]:
            loc = (*entry.where, *sub)
            problems.error(entry.source.path, entry.source.line(loc), field_name(loc), f"{labels[kind]}「{value}」は存在しません")

    for m in v.municipalities:
        if m.model.population is not None:
            ref(m, "article", m.model.population.article, "population", "article")
    for a in v.articles:
        art = a.model
        for key, kind in (("municipalities", "municipality"), ("themes", "theme"), ("organisations", "organisation"), ("people", "person")):
            for i, value in enumerate(getattr(art, key)):
                ref(a, kind, value, key, i)
        for i, kp in enumerate(art.key_points):
            for j, tid in enumerate(kp.themes):
                ref(a, "theme", tid, "key_points", i, "themes", j)
            ref(a, "municipality", kp.municipality, "key_points", i, "municipality")
        for i, q in enumerate(art.quotes):
            ref(a, "person", q.speaker, "quotes", i, "speaker")
            for j, tid in enumerate(q.themes):
                ref(a, "theme", tid, "quotes", i, "themes", j)
        for i, ev in enumerate(art.events):
            ref(a, "municipality", ev.municipality, "events", i, "municipality")
            for j, tid in enumerate(ev.themes):
                ref(a, "theme", tid, "events", i, "themes", j)
    for t in v.themes:
        for i, r in enumerate(t.model.related):
            ref(t, "theme", r, "related", i)
        for i, gid in enumerate(t.model.glossary):
            ref(t, "glossary", gid, "glossary", i)
    for g in v.glossary:
        for i, tid in enumerate(g.model.themes):
            ref(g, "theme", tid, "themes", i)
    for p in v.people:
        ref(p, "municipality", p.model.municipality, "municipality")
        ref(p, "organisation", p.model.organisation, "organisation")


def _check_duplicates(v: Validated, problems: Problems) -> None:
    """The same id twice in one list is a copy-paste slip; a theme related to itself is one too."""
    lists: list[tuple[Entry[Any], str]] = [(a, key) for a in v.articles for key in ("municipalities", "themes", "organisations", "people")]
    lists += [(t, key) for t in v.themes for key in ("related", "glossary")]
    lists += [(g, "themes") for g in v.glossary]
    for entry, key in lists:
        seen: set[str] = set()
        for i, value in enumerate(getattr(entry.model, key)):
            if value in seen:
                loc = (*entry.where, key, i)
                problems.error(entry.source.path, entry.source.line(loc), field_name(loc), f"「{value}」が重複しています")
            seen.add(value)
    for label, key, entries in (("全国地方公共団体コード", "code", v.municipalities), ("テーマ名", "name", v.themes)):
        owners: dict[str, Entry[Any]] = {}
        ids: set[str] = set()
        for entry in entries:
            value = getattr(entry.model, key)
            if value in owners and entry.model.id not in ids:  # a duplicated id is already reported
                first = f"{owners[value].source.path}:{owners[value].line(key)}"
                problems.error(entry.source.path, entry.line(key), key, f"{label}「{value}」は {first} でも使われています")
            owners.setdefault(value, entry)
            ids.add(entry.model.id)
    for t in v.themes:
        if t.model.id in t.model.related:
            i = t.model.related.index(t.model.id)
            problems.error(t.source.path, t.line("related", i), f"related[{i}]", "テーマ自身を関連テーマにはできません")


def earliest(date: str) -> datetime.date:
    """First day a partial date (YYYY, YYYY-MM, YYYY-MM-DD) can mean."""
    parts = [int(p) for p in date.split("-")] + [1, 1]
    return datetime.date(parts[0], parts[1], parts[2])


def _check_dates(v: Validated, today: datetime.date, problems: Problems) -> None:
    """A publication date or population date in the future is a typo; a future event is only suspicious."""
    for a in v.articles:
        if a.model.date and earliest(a.model.date) > today:
            problems.error(a.source.path, a.line("date"), "date", f"掲載日 {a.model.date} が未来の日付です(今日は {today.isoformat()})")
        for i, ev in enumerate(a.model.events):
            if earliest(ev.date) > today:
                problems.warning(a.source.path, a.line("events", i, "date"), f"events[{i}].date",
                                 f"日付 {ev.date} は未来です(予定なら本文にそう書かれているか確認してください)")
        if a.model.added and earliest(a.model.added) > today:
            problems.error(a.source.path, a.line("added"), "added", f"追加日 {a.model.added} が未来の日付です(今日は {today.isoformat()})")
    for e, reviewed in _reviewed(v):
        if earliest(reviewed) > today:
            problems.error(e.source.path, e.line("reviewed"), "reviewed", f"確認日 {reviewed} が未来の日付です(今日は {today.isoformat()})")
    for m in v.municipalities:
        pop = m.model.population
        if pop is not None and pop.as_of and earliest(pop.as_of) > today:
            problems.error(m.source.path, m.line("population", "as_of"), "population.as_of",
                           f"人口の時点 {pop.as_of} が未来の日付です(今日は {today.isoformat()})")


def _reviewed(v: Validated) -> list[tuple[Entry[Any], str]]:
    """The articles, bodies and themes that record a ``reviewed`` date, with it."""
    entries: list[Entry[Any]] = [*v.articles, *v.municipalities, *v.themes]
    return [(e, e.model.reviewed) for e in entries if e.model.reviewed]


def _check_review(v: Validated, today: datetime.date, problems: Problems) -> None:
    """An entry whose last check is more than ``review.REVIEW_INTERVAL`` before ``today`` is due for a new one: a warning
    of ``check`` only (a build never depends on the day it runs)."""
    for e, reviewed in _reviewed(v):
        if review.day(due := review.due(reviewed)) < today:
            problems.warning(e.source.path, e.line("reviewed"), "reviewed",
                             f"確認日 {reviewed} から 1 年以上たちました(次回確認予定 {due}、今日は {today.isoformat()})。"
                             "出典と照らして内容を確認し、reviewed を更新してください")


def _check_glossary_names(v: Validated, problems: Problems) -> None:
    """A term or alias claimed twice would make tooltips and search ambiguous."""
    owners: Counter[str] = Counter()
    for g in v.glossary:
        for name in {g.model.term, *g.model.aliases}:
            owners[name] += 1
            if owners[name] == 2:
                problems.warning(g.source.path, g.line("term"), field_name((*g.where, "term")),
                                 f"表記「{name}」が複数の用語に使われています")


def sole_municipality(article: schema.Article) -> str | None:
    """The body an item of the article is about when it names none: the article's only body, else nobody."""
    return article.municipalities[0] if len(article.municipalities) == 1 else None


def quote_municipality(q: schema.Quote, article: schema.Article, people: dict[str, schema.Person]) -> str | None:
    """Attribute a quote to the speaker's town when the article covers it, else the article's only town."""
    speaker = people.get(q.speaker)
    if speaker is not None and speaker.municipality in article.municipalities:
        return speaker.municipality
    return sole_municipality(article)


def _check_evidence(v: Validated, problems: Problems) -> None:
    """An article's municipality with no evidence item (key point, quote or event with themes) naming it appears on no
    theme page and in no matrix cell: the article claims nothing about it yet."""
    people = {p.model.id: p.model for p in v.people}
    for a in v.articles:
        art = a.model
        named = {kp.municipality or sole_municipality(art) for kp in art.key_points if kp.themes}
        named |= {e.municipality for e in art.events if e.themes}
        named |= {quote_municipality(q, art, people) for q in art.quotes if q.themes}
        for i, mid in enumerate(art.municipalities):
            if mid not in named:
                problems.warning(a.source.path, a.line("municipalities", i), f"municipalities[{i}]",
                                 f"自治体「{mid}」について、テーマを付けた要点・発言・出来事がありません"
                                 "(根拠を書くか、この記事の自治体から外してください)")


def _check_unused_themes(v: Validated, problems: Problems) -> None:
    """A theme no article uses gives readers an empty page."""
    used = {t for a in v.articles for t in a.model.themes}
    for t in v.themes:
        if t.model.id not in used:
            problems.warning(t.source.path, t.line("id"), "id", f"テーマ「{t.model.name}」を使う記事がありません")


def _strings(data: Any) -> Iterable[str]:
    """Every string value inside a YAML document's data."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)


def _check_synonyms(v: Validated, sources: Sources, problems: Problems) -> None:
    """A synonym group should lead somewhere (one of its words occurs in the content: a warning, which ``--strict`` and
    CI turn into failure), and a word belongs to one group (an error): a reviewer could not tell which it follows."""
    text = "\n".join(loose_key(s) for name, docs in sources.documents.items() if name != "synonyms.yaml"
                     for doc in docs for s in _strings(doc.data))
    first: dict[str, tuple[str, int]] = {}
    for g in v.synonyms:
        keys = [loose_key(w) for w in g.model.words]
        if not any(k and k in text for k in keys):
            shown = "・".join(f"「{w}」" for w in g.model.words)
            problems.warning(g.source.path, g.line("words"), field_name((*g.where, "words")),
                             f"{shown}のどれもハンドブックの内容にありません(検索しても何も見つからない同義語です)")
        for i, (word, key) in enumerate(zip(g.model.words, keys, strict=True)):
            if key in first and first[key] != (g.source.path, g.line("words")):
                path, line = first[key]
                problems.error(g.source.path, g.line("words", i), field_name((*g.where, "words", i)),
                               f"「{word}」はほかの同義語のまとまり({path}:{line})にもあります(1 つにまとめてください)")
            first.setdefault(key, (g.source.path, g.line("words")))


Invalid = dict[str, set[str]]
"""Ids of entities whose file or entry failed its schema, by kind: references to them are not reported again."""


def validate(sources: Sources, problems: Problems, strict: bool = False, today: datetime.date | None = None,
             review_on: datetime.date | None = None) -> Validated:
    """Check each file against its schema, then the whole tree's references; abort (``BuildAborted``) after reporting
    every problem, so the model is only ever built from content that passed. ``review_on``: also warn about entries
    due for review on that day (``check`` only)."""
    v, invalid = check_files(sources, problems)
    check_across(v, sources, invalid, problems, today)
    if review_on is not None:
        _check_review(v, review_on, problems)
    if problems.failed(strict):
        raise BuildAborted(problems)
    return v


def check_files(sources: Sources, problems: Problems) -> tuple[Validated, Invalid]:
    """Each file against its schema: what the model is built from, and the ids that failed."""
    docs = sources.documents
    invalid: Invalid = {k: set() for k in ("municipality", "article", "theme", "glossary", "organisation", "person")}
    v = Validated(
        municipalities=tuple(_folder_entries(docs["municipalities"], schema.Municipality, problems, invalid["municipality"])),
        articles=tuple(_folder_entries(docs["articles"], schema.Article, problems, invalid["article"])),
        themes=tuple(_folder_entries(docs["themes"], schema.Theme, problems, invalid["theme"])),
        glossary=tuple(_list_entries(docs["glossary.yaml"], schema.GlossaryFile, "terms", schema.GlossaryTerm, problems,
                                     invalid["glossary"])),
        organisations=tuple(_list_entries(docs["organisations.yaml"], schema.OrganisationsFile, "organisations",
                                          schema.Organisation, problems, invalid["organisation"])),
        people=tuple(_list_entries(docs["people.yaml"], schema.PeopleFile, "people", schema.Person, problems, invalid["person"])),
        seeds=sources.seeds,
        registry=sources.registry,
        synonyms=tuple(_list_entries(docs["synonyms.yaml"], schema.SynonymsFile, "synonyms", schema.SynonymGroup,
                                     problems, set())),
    )
    _invalid_from_unreadable(sources.unreadable_documents, invalid)
    return v, invalid


def check_across(v: Validated, sources: Sources, invalid: Invalid, problems: Problems,
                 today: datetime.date | None = None) -> None:
    """Everything that needs more than one file: ids, codes against the official list, seeds, paragraphs, quotes,
    references, duplicates, dates and names."""
    for kind, entries in (("自治体", v.municipalities), ("記事", v.articles), ("テーマ", v.themes),
                          ("用語", v.glossary), ("組織", v.organisations), ("人物", v.people)):
        _unique(list(entries), kind, problems)
    for m in v.municipalities:
        _check_municipality(m, sources.registry, problems)
    seen_seeds: dict[str, Entry[schema.Article]] = {}
    for a in v.articles:
        seed = _seed_for(a, sources.seeds, sources.unreadable_seeds, problems)
        if seed is not None:
            _check_article(a, seed, problems)
            if seed.name in seen_seeds:
                other = seen_seeds[seed.name].source.path
                problems.warning(a.source.path, a.line("seed"), "seed", f"{seed.name} は {other} でも使われています")
            seen_seeds[seed.name] = a
    _check_refs(v, invalid, problems)
    _check_duplicates(v, problems)
    _check_dates(v, today or datetime.date.today(), problems)
    _check_glossary_names(v, problems)
    _check_evidence(v, problems)
    _check_unused_themes(v, problems)
    _check_synonyms(v, sources, problems)
