"""The national-scale benchmark (issue 7) at its smallest size, both profiles, through the real pipeline, not timed."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from benchmarks.ab import Run, table
from benchmarks.corpus import HEAVY, write_corpus
from benchmarks.run import SETTLE_S, FileSystem, file_system, settle

ROOT = Path(__file__).resolve().parents[1]
STAGE_ROW = re.compile(r"^\| .*?\((\w+)\) +\| ([\d.]+) s \|$")
"""A stage's row of the table, e.g. ``| 描画 (render)  | 0.48 s |``."""
RESULT = re.compile(
    r"^RESULT articles=100 pages=(\d+) total_s=([\d.]+) generator_s=([\d.]+) peak_rss_mb=(\d+) "
    r"max_page_kb=([\d.]+) search_bytes=(\d+) profile=(even|skewed) rights=(mixed|all|none)$"
)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for folder in ("content", "seeds")
            for p in sorted((root / folder).rglob("*")) if p.is_file()}


def run_benchmark(keep: Path, *options: str) -> tuple[Path, list[str]]:
    """``python benchmarks/run.py --articles 100 …`` as CI runs it (CI=true: no progress output)."""
    env = dict(os.environ, CI="true")
    proc = subprocess.run([sys.executable, "benchmarks/run.py", "--articles", "100", *options, "--keep", str(keep)],
                          cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stderr == ""
    return keep, proc.stdout.strip().splitlines()


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    return run_benchmark(tmp_path_factory.mktemp("bench") / "root")


def test_the_corpus_is_deterministic_and_uses_real_codes_names_and_readings(tmp_path: Path) -> None:
    a, b = write_corpus(tmp_path / "a", 100), write_corpus(tmp_path / "b", 100)
    assert (a.articles, a.bodies, a.themes) == (100, 36, 21)
    files = tree(a.root)
    assert files == tree(b.root)
    assert sum(1 for p in files if p.startswith("content/articles/")) == 100
    assert sum(1 for p in files if p.startswith("seeds/")) == 100
    with (ROOT / "data" / "local-governments.csv").open(encoding="utf-8") as fh:
        official = {row["code"]: row for row in csv.DictReader(fh)}
    bodies = [p for p in files if p.startswith("content/municipalities/")]
    assert len(bodies) == 36
    for path in bodies:
        text = files[path].decode("utf-8")
        code = re.search(r"""^code: ["'](\d{6})["']$""", text, re.M)
        assert code is not None, path
        row = official[code.group(1)]
        assert f"name: {row['name'] or row['prefecture']}" in text
        assert f"reading: {row['name_kana'] or row['prefecture_kana']}" in text


def test_the_corpus_passes_check_strict(tmp_path: Path) -> None:
    root = write_corpus(tmp_path / "root", 100).root
    proc = subprocess.run([sys.executable, "-m", "generator", "--root", str(root), "check", "--strict"],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == "OK: 自治体 36、記事 100、テーマ 21、用語 44"


def test_run_prints_the_table_and_a_result_line_that_match_the_built_site(run: tuple[Path, list[str]]) -> None:
    keep, lines = run
    assert lines[0] == "記事 100、自治体 36、テーマ 21、人物 34"
    labels = ("読み込み", "検証", "モデル", "相互参照", "描画", "書き込み", "検索索引", "MkDocs", "生成器",
              "合計", "ピーク RSS", "最大ページ", "検索データ", "1 ページあたり", "作業フォルダのファイルシステム")
    for label in labels:
        assert any(line.startswith(f"| {label}") for line in lines), label
    m = RESULT.match(lines[-1])
    assert m, lines[-1]
    assert m.group(7) == "even"
    stages = ("load", "validate", "model", "index", "render", "write")
    seconds = {row.group(1): float(row.group(2)) for line in lines if (row := STAGE_ROW.match(line))}
    assert set(stages) <= set(seconds), seconds
    assert abs(sum(seconds[s] for s in stages) - float(m.group(3))) < 0.05  # the generator's seconds are its stages'
    pages = int(m.group(1))
    html = [p for p in (keep / "site").rglob("*.html")]
    assert pages == len(html)
    heaviest = max(p.stat().st_size for p in html)
    assert float(m.group(5)) == round(heaviest / 1000, 1)
    assert 0 < float(m.group(3)) < float(m.group(2))
    search = sum(p.stat().st_size for p in (keep / "site" / "search").rglob("*") if p.is_file())
    assert int(m.group(6)) == search


def test_pages_stay_small_and_the_matrix_turns_at_scale(run: tuple[Path, list[str]]) -> None:
    keep, _ = run
    site = keep / "site"
    too_big = {p.relative_to(site).as_posix(): p.stat().st_size for p in site.rglob("*.html")
               if p.stat().st_size > 100_000 and p.name != "print.html"}
    assert too_big == {}
    matrix = (keep / "build" / "docs" / "indexes" / "matrix.md").read_text(encoding="utf-8")
    assert "行が自治体(都道府県ごと)、列がテーマです。" in matrix
    # Every body is a row header exactly once across the matrix's parts (screen readers announce it with each count).
    parts = [site / "indexes" / "matrix.html", *sorted((site / "indexes" / "matrix").glob("*.html"))]
    headers = re.findall(r'<th scope="row"><a href="[./]*municipalities/([\w-]+)\.html">', "".join(
        p.read_text(encoding="utf-8") for p in parts))
    bodies = {p.stem for p in (keep / "content" / "municipalities").glob("*.yaml")}
    assert sorted(headers) == sorted(bodies)
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").split("\nnav:\n", 1)[1]
    assert "articles/" in nav and not re.search(r"articles/article-|municipalities/lg-", nav)


MOUNTS = """/dev/vda / ext4 rw,relatime,discard 0 0
tmpfs /dev/shm tmpfs rw,relatime 0 0
/dev/vdb /srv/with\\040space ext4 rw,relatime 0 0
/dev/vdc /srv/with ext4 rw 0 0
"""


def test_file_system_finds_the_mount_and_whether_ext4_keeps_a_journal(tmp_path: Path) -> None:
    proc_fs = tmp_path / "fs"
    for name in ("ext4/vda", "ext4/vdb", "ext4/vdc", "jbd2/vdb-8"):
        (proc_fs / name).mkdir(parents=True)
    found = {folder: file_system(Path(folder), MOUNTS, proc_fs)
             for folder in ("/tmp/x", "/dev/shm/k", "/srv/with space/a", "/srv/with/b", "/srv/without")}
    assert found == {"/tmp/x": FileSystem("ext4", journal=False), "/dev/shm/k": FileSystem("tmpfs"),
                     "/srv/with space/a": FileSystem("ext4", journal=True), "/srv/with/b": FileSystem("ext4", journal=False),
                     "/srv/without": FileSystem("ext4", journal=False)}
    assert [fs.describe() for fs in found.values()] == ["ext4(ジャーナルなし)", "tmpfs", "ext4(ジャーナルあり)",
                                                         "ext4(ジャーナルなし)", "ext4(ジャーナルなし)"]
    assert file_system(Path("/x"), "", proc_fs) == FileSystem("不明")


def test_settle_waits_only_where_ext4_holds_freed_inodes_then_warms_up(monkeypatch: pytest.MonkeyPatch) -> None:
    steps: list[str] = []
    said: list[str] = []
    monkeypatch.setattr(os, "sync", lambda: steps.append("sync"))
    for quiet_disk in (FileSystem("tmpfs"), FileSystem("ext4", journal=True), FileSystem("不明")):
        assert settle(quiet_disk, said.append, lambda: steps.append("warm"), lambda s: steps.append(f"sleep {s}")) is None
    assert (steps, said) == ([], [])
    waited = settle(FileSystem("ext4", journal=False), said.append, lambda: steps.append("warm"),
                    lambda s: steps.append(f"sleep {s}"))
    assert waited == SETTLE_S == 370
    assert steps == ["sync", "sleep 370", "warm"]
    assert said == ["ext4(ジャーナルなし): 直前に消されたファイルの影響がなくなるまで 370 秒待ちます(計測外)"]


def test_the_skewed_corpus_is_deterministic_concentrated_long_and_passes_check(tmp_path: Path) -> None:
    a, b = write_corpus(tmp_path / "a", 100, profile="skewed"), write_corpus(tmp_path / "b", 100, profile="skewed")
    assert (a.articles, a.bodies, a.themes, a.people) == (100, 36, 21, 60)
    files = tree(a.root)
    assert files == tree(b.root)
    assert files != tree(write_corpus(tmp_path / "even", 100).root)
    articles = [yaml.safe_load(files[p]) for p in files if p.startswith("content/articles/")]
    seeds = {a["id"]: len(files[f"seeds/{a['seed']}"]) for a in articles}
    long = [a for a in articles if seeds[a["id"]] >= 20_000]
    assert 35 <= len(long) <= 65  # half, give or take chance
    assert all(seeds[a["id"]] <= 41_000 for a in long)
    assert all(15 <= len(a["key_points"]) <= 30 and 15 <= len(a["quotes"]) <= 30 for a in long)
    # The heavy bodies, found by name in the official list, carry their quotas (scaled from 5,000 to 100).
    bodies = [yaml.safe_load(files[p]) for p in files if p.startswith("content/municipalities/")]
    ids = {body["name"]: body["id"] for body in bodies}
    for name, at_5000 in HEAVY:
        assert sum(ids[name] in a["municipalities"] for a in articles) >= max(1, round(at_5000 / 50)), name
    terms = yaml.safe_load(files["content/glossary.yaml"])["terms"]
    names = [n for t in terms for n in (t["term"], *t.get("aliases", []))]
    assert len(terms) == 53 and len(set(names)) == len(names) and min(len(t["term"]) for t in terms) >= 2
    proc = subprocess.run([sys.executable, "-m", "generator", "--root", str(a.root), "check", "--strict"],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == "OK: 自治体 36、記事 100、テーマ 21、用語 53"


def test_the_skewed_profile_makes_more_pages_than_the_even_one(tmp_path: Path) -> None:
    from generator.build import generate

    even = generate(write_corpus(tmp_path / "even", 100).root).pages
    skewed = generate(write_corpus(tmp_path / "skewed", 100, profile="skewed").root).pages
    assert len(skewed) > len(even)
    assert any(p.path.startswith("articles/") and p.path.count("/") == 2 for p in skewed)  # long articles come in parts


def test_ab_table_has_a_row_per_run_then_medians_and_b_over_a() -> None:
    runs = [Run("A", 10.0, 4.0, 6.0, 15.0, 100.0, 200), Run("B", 8.0, 3.0, None, 12.0, 90.0, 200),
            Run("A", 12.0, 5.0, 7.0, 17.0, 110.0, 200), Run("B", 9.0, 3.5, None, 13.0, 96.0, 200)]
    lines = table(runs).splitlines()
    assert len(lines) == 2 + 4 + 3
    assert lines[2] == "| 1 | A | 10.00 | 4.00 | 6.00 | 15.00 | 100 | 200 | 50.00 |"
    assert lines[6] == "| median | A | 11.00 | 4.50 | 6.50 | 16.00 | 105 | 200 | 55.00 |"
    assert lines[7] == "| median | B | 8.50 | 3.25 | — | 12.50 | 93 | 200 | 42.50 |"
    assert lines[8] == "| B/A | | 0.773 | 0.722 | — | 0.781 | 0.886 | | 0.773 |"
