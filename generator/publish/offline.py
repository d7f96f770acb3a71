"""Stage after MkDocs: the offline copy (a zip in ``dist/`` and in the site) and the PDF that the top page offers.

The offline copy is a second MkDocs build of the same Markdown with Material's offline plugin on
and without ``site_url`` and the edit links: no canonical links to the hosted site, search index inlined as a
script (no copy sets ``repo_url``: Material would fetch the repository's stars from api.github.com on every page).
The iframe-worker shim that makes search run from file:// comes from node_modules (never unpkg.com), and the PDF is printed from
the offline copy's print view, so printing needs no server and no network either.
"""

from __future__ import annotations

import os
import shutil
import sys
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.pages.paths import html_of
from generator.pages.printview import PDF_NAME, PRINT_PAGE
from generator.pages.render import OFFLINE_ZIP
from generator.pages.write import new_folder
from generator.publish.pdf import print_to_pdf

DIST_DIR = Path("dist")
ARCHIVE_NAME = OFFLINE_ZIP
ARCHIVE_ROOT = "jichitai-dx-handbook"
SHIM_SOURCE = Path("node_modules/iframe-worker/shim/index.js")
SHIM_TARGET = "assets/javascripts/iframe-worker/shim.js"
OFFLINE_ENV = {"HANDBOOK_OFFLINE": "true", "HANDBOOK_SITE_URL": "", "HANDBOOK_REPO_URL": "", "HANDBOOK_EDIT_URI": ""}
NOT_OFFLINE = ("sitemap.xml", "sitemap.xml.gz")
"""Without site_url the sitemap has no entries; it is of no use from file://."""
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

SiteBuilder = Callable[[Path, Mapping[str, str]], object]
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Packaged:
    """What the packaging step produced, for progress output and tests."""

    archive: Path
    archive_bytes: int
    pdf_bytes: int


def install_shim(root: Path, site: Path) -> bool:
    """Copy iframe-worker's shim (mkdocs.yml lists it in extra.polyfills) from node_modules into a built site."""
    source = root / SHIM_SOURCE
    if not source.is_file():
        return False
    target = site / SHIM_TARGET
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return True


def write_archive(site: Path, archive: Path) -> int:
    """Zip ``site`` under one top folder, entries sorted and timestamps fixed, so equal input gives equal bytes."""
    archive.parent.mkdir(parents=True, exist_ok=True)
    partial = archive.with_name(archive.name + ".part")
    files = sorted(p for p in site.rglob("*") if p.is_file())
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
            for path in files:
                info = zipfile.ZipInfo(f"{ARCHIVE_ROOT}/{path.relative_to(site).as_posix()}", date_time=ZIP_TIME)
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, path.read_bytes())
        os.replace(partial, archive)
    finally:  # a full disk or an interrupted build leaves no half-written archive behind
        partial.unlink(missing_ok=True)
    return archive.stat().st_size


def _warn(message: str) -> None:
    """Skipped outputs are reported even when progress output is off (CI, --quiet)."""
    print(f"[handbook] {message}", file=sys.stderr, flush=True)


def package(root: Path, site: Path, build_site: SiteBuilder, progress: Progress) -> Packaged:
    """Build the offline copy next to the hosted ``site``, print the PDF into both, and zip the offline copy.

    A PDF that cannot be printed raises ``pdf.PdfFailed`` before the archive is written: the build fails and
    neither ``site/`` nor ``dist/`` changes.
    """
    offline = new_folder(root, ".site-offline-")
    try:
        build_site(offline, OFFLINE_ENV)
        if not (root / SHIM_SOURCE).is_file():
            _warn(f"{SHIM_SOURCE} がありません(npm ci を実行してください)。file:// からの検索が動きません。")
        pdf = print_to_pdf(offline / html_of(PRINT_PAGE), offline / PDF_NAME)
        shutil.copyfile(pdf, site / PDF_NAME)
        pdf_bytes = pdf.stat().st_size
        progress(f"PDF: {PDF_NAME} ({pdf_bytes / 1_000_000:.1f} MB)")
        for name in NOT_OFFLINE:
            (offline / name).unlink(missing_ok=True)
        archive = root / DIST_DIR / ARCHIVE_NAME
        size = write_archive(offline, archive)
        shutil.copyfile(archive, site / ARCHIVE_NAME)  # トップ and the open-data page link it, as they link the PDF
        progress(f"オフライン版: {archive.relative_to(root)} ({size / 1_000_000:.1f} MB)")
        return Packaged(archive, size, pdf_bytes)
    finally:
        shutil.rmtree(offline, ignore_errors=True)
