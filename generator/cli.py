"""Command line: ``build``, ``check``, ``serve``, ``new`` and ``draft``.

Contributors see only diagnostics here, never a traceback: every expected failure is turned
into ``path:line: field: message`` lines on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

from generator.build import build, generate
from generator.errors import BuildAborted, Problems
from generator.pages.printview import PDF_NAME
from generator.pages.render import Page
from generator.pages.write import DOCS_DIR, OWNER_MARK, SITE_DIR, BuildLocked, OwnershipError
from generator.publish.pdf import PdfFailed
from generator.site.mkdocs import MkDocsFailed, shown_path

KEPT = "以前のサイトはそのままです。"


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


class Interrupted(KeyboardInterrupt):
    """SIGTERM (or SIGINT) during a build: raised where the build is, so it cleans up as on Ctrl+C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Turn SIGTERM and SIGINT into ``Interrupted`` for the block; after the first, both are ignored so that the
    clean-up (removing the staged site, stopping Chromium) is not cut short. The handlers are restored after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signums = [signal.SIGTERM] + ([signal.SIGINT] if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN else [])

    def stop(signum: int, _frame: object) -> None:
        for each in signums:
            signal.signal(each, signal.SIG_IGN)
        raise Interrupted(signum)

    before = {signum: signal.signal(signum, stop) for signum in signums}
    try:
        yield
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)


def _os_error(exc: OSError, root: Path) -> str:
    """``path:1: (ファイル): …`` for a file that could not be read or written (relative to the root when inside it)."""
    where = shown_path(os.fsdecode(exc.filename), root) if exc.filename else "(ファイル)"
    return f"{where}:1: (ファイル): 読み書きできません({exc.strerror or exc})"


