"""Command line: ``build``, ``check``, ``serve`` and ``new``.

Contributors see only diagnostics here, never a traceback: every expected failure is turned
into ``path:line: field: message`` lines on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from generator.build import MkDocsFailed, build, generate
from generator.errors import BuildAborted, Problems
from generator.write import OwnershipError


def _report(problems: Problems, strict: bool) -> None:
    """Print errors then warnings, sorted, with a count line at the end."""
    for d in problems.errors():
        print(d.format(), file=sys.stderr)
    for d in problems.warnings():
        print(d.format(), file=sys.stderr)
    errors, warnings = len(problems.errors()), len(problems.warnings())
    if errors or (strict and warnings):
        print(f"エラー {errors} 件、警告 {warnings} 件。修正してからもう一度実行してください。", file=sys.stderr)
    elif warnings:
        print(f"警告 {warnings} 件(--strict では失敗になります)。", file=sys.stderr)


def _progress(args: argparse.Namespace) -> object:
    """Stage progress on a terminal, silence in CI (CI=true) or with --quiet."""
    if args.quiet or os.environ.get("CI") == "true":
        return lambda _msg: None
    return lambda msg: print(f"[handbook] {msg}", file=sys.stderr, flush=True)


def cmd_build(args: argparse.Namespace, root: Path) -> int:
    """Run the whole pipeline into site/."""
    try:
        generated = build(root, strict=args.strict, progress=_progress(args), site=not args.no_site)  # type: ignore[arg-type]
    except BuildAborted as exc:
        _report(exc.problems, args.strict)
        return 1
    except MkDocsFailed as exc:
        print(f"mkdocs.yml: 1: (MkDocs): サイトの生成に失敗しました。以前のサイトはそのままです。\n{exc}", file=sys.stderr)
        return 1
    except OwnershipError as exc:
        print(f"{exc}", file=sys.stderr)
        return 1
    _report(generated.problems, args.strict)
    return 0


def cmd_check(args: argparse.Namespace, root: Path) -> int:
    """Validate only: nothing is written."""
    try:
        generated = generate(root, strict=args.strict)
    except BuildAborted as exc:
        _report(exc.problems, args.strict)
        return 1
    _report(generated.problems, args.strict)
    print(f"OK: 自治体 {len(generated.handbook.municipalities)}、記事 {len(generated.handbook.articles)}、"
          f"テーマ {len(generated.handbook.themes)}、用語 {len(generated.handbook.glossary)}", file=sys.stderr)
    return 0


def _snapshot(root: Path) -> dict[str, float]:
    """Modification times of every input file, for change polling without extra dependencies."""
    stamps: dict[str, float] = {}
    for folder in ("content", "seeds"):
        for path in (root / folder).rglob("*"):
            if path.is_file():
                stamps[str(path)] = path.stat().st_mtime_ns
    return stamps


def cmd_serve(args: argparse.Namespace, root: Path) -> int:
    """Live preview: regenerate on content/seeds changes; MkDocs reloads the browser."""
    from generator.build import write_docs

    def regenerate() -> None:
        try:
            started = time.perf_counter()
            stats = write_docs(root, generate(root))
            print(f"[handbook] 再生成 {time.perf_counter() - started:.2f} 秒(更新 {stats.written} ファイル)", file=sys.stderr)
        except BuildAborted as exc:
            _report(exc.problems, False)

    regenerate()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dirty", "--dev-addr", args.dev_addr,
                               "--config-file", str(root / "mkdocs.yml")], cwd=root, env=env)
    before = _snapshot(root)
    try:
        while server.poll() is None:
            time.sleep(0.3)
            now = _snapshot(root)
            if now != before:
                before = now
                regenerate()
    except KeyboardInterrupt:
        pass
    finally:
        server.terminate()
        server.wait()
    return 0


def cmd_new(args: argparse.Namespace, root: Path) -> int:
    """Write a YAML skeleton with Japanese comments for a new entity."""
    from generator.scaffold import new_entity

    return new_entity(root, args.kind, args.id)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m generator", description="自治体DXハンドブックの生成器")
    p.add_argument("--root", type=Path, default=Path.cwd(), help="リポジトリのルート(既定: 現在のフォルダ)")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="検証して Markdown とサイト(site/)を生成する")
    b.add_argument("--strict", action="store_true", help="警告もエラーとして扱う")
    b.add_argument("--quiet", action="store_true", help="進行状況を表示しない")
    b.add_argument("--no-site", action="store_true", help="Markdown だけ生成し、MkDocs を実行しない")
    c = sub.add_parser("check", help="検証だけを行う(何も書き込まない)")
    c.add_argument("--strict", action="store_true", help="警告もエラーとして扱う")
    s = sub.add_parser("serve", help="プレビューサーバーを起動し、content/ と seeds/ の変更を反映する")
    s.add_argument("--dev-addr", default="127.0.0.1:8000", help="待ち受けるアドレス")
    n = sub.add_parser("new", help="新しい YAML のひな形を作る")
    n.add_argument("kind", choices=("article", "municipality", "theme"), help="種類")
    n.add_argument("id", help="識別子(英小文字・数字・ハイフン)")
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit status."""
    args = parser().parse_args(argv)
    root = args.root.resolve()
    handlers = {"build": cmd_build, "check": cmd_check, "serve": cmd_serve, "new": cmd_new}
    return handlers[args.command](args, root)
