"""``python -m generator draft SEED``: a proposed content/articles/<id>.yaml for a new seed, to be corrected by a person.

``new article --seed`` fills the hash and a body range; everything else (furniture lines, headings, municipalities
and codes, quotes and speakers, dated events, themes) a contributor had to find line by line. Here the rules of
``draft_structure`` and ``draft_text`` propose them, each value with a ``# 提案:`` comment saying why, so that the
contributor corrects a proposal instead of starting from line numbers. What only a person can write (the summary,
the key points, each event's wording) is left empty, so that ``python -m generator check`` names those fields.
"""

from __future__ import annotations

import hashlib
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from generator.content.load import CONTENT_DIR, SEEDS_DIR, Registered, decode, inside, load_registry, read_checked
from generator.content.schema import SLUG_RE, url_problem
from generator.content.text import normalise_display
from generator.errors import Problems, visible
from generator.tools.draft_structure import Structure, norm, structure
from generator.tools.draft_text import DateProposal, QuoteProposal, author_of, dates, mentions, quotes
from generator.tools.new import q

OFFICE_AFTER = re.compile(r"^(?:の)?\s*(?:副?(?:知事|市長|町長|村長|区長)|CDO|CIO|役場|役所|[都道府県]庁|議会|職員|"
                          r"[^\s、。「」の]{0,10}?(?:部|課|室|担当))")
"""What follows a body's name when the article is about that body's own people: its head, council, staff, a section."""
SUBJECT_MIN = 3
"""The body named most often is a subject when it is named at least this often."""
_UNSAFE = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\x85\u2028\u2029]")
"""Characters a YAML reader refuses or reads as a line break: written as \\uXXXX inside a double-quoted scalar."""


def yq(value: str) -> str:
    """``new.q`` (a JSON string, which is a YAML double-quoted scalar) with what YAML would refuse or break escaped."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", q(value))


def note(text: str, limit: int = 60) -> str:
    """Seed text for a ``#`` comment: one visible line (a comment ends at any line break), cut to ``limit``."""
    flat = visible(re.sub(r"[\r\n\x85\u2028\u2029]", " ", text)).strip()
    return flat if len(flat) <= limit else flat[:limit] + "…"


# --- what the handbook already knows ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Known:
    """People, themes, glossary terms, organisations and municipality pages of content/, and the code list."""

    registry: dict[str, Registered]
    page_of: dict[str, str]
    """Municipality id by 団体コード (content/municipalities/*.yaml)."""
    people: list[dict[str, Any]] = field(default_factory=list)
    themes: list[dict[str, Any]] = field(default_factory=list)
    glossary: list[dict[str, Any]] = field(default_factory=list)
    organisations: list[dict[str, Any]] = field(default_factory=list)

    @cached_property
    def terms(self) -> dict[str, list[str]]:
        """``_terms`` once per run (a long seed asks it for every quote and event)."""
        return _terms(self)


