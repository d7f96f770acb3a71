"""A deterministic synthetic handbook at national scale, in the real content/ + seeds/ schema.

The benchmark must exercise the real pipeline, validation included, so the corpus is written
as ordinary YAML and seed files into a temporary checkout: the real themes, glossary and
organisations, municipalities taken from the official code list (real codes, names and
readings), and articles whose seeds are real seed paragraphs reshuffled. The same size always
produces byte-identical files.

Two profiles: ``even`` (the default) spreads articles over the bodies by population and keeps
every article short; ``skewed`` is shaped like real coverage (``SkewedWriter``): a handful of
bodies named in ``HEAVY`` carry hundreds of articles at 5,000 while most have 0–3, half the
articles are long (20–40 KB of seed text with 15–30 key points and 15–30 quotes), and the
glossary and people lists grow to 500 terms and 3,000 people at 5,000 articles.
"""

from __future__ import annotations

import collections
import csv
import hashlib
import itertools
import math
import os
import random
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
SIZES = (100, 1_000, 5_000)
TOP_BODIES = 1_788
# What a build reads besides content/ and seeds/ (node_modules is linked, not copied).
COPIED = ("data", "overrides", "mkdocs.yml", "package.json", "package-lock.json", "node_modules", "hooks")

REGIONS = (
    (1, 1, "北海道"), (2, 7, "東北"), (8, 14, "関東"), (15, 23, "中部"),
    (24, 30, "近畿"), (31, 35, "中国"), (36, 39, "四国"), (40, 47, "九州・沖縄"),
)
PUBLISHERS = ("自治体通信", "月刊ガバナンス", "日経クロステック", "EnterpriseZine", "note", "広報誌", "地方紙", None)
FAMILY = ("佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田", "佐々木", "山口", "松本")
GIVEN = ("健一", "美咲", "大輔", "由美", "翔太", "直子", "誠", "陽子", "拓也", "恵", "学", "裕子", "隆", "彩", "修")
ROLES = ("DX推進課長", "情報政策課 係長", "デジタル戦略室長", "副市長(CIO)", "総務部長", "企画課 主任", "CDO補佐官")
# The skewed profile's heavily covered bodies, by name (looked up in data/local-governments.csv), with the number of
# articles about each at 5,000 articles (scaled at other sizes): together 45% of the articles.
HEAVY = (
    ("品川区", 560), ("相模原市", 420), ("渋谷区", 320), ("浜松市", 260),
    ("加古川市", 220), ("つくば市", 180), ("北見市", 150), ("都城市", 120),
)
PROFILES = ("even", "skewed")
ORG_ROLES = ("自治体担当部長", "シニアコンサルタント", "主任研究員", "代表理事", "プロジェクトリーダー")
# Kanji endings of the skewed profile's synthetic glossary terms, with their readings.
TERM_ENDINGS = (
    ("基盤", "キバン"), ("推進", "スイシン"), ("戦略", "センリャク"), ("計画", "ケイカク"), ("連携", "レンケイ"),
    ("導入", "ドウニュウ"), ("方針", "ホウシン"), ("人材", "ジンザイ"), ("窓口", "マドグチ"), ("評価", "ヒョウカ"),
    ("支援", "シエン"), ("研修", "ケンシュウ"),
)
TITLE_FORMS = (
    "{m}が進める{t}", "{m}の{t}:現場からの報告", "{t}はどう進めたか({m})", "{m}に聞く{t}の始め方",
    "{m}の挑戦 ―{t}", "{t}の実践例:{m}",
)


def region_of(code: str) -> str:
    """Region (地方区分) from the prefecture part of a local-government code."""
    pref = int(code[:2])
    return next(name for lo, hi, name in REGIONS if lo <= pref <= hi)


def kind_of(code: str, name: str) -> str:
    """Kind as the validator infers it: 都道府県 by code, else by the name's suffix."""
    if code[2:5] == "000":
        return "都道府県"
    if name.endswith("区"):
        return "特別区"
    return name[-1]


