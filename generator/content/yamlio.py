"""Read YAML safely and remember where every value came from.

PyYAML's ``safe_load`` silently keeps the last of two duplicate keys, builds ``datetime`` from
dates and expands aliases (a "billion laughs" document explodes). So the text is composed into
nodes with PyYAML's public ``yaml.compose`` (libyaml's loader where PyYAML has it) and converted
here: duplicate keys, tags, anchors and aliases and excessive nesting are refused with the line
they are on, and every value keeps its line for later messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
import yaml.constructor

from generator.errors import Problems

Path = tuple[str | int, ...]

_STR_TAG = "tag:yaml.org,2002:str"
_INT_TAG = "tag:yaml.org,2002:int"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_SCALAR_TAGS = {_STR_TAG, _INT_TAG, "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null",
                _TIMESTAMP_TAG}
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
MAX_DEPTH = 64
"""Collections nested deeper than this (the file's top counts as one) are refused before composing: libyaml's composer
recurses on the C stack, and a 200 KB file of ``[`` killed the build with a segmentation fault."""
NOT_YAML_TEXT = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters the YAML 1.1 specification does not allow in a document (libyaml lets some through, PyYAML's Python
reader refuses them with their position: such files are read by the latter, so the message is the same everywhere)."""
_FAST_LOADER: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Located:
    """Plain data from one YAML file and the line of every path inside it."""

    path: str
    data: Any
    lines: dict[Path, int] = field(repr=False)

    def line(self, where: Path) -> int:
        """Line of the deepest known ancestor of ``where`` (1 when nothing matches)."""
        for cut in range(len(where), -1, -1):
            if where[:cut] in self.lines:
                return self.lines[where[:cut]]
        return 1


class _Converter:
    """Turns a composed node tree into dicts/lists/scalars, recording the line of every value and reporting, with
    its line, what it refuses."""

    def __init__(self, path: str, problems: Problems) -> None:
        self.path = path
        self.problems = problems
        self.lines: dict[Path, int] = {}
        self.seen: set[int] = set()
        self.constructor = yaml.constructor.SafeConstructor()

    def convert(self, node: yaml.Node, where: Path) -> Any:
        line = self.lines.setdefault(where, node.start_mark.line + 1)
        if id(node) in self.seen:
            message = "YAML のアンカー/エイリアス(& と *)は使えません。値をそのまま書いてください"
            self.problems.error(self.path, line, _dotted(where), message)
            return None
        self.seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, where, line) if node.tag == _MAP_TAG else self._bad_tag(node, where, line)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                return self._bad_tag(node, where, line)
            return [self.convert(item, (*where, i)) for i, item in enumerate(node.value)]
        if not isinstance(node, yaml.ScalarNode) or node.tag not in _SCALAR_TAGS:
            return self._bad_tag(node, where, line)
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode, where: Path, line: int) -> Any:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                self.problems.error(self.path, key_node.start_mark.line + 1, field_name(where),
                                    "キーは単純な文字列にしてください(<< などは使えません)")
                continue
            key = str(key_node.value)
            sub = (*where, key)
            if key in result:
                key_line = key_node.start_mark.line + 1
                first = self.lines.get(sub, key_line)
                self.problems.error(self.path, key_line, _dotted(sub), f"キー「{key}」が重複しています({first} 行目にもあります)")
                continue
            self.lines[sub] = key_node.start_mark.line + 1
            result[key] = self.convert(value_node, sub)
        return result

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        """A scalar as PyYAML builds it, except that a date stays the text as written and an int too long for Python's
        ``int()`` (over 4,300 digits) stays its digits, which the schema then calls too large."""
        if node.tag in (_STR_TAG, _TIMESTAMP_TAG):
            return str(node.value)
        try:
            return self.constructor.construct_object(node, deep=True)
        except ValueError:
            self.constructor = yaml.constructor.SafeConstructor()  # it may keep the node it failed on
            return node.value

    def _bad_tag(self, node: yaml.Node, where: Path, line: int) -> None:
        self.problems.error(self.path, line, field_name(where), f"YAML タグ {node.tag} は使えません(データとして書いてください)")
        return None


