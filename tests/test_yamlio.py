"""Reading YAML (generator/yamlio.py): data first, lines only when a message needs them."""

from __future__ import annotations

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
