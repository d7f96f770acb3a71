"""The printable PDF: headless Chromium prints the single-page print view (print.html).

Chromium is optional for building: without it the site and the offline copy are still built
and the build says that the PDF was skipped, so contributors without a browser are not blocked.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

CHROMIUM_ENV = "HANDBOOK_CHROMIUM"
CHROMIUM_DEFAULT = "/usr/bin/chromium"
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)
PRINT_FLAGS = ("--no-pdf-header-footer", "--generate-pdf-document-outline", "--run-all-compositor-stages-before-draw")
TIMEOUT_S = 180
_PDF_DATE = re.compile(rb"(/(?:CreationDate|ModDate) ?\(D:)(\d{14})")


def pin_dates(pdf: bytes) -> bytes:
    """Replace Chromium's print time with a fixed one (SOURCE_DATE_EPOCH, else 1980-01-01, as in the zip):
    the same handbook then gives the same PDF bytes. The length is unchanged, so the xref offsets stay valid."""
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "315532800"))
    stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(epoch)).encode()
    return _PDF_DATE.sub(lambda m: m.group(1) + stamp, pdf)


@dataclass(frozen=True)
class PdfResult:
    """The PDF written, or why there is none."""

    path: Path | None
    skipped: str = ""


def find_chromium() -> Path | None:
    """Chromium from ``HANDBOOK_CHROMIUM``, else Debian's, else whatever is on PATH."""
    configured = os.environ.get(CHROMIUM_ENV)
    if configured is not None:
        return Path(configured) if configured and Path(configured).is_file() else None
    if Path(CHROMIUM_DEFAULT).is_file():
        return Path(CHROMIUM_DEFAULT)
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return Path(found) if found else None


def print_to_pdf(html: Path, out: Path, chromium: Path | None = None) -> PdfResult:
    """Print ``html`` (opened from file://) to ``out``; never raises for a missing or failing browser."""
    browser = chromium or find_chromium()
    if browser is None:
        return PdfResult(None, "Chromium が見つかりません(HANDBOOK_CHROMIUM で指定できます)")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    with tempfile.TemporaryDirectory(prefix="handbook-chromium-") as profile:
        cmd = [str(browser), *CHROMIUM_FLAGS, *PRINT_FLAGS, f"--user-data-dir={profile}",
               f"--print-to-pdf={partial}", html.resolve().as_uri()]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            partial.unlink(missing_ok=True)
            return PdfResult(None, f"Chromium を実行できませんでした: {exc}")
    if proc.returncode != 0 or not partial.is_file() or partial.stat().st_size == 0:
        partial.unlink(missing_ok=True)
        detail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["出力なし"]
        return PdfResult(None, f"Chromium が PDF を書き出しませんでした(終了コード {proc.returncode}: {detail[0]})")
    partial.write_bytes(pin_dates(partial.read_bytes()))
    os.replace(partial, out)
    return PdfResult(out)
