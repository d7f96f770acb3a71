"""Field reference for contributors, generated from the schema's ``Field`` descriptions.

CONTRIBUTING.md holds the output between two markers; ``python -m generator schema-docs
--write`` refreshes it and ``--check`` (run by the tests) fails when it is out of date, so a
schema field can never exist without being documented.
"""

from __future__ import annotations

import sys
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from generator.content.schema import FILE_KINDS, FOLDER_KINDS, SLUG_RE, Strict

START = "<!-- schema-docs:start (python -m generator schema-docs --write で生成。手で編集しないでください) -->"
END = "<!-- schema-docs:end -->"
CONTRIBUTING = "CONTRIBUTING.md"

FILES = {
    "municipalities": "content/municipalities/<id>.yaml(自治体。1 ファイル 1 自治体)",
    "articles": "content/articles/<id>.yaml(記事。1 ファイル 1 記事)",
    "themes": "content/themes/<id>.yaml(テーマ。1 ファイル 1 テーマ)",
    "glossary.yaml": "content/glossary.yaml(用語集)",
    "organisations.yaml": "content/organisations.yaml(組織)",
    "people.yaml": "content/people.yaml(人物)",
    "synonyms.yaml": "content/synonyms.yaml(検索の同義語。なくてもよい)",
}


def _is_slug(metadata: list[Any]) -> bool:
    """True when the constraints are those of an id (``schema.Slug``)."""
    return any(getattr(m, "pattern", None) == SLUG_RE for m in metadata)


def _inner(annotation: Any) -> tuple[Any, bool]:
    """Strip ``X | None`` and ``Annotated``; report whether None is allowed."""
    nullable = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            base, *extra = typing.get_args(annotation)
            annotation = _SlugType if any(_is_slug(getattr(e, "metadata", [])) for e in extra) else base
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            nullable = nullable or len(args) < len(typing.get_args(annotation))
            annotation = args[0]
        else:
            return annotation, nullable


class _SlugType:
    """Marker for an id-typed value in labels."""


def type_label(annotation: Any, metadata: list[Any] | None = None) -> str:
    """A contributor-facing name for a field's type."""
    inner, nullable = _inner(annotation)
    if inner is str and _is_slug(metadata or []):
        inner = _SlugType
    origin = typing.get_origin(inner)
    if origin is list:
        label = f"{type_label(typing.get_args(inner)[0])}のリスト"
    elif origin is Literal:
        label = "次のどれか: " + " / ".join(str(v) for v in typing.get_args(inner))
    elif isinstance(inner, type) and issubclass(inner, BaseModel):
        label = "項目の集まり(続く行を参照)"
    else:
        label = {str: "文字列", int: "整数", bool: "true / false", _SlugType: "id"}.get(inner, str(inner))
    return label + "(null 可)" if nullable else label


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The nested model behind a field (directly or as list items), if any."""
    inner, _ = _inner(annotation)
    if typing.get_origin(inner) is list:
        inner, _ = _inner(typing.get_args(inner)[0])
    return inner if isinstance(inner, type) and issubclass(inner, BaseModel) else None


def walk(model: type[BaseModel], prefix: str = "") -> Iterator[tuple[str, FieldInfo]]:
    """Every field of a model and of the models nested in it, as (dotted path, info)."""
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        yield path, info
        nested = _model_of(info.annotation)
        if nested is not None:
            many = typing.get_origin(_inner(info.annotation)[0]) is list
            yield from walk(nested, f"{path}[]." if many else f"{path}.")


def _cell(text: str) -> str:
    """Table cells must not break the Markdown table."""
    return text.replace("|", "\\|").replace("\n", " ")


def _table(model: type[Strict]) -> list[str]:
    rows = ["| 項目 | 必須 | 型 | 説明 |", "| --- | --- | --- | --- |"]
    for path, info in walk(model):
        required = "必須" if info.is_required() else "任意"
        rows.append(f"| `{path}` | {required} | {_cell(type_label(info.annotation, info.metadata))} | {_cell(info.description or '')} |")
    return rows


def reference() -> str:
    """The whole field reference as Markdown, one section per file kind."""
    out: list[str] = []
    for key, model in (*FOLDER_KINDS.items(), *FILE_KINDS.items()):
        out += [f"### {FILES[key]}", "", *_table(model), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def splice(document: str, generated: str) -> str:
    """Replace what lies between the markers with ``generated``."""
    head, sep, rest = document.partition(START)
    if not sep or END not in rest:
        raise ValueError(f"{CONTRIBUTING} に目印 {START!r} と {END!r} がありません")
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n\n{generated}\n{END}{tail}"


def run(root: Path, *, write: bool, check: bool) -> int:
    """Print the reference, or update/check it inside CONTRIBUTING.md."""
    generated = reference()
    if not write and not check:
        print(generated, end="")
        return 0
    path = root / CONTRIBUTING
    current = path.read_text(encoding="utf-8")
    try:
        wanted = splice(current, generated)
    except ValueError as exc:
        print(f"{CONTRIBUTING}:1: (項目一覧): {exc}", file=sys.stderr)
        return 1
    if wanted == current:
        return 0
    if check:
        line = current[: current.index(START)].count("\n") + 1
        print(f"{CONTRIBUTING}:{line}: (項目一覧): 項目一覧が schema.py と一致しません。"
              "python -m generator schema-docs --write で更新してください", file=sys.stderr)
        return 1
    path.write_text(wanted, encoding="utf-8")
    print(f"更新しました: {CONTRIBUTING}", file=sys.stderr)
    return 0
