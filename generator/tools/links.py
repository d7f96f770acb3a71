"""``python -m generator links``: check every external URL written in ``content/`` and warn about dead ones.

Not part of ``check`` or the tests' normal run (no network there): a scheduled workflow runs it
(``.github/workflows/links.yml``). Polite by design: a handful of requests at once, never two at a time to the same
host, a timeout, a User-Agent that says who is asking, HEAD first (GET only when a server refuses HEAD), and each
URL once however often it is written. A dead link is a warning at every ``file:line`` that writes it.
"""

from __future__ import annotations

import concurrent.futures
import re
import urllib.error
import urllib.request
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from generator.errors import Problems

USER_AGENT = "jichitai-dx-handbook-linkcheck/1.0 (+https://github.com/jichitai-dx-handbook/handbook)"
TIMEOUT = 15.0
"""Seconds to wait for one answer: slow municipal servers are common, and a slow link is not a dead one."""
WORKERS = 4
"""Hosts checked at once (one request at a time per host)."""
_URL = re.compile(r"https?://[^\s\"'<>`]+")
_KEY = re.compile(r"[a-z_][a-z0-9_]*")
"""A YAML key as the schema names them (``url``): the field a message names; else ``(URL)``."""
_RETRY_WITH_GET = {403, 405, 501}
"""Answers to HEAD that some servers give where GET works."""


@dataclass(frozen=True)
class Found:
    """A URL where a content file writes it."""

    url: str
    path: str
    line: int
    field: str


def find_urls(root: Path) -> list[Found]:
    """Every http(s) URL in ``content/**/*.yaml`` with its file, line and key (comments included: a URL a contributor
    wrote down as a source is worth keeping alive too)."""
    found: list[Found] = []
    for path in sorted((root / "content").rglob("*.yaml")):
        rel = path.relative_to(root).as_posix()
        for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            key = text.split(":", 1)[0].strip().lstrip("-").strip()
            field = key if _KEY.fullmatch(key) else "(URL)"
            for m in _URL.finditer(text):
                found.append(Found(m.group(0).rstrip(".,)、。"), rel, n, field))
    return found


def _request(url: str, method: str, timeout: float) -> int:
    req = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # http(s) only: _URL
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def status(url: str, timeout: float = TIMEOUT) -> str | None:
    """Why ``url`` looks dead (HTTP status or the connection's failure), or None when it answers."""
    try:
        code = _request(url, "HEAD", timeout)
        if code in _RETRY_WITH_GET:
            code = _request(url, "GET", timeout)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return f"接続できません({reason})"
    return f"HTTP {code}" if code >= 400 else None


def check_links(root: Path, problems: Problems, *, timeout: float = TIMEOUT, workers: int = WORKERS) -> int:
    """Check every URL once, hosts in parallel and each host's URLs in turn; warn at each place a dead one is written.
    Returns how many distinct URLs were checked."""
    found = find_urls(root)
    by_host: dict[str, list[str]] = defaultdict(list)
    for url in dict.fromkeys(f.url for f in found):
        by_host[urlsplit(url).netloc.lower()].append(url)

    def host_run(urls: list[str]) -> dict[str, str | None]:
        return {url: status(url, timeout) for url in urls}

    dead: dict[str, str] = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for result in pool.map(host_run, by_host.values()):
            dead.update({url: why for url, why in result.items() if why})
    for f in found:
        if f.url in dead:
            problems.warning(f.path, f.line, f.field, f"リンク切れの可能性があります: {f.url}({dead[f.url]})")
    return sum(len(urls) for urls in by_host.values())