def _yaml(path: Path) -> Any:
    """A content file's data, or None when it cannot be read (check reports it; the draft does without it)."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None


def _items(data: Any, key: str) -> list[dict[str, Any]]:
    return [x for x in (data or {}).get(key) or [] if isinstance(x, dict)] if isinstance(data, dict) else []


def known(root: Path) -> Known:
    """Read what the proposals are matched against."""
    content = root / CONTENT_DIR
    pages: dict[str, str] = {}
    for path in sorted((content / "municipalities").glob("*.yaml")):
        data = _yaml(path)
        if isinstance(data, dict) and isinstance(data.get("code"), str) and isinstance(data.get("id"), str):
            pages[data["code"]] = data["id"]
    themes = [d for p in sorted((content / "themes").glob("*.yaml")) if isinstance(d := _yaml(p), dict)]
    return Known(load_registry(root, Problems()), pages, _items(_yaml(content / "people.yaml"), "people"), themes,
                 _items(_yaml(content / "glossary.yaml"), "terms"), _items(_yaml(content / "organisations.yaml"), "organisations"))


def _strings(values: Any) -> list[str]:
    return [v for v in values if isinstance(v, str) and v] if isinstance(values, list) else []


# --- municipalities --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Place:
    """A local government named in the article: how often, first where, and whether the article is about it."""

    code: str
    name: str
    page: str | None
    count: int
    first: int
    subject: bool
    reason: str


def _name_index(registry: dict[str, Registered]) -> tuple[re.Pattern[str], dict[str, list[Registered]]]:
    """One regex of every official name (longest first, so 大津市 wins over 津市) and the bodies of each name."""
    by_name: dict[str, list[Registered]] = {}
    for r in registry.values():
        by_name.setdefault(r.name, []).append(r)
    names = sorted(by_name, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, names)) if names else "(?!)"), by_name


def places(lines: Sequence[str], s: Structure, body: Sequence[int], k: Known) -> list[Place]:
    """Every local government named in the title or the body, matched against the code list.

    A body is a subject when the title names it, a heading names it, its own head, council, staff or a section of
    it is named (神奈川県知事, 葉山町長, 昭島市 総務部), or it is the body named most often (at least SUBJECT_MIN
    times); otherwise it is merely mentioned. A name shared by several bodies is read as the one whose prefecture
    is written right before it, else as the one in a prefecture the article names."""
    pattern, by_name = _name_index(k.registry)
    numbered = ([s.title] if s.title else []) + list(body)
    headings = {h.line for h in s.headings} | {h.to for h in s.headings if h.to}
    found: list[tuple[int, Registered, bool]] = []
    texts = {n: norm(lines[n - 1]) for n in numbered}
    prefectures = {m.group() for t in texts.values() for m in pattern.finditer(t) if m.group().endswith(("都", "道", "府", "県"))}
    for n in numbered:
        text = texts[n]
        for m in pattern.finditer(text):
            bodies = by_name[m.group()]
            chosen = next((b for b in bodies if text[:m.start()].endswith(b.prefecture)), None) \
                or next((b for b in bodies if b.prefecture in prefectures), bodies[0])
            found.append((n, chosen, OFFICE_AFTER.match(text[m.end():]) is not None))
    counts = Counter(r.code for _, r, _ in found)
    top = counts.most_common(1)[0] if counts else None
    out: list[Place] = []
    for code in dict.fromkeys(r.code for _, r, _ in found):
        hits = [(n, office) for n, r, office in found if r.code == code]
        reg = k.registry[code]
        if s.title in {n for n, _ in hits}:
            subject, reason = True, "題名に出てくる"
        elif any(n in headings for n, _ in hits):
            subject, reason = True, "見出しに出てくる"
        elif any(office for _, office in hits):
            subject, reason = True, "首長・議会・職員・部署とともに出てくる"
        elif top is not None and top[0] == code and top[1] >= SUBJECT_MIN:
            subject, reason = True, "最も多く名前が出る自治体"
        else:
            subject, reason = False, "名前が出るだけ"
        body_hits = [n for n, _ in hits if n != s.title] or [hits[0][0]]
        out.append(Place(code, reg.name, k.page_of.get(code), len(hits), body_hits[0], subject, reason))
    return out


# --- people, themes, organisations -----------------------------------------------------------------------------------
def resolve(name: str | None, k: Known, text: str) -> str | None:
    """The people.yaml id of a name as written (full name, surname only, or with a title before it), or None.

    Several matches: the one whose full name the article writes."""
    if not name:
        return None
    candidates = [p for p in k.people if isinstance(p.get("name"), str) and isinstance(p.get("id"), str) and p["name"]
                  and (p["name"] == name or p["name"].startswith(name) or (len(p["name"]) >= 2 and name.endswith(p["name"])))]
    candidates.sort(key=lambda p: (p["name"] != name, p["name"] not in text))
    return candidates[0]["id"] if candidates else None


def _terms(k: Known) -> dict[str, list[str]]:
    """Words that point to each theme: its name and aliases, and its glossary terms and their aliases. A word that
    points to several themes (DX) tells nothing about which: it is left out."""
    terms: dict[str, list[str]] = {}
    glossary = {g.get("id"): [g.get("term"), *_strings(g.get("aliases"))] for g in k.glossary}
    for t in k.themes:
        if isinstance(t.get("id"), str):
            words = [t.get("name"), *_strings(t.get("aliases"))]
            words += [w for gid in _strings(t.get("glossary")) for w in glossary.get(gid, [])]
            terms[t["id"]] = [norm(w) for w in words if isinstance(w, str) and len(w) >= 2]
    for g in k.glossary:
        for tid in _strings(g.get("themes")):
            words = [g.get("term"), *_strings(g.get("aliases"))]
            terms.setdefault(tid, []).extend(norm(w) for w in words if isinstance(w, str) and len(w) >= 2)
    owners = Counter(w for words in terms.values() for w in set(words))
    return {tid: sorted(w for w in set(words) if owners[w] == 1) for tid, words in terms.items()}


def theme_counts(text: str, k: Known) -> list[tuple[str, int, list[str]]]:
    """Themes whose words occur in ``text``, most often first: (id, count, the words found)."""
    out = []
    for tid, words in k.terms.items():
        hits = [w for w in words if w in text]
        count = sum(text.count(w) for w in hits)
        if count:
            out.append((tid, count, hits))
    return sorted(out, key=lambda x: (-x[1], x[0]))


def organisations(text: str, k: Known) -> list[tuple[str, str]]:
    """Organisations of organisations.yaml named in ``text``: (id, the name found)."""
    out = []
    for o in k.organisations:
        names = [n for n in [o.get("name"), *_strings(o.get("aliases"))] if isinstance(n, str) and len(n) >= 2]
        hit = next((n for n in names if norm(n) in text), None)
        if hit and isinstance(o.get("id"), str):
            out.append((o["id"], hit))
    return out


# --- the draft -------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Draft:
    """Every proposal for one seed (what the YAML is written from, and what tests measure)."""

    seed: str
    sha256: str
    lines: tuple[str, ...]
    structure: Structure
    places: tuple[Place, ...]
    quotes: tuple[QuoteProposal, ...]
    speakers: tuple[str | None, ...]
    """The people.yaml id of each quote's speaker (None: not in people.yaml)."""
    dates: tuple[DateProposal, ...]
    themes: tuple[tuple[str, int, list[str]], ...]
    organisations: tuple[tuple[str, str], ...]
    people: tuple[str, ...]
    publisher: tuple[str, int] | None
    author: tuple[str, int] | None
    date: tuple[str, int] | None


