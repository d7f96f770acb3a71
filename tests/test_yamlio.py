"""Reading YAML (generator/yamlio.py): data first, lines only when a message needs them."""

from __future__ import annotations

import datetime

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
