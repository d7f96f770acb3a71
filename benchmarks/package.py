"""What readers download besides the site: size of the offline zip, the PDF's bytes and pages, and their build time.

Usage: ``python benchmarks/package.py`` (builds the real handbook in a temporary copy). The last line is
machine-readable:

    RESULT archive_bytes=A archive_files=F pdf_bytes=B pdf_pages=P package_s=T
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from generator.build import build  # noqa: E402
from generator.pages.printview import PDF_NAME  # noqa: E402
from generator.publish.offline import ARCHIVE_NAME, DIST_DIR  # noqa: E402

COPIED = ("content", "seeds", "data", "overrides", "mkdocs.yml")


def pdf_pages(pdf: Path) -> int:
    """Page count as poppler's pdfinfo reads it (0 if there is no PDF or no pdfinfo)."""
    if not pdf.is_file() or shutil.which("pdfinfo") is None:
        return 0
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=False).stdout
    m = re.search(r"^Pages:\s+(\d+)$", info, re.M)
    return int(m.group(1)) if m else 0


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="handbook-package-"))
    try:
        for name in COPIED:
            src = REPO / name
            (shutil.copytree if src.is_dir() else shutil.copy2)(src, work / name)
        (work / "node_modules").symlink_to(REPO / "node_modules", target_is_directory=True)
        generated = build(work)
        archive = work / DIST_DIR / ARCHIVE_NAME
        pdf = work / "site" / PDF_NAME
        with zipfile.ZipFile(archive) as zf:
            files = len(zf.namelist())
        pdf_bytes = pdf.stat().st_size if pdf.is_file() else 0
        pages = pdf_pages(pdf)
        package_s = generated.timings.get("package", 0.0)
        print(f"オフライン版: {archive.stat().st_size:,} バイト({files} ファイル)")
        print(f"PDF: {pdf_bytes:,} バイト、{pages} ページ")
        print(f"オフライン版 + PDF の生成: {package_s:.1f} 秒")
        print(f"RESULT archive_bytes={archive.stat().st_size} archive_files={files} pdf_bytes={pdf_bytes} "
              f"pdf_pages={pages} package_s={package_s:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