def body_numbers(lines: Sequence[str], s: Structure) -> list[int]:
    """Non-blank, non-furniture lines of the proposed body."""
    flagged = {f.line for f in s.furniture}
    return [n for n in range(s.start, s.end + 1) if lines[n - 1].strip() and n not in flagged]


def _meta(lines: Sequence[str], s: Structure) -> tuple[tuple[str, int] | None, tuple[str, int] | None, tuple[str, int] | None]:
    """Publisher, author and date when the page states them around the body (else None): a 『誌名』 line, a byline
    or 「…編集部」 line or the name under 「この記事の著者」, and a date line (2024.12.27) of the header."""
    publisher = author = date = None
    around = list(s.header) + list(s.footer)
    for n in around:
        text = norm(lines[n - 1])
        if publisher is None and (m := re.search(r"『([^』]{1,40})』", text)) and not re.search(r"。", text):
            publisher = (text.strip("()"), n)
        if author is None and (re.fullmatch(r"[^\s。]{1,20}編集部", text) or re.fullmatch(r"[((](?:本誌|文|取材)[/:].{1,30}[))]", text)):
            author = (text, n)
        if date is None and n in s.header and (m := re.fullmatch(r"(\d{4})[./](\d{1,2})[./](\d{1,2})", text)):
            date = (f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}", n)
    for i, n in enumerate(s.footer):
        if author is None and norm(lines[n - 1]) == "この記事の著者":
            after = [m for m in s.footer[i + 1:] if norm(lines[m - 1]) not in ("", "-")]
            if after:
                author = (re.sub(r"[((][^))]*[))]$", "", norm(lines[after[0] - 1])).strip(), after[0])
    return publisher, author, date


