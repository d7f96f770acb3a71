"""Stage 1, load: read every YAML file, seed and the official code list, recording problems.

Nothing here judges content: it only turns bytes into located data, so that validation can
see every file at once and report every problem in one run.
"""

from __future__ import annotations

import csv
import fnmatch
import functools
import hashlib
import io
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from generator.content.schema import FILE_KINDS, FOLDER_KINDS, OPTIONAL_FILES
from generator.content.yamlio import Located, parse_yaml
from generator.errors import Problems

CONTENT_DIR = "content"
SEEDS_DIR = "seeds"
REGISTRY_PATH = "data/local-governments.csv"
CENSUS_PATH = "data/population-2020.csv"
"""令和2年国勢調査 人口速報集計 (2020-10-01): every body's population, by code (``Registered.population``)."""
OFFICES_PATH = "data/offices.csv"
"""localgovjp (Code for FUKUI, CC0): each body's town hall position, by code (``Registered.position``)."""
MAX_FILE_BYTES = 2_000_000
StrPath = str | Path
"""A path as a string or a ``Path``: the load reads 12,000 files at national scale, and making a ``Path`` for each (joining,
parsing, printing it back) was a third of reading the seeds."""


@dataclass(frozen=True)
class SeedText:
    """A seed decoded for display: ``lines[n - 1]`` is line n as an editor numbers it."""

    name: str
    path: str
    sha256: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Registered:
    """One row of the official list of local governments."""

    code: str
    prefecture: str
    name: str
    reading: str
    population: int | None = None
    """The 2020 census count (``CENSUS_PATH``); None where nobody was counted (双葉町) or the row is missing."""
    position: tuple[float, float] | None = None
    """(latitude, longitude) of the town hall or prefectural office (``OFFICES_PATH``)."""


@dataclass(frozen=True)
class Sources:
    """Everything the build reads from disk, keyed by kind."""

    root: Path
    documents: dict[str, tuple[Located, ...]]
    seeds: dict[str, SeedText]
    registry: dict[str, Registered]
    unreadable_seeds: frozenset[str] = frozenset()
    unreadable_documents: frozenset[str] = frozenset()


@functools.lru_cache(maxsize=256)
def _real_folder(folder: str) -> str:
    """A folder with every link followed; cached for one ``load()`` only (it clears the cache first)."""
    return os.path.realpath(folder)


def inside(root: StrPath, candidate: StrPath) -> bool:
    """True when ``candidate`` (after following links) stays below ``root``.

    A file that is not itself a link resolves to its resolved folder plus its name, so each folder is
    resolved once per load (resolving every file was a third of loading 1,000 articles). Strings, not
    pathlib: its objects were most of the time of reading 5,000 seeds.
    """
    name = str(candidate)
    if os.path.islink(name):
        real = os.path.realpath(name)
    else:
        real = os.path.join(_real_folder(os.path.dirname(name)), os.path.basename(name))
    top = _real_folder(str(root))
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


def _relative(root: StrPath, path: StrPath) -> str:
    """``path`` as messages name it, relative to ``root`` with forward slashes."""
    top, name = str(root).rstrip(os.sep) + os.sep, str(path)
    return name[len(top):].replace(os.sep, "/") if name.startswith(top) else Path(path).relative_to(root).as_posix()


NOT_REGULAR = "通常のファイルではありません(フォルダー・名前付きパイプ・デバイスなどは読み込みません)"
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


def _open_nonblocking(path: str, flags: int) -> int:
    """``open``'s opener: a FIFO or a device opens at once (to be refused) instead of waiting for a writer."""
    return os.open(path, flags | _NONBLOCK | getattr(os, "O_NOCTTY", 0))


