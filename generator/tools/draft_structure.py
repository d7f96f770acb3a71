"""Structure of a scraped seed for ``python -m generator draft``: title, body range, furniture lines and headings.

Scraped pages carry site furniture around and inside the article (share buttons, image placeholders, captions,
surveys, related-article lists, contact boxes, bylines). Every rule here is about the *shape* of a line, never about
a particular site or line number, so that it proposes the same thing for a page it has never seen; a person checks
every proposal (each comes with its reason).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# --- line shapes ----------------------------------------------------------------------------------------------------
SENTENCE_END = re.compile(r"[。]")
PROSE_MIN = 20
"""A line of at least this many characters with a 。 is a paragraph of running text (the article itself)."""
HEADING_MAX = 45
"""Headings in these articles are short: a longer line without 。 is a caption, a list or a quote, not a heading."""

FOOTER = [
    (re.compile(r"^この記事は参考になりましたか"), "アンケート(記事の評価)"),
    (re.compile(r"^この記事をシェア"), "共有ボタン"),
    (re.compile(r"^シェアする$"), "共有ボタン"),
    (re.compile(r"^この記事が気に入ったら"), "投げ銭・サポートの案内"),
    (re.compile(r"^この記事の著者$"), "著者紹介"),
    (re.compile(r"^お問い?合わせ(?:先)?$"), "問い合わせ先"),
    (re.compile(r"^アンケート$"), "アンケート"),
    (re.compile(r"^関連記事$"), "関連記事の一覧"),
    (re.compile(r"^[((](?:本誌|文|取材|写真|構成|執筆|記者)\s*[//・:].{1,30}[))]$"), "署名(byline)"),
    (re.compile(r"^(?:文|取材・文|執筆|構成)\s*[/:]\s*\S.{0,30}$"), "署名(byline)"),
]
"""Lines that open the page's footer: the article has ended (a byline closes it too)."""

FURNITURE = [
    (re.compile(r"^\d{4}[./]\d{1,2}[./]\d{1,2}$"), "掲載日"),
    (re.compile(r"^(?:見出し画像|画像\s*\d*|写真\s*\d*|図\s*\d*)$"), "画像の置き換え文字"),
    (re.compile(r"^[^\s。、!?]{1,20}?\d+(?:[-_.]\d+)*$"), "画像の代替テキスト(ファイル名のような短い語と番号)"),
    (re.compile(r"^(?:図|写真|画像|表)\s*\d*[\s:].{1,40}$"), "画像・図の説明"),
    (re.compile(r"^[^。]{1,40}(?:の様子|の模様|の風景)$"), "写真の説明"),
    (re.compile(r"^[<<〈《][^>>〉》]{1,40}[>>〉》]$"), "図の中の見出し(< > で囲まれた短い語)"),
    (re.compile(r"^(?:[•·\-]\s*)?(?:Facebook|Twitter|X|LINE|はてなブックマーク|Pocket|ツイート|シェア)$"), "共有ボタン"),
    (re.compile(r"^[^。]{0,25}(?:はこちら|こちらから)$"), "リンクの案内"),
    (re.compile(r"^(?:[^。]{0,20}(?:会員募集中?|メルマガ)|オススメ!?|おすすめ記事|PR|広告|スポンサー.{0,20})$"), "広告・宣伝"),
    (re.compile(r"^閉じる$"), "画面の操作ボタン"),
    (re.compile(r"^-(?:\s.*)?$"), "関連記事などの箇条書き(- で始まる)"),
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"), "問い合わせ先(メールアドレス)"),
    (re.compile(r"お問い?合わせ(?:ください|は以下|は下記|フォーム)"), "問い合わせ先の案内"),
    (re.compile(r"^この記事は参考になりましたか|^アンケート$|^この記事をシェア"), "アンケート・共有ボタン"),
    (re.compile(r"^[((]『[^』]+』.*[))]$"), "掲載誌"),
]
"""Furniture anywhere on the page, by the shape of the whole line (after NFKC)."""

