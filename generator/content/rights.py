"""The licences a source article can carry, and what each lets the handbook publish of it.

A source's body is republished only under a licence that allows reuse. Without one (``unknown``, the default) the
article page holds what 著作権法 第32条 (引用) allows: attribution, the handbook's own summary and key points, and
short, marked quotes that stay subordinate to that text (``QUOTE_MAX``, ``quoted_within_limit``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

LicenceId = Literal["unknown", "CC-BY-4.0", "PDL-1.0", "政府標準利用規約-2.0", "permission"]

QUOTE_MAX = 150
"""The longest quote, in characters: a sentence or two, never a passage."""


@dataclass(frozen=True)
class Licence:
    """A licence as the pages name it; ``url`` is its text where one text applies to every work under it."""

    id: str
    name: str
    url: str | None
    reuse: bool
    """Whether the handbook may republish the body (with attribution and a note that it was edited)."""


LICENCES: dict[str, Licence] = {
    "unknown": Licence("unknown", "不明(転載の許諾なし)", None, False),
    "CC-BY-4.0": Licence("CC-BY-4.0", "クリエイティブ・コモンズ 表示 4.0 国際(CC BY 4.0)",
                         "https://creativecommons.org/licenses/by/4.0/legalcode.ja", True),
    "PDL-1.0": Licence("PDL-1.0", "公共データ利用規約(第1.0版)(PDL1.0)",
                       "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0", True),
    "政府標準利用規約-2.0": Licence("政府標準利用規約-2.0", "政府標準利用規約(第2.0版)", None, True),
    "permission": Licence("permission", "権利者の許諾", None, True),
}
assert tuple(LICENCES) == get_args(LicenceId), "LICENCES and LicenceId must list the same licences"


def own_characters(summary: str, key_points: list[str]) -> int:
    """The handbook's own text about an article: its summary and key points."""
    return len(summary) + sum(len(text) for text in key_points)


def quoted_within_limit(quotes: list[str], summary: str, key_points: list[str]) -> bool:
    """Quotes stay subordinate: fewer quoted characters than the handbook's own text about the article."""
    return sum(len(q) for q in quotes) < own_characters(summary, key_points)
