"""``python -m generator draft SEED``: a proposed content/articles/<id>.yaml for a new seed, to be corrected by a person.

``new article --seed`` fills the hash and a body range; everything else (furniture lines, headings, municipalities
and codes, quotes and speakers, dated events, themes) a contributor had to find line by line. Here the rules of
``draft_structure`` and ``draft_text`` propose them and ``draft_yaml`` writes each value with a ``# 提案:`` comment
saying why, so that the contributor corrects a proposal instead of starting from line numbers. What only a person can write (the summary,
the key points, each event's wording) is left empty, so that ``python -m generator check`` names those fields.
"""

from __future__ import annotations

import hashlib
import re
import sys
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
from generator.tools.draft_text import author_of, dates, mentions, quotes
from generator.tools.draft_yaml import Draft, Place, render

OFFICE_AFTER = re.compile(r"^(?:の)?\s*(?:副?(?:知事|市長|町長|村長|区長)|CDO|CIO|役場|役所|[都道府県]庁|議会|職員|"
                          r"[^\s、。「」の]{0,10}?(?:部|課|室|担当))")
"""What follows a body's name when the article is about that body's own people: its head, council, staff, a section."""
SUBJECT_MIN = 3
"""The body named most often is a subject when it is named at least this often."""
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
    found_dates = tuple(dates(lines, body))
    cited = {p.line for p in found} | {e.line for e in found_dates}
    line_themes = {n: [tid for tid, _, _ in theme_counts(norm(lines[n - 1]), k)][:2] for n in sorted(cited)}
    return Draft(seed, hashlib.sha256(raw).hexdigest(), tuple(lines), s, tuple(places(lines, s, body, k)), tuple(found),
                 speakers, found_dates, tuple(theme_counts(plain, k)), line_themes, tuple(organisations(plain, k)),
                 people, publisher, author, date)


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
    yaml_text = render(make_draft(seed, raw, text, k), ident, url)
    if stdout:
        sys.stdout.write(yaml_text)
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8") as fh:  # "x": a file that appeared meanwhile is not overwritten either
        fh.write(yaml_text)
    print(f"作成しました: {rel}\n「# 提案:」の値を原文と照らして直し、summary と events の text を書いてから "
          "`python -m generator check` を実行してください。", file=sys.stderr)
    return 0

