"""Search benchmark: recall, precision, ready time, query latency and bytes, real handbook and scale corpus.

Usage: ``python benchmarks/search_bench.py [--articles 5000] [--skip-scale]``. The real handbook and a
synthetic corpus (``benchmarks/corpus.py``, the real pipeline) are built into temporary folders,
served on 127.0.0.1 and searched by typing into Material's search box in Debian Chromium.

The query rule and the expected pages are shared with ``tests/test_search.py``: every
municipality, theme and glossary name and alias, plus phrases sampled at fixed positions from
article bodies; a page is expected when its built text, normalised, contains the query.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import html
import http.server
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from generator.content.model import Handbook  # noqa: E402
from generator.publish.search import entities, search_key, searchable_locations, site_pages, synonym_groups  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PLACEHOLDER = "検索キーワードを入力してください"
PHRASES_PER_ARTICLE = 6
PHRASE_MAX = 12
# Phrase sampling splits article paragraphs at punctuation and spaces; a phrase is one run between them.
_PHRASE_SPLIT = re.compile(r"[\s、。,.!?！？「」『』()（）\[\]［］・:：;；…\"“”‘’¶/／〜~=+]+")
_SKIP_BLOCKS = re.compile(r"<(script|style|svg)\b.*?</\1>", re.S)
_TAG = re.compile(r"<[^>]+>")
_ARTICLE = re.compile(r'<article class="md-content__inner[^"]*">(.*?)</article>', re.S)
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)


def text_content(fragment: str) -> str:
    """What ``textContent`` would give for an HTML fragment (tags dropped, entities decoded)."""
    return html.unescape(_TAG.sub("", _SKIP_BLOCKS.sub("", fragment)))


def page_texts(site: Path, docs: Path) -> dict[str, str]:
    """Every searchable built page's article text, normalised for matching (the expected side)."""
    searchable = set(searchable_locations(p.relative_to(docs).as_posix() for p in docs.rglob("*.md")))
    out: dict[str, str] = {}
    for rel, path in site_pages(site):
        m = _ARTICLE.search(path.read_text(encoding="utf-8"))
        if m and rel in searchable:
            out[rel] = search_key(text_content(m.group(1)))
    return out


@dataclass(frozen=True)
class Query:
    """A query derived from the content, with the pages that are the entity's own entry.

    A name several entities share (four towns named 池田町) ranks all of them first: the top 3,
    or as many places as there are such entities.
    """

    text: str
    kind: str
    entity_pages: tuple[str, ...] = ()