def make_draft(seed: str, raw: bytes, text: str, k: Known) -> Draft:
    """Run every rule on one decoded seed."""
    lines = text.split("\n")
    s = structure(lines)
    body = body_numbers(lines, s)
    plain = "\n".join(norm(lines[n - 1]) for n in body)
    everything = "\n".join(normalise_display(line) for line in lines)
    writer = author_of(lines, body)
    ids: dict[str | None, str | None] = {}

    def person(name: str | None) -> str | None:
        if name not in ids:
            ids[name] = resolve(name, k, everything)
        return ids[name]

    found = quotes(lines, body, lambda name: person(name) is not None, writer[2] if writer else None)
    speakers = tuple(person(p.speaker) for p in found)
    mentioned = [person(m.name) for m in mentions(lines, body)]
    people = tuple(dict.fromkeys(p for p in [*speakers, *mentioned] if p))
    publisher, author, date = _meta(lines, s)
    if author is None and writer is not None:
        author = (writer[0], writer[1])
    return Draft(seed, hashlib.sha256(raw).hexdigest(), tuple(lines), s, tuple(places(lines, s, body, k)), tuple(found),
                 speakers, tuple(dates(lines, body)), tuple(theme_counts(plain, k)), tuple(organisations(plain, k)),
                 people, publisher, author, date)


def _line_themes(d: Draft, n: int, k: Known, limit: int = 2) -> list[str]:
    """The themes whose words occur in line ``n``, at most ``limit``, for a quote's or an event's ``themes``."""
    return [tid for tid, _, _ in theme_counts(norm(d.lines[n - 1]), k)][:limit]


def _list(items: Sequence[str], indent: str = "  ") -> str:
    return "".join(f"{indent}- {item}\n" for item in items)


