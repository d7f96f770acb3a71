"""The printable PDF: headless Chromium prints the single-page print view (print.html).

The PDF is part of a full build: when it cannot be made (no Chromium, Chromium fails, hangs or writes nothing)
the build fails with ``PdfFailed`` and the previous site stays. ``--no-package`` skips the PDF and the offline
copy on purpose, for contributors without a browser.

Chromium prints with JavaScript switched off (its content setting, in the throwaway profile): the print view is
HTML and CSS only, so a script in a page (a hostile one included) can neither change what is printed nor keep
the browser busy. ``--blink-settings=scriptEnabled=false`` cannot be used for this: headless Chromium's own
``--print-to-pdf`` then prints nothing and still exits with 0. The browser runs in its own process group, so a
timeout or an interrupted build stops every process it started.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from generator.errors import SettingError

CHROMIUM_ENV = "HANDBOOK_CHROMIUM"
CHROMIUM_DEFAULT = "/usr/bin/chromium"
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
)
PRINT_FLAGS = ("--no-pdf-header-footer", "--generate-pdf-document-outline", "--run-all-compositor-stages-before-draw")
NO_SCRIPT_PREFERENCES = {"profile": {"default_content_setting_values": {"javascript": 2}}}
"""Chromium's own "block JavaScript" content setting (2: block), written into the throwaway profile."""
TIMEOUT_ENV = "HANDBOOK_PDF_TIMEOUT"
TIMEOUT_S = 60
"""Printing the handbook of 2026 (111 pages, 4 MB) takes about 7 s on the 2-core build machine; the print view is
capped at about 4.5 times that much text (printview.MAX_CHARS), about 35 s. ``HANDBOOK_PDF_TIMEOUT`` changes it."""
MISSING = f"Chromium が見つかりません({CHROMIUM_ENV} で指定できます。PDF とオフライン版が要らなければ --no-package を付けてください)"
_PDF_DATE = re.compile(rb"(/(?:CreationDate|ModDate) ?\(D:)(\d{14})")


class PdfFailed(Exception):
    """The PDF could not be printed: the reason, in Japanese, for the build's error message."""


def pin_dates(pdf: bytes) -> bytes:
    """Replace Chromium's print time with a fixed one (SOURCE_DATE_EPOCH, else 1980-01-01, as in the zip):
    the same handbook then gives the same PDF bytes. The length is unchanged, so the xref offsets stay valid."""
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "315532800"))
    stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(epoch)).encode()
    return _PDF_DATE.sub(lambda m: m.group(1) + stamp, pdf)


def find_chromium() -> Path | None:
    """Chromium from ``HANDBOOK_CHROMIUM``, else Debian's, else whatever is on PATH."""
    configured = os.environ.get(CHROMIUM_ENV)
    if configured is not None:
        return Path(configured) if configured and Path(configured).is_file() else None
    if Path(CHROMIUM_DEFAULT).is_file():
        return Path(CHROMIUM_DEFAULT)
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return Path(found) if found else None


def timeout_s() -> float:
    """Seconds Chromium may take: ``HANDBOOK_PDF_TIMEOUT`` (1 to 3600), else ``TIMEOUT_S``."""
    raw = os.environ.get(TIMEOUT_ENV, "").strip()
    if not raw:
        return TIMEOUT_S
    if not re.fullmatch(r"[0-9]{1,4}", raw) or not 1 <= int(raw) <= 3600:
        shown = raw if len(raw) <= 20 else raw[:20] + "…"
        raise SettingError(TIMEOUT_ENV, f"PDF の印刷を待つ秒数は 1 から 3600 までの整数で指定してください(指定された値: {shown})")
    return int(raw)


def check_ready() -> None:
    """Fail before the long steps of a build when the PDF could not be printed at the end of it."""
    timeout_s()
    if find_chromium() is None:
        raise PdfFailed(MISSING)


def _last_line(output: str) -> str:
    """The last line Chromium printed that says something (its D-Bus complaints on a server say nothing)."""
    lines = [line.strip() for line in output.splitlines() if line.strip() and "dbus" not in line]
    return lines[-1][:300] if lines else "メッセージなし"


def _stop(proc: subprocess.Popen[str]) -> None:
    """Kill Chromium and every process it started (its own process group), before it is reaped (so the group's id
    cannot have been reused), then collect what is left of its output, waiting a little at most."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.communicate(timeout=5)
    proc.wait()


def _run(cmd: list[str], timeout: float) -> tuple[int, str]:
    """Run Chromium in a new process group; its exit status and output. Raises ``PdfFailed`` on a timeout, and
    kills the group on any exception (an interrupted build included)."""
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, errors="replace", start_new_session=True)
    except OSError as exc:
        raise PdfFailed(f"Chromium を実行できませんでした({exc.strerror or exc}: {cmd[0]})") from None
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(proc)
        raise PdfFailed(f"Chromium が {timeout:g} 秒以内に PDF を書き出さなかったため、打ち切りました"
                        f"(大きな版では {TIMEOUT_ENV} で秒数を延ばせます)") from None
    except BaseException:
        _stop(proc)
        raise
    return proc.returncode, output


def print_to_pdf(html: Path, out: Path, chromium: Path | None = None) -> Path:
    """Print ``html`` (opened from file://) to ``out`` with JavaScript off; ``PdfFailed`` says why when it cannot."""
    browser = chromium or find_chromium()
    if browser is None:
        raise PdfFailed(MISSING)
    timeout = timeout_s()
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    partial.unlink(missing_ok=True)
    try:
        with tempfile.TemporaryDirectory(prefix="handbook-chromium-") as profile:
            (Path(profile) / "Default").mkdir()
            (Path(profile) / "Default" / "Preferences").write_text(json.dumps(NO_SCRIPT_PREFERENCES), encoding="utf-8")
            cmd = [str(browser), *CHROMIUM_FLAGS, *PRINT_FLAGS, f"--user-data-dir={profile}",
                   f"--print-to-pdf={partial}", html.resolve().as_uri()]
            code, output = _run(cmd, timeout)
        if code != 0:
            raise PdfFailed(f"Chromium が終了コード {code} で失敗しました: {_last_line(output)}")
        if not partial.is_file() or partial.stat().st_size == 0:
            raise PdfFailed(f"Chromium が PDF を書き出しませんでした(終了コード 0: {_last_line(output)})")
        data = partial.read_bytes()
        if not data.startswith(b"%PDF-"):
            raise PdfFailed("Chromium が書き出したファイルが PDF ではありません")
        partial.write_bytes(pin_dates(data))
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return out