def read_checked(root: StrPath, path: StrPath, problems: Problems, within: str | None = None) -> bytes | None:
    """The bytes of a regular file below root (or below ``within``), refusing links that lead out, anything that is
    not a regular file (a FIFO would block the build for ever) and oversized files."""
    if not inside(os.path.join(root, within) if within else root, path):
        where = f"{within}/ の" if within else "リポジトリの"
        problems.error(_relative(root, path), 1, "(ファイル)", f"{where}外を指すシンボリックリンクは使えません")
        return None
    try:
        if not _NONBLOCK and not stat.S_ISREG(os.stat(path).st_mode):  # no O_NONBLOCK (Windows): look before opening
            problems.error(_relative(root, path), 1, "(ファイル)", NOT_REGULAR)
            return None
        with open(path, "rb", opener=_open_nonblocking) as fh:
            info = os.fstat(fh.fileno())
            regular = stat.S_ISREG(info.st_mode)
            size = info.st_size
            raw = fh.read() if regular and size <= MAX_FILE_BYTES else b""  # an oversized file is not read at all
    except IsADirectoryError:  # ``open`` refuses a folder itself, after opening it
        problems.error(_relative(root, path), 1, "(ファイル)", NOT_REGULAR)
        return None
    except OSError as exc:
        problems.error(_relative(root, path), 1, "(ファイル)", f"ファイルを読めません({exc.strerror or exc})")
        return None
    if not regular:
        problems.error(_relative(root, path), 1, "(ファイル)", NOT_REGULAR)
        return None
    if size > MAX_FILE_BYTES:
        problems.error(_relative(root, path), 1, "(ファイル)",
                       f"ファイルが大きすぎます({size:,} バイト、上限 {MAX_FILE_BYTES:,} バイト)")
        return None
    return raw


def read_text_file(root: StrPath, path: StrPath, problems: Problems, within: str | None = None) -> str | None:
    """Read a UTF-8 text file below root (or below ``within``), refusing links that lead out and odd encodings."""
    raw = read_checked(root, path, problems, within)
    return None if raw is None else decode(raw, _relative(root, path), problems)


def decode(raw: bytes, rel: str, problems: Problems) -> str | None:
    """UTF-8 (BOM and CRLF accepted); a Shift_JIS file gets a message telling how to convert it."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if not raw.strip():
        problems.error(rel, 1, "(ファイル)", "ファイルが空です")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        if _looks_like_cp932(raw):
            problems.error(
                rel,
                line,
                "(文字コード)",
                "Shift_JIS(CP932)で保存されているようです。UTF-8 で保存し直してください"
                f"(例: iconv -f CP932 -t UTF-8 {rel} > tmp && mv tmp {rel})",
            )
        else:
            problems.error(rel, line, "(文字コード)", f"UTF-8 として読めないバイトがあります({exc.start} バイト目)")
        return None
    if "\x00" in text:
        problems.error(rel, text[: text.index("\x00")].count("\n") + 1, "(ファイル)", "NUL 文字を含むファイルは使えません")
        return None
    if not text.strip():  # only whitespace beyond ASCII's, such as U+3000
        problems.error(rel, 1, "(ファイル)", "ファイルが空です")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_like_cp932(raw: bytes) -> bool:
    """A file that decodes as CP932 and holds Japanese is almost surely Shift_JIS."""
    try:
        text = raw.decode("cp932")
    except UnicodeDecodeError:
        return False
    return any("\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff" for c in text)


def listing(folder: Path, pattern: str) -> list[str]:
    """The names in ``folder`` that ``pattern`` matches as ``Path.glob`` matches them (hidden names too), sorted;
    none when it is not a readable folder. Each folder is listed once per load: globbing the 12,000 files of a
    national-scale tree again, as paths, cost 0.1 s of the load's serial part."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return sorted(fnmatch.filter(names, pattern))  # ignoring case on Windows only, as Path.glob does


def load_documents(root: Path, problems: Problems, listed: dict[str, list[str]]) -> dict[str, tuple[Located, ...]]:
    """Parse every YAML file of every kind (``listed``: each content folder's YAML files, by name); unknown files are
    reported, not ignored."""
    content = root / CONTENT_DIR
    documents: dict[str, tuple[Located, ...]] = {}
    for folder, names in listed.items():
        parsed = (_parse(root, os.path.join(content, folder, name), problems) for name in names)
        documents[folder] = tuple(doc for doc in parsed if doc is not None)
    for name in FILE_KINDS:
        path = content / name
        if path.exists():
            doc = _parse(root, path, problems)
            documents[name] = (doc,) if doc is not None else ()
        else:
            if name not in OPTIONAL_FILES:
                problems.error(f"{CONTENT_DIR}/{name}", 1, "(ファイル)", "必要なファイルがありません")
            documents[name] = ()
    _report_strays(root, content, problems)
    return documents


def _report_strays(root: Path, content: Path, problems: Problems) -> None:
    """Files the generator would silently ignore are most likely a contributor's mistake."""
    known = set(FOLDER_KINDS) | set(FILE_KINDS) | {"README.md"}
    for entry in sorted(content.iterdir()) if content.is_dir() else []:
        if entry.name not in known and not entry.name.startswith("."):
            rel = entry.relative_to(root).as_posix()
            problems.warning(rel, 1, "(ファイル)", "この場所のファイルは読み込まれません(置き場所を確認してください)")