CAPTION_REASONS = {"画像・図の説明", "写真の説明"}
LIST_MARK = re.compile(r"^(?:[■□●◆◇・•※→]|[①-⑳]|\(?\d{1,2}[.)\s]|\d{1,2}\s|要因\d|第\d+)")
NUMBERED = re.compile(r"^(?:[①-⑳]|\(?\d{1,2}[.)\s]|\d{1,2}\s|要因\d|第\d+|[■□●◆◇])")
YEAR_LABEL = re.compile(r"^(?:\d{4}年度?|(?:令和|平成|昭和)(?:\d{1,2}|元)年度?)$")
NOT_HEADING_START = re.compile(r"^(?:[・•※→\-]|出典)")
BRACKET_LABEL = re.compile(r"^【[^】]+】$")


_NOT_CIRCLED = re.compile("[^\u2460-\u2473]+")


def norm(line: str) -> str:
    """A line as the rules see it: NFKC (full-width letters, Kangxi radicals) but for ①〜⑳, which stay list marks
    (NFKC would make ①デジタル化 a plain 1デジタル化), and stripped."""
    return _NOT_CIRCLED.sub(lambda m: unicodedata.normalize("NFKC", m.group()), line).strip()


def is_prose(text: str) -> bool:
    """Running text: long enough and with a sentence end."""
    return len(text) >= PROSE_MIN and SENTENCE_END.search(text) is not None


def footer_reason(text: str) -> str | None:
    """Why the line opens the footer, or None."""
    return next((reason for rx, reason in FOOTER if rx.search(text)), None)


def furniture_reason(text: str) -> str | None:
    """Why the line is furniture wherever it stands, or None."""
    return footer_reason(text) or next((reason for rx, reason in FURNITURE if rx.search(text)), None)


def heading_like(text: str) -> bool:
    """Short, without a sentence end, not a list bullet or a source note, not a ``label: value`` line."""
    return (0 < len(text) <= HEADING_MAX and "。" not in text and ":" not in text and not text.endswith(("、", ")"))
            and NOT_HEADING_START.match(text) is None)


# --- results --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Flag:
    """A furniture line and why it was flagged."""

    line: int
    reason: str


@dataclass(frozen=True)
class HeadingProposal:
    """A heading line (``to`` when it runs over two lines), its level and why."""

    line: int
    to: int | None
    level: int
    reason: str


@dataclass(frozen=True)
class Structure:
    """What the structure rules propose for one seed."""

    title: int | None
    start: int
    end: int
    furniture: tuple[Flag, ...]
    """Every furniture line of the page; those inside start..end are ``exclude``."""
    headings: tuple[HeadingProposal, ...]
    header: tuple[int, ...]
    """Non-blank lines before the body (title, byline, date…), where publisher/author/date are looked for."""
    footer: tuple[int, ...]


def _captions(texts: list[str], flags: dict[int, str]) -> None:
    """A caption's second line (directly under it, then a blank line) describes the picture too: flag it."""
    for n, reason in list(flags.items()):
        if reason not in CAPTION_REASONS or n >= len(texts):
            continue
        below = texts[n]  # line n + 1
        after = texts[n + 1] if n + 1 < len(texts) else ""
        if below and not after and n + 1 not in flags:
            flags[n + 1] = "画像の説明の続き(説明の直後の行で、次が空行)"


def _first_prose(texts: list[str], flags: dict[int, str]) -> int:
    """The first paragraph of running text (1-based), or 1 when the seed has none."""
    return next((n for n, t in enumerate(texts, 1) if n not in flags and is_prose(t)), 1)


def _start(texts: list[str], flags: dict[int, str], prose: int) -> tuple[int, list[int]]:
    """Body start and the header lines before it.

    The body opens at the first paragraph, or at the line of other text right before it (the first section's
    heading or the article's lead-in), unless that line is the only candidate left for the title."""
    before = [n for n in range(1, prose) if texts[n - 1] and n not in flags]
    if len(before) >= 2 and not is_prose(texts[before[-1] - 1]):
        return before[-1], [n for n in range(1, before[-1]) if texts[n - 1]]
    return prose, [n for n in range(1, prose) if texts[n - 1]]