@dataclass
class Body:
    """One local government of the synthetic corpus."""

    id: str
    code: str
    name: str
    prefecture: str
    reading: str
    kind: str
    population: int | None
    weight: float
    people: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Pool:
    """Real text to reshuffle: body paragraphs and section headings of the curated articles."""

    paragraphs: tuple[str, ...]
    headings: tuple[str, ...]


def read_pool(repo: Path = REPO) -> Pool:
    """Collect the curated body paragraphs and headings of the real handbook's articles."""
    paras: list[str] = []
    heads: list[str] = []
    for path in sorted((repo / "content" / "articles").glob("*.yaml")):
        art = yaml.safe_load(path.read_text(encoding="utf-8"))
        lines = (repo / "seeds" / art["seed"]).read_text(encoding="utf-8").splitlines()
        heading_lines = {h["line"] for h in art.get("headings", [])}
        excluded = set(art.get("exclude", []))
        for r in art["body"]:
            for n in range(r["start"], min(r["end"], len(lines)) + 1):
                text = lines[n - 1].strip()
                if not text or n in excluded:
                    continue
                (heads if n in heading_lines else paras).append(text)
    return Pool(tuple(paras), tuple(dict.fromkeys(heads)))


def read_bodies(count: int, rng: random.Random, repo: Path = REPO, required: tuple[str, ...] = ()) -> list[Body]:
    """``count`` local governments from the official list, with synthetic populations; the ``required`` names
    (each must name exactly one body of the list) are always among them."""
    with (repo / "data" / "local-governments.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    chosen = []
    for name in required:
        found = [r for r in rows if (r["name"] or r["prefecture"]) == name]
        if len(found) != 1:
            raise ValueError(f"{name}: {len(found)} bodies of that name in data/local-governments.csv (need exactly one)")
        chosen.append(found[0])
    if chosen:
        rest = [r for r in rows if r not in chosen]
        rows = sorted(chosen + rng.sample(rest, min(len(rest), count - len(chosen))), key=lambda r: r["code"])
    elif count < len(rows):
        rows = sorted(rng.sample(rows, count), key=lambda r: r["code"])
    medians = {"都道府県": 1_800_000, "市": 70_000, "特別区": 250_000, "町": 12_000, "村": 3_000}
    bodies = []
    for row in rows:
        name = row["name"] or row["prefecture"]
        kind = kind_of(row["code"], name)
        pop = int(medians[kind] * math.exp(rng.gauss(0, 0.8)))
        pop = max(200, min(pop, 14_000_000))
        bodies.append(Body(
            id=f"lg-{row['code']}", code=row["code"], name=name, prefecture=row["prefecture"],
            reading=row["name_kana"] or row["prefecture_kana"], kind=kind,
            population=None if rng.random() < 0.04 else pop,
            weight=pop ** 0.35,
        ))
    return bodies


def _dump(data: Any, header: str) -> str:
    """YAML as contributors write it: a comment line, then block style, unicode kept."""
    return header + yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False, width=10_000)


def _rights(publisher: str | None, url: str | None, i: int) -> dict[str, str] | None:
    """About a fifth of the articles may be republished, as real coverage has it: a town's own 広報誌 under the
    government's terms of use, every other note under CC BY; the rest keep the default ``unknown`` (no body).
    Decided without the random generator, so the rest of the corpus is the same as without rights."""
    if url is None:
        return None
    if publisher == "広報誌":
        return {"licence": "政府標準利用規約-2.0", "url": "https://example.jp/terms-of-use"}
    if publisher == "note" and i % 2:
        return {"licence": "CC-BY-4.0"}
    return None