def _parse(root: Path, path: StrPath, problems: Problems) -> Located | None:
    """Read and parse one YAML file."""
    text = read_text_file(root, path, problems)
    if text is None:
        return None
    return parse_yaml(text, _relative(root, path), problems)


def load_seeds(root: Path, problems: Problems, names: list[str]) -> dict[str, SeedText]:
    """Decode every seed (``names``: the seed folder's ``*.txt``); display normalisation happens later, in the model."""
    seeds: dict[str, SeedText] = {}
    folder = os.path.join(root, SEEDS_DIR)
    for name in names:
        path = os.path.join(folder, name)
        rel = _relative(root, path)
        raw = read_checked(root, path, problems, within=SEEDS_DIR)
        text = None if raw is None else decode(raw, rel, problems)
        if raw is None or text is None:
            continue
        seeds[name] = SeedText(name, rel, hashlib.sha256(raw).hexdigest(), tuple(text.split("\n")))
    return seeds


_REGISTRY_COLUMNS = ("code", "prefecture", "name", "prefecture_kana", "name_kana")


def load_registry(root: Path, problems: Problems) -> dict[str, Registered]:
    """The official list of local governments, by code."""
    path = root / REGISTRY_PATH
    if not path.exists():
        problems.error(REGISTRY_PATH, 1, "(ファイル)", "全国地方公共団体コードの一覧がありません")
        return {}
    text = read_text_file(root, path, problems)
    if text is None:
        return {}
    rows = csv.DictReader(io.StringIO(text))
    missing = [c for c in _REGISTRY_COLUMNS if c not in (rows.fieldnames or ())]
    if missing:
        problems.error(REGISTRY_PATH, 1, "(ファイル)", f"列 {', '.join(missing)} がありません(1 行目は見出しの行にしてください)")
        return {}
    census = _reference_rows(root, CENSUS_PATH, ("code", "population"), problems, "人口(令和2年国勢調査)の一覧")
    offices = _reference_rows(root, OFFICES_PATH, ("code", "lat", "lng"), problems, "庁舎の位置の一覧")
    registry: dict[str, Registered] = {}
    for row in rows:
        name = row["name"] or row["prefecture"]
        reading = row["name_kana"] or row["prefecture_kana"]
        count = census.get(row["code"], {}).get("population") or ""
        office = offices.get(row["code"])
        position = (float(office["lat"]), float(office["lng"])) if office and office["lat"] and office["lng"] else None
        registry[row["code"]] = Registered(row["code"], row["prefecture"], name, reading,
                                           int(count) if count.isdigit() else None, position)
    return registry


def _reference_rows(root: Path, rel: str, columns: tuple[str, ...], problems: Problems, what: str) -> dict[str, dict[str, str]]:
    """A reference table joined to the code list by 団体コード (population, town hall positions): rows by code."""
    path = root / rel
    if not path.exists():
        problems.error(rel, 1, "(ファイル)", f"{what}がありません")
        return {}
    text = read_text_file(root, path, problems)
    if text is None:
        return {}
    rows = csv.DictReader(io.StringIO(text))
    missing = [c for c in columns if c not in (rows.fieldnames or ())]
    if missing:
        problems.error(rel, 1, "(ファイル)", f"列 {', '.join(missing)} がありません(1 行目は見出しの行にしてください)")
        return {}
    return {row["code"]: row for row in rows}


def load(root: Path, problems: Problems) -> Sources:
    """Read the whole content tree: YAML documents, seeds and the code list."""
    _real_folder.cache_clear()  # a folder may have become a link since the last load (live preview)
    listed = {folder: listing(root / CONTENT_DIR / folder, "*.y*ml") for folder in FOLDER_KINDS}
    documents = load_documents(root, problems, listed)
    names = listing(root / SEEDS_DIR, "*.txt")
    seeds = load_seeds(root, problems, names)
    return Sources(root, documents, seeds, load_registry(root, problems), frozenset(set(names) - set(seeds)),
                   _unreadable_documents(root, documents, listed))


def _unreadable_documents(root: Path, documents: dict[str, tuple[Located, ...]],
                          listed: dict[str, list[str]]) -> frozenset[str]:
    """YAML files that exist but could not be parsed: their ids must not cascade into more errors."""
    content = root / CONTENT_DIR
    present = {f"{CONTENT_DIR}/{folder}/{name}" for folder, names in listed.items() for name in names}
    present |= {f"{CONTENT_DIR}/{name}" for name in FILE_KINDS if (content / name).exists()}
    return frozenset(present - {d.path for docs in documents.values() for d in docs})
