"""Stage 7, site: MkDocs turns the generated Markdown into the static site, strictly, in one process or in parts.

MkDocs renders pages one after another in one process and holds all of them in memory until it writes the site;
a national-scale site (thousands of pages) would take twice as long as it must on the 2-core machines the
handbook is built on, and gigabytes. From ``SPLIT_MIN_PAGES`` pages the site is built in parts, two at a time:
each part is an ordinary ``mkdocs build --strict`` of the same config plus the hook ``mkdocs_part.py``, which
renders every n-th page (and the ``nav`` pages, so all render the same navigation). There are as many parts as
``PART_BYTES`` of Markdown need, an even number; the other parts' pages are moved into the first part's site and
the sitemaps merged in MkDocs' page order. MkDocs checks anchors only in the pages it renders, so a split build
leaves links into the other parts' pages to the generator, which wrote them from validated ids
(docs/architecture.md).

A failure becomes diagnostics in the handbook's format: a line about a generated page names the content file it
was made from, an operating-system error the file MkDocs could not write, in Japanese.
"""

from __future__ import annotations

import errno
import gzip
import html
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from generator.errors import Diagnostic, SettingError
from generator.pages.write import DOCS_DIR, SITE_DIR, STAGING_PREFIX

JOBS_ENV = "HANDBOOK_MKDOCS_JOBS"
"""Number of MkDocs parts: ``1`` never splits, ``2`` or more splits even a small site (tests)."""
MAX_JOBS = 32
"""More MkDocs parts than this is a typo: each pays ~2 s to start."""
AT_ONCE = 2
"""Parts running at the same time: the build machines have 2 cores, and each part is busy on one."""
PART_ENV = "HANDBOOK_MKDOCS_PART"
REPORT_ENV = "HANDBOOK_MKDOCS_PART_REPORT"
SPLIT_MIN_PAGES = 400
"""Below this many Markdown pages one process is about as fast (each process pays ~2 s to start)."""
PART_BYTES = 30_000_000
"""Markdown per part at most: a part holds its pages in memory until it writes them, so bounding a part's Markdown
bounds its memory however large the site grows (benchmarks/README.md has the measured figures)."""
HOOK = Path(__file__).with_name("mkdocs_part.py")
SITEMAP = "sitemap.xml"
_URL_ENTRY = re.compile(r"[ \t]*<url>.*?</url>\n?", re.S)
_LOC = re.compile(r"<loc>(.*?)</loc>", re.S)
_ABORTED = re.compile(r"Aborted with \d+ \w+")


def mkdocs_command(config: Path, site_dir: Path) -> list[str]:
    """``mkdocs build --strict`` of ``config`` into ``site_dir``, as a command line.

    Never with ``--quiet``: MkDocs 1.6 then drops warnings before ``--strict`` counts them, so a
    broken link would pass. Its INFO lines are left out of error messages instead (``problems``).
    """
    return [sys.executable, "-m", "mkdocs", "build", "--strict",
            "--config-file", str(config), "--site-dir", str(site_dir)]


def mkdocs_env(base: Mapping[str, str]) -> dict[str, str]:
    """The environment MkDocs runs in: ``generator`` importable (``mkdocs.yml`` lists ``generator.site.plaintext``) from
    any folder the site is built in, and no notice about MkDocs 2."""
    package_root = str(Path(__file__).resolve().parents[2])
    paths = [package_root, *(p for p in base.get("PYTHONPATH", "").split(os.pathsep) if p and p != package_root)]
    return dict(base, PYTHONPATH=os.pathsep.join(paths), NO_MKDOCS_2_WARNING="1")


_TRACEBACK = "Traceback (most recent call last):"
_CHAINED = ("During handling of the above exception", "The above exception was the direct cause")


def problems(output: str) -> list[str]:
    """MkDocs' output without its INFO lines (progress, and links to pages another part renders) and without Python's
    tracebacks: MkDocs ends with one when it cannot write the site (a full disk, a read-only folder), and only its
    last line, the exception, says what went wrong; it comes last."""
    lines: list[str] = []
    exception = ""
    in_traceback = False
    for line in output.strip().splitlines():
        if not line.strip() or line.startswith("INFO") or line.startswith(_CHAINED):
            continue
        if line.startswith(_TRACEBACK):
            in_traceback = True
        elif in_traceback and line[:1] in (" ", "\t"):
            continue  # a frame, its source line or a caret line
        elif in_traceback:
            in_traceback = False
            exception = line.strip()
        else:
            lines.append(line)
    return [*lines, exception] if exception else lines


