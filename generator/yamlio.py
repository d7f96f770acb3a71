"""Read YAML safely and remember where every value came from.

PyYAML's ``safe_load`` silently keeps the last of two duplicate keys, builds ``datetime`` from
dates and expands aliases (a "billion laughs" document explodes). Composing the node graph and
converting it here lets us refuse all of that and keep a line number for each field.
"""

from __future__ import annotations

import functools
import re
import sys
from dataclasses import dataclass, field
from typing import Any

import yaml

from generator.errors import Problems

Path = tuple[str | int, ...]

_STR_TAG = "tag:yaml.org,2002:str"
_INT_TAG = "tag:yaml.org,2002:int"
_SCALAR_TAGS = {
    _STR_TAG,
    _INT_TAG,
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"


@dataclass(frozen=True)
class Located:
    """Plain data from one YAML file; the line of every path inside it is found again when a message needs one."""

    path: str
    data: Any
    text: str = field(repr=False)

    @functools.cached_property
    def lines(self) -> dict[Path, int]:
        """The line of every path, from composing the text again. Only messages need lines: recording them for every
        value of every file was a third of converting the files, and of sending them back from the parsing processes."""
        converter = _Converter(self.path, Problems())
        node = _compose(self.text)
        if node is not None:
            converter.convert(node, ())
        return converter.lines

    def line(self, where: Path) -> int:
        """Line of the deepest known ancestor of ``where`` (1 when nothing matches)."""
        for cut in range(len(where), -1, -1):
            if where[:cut] in self.lines:
                return self.lines[where[:cut]]
        return 1


class _Converter:
    """Turns a composed node tree into dicts/lists/scalars, recording the line of every value and reporting, with
    its line, what it refuses (``_plain`` converts the files that need neither)."""

    def __init__(self, path: str, problems: Problems) -> None:
        self.path = path
        self.problems = problems
        self.lines: dict[Path, int] = {}
        self.seen: set[int] = set()
        self.scalars: list[yaml.SafeLoader] = []

    def convert(self, node: yaml.Node, where: Path) -> Any:
        line = self.lines.setdefault(where, node.start_mark.line + 1)
        if id(node) in self.seen:
            message = "YAML のアンカー/エイリアス(& と *)は使えません。値をそのまま書いてください"
            self.problems.error(self.path, line, _dotted(where), message)
            return None
        self.seen.add(id(node))
        tag = node.tag
        if tag == _STR_TAG and isinstance(node, yaml.ScalarNode):  # most values: the string, as PyYAML would build it
            return node.value
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, where, line)
        if isinstance(node, yaml.SequenceNode):
            if tag != _SEQ_TAG:
                return self._bad_tag(node, where, line)
            return [self.convert(item, (*where, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        if tag not in _SCALAR_TAGS:
            return self._bad_tag(node, where, line)
        return _scalar(node, self.scalars)

    def _mapping(self, node: yaml.MappingNode, where: Path, line: int) -> Any:
        if node.tag != _MAP_TAG:
            return self._bad_tag(node, where, line)
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

    def _bad_tag(self, node: yaml.Node, where: Path, line: int) -> None:
        self.problems.error(self.path, line, field_name(where), f"YAML タグ {node.tag} は使えません(データとして書いてください)")
        return None


class _Refused(Exception):
    """Something ``_plain`` does not convert: the converter that reports it takes over."""


def _plain(node: yaml.Node, scalars: list[yaml.SafeLoader]) -> Any:
    """The data of a node graph with nothing to refuse in it, built without paths, lines or alias bookkeeping.

    Nearly every file is plain strings in plain mappings and lists; ``_Converter`` records where each value is for
    messages that almost never come (a third of the time of converting a national-scale tree). Anything it would
    refuse (a tag, a duplicate or complex key, ``<<``) raises ``_Refused`` instead. Aliases are not seen here:
    ``_parse_yaml`` only calls this for text without ``*``, which every alias needs.
    """
    kind = type(node)
    tag = node.tag
    if kind is yaml.ScalarNode:
        if tag == _STR_TAG:
            return node.value
        if tag not in _SCALAR_TAGS:
            raise _Refused
        return _scalar(node, scalars)
    if kind is yaml.MappingNode and tag == _MAP_TAG:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if type(key_node) is not yaml.ScalarNode or key_node.tag == "tag:yaml.org,2002:merge":
                raise _Refused
            key = sys.intern(str(key_node.value))  # one string per key name: pickled once per share, hashed once
            if key in result:
                raise _Refused
            result[key] = _plain(value_node, scalars)
        return result
    if kind is yaml.SequenceNode and tag == _SEQ_TAG:
        return [_plain(item, scalars) for item in node.value]
    raise _Refused


def _scalar(node: yaml.Node, scalars: list[yaml.SafeLoader]) -> Any:
    """A scalar of an allowed tag other than ``str``, as PyYAML builds it, except that a date stays the text as written;
    ``scalars`` keeps the file's one constructor, made when first needed."""
    if node.tag == _INT_TAG and _decimal(node.value):
        return _int(node.value)
    if node.tag == "tag:yaml.org,2002:timestamp":
        return str(node.value)
    if not scalars:
        scalars.append(yaml.SafeLoader(""))
    try:
        return scalars[0].construct_object(node, deep=True)
    except ValueError:  # an int past Python's limit for int(str) (4,300 digits), signs, ``_`` or base 60 aside
        scalars.clear()  # the constructor may keep the node it failed on: the next scalar gets a fresh one
        return node.value


def _int(digits: str) -> int | str:
    """A decimal int, or its digits as text when Python will not convert that many (over 4,300 by default): the schema
    then says the number is too large, where ``int()`` would have ended the build with a traceback."""
    try:
        return int(digits)
    except ValueError:
        return digits


def _decimal(value: str) -> bool:
    """An int PyYAML would build with plain ``int()``: ASCII digits without a leading zero (line numbers, mostly).

    Its constructor takes a dozen Python steps for each (signs, ``_``, octal, hex, base 60), and a national-scale
    tree has 70,000 of them."""
    return value.isdigit() and value.isascii() and (value[0] != "0" or len(value) == 1)


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


_LIBYAML: type[yaml.CSafeLoader] | None = getattr(yaml, "CSafeLoader", None)
"""PyYAML's libyaml loader, when PyYAML was built with it (the wheels are)."""
MAX_DEPTH = 64
"""Collections nested deeper than this (the file's top counts as one) are refused before composing: libyaml's composer
recurses on the C stack, and a 200 KB file of ``[`` killed the build with a segmentation fault; a few hundred levels
already ended it with a traceback (Python's recursion limit, in the converters and the pure-Python composer)."""
_LONG_LEAD = re.compile(r"^[^\w\"'\n]{20,}", re.M)
"""A line that starts with 20 or more indentation and indicator characters (``-``, ``?``, ``:``, brackets …)."""


def too_deep(text: str) -> int | None:
    """The line where nesting first passes ``MAX_DEPTH``, or None.

    Block nesting needs indentation or indicators at the start of a line for each level or two, and flow nesting a
    bracket each: a file with fewer than 20 brackets and no line led by 20 such characters nests under 64, so only the
    rare other file has its events counted (libyaml's parser keeps its own stack; counting stops at the limit).
    """
    if text.count("[") + text.count("{") < 20 and not _LONG_LEAD.search(text):
        return None
    loader = (_LIBYAML or yaml.SafeLoader)(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark.line + 1 if event.start_mark is not None else 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return None  # composing reports the syntax error
    finally:
        loader.dispose()
    return None


_WILDCARD = tuple(yaml.SafeLoader.yaml_implicit_resolvers.get(None, ()))
_IMPLICIT = {first: (*resolvers, *_WILDCARD)
             for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items() if first is not None}
"""PyYAML's implicit resolvers by a plain scalar's first character, each list followed by those for any character
(``_WILDCARD``), as ``BaseResolver.resolve`` concatenates them on every call (``SafeLoader`` and ``CSafeLoader`` share
``Resolver``'s)."""


def _implicit_tag(value: str) -> str:
    """The tag PyYAML's implicit resolvers give a plain scalar: the first that matches, in PyYAML's order."""
    for tag, regexp in _IMPLICIT.get(value[:1], _WILDCARD):
        if regexp.match(value):
            return tag
    return _STR_TAG


def _resolve(self: Any, kind: type[yaml.Node], value: str, implicit: tuple[bool, bool]) -> str:
    """PyYAML's ``BaseResolver.resolve`` for a loader without path resolvers, in fewer Python steps: the same
    implicit resolvers, tried in the same order (tests/test_yamlio.py compares the two)."""
    if kind is yaml.ScalarNode:
        return _implicit_tag(value) if implicit[0] else _STR_TAG
    return _SEQ_TAG if kind is yaml.SequenceNode else _MAP_TAG


def _no_path(*_: Any) -> None:
    """``descend_resolver``/``ascend_resolver``: they only track paths for path resolvers, which we never add."""


_COMPOSER: type[yaml.CSafeLoader] | None = None if _LIBYAML is None else type(
    "_Composer", (_LIBYAML,), {"resolve": _resolve, "descend_resolver": _no_path, "ascend_resolver": _no_path})
"""libyaml's loader with PyYAML's resolver made cheaper: libyaml calls it back in Python for every node, and the
stock one was a quarter of composing a national-scale tree (570,000 nodes)."""


def _compose(text: str) -> yaml.Node | None:
    """Compose with libyaml (about 10x faster at national scale); on a syntax error, recompose
    with the pure-Python parser so the message is the same wherever the build runs."""
    # libyaml accepts control characters the pure-Python reader refuses: let the latter judge those files.
    if _COMPOSER is not None and not yaml.reader.Reader.NON_PRINTABLE.search(text):
        try:
            return yaml.compose(text, Loader=_COMPOSER)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


_INDICATORS = "-?:,[]{}#&*!|>'\"%@`"
"""Characters that cannot start a plain scalar, or start one only in ways the line reader leaves to libyaml."""
_CLAIMED = "".join(sorted(first for first in _IMPLICIT if first))
"""First characters some implicit resolver looks at: a plain scalar starting with any other is a string."""
_PLAIN_STR = (rf"[^ \n{re.escape(_INDICATORS + _CLAIMED)}]"  # neither an indicator nor a resolver's first character
              r"(?:[^ \n:]++|:(?=[^ \n])| ++(?=[^ \n#]))*+")  # no ': ', no ' #', no trailing ':' or space
"""A plain scalar that is a string as it stands. The runs and the loop are possessive: they never give back what they
took, which only a failed match would ask for (the line then goes to ``_LINE``'s last group). Runs make the scan a
third faster, and without possessiveness a run inside a loop backtracks exponentially on a long line that ends in
``:`` (a test feeds it one)."""
_END = r"(?: +#.*| *)"
"""What may follow a value on its line: spaces, or a comment after at least one."""
_LINE = re.compile(
    r"^( *)(- +)?(?:([A-Za-z_][A-Za-z0-9_-]{0,200}):(?= |$) *)?"  # indentation, a sequence dash, a key
    rf"(?:(0|[1-9][0-9]*){_END}|(\[\]|\{{\}}){_END}|({_PLAIN_STR})|(.*))$",  # a decimal int, [] or {{}}, a plain string, else
    re.M)
"""One line of block YAML, as what its value needs: nothing more, or the general ``_line_scalar``."""
_QUOTED = re.compile(rf"""'((?:[^']|'')*)'{_END}$|"([^"\\\n]*)"{_END}$""")
_AWKWARD = "\t\r\x85\u2028\u2029\ufeff"
"""Tabs, carriage returns, YAML's other line breaks and the byte-order mark: files with them go to libyaml."""
_PLAIN_TEXT = ((0x0A, 0x0A), (0x20, 0x7E), (0xA0, 0x2027), (0x202A, 0xD7FF), (0xE000, 0xFEFE), (0xFF00, 0xFFFD),
               (0x10000, 0x10FFFF))
"""What the line reader reads: the characters PyYAML's reader allows in a document (``Reader.NON_PRINTABLE`` is the
others), less ``_AWKWARD``."""
_NOT_PLAIN = re.compile("[^" + "".join(re.escape(chr(lo)) + ("" if lo == hi else "-" + re.escape(chr(hi)))
                                      for lo, hi in _PLAIN_TEXT) + "]")
"""Any other character: one scan instead of one for each of the two sets (a tenth of reading a file)."""


def _block(text: str) -> Any:
    """The data of a file written in plain block style, read line by line; anything else raises ``_Refused``.

    Every file in content/ is block mappings and lists of one-line scalars, and libyaml spends most of its time
    making a node, two marks and a resolver call back into Python for each value (most of loading a national-scale
    tree). This reads those files 2.5 to 3.5 times faster and hands every other construct (flow
    collections, block scalars, multi-line or escaped scalars, anchors, tags, odd indentation, duplicate keys,
    syntax errors) to libyaml, which reports them as before: tests/test_yamlio.py checks that whatever this
    returns is what libyaml builds, value for value and type for type.
    """
    if _NOT_PLAIN.search(text):
        raise _Refused
    stack: list[tuple[int, Any, bool]] = []  # open collections: (indentation, the collection, is a list)
    pending: tuple[dict[str, Any], str, int] | None = None  # a key with no value yet: its mapping, name, column
    scalars: list[yaml.SafeLoader] = []
    root: Any = None
    for indent, dash, key, number, empty, plain, rest in _LINE.findall(text):
        valued = number or empty or plain or (rest and rest[0] != "#")
        if not dash and not key:
            if valued:
                raise _Refused  # a value alone on its line
            continue  # blank or comment
        column = len(indent)
        if pending is not None:
            parent, name, key_column = pending
            pending = None
            if column > key_column or (dash and column == key_column):  # a list may sit under its key's column
                parent[name] = [] if dash else {}
                stack.append((column, parent[name], bool(dash)))
                if len(stack) > MAX_DEPTH:
                    raise _Refused  # ``too_deep`` reports it
        elif root is None:
            root = [] if dash else {}
            stack.append((column, root, bool(dash)))
        top = stack[-1]
        if dash:
            if top[0] != column:
                top = _close(stack, column, False)
            if not top[2]:
                raise _Refused
            if not key:
                top[1].append(_line_value(number, empty, plain, rest, scalars))
                continue
            mapping: dict[str, Any] = {}
            top[1].append(mapping)
            column += len(dash)
            stack.append((column, mapping, False))
            if len(stack) > MAX_DEPTH:
                raise _Refused
        else:
            if top[0] != column or top[2]:
                top = _close(stack, column, True)
            mapping = top[1]
            if key in mapping:
                raise _Refused  # libyaml's path reports the duplicate
        key = sys.intern(key)
        if valued:
            mapping[key] = _line_value(number, empty, plain, rest, scalars)
        else:
            mapping[key] = None  # null, unless an indented collection follows
            pending = (mapping, key, column)
    if root is None:
        raise _Refused
    return root


def _close(stack: list[tuple[int, Any, bool]], column: int, for_key: bool) -> tuple[int, Any, bool]:
    """Close the collections a line at ``column`` ends (for a key, also a list at its own column) and return the one
    it belongs to."""
    while stack and (stack[-1][0] > column or (for_key and stack[-1][2] and stack[-1][0] == column)):
        stack.pop()
    if not stack or stack[-1][0] != column:
        raise _Refused
    return stack[-1]


def _line_value(number: str, empty: str, plain: str, rest: str, scalars: list[yaml.SafeLoader]) -> Any:
    """A value on one line, from whichever of ``_LINE``'s value groups matched."""
    if plain:
        return plain
    if number:
        return _int(number)
    if empty:
        return [] if empty == "[]" else {}
    return _line_scalar(rest, scalars)


def _line_scalar(value: str, scalars: list[yaml.SafeLoader]) -> Any:
    """A one-line scalar ``_LINE`` did not take apart: quoted, commented, or a plain one a resolver may claim."""
    first = value[:1]
    if not first or first in _INDICATORS:
        quoted = _QUOTED.match(value) if first == "'" or first == '"' else None
        if quoted is None:
            raise _Refused
        single = quoted.group(1)
        return single.replace("''", "'") if single is not None else quoted.group(2)
    cut = value.find(" #")
    value = (value if cut < 0 else value[:cut]).rstrip(" ")
    if ": " in value or value.endswith(":"):
        raise _Refused
    tag = _implicit_tag(value)
    if tag == _STR_TAG:
        return value
    if tag not in _SCALAR_TAGS:  # ``<<``, ``=``: the converter reports them
        raise _Refused
    return _scalar(yaml.ScalarNode(tag, value), scalars)


_memo: dict[str, tuple[str, Located]] | None = None


def remember_parses(enabled: bool = True) -> None:
    """Keep each file's last clean parse: the live preview re-reads every file but parses only edited ones."""
    global _memo
    _memo = {} if enabled else None


def remembering() -> bool:
    """True while parses are kept (the live preview): then nearly every file is a cache hit, cheaper than a fork."""
    return _memo is not None


def parse_yaml(text: str, path: str, problems: Problems) -> Located | None:
    """Parse one YAML document; on a syntax error record it and return None."""
    if _memo is not None and (hit := _memo.get(path)) is not None and hit[0] == text:
        return hit[1]
    before = len(problems.items)
    located = _parse_yaml(text, path, problems)
    if _memo is not None and located is not None and len(problems.items) == before:
        _memo[path] = (text, located)
    return located


def _parse_yaml(text: str, path: str, problems: Problems) -> Located | None:
    try:  # the line reader keeps its own depth under MAX_DEPTH: what it reads needs no ``too_deep`` scan
        return Located(path, _block(text), text)
    except _Refused:
        pass
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
    try:
        if "*" in text:  # an alias may be in the graph: only the converter tells it from a value it meets twice
            raise _Refused
        data = _plain(node, [])
    except _Refused:  # the converter finds what to refuse and says where
        data = _Converter(path, problems).convert(node, ())
    return Located(path, data, text)


def field_name(where: Path) -> str:
    """Public form of the dotted field path used in diagnostics."""
    return _dotted(where) or "(ルート)"