def render(d: Draft, ident: str, url: str | None, k: Known) -> str:
    """The draft as YAML: real schema fields, each proposal with a ``# 提案:`` comment; seed text only as data."""
    s, lines = d.structure, d.lines
    title = norm(lines[s.title - 1]) if s.title else ""
    subjects = [p for p in d.places if p.subject]
    pages = [p for p in subjects if p.page]
    out = [
        f"# 記事の下書き: python -m generator draft {note(d.seed)} が作りました。",
        "# 「# 提案:」の付いた値は機械の提案です。seed の原文と照らして直し、違うものは消してください。",
        "# summary・key_points・events の text は人が書く項目です(空のままでは check が通りません)。",
        "# ファイル名と id は、記事の内容が分かる英小文字の名前に変えてください(例: akishima-enterprisezine)。",
        f"id: {ident}",
        f"seed: {yq(d.seed)}",
        f"sha256: {yq(d.sha256)}",
        f"# 提案: 行 {s.title}(本文の前で、飾り行でない最も長い行)" if s.title else "# 題名が見つかりませんでした",
        f"title: {yq(title)}",
    ]
    for key, found, why in (("publisher", d.publisher, "誌名『』のある行"), ("author", d.author, "署名・著者の行、または筆者の自己紹介"),
                            ("date", d.date, "本文の前の日付の行")):
        out += [f"# 提案: 行 {found[1]}({why})", f"{key}: {yq(found[0])}"] if found else [f"{key}: null  # 記事に書かれていなければ null"]
    out += [f"url: {yq(url)}" if url else "url: null  # 元記事の URL(--url で書き込めます)",
            "# 人が書く: 記事の要約(2〜4 文)。記事に書かれていないことは書かない",
            'summary: ""',
            "# 提案: 最初の段落(またはその直前の見出し)から、フッター(署名・共有ボタンなど)の前まで",
            "body:", f"  - start: {s.start}", f"    end: {s.end}"]
    inside = [f for f in s.furniture if s.start <= f.line <= s.end]
    out.append("exclude:" + ("" if inside else " []"))
    out += [f"  - {f.line}  # 提案: {note(f.reason)}「{note(lines[f.line - 1], 30)}」" for f in inside]
    outside = [f for f in s.furniture if not s.start <= f.line <= s.end]
    if outside:
        out.append("# 本文の外の飾り行(参考): " + "、".join(f"{f.line}({note(f.reason, 20)})" for f in outside[:30]))
    out.append("headings:" + ("" if s.headings else " []"))
    for h in s.headings:
        out.append(f"  - line: {h.line}  # 提案: {note(h.reason)}「{note(norm(lines[h.line - 1]), 30)}」")
        if h.to:
            out.append(f"    to: {h.to}")
        out.append(f"    level: {h.level}")
    out.append("municipalities:" + ("" if pages else " []"))
    out += [f"  - {p.page}  # 提案: {p.name}({p.code})。{p.reason}。{p.count} 回、最初は行 {p.first}" for p in pages]
    for p in subjects:
        if not p.page:
            out.append(f"# 提案: {p.name}({p.code})も主な対象です({p.reason}、{p.count} 回)。自治体ページがないので "
                       f"`python -m generator new municipality <id> --code {p.code}` で作ってから、ここに id を加えてください")
    others = [p for p in d.places if not p.subject]
    if others:
        out.append("# 名前が出るだけの自治体(主な対象ではないと判断): "
                   + "、".join(f"{p.name}({p.code}、{p.count} 回、最初は行 {p.first})" for p in others))
    themes = [t for t in d.themes][:8]
    out.append("themes:" + ("" if themes else " []  # 1 つ以上必要です(content/themes/ の id)"))
    out += [f"  - {tid}  # 提案: 「{note('」「'.join(words[:3]), 40)}」が {count} 回" for tid, count, words in themes]
    out.append("organisations:" + ("" if d.organisations else " []"))
    out += [f"  - {oid}  # 提案: 「{note(name, 30)}」" for oid, name in d.organisations]
    out.append("people:" + ("" if d.people else " []"))
    out += [f"  - {pid}  # 提案: 本文に名前が出る(people.yaml)" for pid in d.people]
    out.append("# 人が書く: 要点(記事の主張をハンドブックの言葉で)。見出しを骨組みにしてください:")
    out += [f"#   行 {h.line}: {note(norm(lines[h.line - 1]), 40)}" for h in s.headings]
    out.append("#   - text: 要点を書く\n#     paras: [段落の行番号]")
    out.append("key_points: []")
    live = [(p, sp) for p, sp in zip(d.quotes, d.speakers, strict=True) if sp]
    out.append("quotes:" + ("" if live else " []"))
    for qp, sp in live:
        out += [f"  # 提案: 行 {qp.line}。{note(qp.reason)}(話者「{note(qp.speaker or '', 20)}」)",
                f"  - text: {yq(qp.text)}", f"    speaker: {sp}", f"    para: {qp.line}"]
        if themes_here := _line_themes(d, qp.line, k):
            out.append("    themes:\n" + _list(themes_here, "      ").rstrip("\n"))
    unknown = [qp for qp, sp in zip(d.quotes, d.speakers, strict=True) if not sp]
    if unknown:
        out.append("# 話者が people.yaml にいない発言の候補(人物を people.yaml に加えてから quotes に移してください):")
        out += [f"#   行 {qp.line}: 話者「{note(qp.speaker or '不明', 20)}」: {note(qp.text, 40)}" for qp in unknown]
    out.append("events:" + ("" if d.dates else " []"))
    for e in d.dates:
        here = [p.page for p in pages if p.page and _named(lines[e.line - 1], p.name)]
        out += [f"  # 提案: 行 {e.line}「{note(e.written, 30)}」: {note(norm(lines[e.line - 1]), 50)}",
                f"  - date: {yq(e.date)}", '    text: ""  # 人が書く: 出来事を短く(原文を写さない)', f"    para: {e.line}"]
        if len(here) == 1 and len(pages) > 1:
            out.append(f"    municipality: {here[0]}")
        if themes_here := _line_themes(d, e.line, k):
            out.append("    themes:\n" + _list(themes_here, "      ").rstrip("\n"))
    out += ["rights:", "  licence: unknown  # 転載の許諾・再利用可能なライセンスを確かめたら書き換える(本文は掲載しない)"]
    return "\n".join(out) + "\n"


