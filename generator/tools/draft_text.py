"""Quotes, speakers and dates in a seed's body, for ``python -m generator draft``.

General rules of Japanese news writing, not of one site: a spoken passage is a 「…」 followed by と(話した…), a
(…氏) or the end of the sentence; its speaker is named by 氏/さん or a title (知事, 町長…) in the same sentence, or
was the last person named before it. Dates are 西暦 or 和暦, with 年度, 年/月/日 and ranges; a line starting with
「N月」 under a year alone (2019年) is that year's month, as in a timeline.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from generator.content.rights import QUOTE_MAX
from generator.content.schema import check_partial_date
from generator.content.text import normalise_display

LOOKBACK = 50
"""Mentions looked back at for a speaker: the last person named is never far before the quotation."""
QUOTE_MIN = 12
"""A bracketed phrase shorter than this is a term or a title (「正解」), not a spoken passage."""
KANJI = r"[一-龥々〆ヶ\u3400-\u4dbf\uf900-\ufaff]"
HONORIFIC = re.compile(rf"({KANJI}{{1,6}})(?:氏|さん)")
TITLED = re.compile(rf"({KANJI}{{2,6}})・[^、。「」]{{1,30}}?(?:知事|市長|町長|村長|区長|調整官|教授|代表|会長|社長)")
TITLE_AFTER = re.compile(rf"({KANJI}{{1,3}})(?:副?知事|副?市長|副?町長|副?村長|区長|CDO|CIO)(?=[はがのも、])")
AFTER_PAREN = re.compile(r"^[((]([^))]{1,20})[))]")
AFTER_TO = re.compile(rf"^と、?[^。「」、]{{0,10}}?({KANJI}{{1,6}})(?:氏|さん)")
SPOKEN_NEXT = re.compile(r"^(?:と(?![「『]|は|いう|いった|して|する|なる|題|名付|呼)|[((][^))]{1,20}(?:氏|さん)[))]|(。|$))")
"""What follows a spoken 「…」: と(話した…), but not と「 (A と B), とは, という, と題して; a (…氏); or the end of the
sentence or line (group 1: then the passage must itself be a sentence, with 、 or 。, not a name or a title)."""
SELF_INTRO = re.compile(r"^([^。]{0,50}(?:室|課|部|局|係|担当|マネージャー|職員|記者|編集部|代表|長|員|者)の([^\s、。のはが]{1,8}))です。")
"""A writer introducing themselves: 「(所属・役職)の(名前)です。」, the role ending in 室, 課, 担当, マネージャー…"""
OPINION = re.compile(r"(?:と考えています|と考えます|と思います|と思っています|こそでした|こそです)。")


@dataclass(frozen=True)
class Mention:
    """A person named in the text: where, and the name as written (surname only, or full name)."""

    line: int
    pos: int
    name: str
    titled: bool
    """Named by a title (知事, 町長…) rather than 氏/さん: kept only when it is someone known."""
    role: str | None = None
    """The words that present the person right there (「総務部 デジタル化担当部長の」小林大介氏), if any."""


@dataclass(frozen=True)
class QuoteProposal:
    """A candidate quotation, its line and the name the rules found for its speaker (None: nobody found)."""

    line: int
    text: str
    speaker: str | None
    reason: str
    role: str | None = None
    """The speaker's role as the article presents them (for ``role`` when it differs from people.yaml)."""


@dataclass(frozen=True)
class DateProposal:
    """A date in the schema's form (YYYY, YYYY-MM, YYYY-MM-DD), its line and the words it was read from."""

    line: int
    date: str
    written: str


def mask_quotes(text: str) -> str:
    """``text`` with every 「…」 passage blanked (same length), so names inside a quotation are not its speaker."""
    out, depth = [], 0
    for ch in text:
        if ch == "「":
            depth += 1
        out.append(ch if depth == 0 else " ")
        if ch == "」" and depth:
            depth -= 1
    return "".join(out)


def spans(text: str) -> list[tuple[int, int]]:
    """Outermost 「…」 passages as (start of the text inside, end): nested brackets stay inside."""
    found, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "「":
            if depth == 0:
                start = i + 1
            depth += 1
        elif ch == "」" and depth:
            depth -= 1
            if depth == 0:
                found.append((start, i))
    return found


