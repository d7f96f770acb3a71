"""Stage 2, validate: schema per file, then every cross-reference, collecting all problems.

Like mkdocs' config validation, nothing stops at the first error: each check records what it
finds and the build aborts once, after the report, so a contributor fixes everything in one go.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from generator import schema
from generator.errors import Problems
from generator.load import SEEDS_DIR, Registered, SeedText, Sources
from generator.text import normalise_display, squash_space, to_katakana
from generator.yamlio import Located, field_name

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
    "bool_type": "true か false で書いてください",
}

_PATTERN_HINTS = {
    "id": "英小文字・数字・ハイフンだけで書いてください(例: akishima)",
    "code": "6 桁の数字を引用符で囲んで書いてください(例: \"132071\")",
    "sha256": "64 桁の16進数(sha256sum の出力)を書いてください",
}


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


def _message(err: Any) -> str:
    """Japanese text for one pydantic error, with the allowed values where useful."""
    kind = err["type"]
    if kind == "value_error":
        return str(err["ctx"]["error"]) if "ctx" in err else err["msg"]
    text = _PYDANTIC_JA.get(kind, err["msg"])
    if kind == "literal_error" and "ctx" in err:
        text += f"(使える値: {err['ctx'].get('expected', '')})"
    if kind == "string_pattern_mismatch":
        last = next((p for p in reversed(err["loc"]) if isinstance(p, str)), "")
        text = _PATTERN_HINTS.get(last, text)
        if last in ("speaker", "municipality", "organisation", "article") or last.endswith("s"):
            text = _PATTERN_HINTS["id"]
    if "input" in err and kind not in ("missing", "extra_forbidden") and not isinstance(err["input"], dict | list):
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


def _folder_entries(docs: tuple[Located, ...], model: type[M], problems: Problems) -> list[Entry[M]]:
    """One entity per file; its id must equal the file name so URLs and files agree."""
    entries = []
    for doc in docs:
        if not isinstance(doc.data, dict):
            problems.error(doc.path, 1, "(ルート)", "ファイルの中身は項目の集まり(キー: 値)にしてください")
            continue
        item = check_model(model, doc.data, doc, (), problems)
        if item is None:
            continue
        stem = PurePosixPath(doc.path).stem
        if getattr(item, "id") != stem:
            problems.error(doc.path, doc.line(("id",)), "id", f"id「{getattr(item, 'id')}」はファイル名「{stem}」と同じにしてください")
        entries.append(Entry(item, doc, ()))
    return entries


def _list_entries(docs: tuple[Located, ...], wrapper: type[BaseModel], key: str, problems: Problems) -> list[Entry[Any]]:
    """A list file: validate the wrapper, keep each item with its own position."""
    entries: list[Entry[Any]] = []
    for doc in docs:
        parsed = check_model(wrapper, doc.data, doc, (), problems)
        if parsed is None:
            continue
        for i, item in enumerate(getattr(parsed, key)):
            entries.append(Entry(item, doc, (key, i)))
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
    total = sum(int(d) * w for d, w in zip(code[:5], (6, 5, 4, 3, 2)))
    return (11 - total % 11) % 10


def _check_municipality(entry: Entry[schema.Municipality], registry: dict[str, Registered], problems: Problems) -> None:
    """Codes, names and readings must agree with the official list, not with memory."""
    m, path = entry.model, entry.source.path
    if check_digit(m.code) != int(m.code[5]):
        problems.error(path, entry.line("code"), "code", f"全国地方公共団体コード {m.code} の検査数字が正しくありません(正しくは {m.code[:5]}{check_digit(m.code)})")
        return
    official = registry.get(m.code)
    if official is None:
        problems.error(path, entry.line("code"), "code", f"コード {m.code} は全国地方公共団体コードの一覧(data/local-governments.csv)にありません")
        return
    if official.name != m.name:
        problems.error(path, entry.line("name"), "name", f"コード {m.code} は「{official.name}」のものです(書かれた名前: {m.name})")
    if official.prefecture != m.prefecture:
        problems.error(path, entry.line("prefecture"), "prefecture", f"{official.name}の都道府県は「{official.prefecture}」です")
    if to_katakana(m.reading).replace(" ", "") != official.reading:
        problems.error(path, entry.line("reading"), "reading", f"読みが一覧と違います(一覧: {official.reading})")
    expected_kind = "都道府県" if m.code[2:5] == "000" else _kind_from_name(m.name)
    if expected_kind and m.kind != expected_kind:
        problems.error(path, entry.line("kind"), "kind", f"{m.name}の種別は「{expected_kind}」です")


def _kind_from_name(name: str) -> str | None:
    """Infer 市/町/村/特別区 from the official name's suffix."""
    if name.endswith("区") and not name.endswith("市区"):
        return "特別区"
    for suffix in ("市", "町", "村"):
        if name.endswith(suffix):
            return suffix
    return None


def _seed_for(entry: Entry[schema.Article], seeds: dict[str, SeedText], problems: Problems) -> SeedText | None:
    """Resolve the seed name safely: a bare file name inside seeds/, nothing else."""
    a, path = entry.model, entry.source.path
    name = a.seed
    if "/" in name or "\\" in name or name in (".", "..") or name.startswith("~") or re.match(r"^[A-Za-z]:", name):
        problems.error(path, entry.line("seed"), "seed", f"seed には {SEEDS_DIR}/ の中のファイル名だけを書いてください(パスは使えません)")
        return None
    seed = seeds.get(name)
    if seed is None:
        problems.error(path, entry.line("seed"), "seed", f"{SEEDS_DIR}/{name} が見つからないか、読めません")
        return None
    if seed.sha256 != a.sha256:
        problems.error(path, entry.line("sha256"), "sha256",
                       f"{SEEDS_DIR}/{name} の内容が変わっています(現在の sha256: {seed.sha256})。行番号を見直してから sha256 を更新してください")
    return seed


