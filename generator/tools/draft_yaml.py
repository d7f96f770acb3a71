"""The draft of ``python -m generator draft`` as YAML text: real schema fields, every proposal with its reason.

Seed text is hostile data. It reaches a value only as a double-quoted scalar (``yq``: JSON, which is YAML, with what
a YAML reader would refuse or read as a line break escaped) and a comment only through ``note`` (one visible line),
so that no seed line can add a key, end a comment or smuggle a tag, anchor or template into the file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from generator.errors import visible
from generator.tools.draft_structure import Structure, norm
from generator.tools.draft_text import DateProposal, QuoteProposal
from generator.tools.new import q

_UNSAFE = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\x85\u2028\u2029]")
"""Characters a YAML reader refuses or reads as a line break: written as \\uXXXX inside a double-quoted scalar."""
PLACEHOLDER_EVENT = '    text: ""  # 人が書く: 出来事を短く(原文を写さない)'


def yq(value: str) -> str:
    """``new.q`` (a JSON string, which is a YAML double-quoted scalar) with what YAML would refuse or break escaped."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", q(value))


def note(text: str, limit: int = 60) -> str:
    """Seed text for a ``#`` comment: one visible line (a comment ends at any line break), cut to ``limit``."""
    flat = visible(re.sub(r"[\r\n\x85\u2028\u2029]", " ", text)).strip()
    return flat if len(flat) <= limit else flat[:limit] + "…"


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
    """Themes whose words occur in the body, most often first: (id, count, the words found)."""
    line_themes: dict[int, list[str]]
    """The themes of each line a quote or event cites (at most two), for their ``themes``."""
    organisations: tuple[tuple[str, str], ...]
    people: tuple[str, ...]
    publisher: tuple[str, int] | None
    author: tuple[str, int] | None
    date: tuple[str, int] | None


def _themes_of(d: Draft, n: int, indent: str) -> list[str]:
    themes = d.line_themes.get(n, [])
    return [f"{indent}themes:", *(f"{indent}  - {tid}" for tid in themes)] if themes else []


def _head(d: Draft, ident: str, url: str | None) -> list[str]:
    """Comments for the reader, the fixed fields and the attribution proposals."""
    s = d.structure
    out = [
        f"# 記事の下書き: python -m generator draft {note(d.seed)} が作りました。",
        "# 「# 提案:」の付いた値は機械の提案です。seed の原文と照らして直し、違うものは消してください。",
        "# summary・key_points・events の text は人が書く項目です(空のままでは check が通りません)。",
        "# ファイル名と id は、記事の内容が分かる英小文字の名前に変えてください(例: akishima-enterprisezine)。",
        f"id: {ident}",
        f"seed: {yq(d.seed)}",
        f"sha256: {yq(d.sha256)}",
        f"# 提案: 行 {s.title}(本文の前で、飾り行でない最も長い行)" if s.title else "# 題名が見つかりませんでした",
        f"title: {yq(norm(d.lines[s.title - 1]) if s.title else '')}",
    ]
    for key, found, why in (("publisher", d.publisher, "誌名『』のある行"), ("author", d.author, "署名・著者の行、または筆者の自己紹介"),
                            ("date", d.date, "本文の前の日付の行")):
        out += [f"# 提案: 行 {found[1]}({why})", f"{key}: {yq(found[0])}"] if found else [f"{key}: null  # 記事に書かれていなければ null"]
    return [*out, f"url: {yq(url)}" if url else "url: null  # 元記事の URL(--url で書き込めます)",
            "# 人が書く: 記事の要約(2〜4 文)。記事に書かれていないことは書かない", 'summary: ""']


def _structure(d: Draft) -> list[str]:
    """Body range, excluded furniture (furniture outside the body in a comment) and headings."""
    s, lines = d.structure, d.lines
    inside = [f for f in s.furniture if s.start <= f.line <= s.end]
    outside = [f for f in s.furniture if not s.start <= f.line <= s.end]
    out = ["# 提案: 最初の段落(またはその直前の見出し)から、フッター(署名・共有ボタンなど)の前まで",
           "body:", f"  - start: {s.start}", f"    end: {s.end}", "exclude:" + ("" if inside else " []")]
    out += [f"  - {f.line}  # 提案: {note(f.reason)}「{note(lines[f.line - 1], 30)}」" for f in inside]
    if outside:
        out.append("# 本文の外の飾り行(参考): " + "、".join(f"{f.line}({note(f.reason, 20)})" for f in outside[:30]))
    out.append("headings:" + ("" if s.headings else " []"))
    for h in s.headings:
        out.append(f"  - line: {h.line}  # 提案: {note(h.reason)}「{note(norm(lines[h.line - 1]), 30)}」")
        out += [f"    to: {h.to}"] if h.to else []
        out.append(f"    level: {h.level}")
    return out


