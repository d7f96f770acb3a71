"""``python -m generator links`` (generator/tools/links.py) against a local server: no network in the tests.

Dead links are warnings at each ``file:line`` that writes them; the checker says who it is (User-Agent), retries a
refused HEAD with GET, gives up after its timeout, and never asks one host two things at once.
"""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from generator.errors import Problems
from generator.tools.links import USER_AGENT, check_links, find_urls
from tests.test_cli import cli


class Handler(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[tuple[str, str, str]]] = []
    busy = 0
    most = 0
    lock = threading.Lock()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def _answer(self) -> None:
        cls = type(self)
        with cls.lock:
            cls.seen.append((self.command, self.path, self.headers.get("User-Agent", "")))
            cls.busy += 1
            cls.most = max(cls.most, cls.busy)
        try:
            if self.path == "/slow":
                time.sleep(2)
            time.sleep(0.05)  # long enough for two requests at once to overlap
        finally:
            # Before answering: once the client has its answer it may rightly ask the next thing.
            with cls.lock:
                cls.busy -= 1
        code = {"/ok": 200, "/gone": 404, "/head-refused": 405 if self.command == "HEAD" else 200}.get(self.path, 500)
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_HEAD = _answer
    do_GET = _answer


@pytest.fixture()
def server() -> Iterator[str]:
    Handler.seen, Handler.busy, Handler.most = [], 0, 0
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def content(root: Path, base: str) -> Path:
    (root / "content" / "articles").mkdir(parents=True)
    (root / "content" / "articles" / "a.yaml").write_text(
        f"id: a\nurl: {base}/ok\nrights:\n  url: \"{base}/gone\"\n# 出典: {base}/head-refused、\n", encoding="utf-8")
    (root / "content" / "organisations.yaml").write_text(
        f"organisations:\n  - id: o\n    url: {base}/gone\n  - id: p\n    url: {base}/slow\n", encoding="utf-8")
    return root


def test_urls_are_found_with_file_line_and_key(tmp_path: Path) -> None:
    root = content(tmp_path, "https://example.jp")
    assert [(f.path, f.line, f.field, f.url) for f in find_urls(root)] == [
        ("content/articles/a.yaml", 2, "url", "https://example.jp/ok"),
        ("content/articles/a.yaml", 4, "url", "https://example.jp/gone"),
        ("content/articles/a.yaml", 5, "(URL)", "https://example.jp/head-refused"),
        ("content/organisations.yaml", 3, "url", "https://example.jp/gone"),
        ("content/organisations.yaml", 5, "url", "https://example.jp/slow"),
    ]


def test_dead_links_are_warnings_where_they_are_written(tmp_path: Path, server: str) -> None:
    root = content(tmp_path, server)
    problems = Problems()
    assert check_links(root, problems, timeout=1.0, workers=4) == 4
    assert [d.format() for d in problems.warnings()] == [
        f"content/articles/a.yaml:4: url: 警告: リンク切れの可能性があります: {server}/gone(HTTP 404)",
        f"content/organisations.yaml:3: url: 警告: リンク切れの可能性があります: {server}/gone(HTTP 404)",
        f"content/organisations.yaml:5: url: 警告: リンク切れの可能性があります: {server}/slow(接続できません(timed out))",
    ]
    assert not problems.errors()
    assert {ua for _, _, ua in Handler.seen} == {USER_AGENT}
    assert [(m, p) for m, p, _ in Handler.seen if p == "/head-refused"] == [("HEAD", "/head-refused"), ("GET", "/head-refused")]
    assert [p for _, p, _ in Handler.seen].count("/gone") == 1, "each URL once, however often it is written"
    assert Handler.most == 1, "one host is never asked two things at once"


def test_command_reports_and_fails_only_when_strict(tmp_path: Path, server: str) -> None:
    root = content(tmp_path, server)
    (root / "content" / "organisations.yaml").write_text(f"organisations:\n  - id: o\n    url: {server}/gone\n", encoding="utf-8")
    status, lines = cli(root, "links", "--timeout", "1")
    assert status == 0
    assert lines == [f"content/articles/a.yaml:4: url: 警告: リンク切れの可能性があります: {server}/gone(HTTP 404)",
                     f"content/organisations.yaml:3: url: 警告: リンク切れの可能性があります: {server}/gone(HTTP 404)",
                     "警告 2 件(--strict では失敗になります)。", "URL 3 件を確認しました。"]
    assert cli(root, "links", "--strict", "--timeout", "1")[0] == 1
