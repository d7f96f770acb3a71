"""Diagnostics: every problem is collected with file, line and field, then reported once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]

# Characters no field may hold (``schema`` refuses them) and no message may print as they are: in a terminal or a CI
# log they would end the line early, reorder what follows (Trojan Source) or hide inside a name. Each is a regex
# character class body, so ``schema`` builds its checks from the same lists.
CONTROL = "\x00-\x1f\x7f-\x9f"
"""C0 and C1 controls, DEL included (tab and newline too: multi-line text lets those two through itself)."""
NONCHARACTER = "\ufdd0-\ufdef" + "".join(chr(plane + 0xFFFE) + chr(plane + 0xFFFF) for plane in range(0, 0x110000, 0x10000))
"""U+FFFE, U+FFFF and Unicode's other noncharacters: never text."""
SURROGATE = "\ud800-\udfff"
"""Halves of a UTF-16 pair: a lone one cannot even be written as UTF-8."""
BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
"""Marks, embeddings, overrides and isolates that change the order text is shown in."""
ZERO_WIDTH = "\u180e\u200b-\u200d\u2060\ufeff\U000e0000-\U000e007f"
"""Characters that show nothing (tag characters included): a name with one looks like the name without it."""
LINE_SEPARATOR = "\u2028\u2029"
"""Unicode's line and paragraph separators."""
_UNSHOWABLE = re.compile(f"[{CONTROL}{NONCHARACTER}{SURROGATE}{BIDI}{ZERO_WIDTH}{LINE_SEPARATOR}]")


def visible(text: str) -> str:
    """``text`` with every character of the classes above written as ``<U+XXXX>``, so a message is one line that
    shows what it says (a contributor's value, a key or a file name may hold anything)."""
    if _UNSHOWABLE.search(text) is None:
        return text
    return _UNSHOWABLE.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


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
        return visible(f"{self.path}:{self.line}: {self.field}: {prefix}{self.message}")


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


class SettingError(BuildAborted, ValueError):
    """A setting in the environment the build cannot use, reported as ``(環境変数):1: NAME: message`` like a content
    error (the command line prints a ``BuildAborted``'s problems and exits with 1); still a ``ValueError`` for callers."""

    def __init__(self, name: str, message: str) -> None:
        problems = Problems()
        problems.error("(環境変数)", 1, name, message)
        super().__init__(problems)
        self.message = f"{name}: {message}"

    def __str__(self) -> str:
        return self.message
