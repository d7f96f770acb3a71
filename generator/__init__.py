"""自治体DXハンドブック generator: content/ + seeds/ → Markdown → MkDocs site."""

from __future__ import annotations

__all__ = ["__version__"]
__version__ = "0.1.0"
