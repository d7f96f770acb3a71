"""Run MkDocs as several processes for a large site, one part of the pages each, and merge their sites.

MkDocs renders pages one after another in one process; on the 2-core machines the handbook is
built on, a national-scale site (thousands of pages) takes twice as long as it must. Each part is
an ordinary ``mkdocs build --strict`` of the same config plus the hook ``generator/mkdocs_part.py``,
which renders only that part's pages (and the ``nav`` pages, so every part has the same navigation).
Part 0 builds straight into the site folder; the other parts' pages are moved into it, and the two
files that list every page (``sitemap.xml`` and Material's ``search/search_index.json``) are merged
in MkDocs' page order, so the result has the same files and bytes as a single-process build.
Anchors in pages of another part are checked here, from the parts' reports, with MkDocs' message.
"""

from __future__ import annotations

import gzip
import html
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from generator.errors import SettingError

JOBS_ENV = "HANDBOOK_MKDOCS_JOBS"
"""Number of MkDocs processes: ``1`` never splits, ``2`` splits even a small site (tests)."""
MAX_JOBS = 32
"""More MkDocs processes than this is a typo: each pays ~2 s to start, and a 2-core machine gains nothing past 2."""
PART_ENV = "HANDBOOK_MKDOCS_PART"
REPORT_ENV = "HANDBOOK_MKDOCS_PART_REPORT"
SPLIT_MIN_PAGES = 400
"""Below this many Markdown pages one process is about as fast (each process pays ~2 s to start)."""
HOOK = Path(__file__).with_name("mkdocs_part.py")
SITEMAP = "sitemap.xml"
SEARCH_INDEX = "search/search_index.json"
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
    """The environment MkDocs runs in: ``generator`` importable (``mkdocs.yml`` lists ``generator.rawblocks``) from
    any folder the site is built in, and no notice about MkDocs 2."""
    package_root = str(Path(__file__).resolve().parents[1])
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
    """How many MkDocs processes to run: ``HANDBOOK_MKDOCS_JOBS``, else 2 (or the cores) for a large site."""
    forced = os.environ.get(JOBS_ENV, "").strip()
    if forced:
        if not re.fullmatch(r"[0-9]{1,6}", forced) or not 1 <= int(forced) <= MAX_JOBS:
            shown = forced if len(forced) <= 20 else forced[:20] + "…"
            raise SettingError(JOBS_ENV, f"MkDocs のプロセス数は 1 以上の整数で指定してください(最大 {MAX_JOBS}。指定された値: {shown})")
        return int(forced)
    pages = sum(1 for _ in docs.rglob("*.md"))
    return min(2, os.cpu_count() or 1) if pages >= SPLIT_MIN_PAGES else 1


def write_config(root: Path, config: Path) -> Path:
    """A derived config beside ``config`` (its relative paths resolve against its own folder) that adds the hook."""
    fd, name = tempfile.mkstemp(prefix=".mkdocs-part-", suffix=".yml", dir=root)
    text = ("# 生成器が MkDocs を分割して実行するための一時的な設定(generator/parallel_site.py)。\n"
            f"INHERIT: {json.dumps(config.name)}\nhooks:\n  - {json.dumps(str(HOOK))}\n")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    return Path(name)


def build(root: Path, config: Path, site_dir: Path, env: Mapping[str, str], parts: int) -> str | None:
    """Build the site in ``parts`` processes and merge it into ``site_dir``; MkDocs' error text on failure."""
    derived = write_config(root, config)
    work = Path(tempfile.mkdtemp(prefix=".site-parts-", dir=root))
    try:
        outs = [site_dir] + [work / f"site-{k}" for k in range(1, parts)]
        failed, lines = _run_parts(derived, outs, env, work)
        paths = [work / f"report-{k}.json" for k in range(parts)]
        reports = [json.loads(p.read_text(encoding="utf-8")) for p in paths if p.exists()]
        across = check_anchors(reports) if len(reports) == parts else []
        if failed or across:
            return _failure(lines, across)
        merge(site_dir, outs[1:], reports)
        return None
    finally:
        derived.unlink(missing_ok=True)
        shutil.rmtree(work, ignore_errors=True)


def _run_parts(config: Path, outs: Sequence[Path], env: Mapping[str, str], work: Path) -> tuple[bool, list[str]]:
    """Start every part at once, wait for all; whether any failed, and their messages (each line once)."""
    procs: list[tuple[subprocess.Popen[str], IO[str]]] = []
    try:
        for k, out in enumerate(outs):
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


def _failure(lines: list[str], across: list[str]) -> str:
    """The parts' messages and the anchors checked across parts, closed as MkDocs closes a strict failure."""
    if across:
        lines = [*lines, "MkDocs を分割して実行したため、別の部のページへのアンカーは生成器が検査しました:", *across]
    warnings = sum(1 for line in lines if line.startswith("WARNING"))
    if warnings:
        lines.append(f"Aborted with {warnings} warnings in strict mode!")
    return "\n".join(lines) or "MkDocs が失敗しました(メッセージなし)"


def check_anchors(reports: Sequence[Mapping[str, Any]]) -> list[str]:
    """Links to anchors in another part's pages, checked as MkDocs checks those within one build (its message)."""
    anchors: dict[str, set[str]] = {}
    for report in reports:
        anchors.update((src, set(ids)) for src, ids in report["anchors"].items())
    level = min(int(r["anchor_level"]) for r in reports)
    if level < logging.WARNING:
        return []
    found: list[str] = []
    for report in reports:
        for src, target, anchor, link in report["links"]:
            line = (f"{logging.getLevelName(level)} -  Doc file '{src}' contains a link '{link}', "
                    f"but the doc '{target}' does not contain an anchor '#{anchor}'.")
            if target in anchors and anchor not in anchors[target] and line not in found:
                found.append(line)
    return found


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
    if (site_dir / SEARCH_INDEX).exists():
        merge_search_index(site_dir / SEARCH_INDEX, [out / SEARCH_INDEX for out in outs], reports)


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


def merge_search_index(target: Path, indexes: Sequence[Path], reports: Sequence[Mapping[str, Any]]) -> None:
    """Material's search index with every part's entries, in page order, as Material serialises it."""
    data = [json.loads(p.read_text(encoding="utf-8")) for p in indexes]
    docs: dict[tuple[int, str], list[Any]] = {}
    for k, (index, report) in enumerate(zip(data, reports, strict=True)):
        by_dest = {dest: src for src, dest in report["dests"].items()}
        for doc in index.get("docs", []):
            src = by_dest.get(str(doc.get("location", "")).split("#")[0])
            docs.setdefault((k, src or ""), []).append(doc)
    merged = [doc for key in _page_order(reports) for doc in docs.get(key, [])]
    out = {"config": data[0].get("config", {}), "docs": merged}
    text = json.dumps(out, separators=(",", ":"), default=str)
    target.write_text(text, encoding="utf-8")
    script = target.with_suffix(".js")  # Material's offline plugin copies the index into a script for file://
    if script.exists():
        script.write_text(f"var __index = {text}", encoding="utf-8")
