"""Diagnostics: every problem is collected with file, line and field, then reported once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem a contributor can fix: ``path:line: field: message``."""

    path: str
    line: int
    field: str
    message: str
    severity: Severity = "error"

    def format(self) -> str:
        """Render in the one-line form editors and CI logs can jump to."""
        prefix = "" if self.severity == "error" else "警告: "
        return f"{self.path}:{self.line}: {self.field}: {prefix}{self.message}"


@dataclass
class Problems:
    """A collector passed through the stages so that one run reports every error."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, path: str, line: int, field_name: str, message: str) -> None:
        """Record an error that must stop the build."""
        self.items.append(Diagnostic(path, line, field_name, message, "error"))

    def warning(self, path: str, line: int, field_name: str, message: str) -> None:
        """Record a warning that fails only under ``--strict``."""
        self.items.append(Diagnostic(path, line, field_name, message, "warning"))

    def errors(self) -> list[Diagnostic]:
        """Errors in a stable order, so two runs print the same report."""
        return sorted({d for d in self.items if d.severity == "error"})

    def warnings(self) -> list[Diagnostic]:
        """Warnings in a stable order."""
        return sorted({d for d in self.items if d.severity == "warning"})

    def failed(self, strict: bool = False) -> bool:
        """True when the build must stop (warnings count under strict)."""
        return bool(self.errors()) or (strict and bool(self.warnings()))


class BuildAborted(Exception):
    """Raised after validation when the collected problems forbid rendering."""

    def __init__(self, problems: Problems) -> None:
        super().__init__(f"{len(problems.errors())} error(s)")
        self.problems = problems