def jobs(docs: Path) -> int:
    """How many MkDocs parts to build: ``HANDBOOK_MKDOCS_JOBS``, else one for a small site, and for a large one an
    even number (two run at a time) of at most ``PART_BYTES`` of Markdown each."""
    forced = os.environ.get(JOBS_ENV, "").strip()
    if forced:
        if not re.fullmatch(r"[0-9]{1,6}", forced) or not 1 <= int(forced) <= MAX_JOBS:
            shown = forced if len(forced) <= 20 else forced[:20] + "…"
            raise SettingError(JOBS_ENV, f"MkDocs のプロセス数は 1 以上の整数で指定してください(最大 {MAX_JOBS}。指定された値: {shown})")
        return int(forced)
    sizes = [page.stat().st_size for page in docs.rglob("*.md")]
    if len(sizes) < SPLIT_MIN_PAGES:
        return 1
    return AT_ONCE * max(1, math.ceil(sum(sizes) / (PART_BYTES * AT_ONCE)))


def write_config(root: Path, config: Path) -> Path:
    """A derived config beside ``config`` (its relative paths resolve against its own folder) that adds the hook."""
    fd, name = tempfile.mkstemp(prefix=".mkdocs-part-", suffix=".yml", dir=root)
    text = ("# 生成器が MkDocs を分割して実行するための一時的な設定(generator/site/mkdocs.py)。\n"
            f"INHERIT: {json.dumps(config.name)}\nhooks:\n  - {json.dumps(str(HOOK))}\n")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    return Path(name)


def build_in_parts(root: Path, config: Path, site_dir: Path, env: Mapping[str, str], parts: int) -> str | None:
    """Build the site in ``parts`` processes and merge it into ``site_dir``; MkDocs' error text on failure."""
    derived = write_config(root, config)
    work = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX + "parts-", dir=root))
    try:
        outs = [site_dir] + [work / f"site-{k}" for k in range(1, parts)]
        failed, lines = _run_parts(derived, outs, env, work)
        if failed:
            return _failure(lines)
        reports = [json.loads((work / f"report-{k}.json").read_text(encoding="utf-8")) for k in range(parts)]
        merge(site_dir, outs[1:], reports)
        return None
    finally:
        derived.unlink(missing_ok=True)
        shutil.rmtree(work, ignore_errors=True)


def _run_parts(config: Path, outs: Sequence[Path], env: Mapping[str, str], work: Path) -> tuple[bool, list[str]]:
    """Run the parts, ``AT_ONCE`` at a time, in order (they are about the same size, so the oldest finishes first);
    whether any failed, and their messages (each line once)."""
    procs: list[tuple[subprocess.Popen[str], IO[str]]] = []
    try:
        for k, out in enumerate(outs):
            if k >= AT_ONCE:
                procs[k - AT_ONCE][0].wait()
            part_env = dict(env, **{PART_ENV: f"{k}/{len(outs)}", REPORT_ENV: str(work / f"report-{k}.json")})
            handle: IO[str] = open(work / f"log-{k}.txt", "w+", encoding="utf-8")  # closed in finally
            procs.append((subprocess.Popen(mkdocs_command(config, out), cwd=config.parent, env=part_env,
                                           stdout=handle, stderr=subprocess.STDOUT, text=True), handle))
        lines: list[str] = []
        for proc, log in procs:
            code = proc.wait()
            log.seek(0)
            if code != 0:
                lines += [line for line in problems(log.read()) if line not in lines and not _ABORTED.match(line)]
        return any(proc.returncode != 0 for proc, _ in procs), lines
    finally:  # Ctrl+C or an error here must not leave a part running
        for proc, log in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            log.close()


def _failure(lines: list[str]) -> str:
    """The parts' messages, closed as MkDocs closes a strict failure."""
    warnings = sum(1 for line in lines if line.startswith("WARNING"))
    if warnings:
        lines = [*lines, f"Aborted with {warnings} warnings in strict mode!"]
    return "\n".join(lines) or "MkDocs が失敗しました(メッセージなし)"


def merge(site_dir: Path, others: Sequence[Path], reports: Sequence[Mapping[str, Any]]) -> None:
    """Move the other parts' own pages into part 0's site and merge the page lists."""
    for out, report in zip(others, reports[1:], strict=True):
        for dest in report["own"].values():
            source = out / dest
            if source.exists():
                target = site_dir / dest
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, target)
    outs = [site_dir, *others]
    if (site_dir / SITEMAP).exists():
        merge_sitemap(site_dir / SITEMAP, [out / SITEMAP for out in outs], reports)


def _page_order(reports: Sequence[Mapping[str, Any]]) -> list[tuple[int, str]]:
    """Every page once, in MkDocs' order, with the part whose copy the merged site keeps (nav pages: part 0)."""
    owner = {src: k for k, r in enumerate(reports) for src in r["own"]}
    return [(owner.get(src, 0), src) for src in reports[0]["order"]]


