"""Pure text helpers: display normalisation, dates and kana (escaping is generator/escape.py)."""

from __future__ import annotations

import re
import unicodedata

# CJK Radicals Supplement code points that NFKC leaves alone but readers see as the ordinary kanji.
_RADICAL_SUPPLEMENT = {
    "\u2ed1": "長",
    "\u2ec4": "西",
    "\u2ed8": "青",
    "\u2ee8": "麦",
    "\u2eeb": "斉",
    "\u2eed": "歯",
    "\u2ef3": "亀",
    "\u2ea0": "民",
    "\u2e8c": "小",
    "\u2e97": "心",
    "\u2ebc": "肉",
    "\u2ecf": "邑",
}


LOOKALIKE_RANGES = ((0x00A0, 0x00A0), (0x2160, 0x217F), (0x2E80, 0x2EFF), (0x2F00, 0x2FDF))
"""NBSP, Roman numerals, CJK Radicals Supplement and Kangxi radicals: the only code points display normalisation changes."""
LOOKALIKE_CLASS = "[" + "".join(f"{chr(lo)}-{chr(hi)}" if lo != hi else chr(lo) for lo, hi in LOOKALIKE_RANGES) + "]"


def _display_char(ch: str) -> str:
    """Map one look-alike code point to the character readers expect."""
    if ch == "\u00a0":
        return " "
    return _RADICAL_SUPPLEMENT.get(ch) or unicodedata.normalize("NFKC", ch)


_LOOKALIKE_RE = re.compile(LOOKALIKE_CLASS)


def normalise_display(text: str) -> str:
    """Replace Kangxi radicals and Roman-numeral letters only; ①②③ and kana stay as written."""
    return _LOOKALIKE_RE.sub(lambda m: _display_char(m.group(0)), text)


_LOOSE_DROP = re.compile(r"[\s・\-‐‑‒–—―−]+")


def loose_key(text: str) -> str:
    """A text for "does this word occur anywhere" checks: NFKC, lower case, without spaces, 中黒 and hyphens."""
    return _LOOSE_DROP.sub("", unicodedata.normalize("NFKC", normalise_display(text)).lower())


def squash_space(text: str) -> str:
    """Remove all whitespace, for verbatim comparison of quotes that may wrap differently."""
    return re.sub(r"\s+", "", text)


_KATAKANA_SHIFT = ord("ア") - ord("あ")


def to_katakana(text: str) -> str:
    """Fold hiragana to katakana so readings written either way sort together."""
    return "".join(chr(ord(c) + _KATAKANA_SHIFT) if "ぁ" <= c <= "ゖ" else c for c in text)


_SMALL_TO_LARGE = str.maketrans("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ")


def kana_sort_key(reading: str) -> str:
    """五十音順 key as dictionaries sort: voiced marks and small kana count only to break ties."""
    folded = unicodedata.normalize("NFKC", to_katakana(reading)).replace("・", "").replace(" ", "")
    decomposed = unicodedata.normalize("NFD", folded)
    primary = "".join(c for c in decomposed if c not in "\u3099\u309a").translate(_SMALL_TO_LARGE)
    return f"{primary}\x00{decomposed}"


_ERAS = (
    ((2019, 5, 1), "令和", 2018),
    ((1989, 1, 8), "平成", 1988),
    ((1926, 12, 25), "昭和", 1925),
    ((1912, 7, 30), "大正", 1911),
)


def _era_label(year: int, month: int | None, day: int | None) -> str:
    """Era year for a date known to a given precision, with both eras when the change falls inside."""
    start = (year, month or 1, day or 1)
    end = (year, month or 12, day or 31)
    labels = []
    for since, name, offset in _ERAS:
        if end >= since:
            n = year - offset
            labels.append(f"{name}{'元' if n == 1 else n}年")
            if start >= since:
                break
    return "/".join(reversed(labels)) if labels else ""


def wareki(date: str) -> str:
    """Japanese era form of a YYYY[-MM[-DD]] date, e.g. 2019-06 → 令和元年6月."""
    parts = [int(p) for p in date.split("-")]
    year, month, day = parts[0], (parts[1] if len(parts) > 1 else None), (parts[2] if len(parts) > 2 else None)
    label = _era_label(year, month, day)
    if month is not None:
        label += f"{month}月"
    if day is not None:
        label += f"{day}日"
    return label


def seireki(date: str) -> str:
    """Gregorian form of a partial date in Japanese notation, e.g. 2020-07-01 → 2020年7月1日."""
    parts = [int(p) for p in date.split("-")]
    units = ("年", "月", "日")
    return "".join(f"{p}{u}" for p, u in zip(parts, units, strict=False))