def body_lines(article: schema.Article, seed: SeedText) -> set[int]:
    """Line numbers that are article text: in a body range, not excluded, not blank."""
    wanted = {n for r in article.body for n in range(r.start, r.end + 1)} - set(article.exclude)
    return {n for n in wanted if 1 <= n <= len(seed.lines) and seed.lines[n - 1].strip()}


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

    for i, h in enumerate(a.headings):
        para(("headings", i, "line"), h.line)
        if h.to is not None and h.to < h.line:
            problems.error(path, entry.line("headings", i, "to"), f"headings[{i}].to", "to は line 以降の行にしてください")
    for i, kp in enumerate(a.key_points):
        for j, n in enumerate(kp.paras):
            para(("key_points", i, "paras", j), n)
    for i, q in enumerate(a.quotes):
        if para(("quotes", i, "para"), q.para):
            haystack = squash_space(normalise_display(seed.lines[q.para - 1]))
            if squash_space(normalise_display(q.text)) not in haystack:
                problems.error(path, entry.line("quotes", i, "text"), f"quotes[{i}].text",
                               f"引用文が段落 {q.para} に文字どおり見つかりません(空白以外は原文と同じにしてください)")
    for i, ev in enumerate(a.events):
        if ev.para is not None:
            para(("events", i, "para"), ev.para)


def _check_refs(v: Validated, problems: Problems) -> None:
    """Every id mentioned anywhere must name an entity that exists."""
    ids = {
        "municipality": {e.model.id for e in v.municipalities},
        "theme": {e.model.id for e in v.themes},
        "organisation": {e.model.id for e in v.organisations},
        "person": {e.model.id for e in v.people},
        "glossary": {e.model.id for e in v.glossary},
        "article": {e.model.id for e in v.articles},
    }
    labels = {"municipality": "自治体", "theme": "テーマ", "organisation": "組織", "person": "人物", "glossary": "用語", "article": "記事"}

    def ref(entry: Entry[Any], kind: str, value: str | None, *sub: str | int) -> None:
        if value is not None and value not in ids[kind]:
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
            for j, t in enumerate(kp.themes):
                ref(a, "theme", t, "key_points", i, "themes", j)
            ref(a, "municipality", kp.municipality, "key_points", i, "municipality")
        for i, q in enumerate(art.quotes):
            ref(a, "person", q.speaker, "quotes", i, "speaker")
            for j, t in enumerate(q.themes):
                ref(a, "theme", t, "quotes", i, "themes", j)
        for i, ev in enumerate(art.events):
            ref(a, "municipality", ev.municipality, "events", i, "municipality")
    for t in v.themes:
        for i, r in enumerate(t.model.related):
            ref(t, "theme", r, "related", i)
        for i, g in enumerate(t.model.glossary):
            ref(t, "glossary", g, "glossary", i)
    for g in v.glossary:
        for i, t in enumerate(g.model.themes):
            ref(g, "theme", t, "themes", i)
    for p in v.people:
        ref(p, "municipality", p.model.municipality, "municipality")
        ref(p, "organisation", p.model.organisation, "organisation")


def _check_glossary_names(v: Validated, problems: Problems) -> None:
    """A term or alias claimed twice would make tooltips and search ambiguous."""
    owners: Counter[str] = Counter()
    for g in v.glossary:
        for name in {g.model.term, *g.model.aliases}:
            owners[name] += 1
            if owners[name] == 2:
                problems.warning(g.source.path, g.line("term"), field_name((*g.where, "term")), f"表記「{name}」が複数の用語に使われています")


def _check_unused_themes(v: Validated, problems: Problems) -> None:
    """A theme no article uses gives readers an empty page."""
    used = {t for a in v.articles for t in a.model.themes}
    for t in v.themes:
        if t.model.id not in used:
            problems.warning(t.source.path, t.line("id"), "id", f"テーマ「{t.model.name}」を使う記事がありません")


def validate(sources: Sources, problems: Problems) -> Validated:
    """Check each file against its schema, then the whole tree's references."""
    docs = sources.documents
    v = Validated(
        municipalities=tuple(_folder_entries(docs["municipalities"], schema.Municipality, problems)),
        articles=tuple(_folder_entries(docs["articles"], schema.Article, problems)),
        themes=tuple(_folder_entries(docs["themes"], schema.Theme, problems)),
        glossary=tuple(_list_entries(docs["glossary.yaml"], schema.GlossaryFile, "terms", problems)),
        organisations=tuple(_list_entries(docs["organisations.yaml"], schema.OrganisationsFile, "organisations", problems)),
        people=tuple(_list_entries(docs["people.yaml"], schema.PeopleFile, "people", problems)),
        seeds=sources.seeds,
    )
    for kind, entries in (("自治体", v.municipalities), ("記事", v.articles), ("テーマ", v.themes),
                          ("用語", v.glossary), ("組織", v.organisations), ("人物", v.people)):
        _unique(list(entries), kind, problems)
    for m in v.municipalities:
        _check_municipality(m, sources.registry, problems)
    seen_seeds: dict[str, Entry[schema.Article]] = {}
    for a in v.articles:
        seed = _seed_for(a, sources.seeds, problems)
        if seed is not None:
            _check_article(a, seed, problems)
            if seed.name in seen_seeds:
                problems.warning(a.source.path, a.line("seed"), "seed", f"{seed.name} は {seen_seeds[seed.name].source.path} でも使われています")
            seen_seeds[seed.name] = a
    _check_refs(v, problems)
    _check_glossary_names(v, problems)
    _check_unused_themes(v, problems)
    return v