def _partial_date(rng: random.Random) -> str | None:
    """Publication dates 2016–2025 at day, month or year precision, some unknown."""
    roll = rng.random()
    if roll < 0.06:
        return None
    year, month, day = rng.randint(2016, 2025), rng.randint(1, 12), rng.randint(1, 28)
    if roll < 0.12:
        return f"{year}"
    if roll < 0.30:
        return f"{year}-{month:02d}"
    return f"{year}-{month:02d}-{day:02d}"


@dataclass(frozen=True)
class Corpus:
    """Counts of what was written, for the benchmark table."""

    root: Path
    articles: int
    bodies: int
    themes: int
    people: int
    seeds: int


class Writer:
    """Builds every file of one corpus from one seeded random generator: the ``even`` profile.

    The methods between ``pick_munis`` and ``speaker`` are what ``SkewedWriter`` changes; here each draws from the
    generator exactly as the corpus always has, so a size's files stay byte for byte the same.
    """

    seed = "handbook-benchmark-{n}"
    required: tuple[str, ...] = ()

    def __init__(self, articles: int, root: Path, repo: Path = REPO, rights: str = "mixed") -> None:
        self.n = articles
        self.rights = rights
        """``mixed``: about a fifth may be republished (``_rights``); ``all``: every one (the most work per article);
        ``none``: no ``rights`` key and no events' ``themes``, the schema of checkouts from before them (there, every
        body is published; here, none)."""
        self.root = root
        self.repo = repo
        self.rng = random.Random(self.seed.format(n=articles))
        self.pool = read_pool(repo)
        bodies = TOP_BODIES if articles >= 5_000 else max(30, round(articles * 0.36))
        self.bodies = read_bodies(bodies, self.rng, repo, self.required)
        self.theme_names = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))["name"]
                            for p in sorted((repo / "content" / "themes").glob("*.yaml"))}
        self.themes = list(self.theme_names)
        orgs = yaml.safe_load((repo / "content" / "organisations.yaml").read_text(encoding="utf-8"))
        self.orgs = [o["id"] for o in orgs["organisations"]]
        # Themes follow a long tail: a few (standardisation, talent) dominate, most are niche.
        order = self.themes[:]
        self.rng.shuffle(order)
        self.theme_weights = [1 / (rank + 1) ** 0.9 for rank in range(len(order))]
        self.theme_order = order
        self.people: list[dict[str, Any]] = []
        self.person_body: dict[str, Body] = {}

    def municipality(self, b: Body) -> str:
        """content/municipalities/<id>.yaml for one body."""
        data: dict[str, Any] = {
            "id": b.id, "name": b.name, "reading": b.reading, "kind": b.kind,
            "prefecture": b.prefecture, "code": b.code,
        }
        if b.population is not None:
            data["population"] = {"value": b.population, "as_of": "2024-01-01", "source": "ベンチマーク用の架空の値"}
        data["region"] = region_of(b.code)
        data["summary"] = (f"{b.prefecture}の{b.name}(架空の要約)。ベンチマーク用のコーパスで、"
                           f"記事は実在の記事の段落を並べ替えたものです。")
        text = _dump(data, f"# {b.name}({b.prefecture}): ベンチマーク用\n")
        # Quoted as contributors are told to: unquoted, a YAML 1.2 reader would take 013951 for a number.
        return re.sub(r"^code: .*$", f'code: "{b.code}"', text, count=1, flags=re.M)

    def person_for(self, b: Body) -> str:
        """A speaker from this body, reusing one of its people most of the time."""
        if b.people and self.rng.random() < 0.7:
            return self.rng.choice(b.people)
        pid = f"p-{b.code}-{len(b.people) + 1}"
        b.people.append(pid)
        name = self.rng.choice(FAMILY) + self.rng.choice(GIVEN)
        self.people.append({"id": pid, "name": name, "role": f"{b.name} {self.rng.choice(ROLES)}", "municipality": b.id})
        self.person_body[pid] = b
        return pid

    def pick_themes(self) -> list[str]:
        k = self.rng.choices((1, 2, 3, 4, 5), weights=(10, 30, 30, 20, 10))[0]
        chosen: list[str] = []
        while len(chosen) < k:
            t = self.rng.choices(self.theme_order, weights=self.theme_weights)[0]
            if t not in chosen:
                chosen.append(t)
        return chosen

    def pick_munis(self, i: int) -> list[Body]:
        """The bodies article number ``i`` is about: 0–3, weighted by population."""
        nm = self.rng.choices((0, 1, 2, 3), weights=(8, 62, 22, 8))[0]
        munis: list[Body] = []
        while len(munis) < nm:
            b = self.rng.choices(self.bodies, weights=[b.weight for b in self.bodies])[0]
            if b not in munis:
                munis.append(b)
        return munis

    def is_long(self) -> bool:
        """Whether the next article is a long one (never in this profile)."""
        return False

    def key_point_count(self, long: bool) -> int:
        return self.rng.randint(1, 4)

    def quote_count(self, munis: list[Body], long: bool) -> int:
        return self.rng.choices((0, 1, 2), weights=(5, 4, 1))[0] if munis else 0

    def speaker(self, munis: list[Body]) -> str:
        return self.person_for(self.rng.choice(munis))

    def seed_text(self, title: str, long: bool = False) -> tuple[list[str], list[int], list[int]]:
        """Seed lines (furniture, then body); body paragraph and heading line numbers, 1-based."""
        lines = [title, "", "ベンチマーク用コーパス(実在記事の段落を並べ替えた架空の記事)", ""]
        paras: list[int] = []
        heads: list[int] = []
        count = self.rng.randint(10, 30)
        for i in range(count):
            if i % 6 == 0 and self.pool.headings:
                lines.append(self.rng.choice(self.pool.headings))
                heads.append(len(lines))
                lines.append("")
            lines.append(self.rng.choice(self.pool.paragraphs))
            paras.append(len(lines))
            lines.append("")
        lines.append("この記事の共有ボタン")
        return lines, paras, heads

    def article(self, i: int, forced_theme: str | None) -> tuple[str, str, str]:
        """(article id, YAML text, seed file name and text) for article number ``i``."""
        rng = self.rng
        aid = f"article-{i:05d}"
        themes = self.pick_themes()
        if forced_theme and forced_theme not in themes:
            themes[0] = forced_theme
        munis = self.pick_munis(i)
        long = self.is_long()
        topic = munis[0].name if munis else "全国の自治体"
        tname = self.theme_names[themes[0]]
        title = rng.choice(TITLE_FORMS).format(m=topic, t=tname)
        lines, paras, heads = self.seed_text(title, long)
        text = "\n".join(lines) + "\n"
        raw = text.encode("utf-8")
        sha = hashlib.sha256(raw).hexdigest()
        seed_name = f"{i:05d}_{sha[:16]}.txt"
        line_of = {n: lines[n - 1] for n in paras}
        key_points = []
        for _ in range(self.key_point_count(long)):
            ps = sorted(rng.sample(paras, min(len(paras), rng.randint(1, 2))))
            sentence = line_of[ps[0]].split("。")[0].strip()[:180] or line_of[ps[0]][:180]
            kp: dict[str, Any] = {"text": sentence + "。", "paras": ps, "themes": rng.sample(themes, rng.randint(1, min(2, len(themes))))}
            if len(munis) > 1:
                kp["municipality"] = rng.choice(munis).id
            key_points.append(kp)
        quotes: list[dict[str, Any]] = []
        speakers: list[str] = []
        for _ in range(self.quote_count(munis, long)):
            para = rng.choice(paras)
            words = line_of[para].strip()
            start = rng.randint(0, max(0, len(words) - 40))
            snippet = words[start : start + 40].strip()
            if not snippet:
                continue
            speaker = self.speaker(munis)
            speakers.append(speaker)
            quotes.append({"text": snippet, "speaker": speaker, "para": para, "themes": [rng.choice(themes)]})
        events = []
        for _ in range(rng.choices((0, 1, 2), weights=(3, 5, 2))[0]):
            ev: dict[str, Any] = {"date": f"{rng.randint(2016, 2025)}-{rng.randint(1, 12):02d}",
                                  "text": f"{topic}で{tname}に関する取り組みが始まる(架空の出来事)"}
            if munis:
                ev["municipality"] = rng.choice(munis).id
            if rng.random() < 0.7:
                ev["para"] = rng.choice(paras)
            if self.rights != "none":  # evidence for its body (no draw: the rest of the corpus stays the same)
                ev["themes"] = [themes[0]]
            events.append(ev)
        if len(munis) > 1:  # every body of the article gets evidence where there are key points enough, as check asks
            for kp, body in zip(key_points, munis, strict=False):
                kp["municipality"] = body.id
        covered = {kp.get("municipality") for kp in key_points} | {ev.get("municipality") for ev in events}
        if len(munis) > 1:
            munis = [b for b in munis if b.id in covered]
        summary = f"{topic}の{tname}についての架空の記事。実在の記事の段落を並べ替えて作ったベンチマーク用の本文です。"
        own = len(summary) + sum(len(kp["text"]) for kp in key_points)
        while quotes and sum(len(q["text"]) for q in quotes) >= own:
            quotes.pop()  # quotes stay below the handbook's own text about the article, as check requires
        data: dict[str, Any] = {
            "id": aid, "seed": seed_name, "sha256": sha, "title": title,
            "publisher": rng.choice(PUBLISHERS), "author": None if rng.random() < 0.5 else rng.choice(FAMILY) + rng.choice(GIVEN),
            "date": _partial_date(rng), "url": None if rng.random() < 0.3 else f"https://example.jp/dx/{i:05d}",
            "summary": summary,
            "body": [{"start": 5, "end": len(lines) - 1}],
            "headings": [{"line": n, "level": 2} for n in heads],
            "municipalities": [b.id for b in munis],
            "themes": themes,
            "organisations": sorted(set(rng.sample(self.orgs, rng.choices((0, 1, 2), weights=(5, 4, 1))[0]))),
            "people": sorted(set(speakers)),
            "key_points": key_points,
            "quotes": quotes,
            "events": events,
        }
        if self.rights == "all":
            data["url"] = data["url"] or f"https://example.jp/dx/{i:05d}"
            data["rights"] = {"licence": "CC-BY-4.0"}
        elif self.rights == "mixed" and (rights := _rights(data["publisher"], data["url"], i)) is not None:
            data["rights"] = rights
        return aid, _dump(data, f"# 記事: {title}\n"), seed_name + "\0" + text

    def write(self) -> Corpus:
        """Write the whole tree under ``root`` and return its counts."""
        root = self.root
        content, seeds = root / "content", root / "seeds"
        for folder in (content / "municipalities", content / "articles", content / "themes", seeds):
            folder.mkdir(parents=True, exist_ok=True)
        for name in ("glossary.yaml", "organisations.yaml"):
            shutil.copy2(self.repo / "content" / name, content / name)
        self.write_glossary(content / "glossary.yaml")
        for path in sorted((self.repo / "content" / "themes").glob("*.yaml")):
            shutil.copy2(path, content / "themes" / path.name)
        for b in self.bodies:
            (content / "municipalities" / f"{b.id}.yaml").write_text(self.municipality(b), encoding="utf-8")
        for i in range(1, self.n + 1):
            forced = self.themes[i - 1] if i <= len(self.themes) else None
            aid, text, seed = self.article(i, forced)
            (content / "articles" / f"{aid}.yaml").write_text(text, encoding="utf-8")
            name, body = seed.split("\0", 1)
            (seeds / name).write_bytes(body.encode("utf-8"))
        people = {"people": self.people}
        (content / "people.yaml").write_text(_dump(people, "# 人物: ベンチマーク用の架空の人物\n"), encoding="utf-8")
        return Corpus(root, self.n, len(self.bodies), len(self.themes), len(self.people), self.n)

    def write_glossary(self, path: Path) -> None:
        """The glossary beyond the real one (none in this profile: the copy stays)."""


