"""The build pauses Python's cyclic garbage collector and always turns it back on (generator/build.py).

Leaving the collector off after a
failed build would make the live preview (a long-running process) leak every cycle it makes.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from generator import build as build_module
from generator.content.load import Sources
from generator.errors import BuildAborted, Problems


def spy_on_validate(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Record whether the collector runs while the build validates."""
    seen: list[bool] = []
    real = build_module.validate

    def validate(sources: Sources, problems: Problems, strict: bool = False, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return real(sources, problems, strict, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(build_module, "validate", validate)
    return seen


def test_paused_while_generating_and_on_again_after(mini_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = spy_on_validate(monkeypatch)
    assert gc.isenabled()
    generated = build_module.build(mini_root, site=False)
    assert seen == [False]
    assert gc.isenabled()
    assert "municipalities/akishima.md" in {p.path for p in generated.pages}
    assert (mini_root / "build" / "docs" / "municipalities" / "akishima.md").is_file()


def test_on_again_after_a_failed_build(mini_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = spy_on_validate(monkeypatch)
    article = next((mini_root / "content" / "articles").glob("*.yaml"))
    article.write_text(article.read_text(encoding="utf-8").replace("themes:", "themes_typo:", 1), encoding="utf-8")
    with pytest.raises(BuildAborted):
        build_module.build(mini_root, site=False)
    assert seen == [False]
    assert gc.isenabled()


def test_a_caller_that_paused_it_keeps_it_paused(mini_root: Path) -> None:
    gc.disable()
    try:
        build_module.generate(mini_root)
        assert not gc.isenabled()
    finally:
        gc.enable()