ROLE_BEFORE = re.compile(r"([^、。「」()()]{2,40})の\s*$")
ROLE_AFTER = re.compile(r"・([^、。「」]{1,30}?(?:知事|市長|町長|村長|区長|調整官|教授|代表|会長|社長))")


def mentions(lines: Sequence[str], numbers: Sequence[int]) -> list[Mention]:
    """Every person named outside quotations in the given lines, in reading order, with the role written with the
    name: the words before 「の」 right before it (デジタル化担当部長の小林大介氏), or after 「・」 (黒岩祐治・神奈川県知事)."""
    out: list[Mention] = []
    for n in numbers:
        text = mask_quotes(normalise_display(lines[n - 1]))
        found: list[tuple[int, str, bool, str | None]] = []
        for m in HONORIFIC.finditer(text):
            before = ROLE_BEFORE.search(text[:m.start()])
            found.append((m.start(), m.group(1), False, before.group(1).strip() if before else None))
        for m in TITLED.finditer(text):
            after = ROLE_AFTER.match(text[m.end(1):])
            found.append((m.start(), m.group(1), True, after.group(1) if after else None))
        found += [(m.start(), m.group(1), True, None) for m in TITLE_AFTER.finditer(text)]
        out.extend(Mention(n, pos, name, titled, role) for pos, name, titled, role in sorted(found, key=lambda f: f[:2]))
    return out


def role_of(name: str, found: Sequence[Mention]) -> str | None:
    """The role written with the first mention of ``name`` (or of a longer name starting with it) that has one."""
    return next((m.role for m in found if m.role and (m.name == name or m.name.startswith(name))), None)


def sentences(text: str) -> list[str]:
    """Split after 。 (outside quotations), keeping the 。."""
    out, current, depth = [], "", 0
    for ch in text:
        current += ch
        depth += ch == "「"
        depth -= ch == "」" and depth > 0
        if ch == "。" and depth == 0:
            out.append(current)
            current = ""
    return out + ([current] if current else [])


def chunks(text: str) -> list[str]:
    """A passage cut into pieces of whole sentences that each fit the quote limit (引用は短く)."""
    parts = [s for s in re.split(r"(?<=[。!?])", text) if s]
    out, current = [], ""
    for part in parts:
        if current and len(current) + len(part) > QUOTE_MAX:
            out.append(current)
            current = ""
        current += part
    if current:
        out.append(current)
    return [c if len(c) <= QUOTE_MAX else c[:QUOTE_MAX].rsplit("、", 1)[0] for c in out]


def _speaker(text: str, masked: str, open_at: int, close_at: int, earlier: list[Mention], line: int,
             known: Callable[[str], bool]) -> tuple[str | None, str]:
    """The name of who says the passage at ``open_at``..``close_at`` of line ``line`` (``text``, and ``masked`` as
    ``mask_quotes`` gives it), and how it was found."""
    after = text[close_at + 1:]
    m = AFTER_PAREN.match(after)
    if m and (m.group(1).endswith(("氏", "さん")) or known(m.group(1))):
        return re.sub(r"(?:氏|さん)$", "", m.group(1)), "直後の(…氏)"
    sentence_start = masked.rfind("。", 0, open_at) + 1
    here = [x for x in earlier if x.line == line and sentence_start <= x.pos < open_at and (not x.titled or known(x.name))]
    if here:
        return here[-1].name, "同じ文の中で「」の前に名前がある"
    m = AFTER_TO.match(after)
    if m:
        return m.group(1), "「」の後の「と…氏」"
    before = [x for x in earlier if (x.line < line or x.pos < open_at) and (not x.titled or known(x.name))]
    if before:
        return before[-1].name, f"その前に最後に名前が出た人(行 {before[-1].line})"
    return None, "話者が見つかりません"