def merge_sitemap(target: Path, sitemaps: Sequence[Path], reports: Sequence[Mapping[str, Any]]) -> None:
    """One sitemap with every part's entries in page order; the .gz beside it rewritten as MkDocs writes it."""
    texts = [p.read_text(encoding="utf-8") for p in sitemaps]
    entries: dict[tuple[int, str], str] = {}
    for k, (text, report) in enumerate(zip(texts, reports, strict=True)):
        by_loc = {loc: src for src, loc in report["locs"].items()}
        for entry in _URL_ENTRY.findall(text):
            loc = _LOC.search(entry)
            if loc and (src := by_loc.get(html.unescape(loc.group(1)))):
                entries[(k, src)] = entry
    first = texts[0]
    found = list(_URL_ENTRY.finditer(first))
    if not found:
        return
    head, tail = first[:found[0].start()], first[found[-1].end():]
    merged = head + "".join(entries.get(key, "") for key in _page_order(reports)) + tail
    target.write_text(merged, encoding="utf-8")
    gz = target.with_name(target.name + ".gz")
    mtime = int.from_bytes(gz.read_bytes()[4:8], "little") if gz.exists() else 0
    with open(gz, "wb") as fh, gzip.GzipFile(fileobj=fh, filename=str(gz), mode="wb", mtime=mtime) as out:
        out.write(merged.encode("utf-8"))


class MkDocsFailed(Exception):
    """MkDocs reported an error (strict mode turns its warnings into errors): its message lines without tracebacks,
    and each line as a diagnostic naming the file it is about."""

    def __init__(self, message: str, found: Sequence[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.diagnostics = list(found)


def run_mkdocs(root: Path, site_dir: Path, extra_env: Mapping[str, str], source_of: Callable[[str], str | None]) -> None:
    """Build the static site from ``build/docs`` into ``site_dir`` with MkDocs, strictly, in one process or in parts
    (``source_of``: the content file a generated page was made from, for messages)."""
    env = mkdocs_env(dict(os.environ, **extra_env))
    config = root / "mkdocs.yml"
    parts = jobs(root / DOCS_DIR)
    if parts > 1:
        error = build_in_parts(root, config, site_dir, env, parts)
    else:
        proc = subprocess.run(mkdocs_command(config, site_dir), cwd=root, env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, errors="replace", check=False)
        said = "\n".join(problems(proc.stderr + "\n" + proc.stdout))
        error = None if proc.returncode == 0 else said or f"MkDocs が終了コード {proc.returncode} で失敗しました(メッセージなし)"
    if error:
        raise MkDocsFailed(error, diagnostics(error, root, source_of))


_LEVEL = re.compile(r"^(WARNING|ERROR|CRITICAL)\s+-\s+(.*)$")
_DOC_FILE = re.compile(r"'([^'\s]+\.md)'")
_OS_ERROR = re.compile(r"^(\w+(?:\.\w+)*): \[Errno (\d+)\] ([^:]+?)(?:: '(.+)')?$")
_EXCEPTION = re.compile(r"^[\w.]*\w(?:Error|Exception|Interrupt|Exit)(?::|$)")
_ABORTED = re.compile(r"^Aborted with \d+ \w+")
_ERRNO_JA = {
    errno.ENOSPC: "ディスクの空きがありません",
    errno.EDQUOT: "ディスクの使用量の上限(クォータ)を超えました",
    errno.EROFS: "読み取り専用のファイルシステムです",
    errno.EACCES: "権限がありません",
    errno.EPERM: "権限がありません",
}


def shown_path(raw: str, root: Path) -> str:
    """A path from an error message as the contributor knows it: relative to the root, and under ``site/`` when it is
    inside a staging folder (which the failed build removes)."""
    path = Path(raw)
    try:
        rel = path.relative_to(root)
    except ValueError:
        return raw
    if rel.parts and rel.parts[0].startswith(STAGING_PREFIX):
        return Path(SITE_DIR, *rel.parts[1:]).as_posix()
    return rel.as_posix()


def diagnostics(message: str, root: Path, source_of: Callable[[str], str | None]) -> list[Diagnostic]:
    """MkDocs' message lines as diagnostics: a line about a generated page names the content file it was made from
    (else the page under build/docs), an operating system error the file it could not read or write, the rest
    ``mkdocs.yml``. Its closing "Aborted with N warnings" line adds nothing to the failure the command prints."""
    found: list[Diagnostic] = []
    for line in message.splitlines():
        line = line.strip()
        if not line or _ABORTED.match(line):
            continue
        where, severity, text = "mkdocs.yml", "error", line
        if level := _LEVEL.match(line):
            severity, text = ("warning" if level.group(1) == "WARNING" else "error"), level.group(2).strip()
        if (oserror := _OS_ERROR.match(text)) is not None:
            code = int(oserror.group(2))
            reason = _ERRNO_JA.get(code, oserror.group(3))
            where = shown_path(oserror.group(4), root) if oserror.group(4) else "site/"
            text = f"読み書きできません: {reason}({oserror.group(1)}: [Errno {code}] {oserror.group(3)})"
        elif (doc := _DOC_FILE.search(text)) is not None and "'nav' configuration" not in text:
            where = source_of(doc.group(1)) or f"{DOCS_DIR.as_posix()}/{doc.group(1)}"
        if _EXCEPTION.match(text):
            text = f"MkDocs が異常終了しました: {text}"
        diagnostic = Diagnostic(where, 1, "(MkDocs)", text, "warning" if severity == "warning" else "error")
        if diagnostic not in found:
            found.append(diagnostic)
    return found