def _named(line: str, name: str) -> bool:
    return name in unicodedata.normalize("NFKC", line)


# --- the command -----------------------------------------------------------------------------------------------------
def _fail(path: str, field_name: str, message: str) -> int:
    print(visible(f"{path}:1: {field_name}: {message}"), file=sys.stderr)
    return 1


def default_id(seed: str) -> str:
    """An id from the seed's file name (000_ab5e.txt → draft-000-ab5e): valid, and plainly a name to replace."""
    stem = re.sub(r"[^a-z0-9]+", "-", seed.rsplit(".", 1)[0].lower()).strip("-")[:60]
    return f"draft-{stem}" if stem else "draft"


def _seed_name(root: Path, arg: str) -> str | tuple[str, str]:
    """The file name in seeds/ of the SEED argument (a name, or a path to a file in seeds/, relative to the root)."""
    path = Path(arg)
    if len(path.parts) > 1:
        full = path if path.is_absolute() else root / path
        if full.resolve().parent != (root / SEEDS_DIR).resolve():
            return ("seed", f"seed は {SEEDS_DIR}/ の中に置いてください(seeds/ の外のファイルは使えません)")
        return path.name
    return arg


def draft(root: Path, seed_arg: str, *, url: str | None = None, ident: str | None = None, stdout: bool = False) -> int:
    """Write (or print) the draft of content/articles/<id>.yaml for a seed; never overwrite a file."""
    seed = _seed_name(root, seed_arg)
    ident = ident or default_id(Path(seed_arg).name)
    rel = f"{CONTENT_DIR}/articles/{ident}.yaml"
    if isinstance(seed, tuple):
        return _fail(rel, *seed)
    if not re.fullmatch(SLUG_RE, ident) or len(ident) > 80:
        return _fail(f"{CONTENT_DIR}/articles/", "id", f"識別子「{ident}」は英小文字・数字・ハイフンだけで書いてください(例: akishima)")
    if url is not None and (problem := url_problem(url)) is not None:
        return _fail(rel, "url", problem)
    if not seed.endswith(".txt"):
        return _fail(rel, "seed", "seed ファイルの名前は .txt で終わるようにしてください")
    path = root / SEEDS_DIR / seed
    if not path.is_file() or not inside(root / SEEDS_DIR, path):
        return _fail(rel, "seed", f"{SEEDS_DIR}/{seed} が見つかりません(先に seeds/ に置いてください)")
    target = root / rel
    if not stdout and target.exists():
        return _fail(rel, "id", "このファイルはすでにあります(上書きしません。--id で別の id にするか、--stdout で画面に出してください)")
    problems = Problems()
    raw = read_checked(root, path, problems, within=SEEDS_DIR)
    text = None if raw is None else decode(raw, f"{SEEDS_DIR}/{seed}", problems)
    if raw is None or text is None:
        return _fail(rel, "seed", f"{SEEDS_DIR}/{seed}: {problems.errors()[0].message}")
    k = known(root)
    yaml_text = render(make_draft(seed, raw, text, k), ident, url, k)
    if stdout:
        sys.stdout.write(yaml_text)
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8") as fh:  # "x": a file that appeared meanwhile is not overwritten either
        fh.write(yaml_text)
    print(f"作成しました: {rel}\n「# 提案:」の値を原文と照らして直し、summary と events の text を書いてから "
          "`python -m generator check` を実行してください。", file=sys.stderr)
    return 0