def cmd_build(args: argparse.Namespace, root: Path) -> int:
    """Run the whole pipeline into site/. Every failure is reported as ``path:line: field: message`` lines with
    exit status 1 (130 or 143 when interrupted by SIGINT or SIGTERM), and the previous site stays."""
    try:
        with interruptible():
            generated = build(root, strict=args.strict, progress=_progress(args), site=not args.no_site,  # type: ignore[arg-type]
                              package=not args.no_package)
    except BuildAborted as exc:
        _report(exc.problems, args.strict)
        return 1
    except MkDocsFailed as exc:
        print(f"mkdocs.yml:1: (MkDocs): サイトの生成に失敗しました。{KEPT}", file=sys.stderr)
        for line in [d.format() for d in exc.diagnostics] or str(exc).splitlines():
            print(line, file=sys.stderr)
        return 1
    except PdfFailed as exc:
        print(f"{SITE_DIR.as_posix()}/{PDF_NAME}:1: (PDF): PDF を作成できませんでした: {exc}。{KEPT}", file=sys.stderr)
        return 1
    except BuildLocked as exc:
        print(f"{exc}", file=sys.stderr)
        return 1
    except OwnershipError as exc:
        print(f"{DOCS_DIR.as_posix()}/:1: (生成物): {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as exc:
        signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
        print(f"{SITE_DIR.as_posix()}/:1: (中断): ビルドを中断しました({signal.Signals(signum).name} を受け取りました)。{KEPT}",
              file=sys.stderr)
        return 128 + signum
    except OSError as exc:
        print(f"{_os_error(exc, root)}。{KEPT}", file=sys.stderr)
        return 1
    _report(generated.problems, args.strict)
    return 0


def outdated(root: Path, pages: list[Page], problems: Problems) -> None:
    """Warn about generated files under build/docs that differ from what a build would write now."""
    out = root / DOCS_DIR
    if not out.is_dir():
        return
    wanted: dict[str, bytes] = {p.path: p.data for p in pages}
    hint = "python -m generator build で"

    def warn(rel: str, message: str) -> None:
        problems.warning(f"{DOCS_DIR.as_posix()}/{rel}", 1, "(生成物)", message)

    for rel, data in wanted.items():
        target = out / rel
        if not target.is_file():
            warn(rel, f"まだ生成されていません({hint}生成してください)")
        elif target.read_bytes() != data:
            warn(rel, f"内容が古くなっています({hint}更新してください)")
    for existing in sorted(out.rglob("*")):
        rel = existing.relative_to(out).as_posix()
        if existing.is_file() and rel not in wanted and existing.name != OWNER_MARK:
            warn(rel, f"もう生成されないファイルです({hint}削除されます)")


def cmd_check(args: argparse.Namespace, root: Path) -> int:
    """Validate only, and compare build/docs with what a build would write: nothing is written."""
    try:
        generated = generate(root, strict=args.strict, review_on=args.today or _env_today() or datetime.date.today())
    except BuildAborted as exc:
        _report(exc.problems, args.strict)
        return 1
    outdated(root, generated.pages, generated.problems)
    _report(generated.problems, args.strict)
    if generated.problems.failed(args.strict):
        return 1
    print(f"OK: 自治体 {len(generated.handbook.municipalities)}、記事 {len(generated.handbook.articles)}、"
          f"テーマ {len(generated.handbook.themes)}、用語 {len(generated.handbook.glossary)}", file=sys.stderr)
    return 0


def cmd_serve(args: argparse.Namespace, root: Path) -> int:
    """Live preview: regenerate after every edit of content/ or seeds/; MkDocs rebuilds those pages and reloads."""
    from generator.tools.serve import serve

    return serve(root, args.dev_addr, _progress(args), lambda problems: _report(problems, False))  # type: ignore[arg-type]


def cmd_new(args: argparse.Namespace, root: Path) -> int:
    """Write a YAML skeleton with Japanese comments for a new entity."""
    from generator.tools.new import new_entity

    return new_entity(root, args.kind, args.id, seed=args.seed, code=args.code)


def cmd_draft(args: argparse.Namespace, root: Path) -> int:
    """Write (or print) a proposed article YAML for a seed, every value marked as a proposal."""
    from generator.tools.draft import draft

    return draft(root, args.seed, url=args.url, ident=args.id, stdout=args.stdout)


def cmd_links(args: argparse.Namespace, root: Path) -> int:
    """Check the external URLs of content/ (network): dead ones are warnings with file:line; status 1 only with --strict."""
    from generator.tools.links import check_links

    problems = Problems()
    checked = check_links(root, problems, timeout=args.timeout, workers=args.workers)
    _report(problems, args.strict)
    print(f"URL {checked} 件を確認しました。", file=sys.stderr)
    return 1 if problems.failed(args.strict) else 0


def cmd_schema_docs(args: argparse.Namespace, root: Path) -> int:
    """Print the field reference, or write/check it inside CONTRIBUTING.md."""
    from generator.tools.schemadoc import run

    return run(root, write=args.write, check=args.check)


def _day(text: str) -> datetime.date:
    """``--today``: a YYYY-MM-DD date, refused in Japanese by argparse otherwise."""
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日付は YYYY-MM-DD の形式で書いてください: {text!r}") from None


def _env_today() -> datetime.date | None:
    """``HANDBOOK_TODAY`` (YYYY-MM-DD): the day ``check`` judges review dates by when ``--today`` is not given (the tests
    fix it, so that content checked today does not fail them next year); unset or malformed, None."""
    try:
        return datetime.date.fromisoformat(os.environ.get("HANDBOOK_TODAY", ""))
    except ValueError:
        return None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m generator", description="自治体DXハンドブックの生成器")
    p.add_argument("--root", type=Path, default=Path.cwd(), help="リポジトリのルート(既定: 現在のフォルダ)")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="検証して Markdown とサイト(site/)を生成する")
    b.add_argument("--strict", action="store_true", help="警告もエラーとして扱う")
    b.add_argument("--quiet", action="store_true", help="進行状況を表示しない")
    b.add_argument("--no-site", action="store_true", help="Markdown だけ生成し、MkDocs を実行しない")
    b.add_argument("--no-package", action="store_true", help="PDF とオフライン版を作らない(サイトの確認だけなら速い)")
    c = sub.add_parser("check", help="検証だけを行う(何も書き込まない)")
    c.add_argument("--strict", action="store_true", help="警告もエラーとして扱う")
    c.add_argument("--today", type=_day, default=None,
                   help="確認予定日(reviewed + 1 年)を過ぎた項目を判定する日(YYYY-MM-DD。既定: 今日)")
    s = sub.add_parser("serve", help="プレビューサーバーを起動し、content/ と seeds/ の変更を反映する")
    s.add_argument("--dev-addr", default="127.0.0.1:8000", help="待ち受けるアドレス")
    s.add_argument("--quiet", action="store_true", help="進行状況を表示しない")
    n = sub.add_parser("new", help="新しい YAML のひな形を作る")
    n.add_argument("kind", choices=("article", "municipality", "theme"), help="種類")
    n.add_argument("id", help="識別子(英小文字・数字・ハイフン)")
    n.add_argument("--seed", help="記事の場合: seeds/ に置いたファイル名(sha256 と本文の行範囲を書き込む)")
    n.add_argument("--code", help="自治体の場合: 全国地方公共団体コード(名前・読み・都道府県を一覧から書き込む)")
    r = sub.add_parser("draft", help="seed から記事 YAML の下書き(提案つき)を作る")
    r.add_argument("seed", help="seeds/ に置いたファイル(名前、または seeds/ の中のパス)")
    r.add_argument("--url", help="元記事の URL(url に書き込む)")
    r.add_argument("--id", help="記事の id(既定: draft-<seed の名前>)")
    r.add_argument("--stdout", action="store_true", help="ファイルに書かず、画面(標準出力)に出す")
    lk = sub.add_parser("links", help="content/ の外部 URL がリンク切れでないか確かめる(ネットワークを使う)")
    lk.add_argument("--strict", action="store_true", help="リンク切れがあれば終了コード 1")
    lk.add_argument("--timeout", type=float, default=15.0, help="1 件の応答を待つ秒数(既定: 15)")
    lk.add_argument("--workers", type=int, default=4, help="同時に確認するホストの数(同じホストへは 1 件ずつ。既定: 4)")
    d = sub.add_parser("schema-docs", help="schema.py から項目一覧(CONTRIBUTING.md 用)を作る")
    mode = d.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="CONTRIBUTING.md の目印の間を書き換える")
    mode.add_argument("--check", action="store_true", help="CONTRIBUTING.md が最新か確かめる(古ければ終了コード 1)")
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit status."""
    args = parser().parse_args(argv)
    root = args.root.resolve()
    handlers = {"build": cmd_build, "check": cmd_check, "serve": cmd_serve, "new": cmd_new, "draft": cmd_draft,
                "schema-docs": cmd_schema_docs, "links": cmd_links}
    try:
        return handlers[args.command](args, root)
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        # A file that vanished or cannot be read mid-run: say which, without a traceback.
        print(_os_error(exc, root), file=sys.stderr)
        return 1