def sample_phrases(article_html: str) -> list[str]:
    """Phrases at fixed positions of an article's paragraphs: every k-th run of ≥ 4 characters."""
    body = _ARTICLE.search(article_html)
    paragraphs = _PARAGRAPH.findall(body.group(1)) if body else []
    runs = [r for p in paragraphs for r in _PHRASE_SPLIT.split(text_content(p)) if len(r) >= 4]
    if not runs:
        return []
    step = max(1, len(runs) // PHRASES_PER_ARTICLE)
    return [r[:PHRASE_MAX] for r in runs[step // 2 :: step][:PHRASES_PER_ARTICLE]]


@functools.cache
def _built_html(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def built_page(site: Path, location: str) -> str:
    """The built page that holds an entity's heading, found in the HTML itself (not by the index's own reckoning):
    its page, or the later part (``glossary/3.html``) that paging moved the heading to."""
    page, _, anchor = location.partition("#")
    parts = sorted(p.relative_to(site).as_posix() for p in (site / page.removesuffix(".html")).glob("*.html"))
    return next((c for c in (page, *parts) if anchor and f'id="{anchor}"' in _built_html(site / c)), page)


def derive_queries(hb: Handbook, site: Path, articles: int | None = None) -> list[Query]:
    """Every municipality, theme and glossary name and alias, then sampled phrases from article bodies."""
    owners: dict[str, list[str]] = {}
    for e in entities(hb):
        if e.location.startswith(("municipalities/", "themes/", "glossary.html")):
            for name in e.names:
                owners.setdefault(name, []).append(built_page(site, e.location))
    queries = [Query(name, "entity", tuple(dict.fromkeys(pages))) for name, pages in owners.items()]
    seen = set(owners)
    for aid in list(hb.articles)[:articles]:
        path = site / "articles" / f"{aid}.html"
        for phrase in sample_phrases(path.read_text(encoding="utf-8")):
            if phrase not in seen:
                seen.add(phrase)
                queries.append(Query(phrase, "phrase"))
    return queries


def expected_pages(query: str, texts: dict[str, str]) -> set[str]:
    """Pages whose normalised text contains the normalised query."""
    key = search_key(query).strip()
    return {loc for loc, text in texts.items() if key in text}


def relevant_pages(query: str, texts: dict[str, str], hb: Handbook) -> set[str]:
    """Expected pages plus pages holding a synonym of the query (what a result may rightly add)."""
    key = search_key(query).strip()
    out = expected_pages(query, texts)
    for group in synonym_groups(entities(hb)):
        keys = [search_key(n) for n in group]
        if key == keys[0]:
            others = keys[1:]
        elif key in keys[1:]:
            others = keys[:1]
        else:
            continue
        for other in others:
            out |= {loc for loc, text in texts.items() if other in text}
    return out


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep benchmark output clean."""


LATENCY_S = 0.150
LINK_BYTES_PER_S = 1_600_000 // 8
"""The throttled connection of issue #29: 150 ms before each response, 1.6 Mbps shared by every response."""


class ThrottledHandler(QuietHandler):
    """Waits ``LATENCY_S`` before each response and sends its bytes over one shared link of ``LINK_BYTES_PER_S``
    (a lock: parallel requests share the bandwidth as they would on a real line)."""

    link = threading.Lock()

    def copyfile(self, source: Any, outputfile: Any) -> None:
        time.sleep(LATENCY_S)
        while chunk := source.read(16_384):
            with self.link:
                time.sleep(len(chunk) / LINK_BYTES_PER_S)
                outputfile.write(chunk)


@contextmanager
def serve(site: Path, handler_class: type[QuietHandler] = QuietHandler) -> Iterator[str]:
    """Serve a built site on 127.0.0.1 (a free port) for the length of the block."""
    handler = functools.partial(handler_class, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


# Records when the worker said READY and the pages of its last RESULT, in order: Material renders
# ten result groups and the rest only as the reader scrolls, so a test of recall reads the answer
# the UI received. Over http Material creates ``new Worker(url)``; from file:// the iframe-worker
# shim's iframe posts its messages to this window.
RESULT_HOOK = """(() => {
  const record = data => {
    if (!data || typeof data.type !== "number") return;
    if (data.type === 1) window.__searchReady = performance.now();
    if (data.type === 3) window.__searchResult = data.data.items.map(group => group[0].location);
  };
  const Base = window.Worker;
  window.Worker = class extends Base {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", ev => record(ev.data));
    }
  };
  window.addEventListener("message", ev => record(ev.data));
})();"""


PENDING = "\u2026searching\u2026"
MARK_PENDING = f"() => {{ document.querySelector('.md-search-result__meta').textContent = '{PENDING}'; }}"
RESULT_ARRIVED = f"() => document.querySelector('.md-search-result__meta').textContent !== '{PENDING}'"
# The worker's answer, the count line Material wrote and the result groups it rendered.
READ_RESULTS = """() => [
  window.__searchResult,
  document.querySelector('.md-search-result__meta').textContent,
  [...document.querySelectorAll('.md-search-result__item')].map(li => li.querySelector('a').href),
]"""


class SearchBox:
    """Material's header search box in a real page: type, wait for the worker's answer, read results."""

    def __init__(self, page: Any, base: str) -> None:
        self.page = page
        self.base = base
        self.last = ""
        self.shown: list[str] = []
        self.count_line = ""
        page.add_init_script(RESULT_HOOK)
        self.box = page.locator("input.md-search__input")
        self.meta = page.locator(".md-search-result__meta")

    def open(self, url: str, timeout: float = 30_000) -> None:
        """Load a page, open the search box and wait until the worker reported READY."""
        self.page.goto(url)
        self.box.click()
        self.page.wait_for_function(
            "t => document.querySelector('.md-search-result__meta').textContent === t", arg=PLACEHOLDER, timeout=timeout
        )

    def search(self, query: str) -> list[str]:
        """Type a query like a reader (then a key press, as an IME commit gives) and return every result page.

        The result count line is overwritten with a marker first; Material rewrites it when the
        worker's answer arrives, so no fixed wait is needed.
        """
        if query == self.last:
            self.clear()
        self.last = query
        self.box.fill(query)
        self.page.evaluate(MARK_PENDING)
        self.box.press("End")
        self.page.wait_for_function(RESULT_ARRIVED)
        locations, self.count_line, shown = self.page.evaluate(READ_RESULTS)
        self.shown = [self.location(h) for h in shown]
        return [loc.split("#")[0] for loc in locations]

    def clear(self) -> None:
        """Empty the box and wait for the worker's (empty) answer."""
        self.box.fill("")
        self.box.press("End")
        self.page.wait_for_function(
            "t => document.querySelector('.md-search-result__meta').textContent === t", arg=PLACEHOLDER
        )
        self.last = ""

    def location(self, href: str) -> str:
        """A result link relative to the site root, without the ?h= highlight and #anchor."""
        return href.removeprefix(self.base).split("?")[0].split("#")[0]

    def latency(self, query: str) -> float:
        """Milliseconds from the key press to the result count being rewritten by the UI."""
        self.clear()
        self.last = query
        return float(self.page.evaluate(
            """q => new Promise(done => {
              const input = document.querySelector('input.md-search__input');
              const meta = document.querySelector('.md-search-result__meta');
              const t0 = performance.now();
              const obs = new MutationObserver(() => { obs.disconnect(); done(performance.now() - t0); });
              obs.observe(meta, { childList: true, characterData: true, subtree: true });
              input.value = q;
              input.dispatchEvent(new KeyboardEvent('keyup', { key: 'End', bubbles: true }));
            })""",
            query,
        ))


@dataclass
class Figures:
    """What one benchmark run measured."""

    label: str
    pages: int
    queries: int
    recall: float
    precision: float
    entity_top3: float
    ready_ms: float
    ready_after_load_ms: float
    median_ms: float
    worst_ms: float
    index_bytes: int
    index_gzip: int
    first_result_bytes: int
    manifest_bytes: int
    manifest_gzip: int
    throttled: tuple[str, float, int, int] | None
    """Query, milliseconds from navigation to its first result, all bytes and search-index bytes received by then."""

    def lines(self) -> list[str]:
        return [
            f"== {self.label}: {self.pages:,} ページ、{self.queries} 件のクエリ",
            f"再現率 (recall)            {self.recall:.1%}",
            f"適合率 (precision)         {self.precision:.1%}  (関連 = 語か同義語を含むページ / 返したページ)",
            f"実体ページが上位3件以内    {self.entity_top3:.1%}",
            f"検索可能まで (ready)       {self.ready_ms:.0f} ms (ナビゲーション開始から) / {self.ready_after_load_ms:.0f} ms (load 後)",
            f"クエリ応答 中央値 / 最悪   {self.median_ms:.1f} ms / {self.worst_ms:.1f} ms",
            f"索引サイズ (全ファイル)     {self.index_bytes:,} B (gzip {self.index_gzip:,} B)",
            f"最初の結果までの転送量     {self.first_result_bytes:,} B (読み込んだファイルの合計、非圧縮)",
            f"manifest(検索欄の準備)    {self.manifest_bytes:,} B (gzip {self.manifest_gzip:,} B)",
            *([] if self.throttled is None else [
                f"低速回線(150 ms, 1.6 Mbps) 「{self.throttled[0]}」の最初の結果まで {self.throttled[1]:,.0f} ms、"
                f"受信 {self.throttled[2]:,} B(うち検索索引 {self.throttled[3]:,} B、非圧縮)"]),
        ]


def index_files(site: Path) -> list[Path]:
    """Every file of the build-time index (manifest, gram shards, text chunks): what a reader may download."""
    return sorted(p for p in (site / "search").glob("handbook_index.*/*") if p.is_file())


@contextmanager
def opened(site: Path, file_url: bool) -> Iterator[str]:
    """The site's base URL: served on 127.0.0.1, or the folder itself from file:// (an offline copy)."""
    if file_url:
        yield site.resolve().as_uri() + "/"
    else:
        with serve(site) as base:
            yield base


def downloaded(site: Path, base: str, urls: list[str]) -> int:
    """Bytes of the site's files behind the requested URLs (what a reader receives, uncompressed)."""
    paths = {urllib.parse.unquote(u.removeprefix(base).split("?")[0].split("#")[0]) for u in urls if u.startswith(base)}
    return sum((site / rel).stat().st_size for rel in paths if (site / rel).is_file())


@contextmanager
def recorded_box(browser: Any, base: str) -> Iterator[tuple[SearchBox, list[str]]]:
    """A search box in a fresh browser context, and the URLs of every request it finished (for the bytes a reader got)."""
    context = browser.new_context(locale="ja-JP")
    try:
        page = context.new_page()
        requested: list[str] = []
        page.on("requestfinished", lambda r: requested.append(r.url))
        yield SearchBox(page, base), requested
    finally:
        context.close()


def throttled_first_result(site: Path, browser: Any, query: str) -> tuple[str, float, int, int]:
    """A reader on a slow line: open the top page, open the search, type ``query``; milliseconds from navigation to
    the first result, and the bytes received by then (all, and the search index's)."""
    with serve(site, ThrottledHandler) as base, recorded_box(browser, base) as (box, requested):
        started = time.perf_counter()
        box.open(base + "index.html", timeout=120_000)
        box.search(query)
        elapsed = (time.perf_counter() - started) * 1000
    index = [u for u in requested if "/search/" in u]
    return query, elapsed, downloaded(site, base, requested), downloaded(site, base, index)


def measure(label: str, hb: Handbook, site: Path, docs: Path, browser: Any, articles: int | None = None,
            limit: int | None = None, file_url: bool = False) -> Figures:
    """Run the derived queries (every n-th, if ``limit``) through the real UI; time a cold load and each query."""
    texts = page_texts(site, docs)
    queries = derive_queries(hb, site, articles)
    if limit and len(queries) > limit:
        queries = queries[:: -(-len(queries) // limit)]
    with opened(site, file_url) as base, recorded_box(browser, base) as (box, requested):
        box.open(base + "index.html")
        timing = box.page.evaluate(
            "() => [window.__searchReady, performance.getEntriesByType('navigation')[0].loadEventEnd]"
        )
        ready, loaded = timing
        first = box.search(queries[0].text)
        first_bytes = downloaded(site, base, requested)
        assert first is not None
        hits = relevant = returned = found = top3 = entity_count = 0
        for q in queries:
            got = box.search(q.text)
            exp = expected_pages(q.text, texts)
            rel = relevant_pages(q.text, texts, hb)
            hits += len(exp & set(got))
            found += len(exp)
            relevant += len(rel & set(got))
            returned += len(got)
            if q.entity_pages:
                entity_count += 1
                top3 += all(p in got[: max(3, len(q.entity_pages))] for p in q.entity_pages)
        times = [box.latency(q.text) for q in queries]
    files = index_files(site)
    manifest = next(f for f in files if f.name == "manifest.js")
    return Figures(
        label, len(texts), len(queries), hits / max(found, 1), relevant / max(returned, 1), top3 / max(entity_count, 1),
        ready, ready - loaded, statistics.median(times), max(times), sum(f.stat().st_size for f in files),
        sum(len(gzip.compress(f.read_bytes(), 6)) for f in files), first_bytes, manifest.stat().st_size,
        len(gzip.compress(manifest.read_bytes(), 6)),
        None if file_url else throttled_first_result(site, browser, queries[0].text),
    )


def build_real(tmp: Path) -> tuple[Handbook, Path, Path]:
    from generator.build import build
    from tests.conftest import copy_repo

    root = copy_repo(tmp / "handbook")
    generated = build(root, package=False)
    return generated.handbook, root / "site", root / "build" / "docs"


def build_scale(tmp: Path, articles: int) -> tuple[Handbook, Path, Path]:
    from benchmarks.corpus import write_corpus
    from generator.build import build

    root = tmp / f"corpus-{articles}"
    write_corpus(root, articles)
    generated = build(root, package=False)
    return generated.handbook, root / "site", root / "build" / "docs"


def offline_copy(root: Path, site: Path) -> Path:
    """The offline copy of a built checkout (offline plugin, no site_url), beside its site: what file:// readers get."""
    from generator.build import build_site, generate
    from generator.publish.offline import OFFLINE_ENV

    out = site.with_name("site-offline")
    if not (out / "search" / "search_index.js").is_file():
        build_site(root, generate(root), out, OFFLINE_ENV)
    return out


def built(root: Path) -> tuple[Handbook, Path, Path]:
    """A checkout built earlier (``benchmarks/run.py --keep``): only the model is recomputed."""
    from generator.build import generate

    return generate(root).handbook, root / "site", root / "build" / "docs"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000, help="scale corpus size (articles)")
    parser.add_argument("--sample", type=int, default=40, help="articles of the scale corpus to sample phrases from")
    parser.add_argument("--limit", type=int, default=200, help="queries measured on the scale corpus (every n-th)")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--skip-real", action="store_true")
    parser.add_argument("--scale-root", type=Path, help="an already built corpus checkout (content/, site/, build/docs/)")
    parser.add_argument("--file", action="store_true", help="also measure the offline copy from file:// (built beside site/)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="search-bench-") as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        runs = [] if args.skip_real else [("実際のハンドブック", lambda: build_real(Path(tmp)), None, None)]
        if args.scale_root:
            runs.append((f"合成コーパス ({args.scale_root.name})", lambda: built(args.scale_root), args.sample, args.limit))
        elif not args.skip_scale:
            runs.append((f"合成コーパス ({args.articles:,} 記事)", lambda: build_scale(Path(tmp), args.articles), args.sample,
                         args.limit))
        for label, make, sample, limit in runs:
            t0 = time.perf_counter()
            hb, site, docs = make()
            print(f"(ビルド {time.perf_counter() - t0:.0f} 秒)", flush=True)
            for line in measure(label, hb, site, docs, browser, sample, limit).lines():
                print(line, flush=True)
            if args.file:
                t0 = time.perf_counter()
                offline = offline_copy(site.parent, site)
                print(f"(オフライン版のビルド {time.perf_counter() - t0:.0f} 秒)", flush=True)
                for line in measure(f"{label} file://", hb, offline, docs, browser, sample, limit, file_url=True).lines():
                    print(line, flush=True)
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
