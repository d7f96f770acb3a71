"""Golden tree: the generated Markdown and data of tests/fixtures/mini, byte for byte.

Regenerate after an intended template change with:
    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
and review the diff of tests/golden/ like any other change.
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

from generator.build import generate

GOLDEN = Path(__file__).parent / "golden" / "mini"


def test_generated_tree_matches_golden(mini_root: Path) -> None:
    pages = {p.path: p.data for p in generate(mini_root).pages}
    if os.environ.get("UPDATE_GOLDEN") == "1":
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel, data in pages.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_bytes(data)
    expected = {p.relative_to(GOLDEN).as_posix(): p.read_bytes() for p in GOLDEN.rglob("*") if p.is_file()}
    assert sorted(pages) == sorted(expected), "generated file list differs from tests/golden/mini"
    for rel in sorted(pages):
        if pages[rel] != expected[rel]:
            diff = "\n".join(difflib.unified_diff(
                expected[rel].decode("utf-8", "replace").splitlines(), pages[rel].decode("utf-8", "replace").splitlines(),
                f"golden/{rel}", f"generated/{rel}", lineterm="", n=2))
            raise AssertionError(f"{rel} differs from the golden copy (UPDATE_GOLDEN=1 to accept):\n{diff[:4000]}")
