"""Reading YAML (generator/yamlio.py): data first, lines only when a message needs them."""

from __future__ import annotations

import datetime
import random
import re
import subprocess
import sys
from pathlib import Path

import yaml

from generator import yamlio
from generator.errors import Problems
from generator.yamlio import parse_yaml

TEXT = "id: a\nthemes:\n  - x\n  - y\nkey_points:\n  - text: 本文\n    paras: [5, 6]\n"


def test_a_clean_file_is_read_without_lines_and_finds_them_when_asked() -> None:
    problems = Problems()
    located = parse_yaml(TEXT, "content/articles/a.yaml", problems)
    assert located is not None and problems.items == []
    assert located.data == {"id": "a", "themes": ["x", "y"], "key_points": [{"text": "本文", "paras": [5, 6]}]}
    assert "lines" not in vars(located)  # nothing recorded while parsing
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


# Scalars each implicit resolver (and none) claims, written plain, quoted and in flow: the cheaper resolver and the
# int shortcut must give exactly what PyYAML's own give.
PROBES = [
    "", "~", "null", "Null", "NULL", "true", "True", "yes", "no", "on", "Off", "y", "n", "0", "7", "012", "0o12", "08",
    "0b101", "0x1F", "-3", "+12", "1_000", "1:20:30", "190:20:30", "1.5", "1e3", "6.8523015e+5", ".inf", "-.Inf",
    ".nan", "2022", "2022-04-01", "2001-12-14t21:59:43.10-05:00", "=", "<<", "!", "&", "*", "自治体", "５", "١٢",
    "12a", "1 2", "-", "- x", "0.", "._", "１２３", "0", "00", "-0", "+0",
]


def _tags(node: yaml.Node) -> list[tuple[str, str]]:
    """Every node's tag and value, depth first."""
    if isinstance(node, yaml.ScalarNode):
        return [(node.tag, node.value)]
    items = [kv for pair in node.value for kv in pair] if isinstance(node, yaml.MappingNode) else node.value
    return [(node.tag, "")] + [tag for item in items for tag in _tags(item)]


def test_the_cheaper_resolver_tags_every_node_as_pyyaml_does() -> None:
    assert yamlio._COMPOSER is not None  # the wheels carry libyaml; without it the build never uses the resolver
    for probe in PROBES:
        for text in (f"k: {probe}\n", f"[{probe}]\n", f"k: '{probe}'\n", f"{{a: [{probe}, {{b: {probe}}}]}}\n",
                     f"- !!str {probe}\n"):
            try:
                expected = _tags(yaml.compose(text, Loader=yaml.CSafeLoader))
            except yaml.YAMLError:
                continue
            assert _tags(yaml.compose(text, Loader=yamlio._COMPOSER)) == expected, text


def test_the_int_shortcut_builds_what_pyyaml_builds() -> None:
    # The second text's ``*`` (in a comment) sends the file through the converter that records lines instead.
    for probe, text in ((p, t) for p in PROBES for t in (f"k: {p}\n", f"k: {p}\n# *\n")):
        problems = Problems()
        located = parse_yaml(text, "content/themes/a.yaml", problems)
        if located is None or problems.items:
            continue
        expected = yaml.load(f"k: {probe}\n", Loader=yaml.CSafeLoader)["k"]
        value = located.data["k"]
        if isinstance(expected, datetime.date):
            expected = probe  # dates stay the text as written
        assert (type(value), value) == (type(expected), expected) or (expected != expected and value != value), text