def _places(d: Draft) -> list[str]:
    """Subject municipalities with a page; the others (no page yet, or merely mentioned) in comments."""
    subjects = [p for p in d.places if p.subject]
    pages = [p for p in subjects if p.page]
    out = ["municipalities:" + ("" if pages else " []")]
    out += [f"  - {p.page}  # 提案: {p.name}({p.code})。{p.reason}。{p.count} 回、最初は行 {p.first}" for p in pages]
    out += [f"# 提案: {p.name}({p.code})も主な対象です({p.reason}、{p.count} 回)。自治体ページがないので "
            f"`python -m generator new municipality <id> --code {p.code}` で作ってから、ここに id を加えてください"
            for p in subjects if not p.page]
    others = [p for p in d.places if not p.subject]
    if others:
        out.append("# 名前が出るだけの自治体(主な対象ではないと判断): "
                   + "、".join(f"{p.name}({p.code}、{p.count} 回、最初は行 {p.first})" for p in others))
    return out


def _references(d: Draft) -> list[str]:
    """Themes (the eight most named), organisations, people, and the key-point skeleton."""
    themes = list(d.themes)[:8]
    out = ["themes:" + ("" if themes else " []  # 1 つ以上必要です(content/themes/ の id)")]
    out += [f"  - {tid}  # 提案: 「{note('」「'.join(words[:3]), 40)}」が {count} 回" for tid, count, words in themes]
    out.append("organisations:" + ("" if d.organisations else " []"))
    out += [f"  - {oid}  # 提案: 「{note(name, 30)}」" for oid, name in d.organisations]
    out.append("people:" + ("" if d.people else " []"))
    out += [f"  - {pid}  # 提案: 本文に名前が出る(people.yaml)" for pid in d.people]
    out.append("# 人が書く: 要点(記事の主張をハンドブックの言葉で)。見出しを骨組みにしてください:")
    out += [f"#   行 {h.line}: {note(norm(d.lines[h.line - 1]), 40)}" for h in d.structure.headings]
    return [*out, "#   - text: 要点を書く", "#     paras: [段落の行番号]", "key_points: []"]


def new_people(unknown: Sequence[QuoteProposal]) -> dict[str, str | None]:
    """Speakers not in people.yaml by their fullest name (石井 is 石井雄也 when both are written), with a role."""
    people: dict[str, str | None] = {}
    for qp in sorted((qp for qp in unknown if qp.speaker), key=lambda qp: -len(qp.speaker or "")):
        name = qp.speaker or ""
        full = next((known for known in people if known.startswith(name)), None)
        if full is None:
            people[name] = qp.role
        elif people[full] is None:
            people[full] = qp.role
    return people


def _quotes(d: Draft) -> list[str]:
    """Quotes whose speaker is in people.yaml; the others, and the people to add, in comments."""
    pairs = list(zip(d.quotes, d.speakers, strict=True))
    live = [(qp, sp) for qp, sp in pairs if sp]
    out = ["quotes:" + ("" if live else " []")]
    for qp, sp in live:
        role = f"、本文の肩書き「{note(qp.role, 30)}」" if qp.role else ""
        out += [f"  # 提案: 行 {qp.line}。{note(qp.reason)}(話者「{note(qp.speaker or '', 20)}」{role})",
                f"  - text: {yq(qp.text)}", f"    speaker: {sp}", f"    para: {qp.line}", *_themes_of(d, qp.line, "    ")]
    unknown = [qp for qp, sp in pairs if not sp]
    if unknown:
        out.append("# 話者が people.yaml にいない発言の候補(人物を people.yaml に加えてから quotes に移してください):")
        out += [f"#   行 {qp.line}: 話者「{note(qp.speaker or '不明', 20)}」: {note(qp.text, 40)}" for qp in unknown]
    people = new_people(unknown)
    if people:
        out.append("# 提案: content/people.yaml に加える人物(id はローマ字で。役職は本文の記載から):")
        for name, role_found in people.items():
            out += ["#   - id: (ローマ字の id)", f"#     name: {note(name, 20)}", f"#     role: {note(role_found or '(本文の肩書き)', 40)}"]
    return out


def _events(d: Draft) -> list[str]:
    """Every date found, its line and words in a comment, the text left for a person; the municipality when the
    article has several and the line names one of them."""
    pages = [p for p in d.places if p.subject and p.page]
    out = ["events:" + ("" if d.dates else " []")]
    for e in d.dates:
        line = unicodedata.normalize("NFKC", d.lines[e.line - 1])
        here = [p.page for p in pages if p.page and p.name in line]
        out += [f"  # 提案: 行 {e.line}「{note(e.written, 30)}」: {note(norm(d.lines[e.line - 1]), 50)}",
                f"  - date: {yq(e.date)}", PLACEHOLDER_EVENT, f"    para: {e.line}"]
        out += [f"    municipality: {here[0]}"] if len(here) == 1 and len(pages) > 1 else []
        out += _themes_of(d, e.line, "    ")
    return out


def render(d: Draft, ident: str, url: str | None) -> str:
    """The draft as YAML, fields in the schema's order."""
    out = [*_head(d, ident, url), *_structure(d), *_places(d), *_references(d), *_quotes(d), *_events(d),
           "rights:", "  licence: unknown  # 転載の許諾・再利用可能なライセンスを確かめたら書き換える(本文は掲載しない)"]
    return "\n".join(out) + "\n"