class SkewedWriter(Writer):
    """The ``skewed`` profile: coverage as it really falls.

    - bodies: the same number as ``even``, always including ``HEAVY``, whose quotas of articles (scaled to the size)
      are dealt out at random; every other mention goes to the rest by Pareto weights, so most bodies get 0–3;
    - articles: half are long, 20–40 KB of seed text (real paragraphs reshuffled) with 15–30 key points and 15–30
      quotes; the other half are as in ``even``;
    - people: 3,000 at 5,000 articles (scaled), made up front, most with a body (a heavy one for about a third), the
      rest with an organisation; a quote's speaker is one of the people of the article's bodies when it has any;
    - glossary: the real terms plus synthetic ones up to 500 at 5,000 articles (scaled): katakana words of the real
      paragraphs (their reading is the word), then those words with a kanji ending (``TERM_ENDINGS``).
    """

    seed = "handbook-benchmark-skewed-{n}"
    required = tuple(name for name, _ in HEAVY)

    def __init__(self, articles: int, root: Path, repo: Path = REPO, rights: str = "mixed") -> None:
        super().__init__(articles, root, repo, rights)
        rng, scale = self.rng, articles / 5_000
        by_name = {b.name: b for b in self.bodies}
        self.heavy = [by_name[name] for name, _ in HEAVY]
        self.tail = [b for b in self.bodies if b not in self.heavy]
        # Pareto weights, capped so that the busiest of the rest stay near 40 articles at 5,000 (8 at 1,000).
        cap = max(4.0, 40 * scale)
        self.tail_cum = list(itertools.accumulate(min(rng.paretovariate(1.2), cap) for _ in self.tail))
        quotas = [max(1, round(count * scale)) for _, count in HEAVY]
        self.primary: list[Body | None] = [b for b, q in zip(self.heavy, quotas, strict=True) for _ in range(q)]
        self.primary += [None] * max(0, articles - len(self.primary))
        rng.shuffle(self.primary)
        orgs = yaml.safe_load((repo / "content" / "organisations.yaml").read_text(encoding="utf-8"))["organisations"]
        self.org_people: list[str] = []
        heavy_cum = list(itertools.accumulate(quotas))
        for n in range(1, round(3_000 * scale) + 1):
            roll = rng.random()
            name = rng.choice(FAMILY) + rng.choice(GIVEN)
            if roll < 0.15:
                org = rng.choice(orgs)
                pid = f"p-{org['id']}-{n}"
                self.people.append({"id": pid, "name": name, "role": f"{org['name']} {rng.choice(ORG_ROLES)}",
                                    "organisation": org["id"]})
                self.org_people.append(pid)
                continue
            b = (rng.choices(self.heavy, cum_weights=heavy_cum)[0] if roll < 0.45
                 else rng.choices(self.tail, cum_weights=self.tail_cum)[0])
            pid = f"p-{b.code}-{n}"
            b.people.append(pid)
            self.people.append({"id": pid, "name": name, "role": f"{b.name} {rng.choice(ROLES)}", "municipality": b.id})

    def pick_munis(self, i: int) -> list[Body]:
        """The heavy body whose quota drew article ``i`` (if any), then tail bodies up to 0–3 in all."""
        rng = self.rng
        first = self.primary[i - 1]
        munis = [first] if first else []
        nm = rng.choices((1, 2, 3), weights=(62, 22, 8))[0] if first else rng.choices((0, 1, 2, 3), weights=(8, 62, 22, 8))[0]
        while len(munis) < nm:
            b = rng.choices(self.tail, cum_weights=self.tail_cum)[0]
            if b not in munis:
                munis.append(b)
        return munis

    def is_long(self) -> bool:
        return self.rng.random() < 0.5

    def key_point_count(self, long: bool) -> int:
        return self.rng.randint(15, 30) if long else super().key_point_count(long)

    def quote_count(self, munis: list[Body], long: bool) -> int:
        return self.rng.randint(15, 30) if long else super().quote_count(munis, long)

    def speaker(self, munis: list[Body]) -> str:
        """One of the people of the article's bodies, or else someone from an organisation."""
        local = [pid for b in munis for pid in b.people]
        return self.rng.choice(local or self.org_people or [p["id"] for p in self.people])

    def seed_text(self, title: str, long: bool = False) -> tuple[list[str], list[int], list[int]]:
        """A long seed is filled with paragraphs (a heading before every sixth) until it holds 20–40 KB."""
        if not long:
            return super().seed_text(title)
        rng = self.rng
        lines = [title, "", "ベンチマーク用コーパス(実在記事の段落を並べ替えた架空の記事)", ""]
        paras: list[int] = []
        heads: list[int] = []
        target, size = rng.randint(20_000, 40_000), sum(len(line.encode("utf-8")) + 1 for line in lines)
        while size < target:
            if len(paras) % 6 == 0:
                lines += [rng.choice(self.pool.headings), ""]
                heads.append(len(lines) - 1)
                size += len(lines[-2].encode("utf-8")) + 2
            lines += [rng.choice(self.pool.paragraphs), ""]
            paras.append(len(lines) - 1)
            size += len(lines[-2].encode("utf-8")) + 2
        lines.append("この記事の共有ボタン")
        return lines, paras, heads

    def write_glossary(self, path: Path) -> None:
        """The real terms, then synthetic ones until there are 500 at 5,000 articles (never a name taken twice)."""
        real = yaml.safe_load(path.read_text(encoding="utf-8"))["terms"]
        taken = {name for t in real for name in (t["term"], *t.get("aliases", []))}
        counts = collections.Counter(w for p in self.pool.paragraphs for w in re.findall(r"[ァ-ヴ][ァ-ヴー]{2,}", p))
        words = [w for w, _ in counts.most_common()]
        candidates = [(w, w) for w in words] + [(w + end, w + kana) for end, kana in TERM_ENDINGS for w in words]
        wanted = round((500 - len(real)) * self.n / 5_000)
        terms = [(term, reading) for term, reading in candidates if term not in taken][:wanted]
        synthetic = [{
            "id": f"term-{n:03d}", "term": term, "reading": reading,
            "definition": (f"{term}は、ベンチマーク用の架空の用語です。実在の記事に現れる語から機械的に作った見出し語で、"
                           "この定義も用語集とツールチップの重さを測るために置いた架空の説明です。"),
            "themes": self.rng.sample(self.themes, self.rng.randint(1, 2)),
        } for n, (term, reading) in enumerate(terms, 1)]
        path.write_text(_dump({"terms": real + synthetic}, "# 用語集: 本物の用語と、ベンチマーク用の架空の用語\n"), encoding="utf-8")


WRITERS: dict[str, type[Writer]] = {"even": Writer, "skewed": SkewedWriter}


def copy_support(dest: Path, repo: Path = REPO) -> None:
    """Everything a build reads besides content/ and seeds/: config, theme overrides, code list."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        src = repo / name
        if not src.exists():
            continue
        if name == "node_modules":
            os.symlink(src, dest / name, target_is_directory=True)
        elif src.is_dir():
            shutil.copytree(src, dest / name)
        else:
            shutil.copy2(src, dest / name)


RIGHTS = ("mixed", "all", "none")


def write_corpus(dest: Path, articles: int, repo: Path = REPO, profile: str = "even", rights: str = "mixed") -> Corpus:
    """A complete, buildable checkout at ``dest`` holding the synthetic corpus of one size, profile and rights mix."""
    copy_support(dest, repo)
    return WRITERS[profile](articles, dest, repo, rights).write()
