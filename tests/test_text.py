"""Text helpers: display normalisation, dates in 西暦 and 和暦, 五十音 sorting."""

from __future__ import annotations

import pytest

from generator.content.text import LOOKALIKE_RANGES, kana_sort_key, normalise_display, seireki, wareki


def test_kangxi_radicals_become_ordinary_kanji() -> None:
    assert normalise_display("6⽉ 佐藤が磐梯町⻑に初当選、窓⼝、最⾼") == "6月 佐藤が磐梯町長に初当選、窓口、最高"


def test_roman_numeral_letters_become_latin() -> None:
    assert normalise_display("生成AⅠ と ⅤUCA") == "生成AI と VUCA"


def test_circled_numbers_and_fullwidth_are_kept() -> None:
    assert normalise_display("①②③ ＤＸ ﾃﾞｼﾞﾀﾙ") == "①②③ ＤＸ ﾃﾞｼﾞﾀﾙ"


@pytest.mark.parametrize(
    ("date", "western", "era"),
    [
        ("2019", "2019年", "平成31年/令和元年"),
        ("2019-04", "2019年4月", "平成31年4月"),
        ("2019-05", "2019年5月", "令和元年5月"),
        ("2020-07-01", "2020年7月1日", "令和2年7月1日"),
        ("2015", "2015年", "平成27年"),
        ("1989-01-07", "1989年1月7日", "昭和64年1月7日"),
        ("1989-01-08", "1989年1月8日", "平成元年1月8日"),
    ],
)
def test_dates_in_both_calendars(date: str, western: str, era: str) -> None:
    assert seireki(date) == western
    assert wareki(date) == era


def test_gojuon_order_mixes_hiragana_and_katakana() -> None:
    readings = ["はやままち", "アキシマシ", "あやせし", "カナガワケン", "バンダイマチ", "いしかわけん"]
    assert sorted(readings, key=kana_sort_key) == ["アキシマシ", "あやせし", "いしかわけん", "カナガワケン", "はやままち", "バンダイマチ"]


def test_no_look_alike_becomes_a_newline() -> None:
    """The model normalises an article's body lines joined by newlines in one call (generator/content/model.py, ``Body``)."""
    for lo, hi in LOOKALIKE_RANGES:
        for code in range(lo, hi + 1):
            assert "\n" not in normalise_display(chr(code)), hex(code)
