"""Reading YAML (generator/content/yamlio.py): PyYAML's data, with lines, and what it refuses named by line."""

from __future__ import annotations

import datetime

import yaml

from generator.content import yamlio
from generator.content.yamlio import parse_yaml
from generator.errors import Problems

TEXT = "id: a\nthemes:\n  - x\n  - y\nkey_points:\n  - text: 本文\n    paras: [5, 6]\n"


def test_a_clean_file_is_read_with_the_line_of_every_value() -> None:
    problems = Problems()
    located = parse_yaml(TEXT, "content/articles/a.yaml", problems)
    assert located is not None and problems.items == []
    assert located.data == {"id": "a", "themes": ["x", "y"], "key_points": [{"text": "本文", "paras": [5, 6]}]}
    assert located.line(("themes", 1)) == 4
    assert located.line(("key_points", 0, "paras", 1)) == 7
    assert located.line(("key_points", 0, "missing")) == 6  # the deepest known ancestor
    assert located.line(("nowhere",)) == 1


def test_a_refused_file_names_the_true_lines() -> None:
    problems = Problems()
    parse_yaml("id: a\nthemes: &t [x]\nrelated: *t\nid: b\n", "content/themes/a.yaml", problems)
    assert [(p.line, p.field, p.message) for p in problems.items] == [
        (3, "related", "YAML のアンカー/エイリアス(& と *)は使えません。値をそのまま書いてください"),
        (4, "id", "キー「id」が重複しています(1 行目にもあります)"),
    ]


# Scalars each implicit resolver (and none) claims: the reader must give exactly what PyYAML's safe_load gives.
PROBES = [
    "", "~", "null", "Null", "NULL", "true", "True", "yes", "no", "on", "Off", "y", "n", "0", "7", "012", "0o12", "08",
    "0b101", "0x1F", "-3", "+12", "1_000", "1:20:30", "190:20:30", "1.5", "1e3", "6.8523015e+5", ".inf", "-.Inf",
    ".nan", "2022", "2022-04-01", "2001-12-14t21:59:43.10-05:00", "=", "<<", "!", "&", "*", "自治体", "５", "١٢",
    "12a", "1 2", "-", "- x", "0.", "._", "１２３", "0", "00", "-0", "+0",
]


def test_scalars_are_what_pyyaml_builds_but_dates_stay_text() -> None:
    for probe, text in ((p, t) for p in PROBES for t in (f"k: {p}\n", f"k: [{p}]\n")):
        problems = Problems()
        located = parse_yaml(text, "content/themes/a.yaml", problems)
        if located is None or problems.items:
            continue
        expected, value = yaml.load(text, Loader=yaml.CSafeLoader)["k"], located.data["k"]
        if isinstance(expected, list):
            if not expected:
                continue
            expected, value = expected[0], value[0]
        if isinstance(expected, datetime.date):
            expected = probe  # dates stay the text as written
        assert (type(value), value) == (type(expected), expected) or (expected != expected and value != value), text


def test_the_characters_yaml_refuses_are_pyyamls() -> None:
    """``NOT_YAML_TEXT`` (files with such characters go to PyYAML's own reader, which names their line) is PyYAML's
    ``Reader.NON_PRINTABLE``, at every code point."""
    every = "".join(map(chr, range(0x110000)))
    ours = {m.start() for m in yamlio.NOT_YAML_TEXT.finditer(every)}
    assert ours == {m.start() for m in yaml.reader.Reader.NON_PRINTABLE.finditer(every)}
    assert len(ours) > 2048  # the surrogates alone


def test_nesting_past_the_limit_is_refused_with_its_line() -> None:
    problems = Problems()
    text = "a:\n" + "".join(" " * (2 * i) + f"- k{i}:\n" for i in range(1, 70))
    assert parse_yaml(text, "content/themes/a.yaml", problems) is None
    assert [(p.field, p.message) for p in problems.items] == [
        ("(構文)", f"入れ子が深すぎます({yamlio.MAX_DEPTH} 段まで。リストやキーの入れ子を見直してください)")]


def test_a_number_python_will_not_convert_stays_its_digits() -> None:
    """``int()`` refuses over 4,300 digits (a ValueError that ended the build): both readers keep the text instead,
    and the schema then says the number is too large. A scalar after one that failed is built as before."""
    digits = "9" * 5000
    for value in (digits, f"-{digits}", f"1_{digits}", f"+{digits}"):
        for text in (f"a: {value}\nb: 0x1F\n", f"a: [{value}, 7]\nb: 0x1F\n"):
            problems = Problems()
            located = parse_yaml(text, "content/themes/a.yaml", problems)
            assert located is not None and problems.items == []
            a = located.data["a"]
            assert (a if isinstance(a, str) else a[0]) == value and located.data["b"] == 31


def test_a_control_character_is_reported_on_its_line() -> None:
    """PyYAML's reader gives a position, not a mark: the line is counted from it (it used to be line 1)."""
    problems = Problems()
    assert parse_yaml("id: a\nname: b\x01c\n", "content/themes/a.yaml", problems) is None
    assert [(p.line, p.field, p.message) for p in problems.items] == [
        (2, "(構文)", "YAML として読めません: YAML に書けない文字(制御文字など)があります。その文字を消してください"
                    "(unacceptable character #x0001: special characters are not allowed)")]