def _typed(value: object) -> object:
    """A value with every type spelled out: ``True == 1`` and ``1 == 1.0``, but a contributor's data differs."""
    if isinstance(value, dict):
        return ("dict", [(key, _typed(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("list", [_typed(item) for item in value])
    return (type(value).__name__, value)


def _libyaml(text: str) -> object:
    """What the build read before the line reader: libyaml's graph converted, or ``problems`` if anything is refused."""
    if yamlio.too_deep(text) is not None:
        return "problems"
    try:
        node = yamlio._compose(text)
    except yaml.YAMLError:
        return "problems"
    problems = Problems()
    data = None if node is None else yamlio._Converter("a.yaml", problems).convert(node, ())
    return "problems" if node is None or problems.items else _typed(data)


def _line_reader(text: str) -> object:
    try:
        return _typed(yamlio._block(text))
    except yamlio._Refused:
        return "refused"


def test_the_line_reader_reads_block_style_as_libyaml_does() -> None:
    text = ("# 記事\nid: a-1\nthemes:\n- x\n- 'y'\nkey_points:\n  - text: 本文:です #1\n    paras: [] # none\n"
            "    n: 0\n  - text: \"引用\"  # c\nurl:\nyes: no\nwhen: 2024-01-02\nmap: {}\nit: 'it''s'\nz: ~\n")
    assert _line_reader(text) == _libyaml(text)
    assert yamlio._block(text) == {
        "id": "a-1", "themes": ["x", "y"], "key_points": [{"text": "本文:です", "paras": [], "n": 0}, {"text": "引用"}],
        "url": None, "yes": False, "when": "2024-01-02", "map": {}, "it": "it's", "z": None}


# Lines the reader must take apart exactly as libyaml does, or hand over to it: indicators, comments, quotes,
# resolvers' first characters, Japanese text, odd spacing.
VALUES = [*PROBES, "'it''s'", "'a' #c", "'a'#c", '"d"', '"a\\"b"', '"a\\nb"', "''", '""', "[]", "{}", "[ ]", "[] #c",
          "{}#c", "[a]", "{a: 1}", "&x a", "*x", "!!str 1", "|", ">", "a: b", "a:b", "a #b", "a#b", "a:", "a :",
          "本文 です", "全角　空白", "x  ", "-x", "?x", ":x", "%x", "@x", "`x", "#c", "'open", '"open', "a, b", "a]",
          "{", "1 #c", "12#c", "0#c", "[]#c", "2017-05", "12:30", "a'b", 'a"b', "¥100", "\u3000x", "x\xa0", "0 ",
          "[]  ", "\x07", "x\u2028y"]
KEYS = ["a", "b", "id", "on", "null", "k-1", "_x", "<<", "? a", '"q"', "a b", "キー", "1"]
TAME_KEYS = ["id", "title", "themes", "key_points", "paras", "k-1", "_x", "on"]
TAME_VALUES = ["本文です。", "lg-010006", "0", "42", "2017-05", "'2024-01-02'", '"010006"', "[]", "null", "x y", "a:b"]


def _key(rng: random.Random) -> str:
    return rng.choice(KEYS if rng.random() < 0.1 else TAME_KEYS)


def _value(rng: random.Random) -> str:
    return rng.choice(VALUES if rng.random() < 0.15 else TAME_VALUES)


def _collection(rng: random.Random, indent: int, depth: int, mapping: bool = False) -> list[str]:
    """Lines of a random block mapping or list at ``indent``, nested up to three deep (lists hold mappings, as in
    content/; a list in a list comes from the broken lines)."""
    pad, lines = " " * indent, []
    if mapping or rng.random() < 0.5:
        for key in {_key(rng) for _ in range(rng.randint(1, 3))}:
            if depth < 3 and rng.random() < 0.4:
                lines.append(f"{pad}{key}:")
                lines += _collection(rng, indent + rng.choice((0, 1, 2, 4)), depth + 1)
            else:
                lines.append(f"{pad}{key}: {_value(rng)}")
        return lines
    for _ in range(rng.randint(1, 3)):
        dash = rng.choice(("- ", "- ", "-   "))
        if depth < 3 and rng.random() < 0.5:
            inner = _collection(rng, indent + len(dash), depth + 1, mapping=True)
            lines += [f"{pad}{dash}{inner[0].lstrip(' ')}", *inner[1:]]
        else:
            lines.append(f"{pad}{dash}{_value(rng)}")
    return lines


def _random_document(rng: random.Random) -> str:
    """A random block-style document, often with one line broken: a line moved, swapped or added."""
    lines = _collection(rng, rng.choice((0, 0, 2)), 0)
    if rng.random() < 0.5:
        at, key, value = rng.randrange(len(lines) + 1), _key(rng), _value(rng)
        pad = " " * rng.choice((0, 1, 2, 3, 4, 6))
        lines.insert(at, rng.choice((f"{pad}{key}: {value}", f"{pad}{key}:", f"{pad}- {value}", f"{pad}-",
                                     f"{pad}# {value}", "", f"{pad}{value}", "---", f"{pad}- - {value}",
                                     f"{pad}{key}: {value} # c", f"{pad}{lines[min(at, len(lines) - 1)]}")))
    return "\n".join(lines) + rng.choice(("\n", "\n", "\n", "", "\n\n", "\r\n", "\t"))


def test_whatever_the_line_reader_returns_is_what_libyaml_builds() -> None:
    rng = random.Random(20261122)
    read = 0
    for _ in range(6000):
        text = _random_document(rng)
        got = _line_reader(text)
        if got != "refused":
            read += 1
            assert got == _libyaml(text), text
    assert read > 1500  # the comparison covers documents the reader takes, not only ones it hands over


def test_the_line_reader_hands_over_what_it_does_not_read() -> None:
    for text in ("a: 1\n  b: 2\n", "a: 1\na: 2\n", "- a\nb: 1\n", "a: |\n  x\n", "a: x\n  y\n", "a: &x 1\nb: *x\n",
                 "a: [1]\n", "a:\n\tb: 1\n", "a: 'x\n  y'\n", "", "# only\n", "a: 1\n---\nb: 2\n", "- - x\n",
                 "a: \"x\\ty\"\n", "a: b: c\n", "<<: {}\n"):
        assert _line_reader(text) == "refused", text


def test_a_long_line_that_the_reader_gives_back_is_not_backtracked_for_ever() -> None:
    # In a process of its own with a generous limit: a pattern that backtracks exponentially hangs rather than fails.
    code = (
        "from generator import yamlio\n"
        "for tail in (':', ' #c', '  ', ': x'):\n"
        "    try:\n"
        "        print(type(yamlio._block('k: ' + 'ab c' * 5000 + tail + '\\n')['k']).__name__)\n"
        "    except yamlio._Refused:\n"
        "        print('refused')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True,
                          cwd=Path(__file__).resolve().parent.parent)
    assert done.stdout.split() == ["refused", "str", "str", "refused"]


def test_the_line_readers_one_scan_refuses_what_the_two_sets_refused() -> None:
    """``_NOT_PLAIN`` is PyYAML's ``Reader.NON_PRINTABLE`` plus ``_AWKWARD``, in one character class, at every code point."""
    every = "".join(map(chr, range(0x110000)))
    before = {m.start() for m in re.finditer("[" + yamlio._AWKWARD + "]", every)}
    before |= {m.start() for m in yaml.reader.Reader.NON_PRINTABLE.finditer(every)}
    assert {m.start() for m in yamlio._NOT_PLAIN.finditer(every)} == before
    assert len(before) > 2048  # the surrogates alone


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