def _end(texts: list[str], flags: dict[int, str], start: int) -> tuple[int, list[int]]:
    """Body end: the last non-furniture line before the first footer line (or the end of the seed)."""
    footer_at = next((n for n in range(start + 1, len(texts) + 1) if footer_reason(texts[n - 1])), len(texts) + 1)
    end = next((n for n in range(footer_at - 1, start - 1, -1) if texts[n - 1] and n not in flags), start)
    return end, [n for n in range(end + 1, len(texts) + 1) if texts[n - 1]]


def _title(texts: list[str], flags: dict[int, str], header: list[int]) -> int | None:
    """The longest header line that is neither furniture nor prose (a page repeats the site name in shorter lines)."""
    candidates = [n for n in header if n not in flags and not is_prose(texts[n - 1])]
    return max(candidates, key=lambda n: len(texts[n - 1]), default=None)


def _is_list_item(texts: list[str], n: int) -> bool:
    """A numbered or ■ line with another marked line right above or below (no blank line between) is a list item."""
    if LIST_MARK.match(texts[n - 1]) is None:
        return False
    neighbours = [texts[m - 1] for m in (n - 1, n + 1) if 1 <= m <= len(texts)]
    return any(t and LIST_MARK.match(t) for t in neighbours)


def _headings(texts: list[str], flags: dict[int, str], start: int, end: int) -> list[HeadingProposal]:
    """Heading lines of the body.

    A heading is heading-like (short, no 。, not a bullet), not a list item, and stands on its own: when the seed
    separates paragraphs with blank lines it has a blank line (or the body start) above and a blank line below, or
    one more heading-like line and then a blank (a heading broken over two lines). A year alone (2019年) is the
    heading of the timeline under it; numbered headings and years are level 3, the others level 2."""
    blanks = sum(1 for n in range(start, end + 1) if not texts[n - 1])
    spaced = blanks >= (end - start + 1) // 10 and blanks > 0
    out: list[HeadingProposal] = []
    n = start
    while n <= end:
        text = texts[n - 1]
        if not text or n in flags or not heading_like(text) or _is_list_item(texts, n):
            n += 1
            continue
        above = texts[n - 2] if n - 2 >= 0 else ""
        below = texts[n] if n < len(texts) else ""
        below2 = texts[n + 1] if n + 1 < len(texts) else ""
        to = None
        if YEAR_LABEL.match(text):
            reason = "年だけの行(その下の年表の見出し)"
        elif not spaced:
            if n == start or not is_prose(below):
                n += 1
                continue
            reason = "短く句点(。)のない行で、次の行が段落"
        elif (above == "" or n == start) and below == "":
            reason = "前後が空行の、短く句点(。)のない行"
        elif (above == "" or n == start) and below and heading_like(below) and n + 1 <= end and below2 == "" \
                and n + 1 not in flags and not _is_list_item(texts, n + 1):
            to, reason = n + 1, "2 行に分かれた見出し(短い行が 2 行続き、前後が空行)"
        else:
            n += 1
            continue
        numbered = NUMBERED.match(text) is not None or YEAR_LABEL.match(text) is not None
        if BRACKET_LABEL.match(text):
            reason = "【 】で囲まれた見出し"
        out.append(HeadingProposal(n, to, 3 if numbered else 2, reason + ("(番号付きか年: 階層 3)" if numbered else "")))
        n = (to or n) + 1
    return out


def structure(lines: list[str]) -> Structure:
    """Propose the title, body range, furniture and headings of a seed (its lines as ``str.split("\\n")`` gives them)."""
    texts = [norm(line) for line in lines]
    flags = {n: reason for n, t in enumerate(texts, 1) if t and (reason := furniture_reason(t))}
    _captions(texts, flags)
    prose = _first_prose(texts, flags)
    start, header = _start(texts, flags, prose)
    end, footer = _end(texts, flags, start)
    title = _title(texts, flags, header)
    furniture = tuple(Flag(n, reason) for n, reason in sorted(flags.items()))
    return Structure(title, start, end, furniture, tuple(_headings(texts, flags, start, end)), tuple(header), tuple(footer))