def quotes(lines: Sequence[str], body: Sequence[int], known: Callable[[str], bool],
           author: str | None = None) -> list[QuoteProposal]:
    """Candidate quotations in the body lines (``body``: line numbers, in order).

    A 「…」 passage of QUOTE_MIN characters or more is spoken when what follows it is と (話した, 述べた…), a (…氏),
    or the end of the sentence or of the line when the passage is a sentence itself (it has 、 or 。); one over the
    quote limit is offered in pieces of whole sentences. In a
    first-person article (the first lines say 「…の星です。」), the writer's own sentences of opinion (…と考えています。)
    are the writer's words and are offered too, with the writer as the speaker."""
    found = mentions(lines, body)
    out: list[QuoteProposal] = []
    seen = 0
    for n in body:
        raw = lines[n - 1]
        text = normalise_display(raw)
        while seen < len(found) and found[seen].line <= n:
            seen += 1
        earlier = found[max(0, seen - LOOKBACK):seen]
        masked = mask_quotes(text)
        for start, end in spans(text):
            inner = raw[start:end]
            spoken = SPOKEN_NEXT.match(text[end + 1:].lstrip())
            if len(inner.strip()) < QUOTE_MIN or spoken is None or (spoken.group(1) is not None and not re.search("[、。]", inner)):
                continue
            name, how = _speaker(text, masked, start - 1, end, earlier, n, known)
            role = role_of(name, found) if name else None
            for piece in chunks(inner.strip()):
                out.append(QuoteProposal(n, piece, name, f"「」の発言。話者: {how}", role))
        if author is not None:
            for sentence in sentences(masked):
                if OPINION.search(sentence) and len(sentence.strip()) >= QUOTE_MIN:
                    at = text.find(sentence.strip()[:10])
                    piece = raw[at:at + len(sentence.strip())] if at >= 0 else sentence.strip()
                    out.extend(QuoteProposal(n, p, author, "一人称の記事で、筆者の考えを述べた文") for p in chunks(piece))
    return out


def self_introduction(line: str) -> tuple[str, str] | None:
    """The writer's self-introduction in a line, as (all of it, the name), or None."""
    m = SELF_INTRO.match(normalise_display(line).strip())
    return (m.group(1), m.group(2)) if m else None


def author_of(lines: Sequence[str], body: Sequence[int]) -> tuple[str, int, str] | None:
    """The writer of a first-person article: 「…マネージャーの星です。」 opening one of the first three body lines,
    as (the introduction, its line, the name)."""
    for n in body[:3]:
        found = self_introduction(lines[n - 1])
        if found:
            return found[0], n, found[1]
    return None


# --- dates ----------------------------------------------------------------------------------------------------------
ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925}
WESTERN = re.compile(r"(?<!\d)(\d{4})\s*(?:年(?!代|間)\s*(?:度|(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?)?|\.(\d{1,2})\.(\d{1,2})(?!\d))")
JAPANESE = re.compile(r"(令和|平成|昭和)\s*(\d{1,2}|元)\s*年\s*(度)?(?:\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?)?(?!代)")
MONTH_LINE = re.compile(r"^(\d{1,2})\s*月\s")
YEAR_ONLY = re.compile(r"^(\d{4})\s*年度?$")


def _form(year: int, month: str | None, day: str | None) -> str | None:
    """YYYY, YYYY-MM or YYYY-MM-DD, or None for an impossible or implausible date."""
    if not 1900 <= year <= 2100:
        return None
    value = f"{year:04d}" + (f"-{int(month):02d}" if month else "") + (f"-{int(day):02d}" if month and day else "")
    try:
        check_partial_date(value)
    except ValueError:
        return None
    return value


def dates(lines: Sequence[str], body: Sequence[int]) -> list[DateProposal]:
    """Every date of the body lines, once per line and date, in reading order."""
    out: list[DateProposal] = []
    year: int | None = None
    for n in body:
        text = unicodedata.normalize("NFKC", normalise_display(lines[n - 1])).strip()
        label = YEAR_ONLY.match(text)
        if label:
            year = int(label.group(1))
            continue
        found: dict[str, str] = {}
        month_line = MONTH_LINE.match(text)
        if month_line and year is not None:
            found.setdefault(_form(year, month_line.group(1), None) or "", f"{year}年の下の「{month_line.group(0).strip()}」")
        for m in JAPANESE.finditer(text):
            base = 1 if m.group(2) == "元" else int(m.group(2))
            found.setdefault(_form(ERAS[m.group(1)] + base, m.group(4), m.group(5)) or "", m.group(0))
        for m in WESTERN.finditer(text):
            found.setdefault(_form(int(m.group(1)), m.group(2) or m.group(4), m.group(3) or m.group(5)) or "", m.group(0))
        out.extend(DateProposal(n, value, written) for value, written in found.items() if value)
    return out