def _dotted(where: Path) -> str:
    """Render a path like ``key_points[2].paras`` for messages."""
    out = ""
    for part in where:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


# PyYAML's most common complaints, in words a contributor can act on (the original follows).
_SYNTAX_HINTS = (
    ("mapping values are not allowed", "ここに「キー: 値」は書けません。値に「: 」を含むなら引用符で囲んでください"),
    ("could not find expected ':'", "「キー: 値」の「:」が見つかりません"),
    ("expected ',' or ']'", "[ ] が閉じていません"),
    ("expected ',' or '}'", "{ } が閉じていません"),
    ("found character '\\t'", "タブ文字は使えません。字下げは半角空白にしてください"),
    ("found unexpected end of stream", "引用符が閉じていません"),
    ("found undefined alias", "エイリアス(*)は使えません"),
    ("did not find expected key", "字下げがずれています"),
    ("expected <block end>", "字下げがずれています"),
    ("did not find expected '-' indicator", "リストの字下げがずれています"),
    ("found duplicate anchor", "アンカー(&)は使えません"),
    ("unacceptable character", "YAML に書けない文字(制御文字など)があります。その文字を消してください"),
)


def explain(problem: str) -> str:
    """Japanese first, PyYAML's own words in parentheses for searching."""
    for needle, hint in _SYNTAX_HINTS:
        if needle in problem:
            return f"{hint}({problem})"
    return f"書き方が正しくありません({problem})"


_LONG_LEAD = re.compile(r"^[^\w\"'\n]{20,}", re.M)
"""A line that starts with 20 or more indentation and indicator characters (``-``, ``?``, ``:``, brackets …)."""


def too_deep(text: str) -> int | None:
    """The line where nesting first passes ``MAX_DEPTH``, or None (a syntax error is left for composing to report).

    Block nesting needs indentation or indicators at the start of a line for each level or two, and flow nesting a
    bracket each: a file with fewer than 20 brackets and no line led by 20 such characters nests under 64. Other files
    have their nesting counted on PyYAML's event stream (``yaml.parse``), whose parser keeps its own stack.
    """
    if text.count("[") + text.count("{") < 20 and not _LONG_LEAD.search(text):
        return None
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_loader_for(text)):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark.line + 1 if event.start_mark is not None else 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return None
    return None


def _loader_for(text: str) -> type[yaml.SafeLoader] | type[yaml.CSafeLoader]:
    """libyaml's loader (about 10x faster), but PyYAML's own for text with characters YAML does not allow."""
    return yaml.SafeLoader if NOT_YAML_TEXT.search(text) else _FAST_LOADER


def _compose(text: str) -> yaml.Node | None:
    """Compose with libyaml; on a syntax error, compose again with PyYAML's Python parser, so that the message is
    the same wherever the build runs."""
    try:
        return yaml.compose(text, Loader=_loader_for(text))
    except yaml.YAMLError:
        return yaml.compose(text, Loader=yaml.SafeLoader)


def parse_yaml(text: str, path: str, problems: Problems) -> Located | None:
    """Parse one YAML document; on a syntax error record it and return None."""
    deep = too_deep(text)
    if deep is not None:
        problems.error(path, deep, "(構文)", f"入れ子が深すぎます({MAX_DEPTH} 段まで。リストやキーの入れ子を見直してください)")
        return None
    try:
        node = _compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        if isinstance(exc, yaml.reader.ReaderError) and isinstance(exc.position, int):  # no mark: only where it stopped
            line = text.count("\n", 0, exc.position) + 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        problems.error(path, line, "(構文)", f"YAML として読めません: {explain(problem)}")
        return None
    if node is None:
        problems.error(path, 1, "(ルート)", "ファイルが空です")
        return None
    converter = _Converter(path, problems)
    data = converter.convert(node, ())
    return Located(path, data, converter.lines)


def field_name(where: Path) -> str:
    """Public form of the dotted field path used in diagnostics."""
    return _dotted(where) or "(ルート)"
