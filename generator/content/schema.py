"""Declarative schema of every YAML kind in ``content/``.

The models describe what contributors write, field by field; their ``description`` texts are
the Japanese field reference that CONTRIBUTING.md is generated from, so a field cannot exist
without being documented. Cross-file checks (unknown ids, paragraph ranges, quotes) live in
``validate.py``; these models only check each file on its own.
"""

from __future__ import annotations

import calendar
import ipaddress
import re
import unicodedata
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from generator.content.rights import LICENCES, QUOTE_MAX, LicenceId
from generator.errors import BIDI, CONTROL, LINE_SEPARATOR, NONCHARACTER, SURROGATE, ZERO_WIDTH

SLUG_RE = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
PARTIAL_DATE_RE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
KANA_RE = re.compile(r"^[\u3041-\u309f\u30a0-\u30ffー・\s]+$")
MAX_LINE = 2_000_000
"""No seed has more lines than this (a seed is at most 2,000,000 bytes): a larger line number is a typo."""

# --- characters -----------------------------------------------------------------------------------------------------
# Every text field is one of two kinds, each an ``Annotated`` type whose validator refuses what its kind cannot hold:
# ``OneLine`` (names, titles, ids, roles, aliases, URLs, dates …) and ``MultiLine`` (summaries, descriptions,
# definitions, key points, quotes). tests/test_hostile_input.py walks the schema and fails on a ``str`` field of
# neither kind.
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _class(members: str, bmp_only: bool = False) -> re.Pattern[str]:
    """A regex class of ``members`` (single characters and ``a-b`` ranges, as ``generator.errors`` writes them),
    ``bmp_only``: less what lies beyond U+FFFF. With such characters in it, ``re`` tests each character of a value
    against every range in turn (70 µs for a 100-character key point); without them it looks the character up."""
    ranges = re.findall(r"(.)(?:-(.))?", members, re.S)
    if bmp_only:
        ranges = [(lo, min(hi, "\uffff") if hi else "") for lo, hi in ranges if lo <= "\uffff"]
    return re.compile("[" + "".join(f"{lo}-{hi}" if hi else lo for lo, hi in ranges) + "]")


_ONE_LINE_REFUSED = _class(f"{CONTROL}{NONCHARACTER}{SURROGATE}{BIDI}{ZERO_WIDTH}{LINE_SEPARATOR}")
_MULTI_LINE_REFUSED = _class(f"\x00-\x08\x0b-\x1f\x7f-\x9f{NONCHARACTER}{SURROGATE}{BIDI}{LINE_SEPARATOR}")
"""What multi-line text refuses: as ``_ONE_LINE_REFUSED`` but for tab, newline and the invisible characters."""
_BMP_ONLY = {rx: _class(rx.pattern[1:-1], bmp_only=True) for rx in (_ONE_LINE_REFUSED, _MULTI_LINE_REFUSED)}
_CONTROL_NAMES = {0x00: "NUL", 0x09: "タブ", 0x0A: "改行", 0x0D: "復帰 CR", 0x1B: "エスケープ", 0x7F: "DEL", 0x85: "改行 NEL"}


def _in(char: str, classes: str) -> bool:
    return re.fullmatch(f"[{classes}]", char) is not None


def _refused(value: str, refused: re.Pattern[str]) -> re.Match[str] | None:
    """The first character of ``value`` that ``refused`` matches.

    Every refused character is one ``str.isprintable`` refuses too (tests/test_hostile_input.py checks them all), so
    nearly every value is judged by that C loop alone; the others (a newline, U+3000, NBSP) by the table lookup of
    ``_BMP_ONLY``, and by the whole class only when they hold a character beyond U+FFFF.
    """
    if value.isprintable():
        return None
    if _ASTRAL.search(value) is None:
        return _BMP_ONLY[refused].search(value)
    return refused.search(value)


def text_problem(value: str, multi_line: bool = False) -> str | None:
    """Why ``value`` cannot be a field's text (a one-line field unless ``multi_line``), or None: the first character
    that is refused, by its code point and position (the character itself is never printed)."""
    found = _refused(value, _MULTI_LINE_REFUSED if multi_line else _ONE_LINE_REFUSED)
    if found is None:
        return None
    char, pos = found.group(), found.start() + 1
    code = f"U+{ord(char):04X}"
    if char == "\n" or (_in(char, LINE_SEPARATOR) and not multi_line):
        return f"改行は使えません({pos} 文字目。この項目は 1 行で書いてください)"
    if _in(char, LINE_SEPARATOR):
        return f"行区切り文字 {code} は使えません({pos} 文字目。改行は通常の改行で書いてください)"
    if _in(char, CONTROL):
        name = _CONTROL_NAMES.get(ord(char))
        return f"制御文字 {code}{f'({name})' if name else ' '}は使えません({pos} 文字目)"
    if _in(char, SURROGATE):
        return f"対になっていないサロゲート {code} は使えません({pos} 文字目。UTF-8 で表せない文字です)"
    if _in(char, NONCHARACTER):
        return f"{code} は文字ではないため使えません({pos} 文字目)"
    if _in(char, BIDI):
        return f"文字の向きを変える制御文字 {code} は使えません({pos} 文字目。表示と中身が食い違う原因になります)"
    return (f"見えない文字 {code} は名前・題名・id などの 1 行の項目には使えません"
            f"({pos} 文字目。見た目が同じ別の名前になってしまいます)")


def one_line(value: str) -> str:
    """Validator of ``OneLine``: no line break, control, bidi or invisible character."""
    if not value.isprintable() and _refused(value, _ONE_LINE_REFUSED) is not None:  # the first test is ``_refused``'s
        raise ValueError(text_problem(value))
    return value


def multi_line(value: str) -> str:
    """Validator of ``MultiLine``: newlines and tabs are text, invisible joiners may be (emoji, scripts);
    controls, bidi characters and noncharacters are not."""
    if not value.isprintable() and _refused(value, _MULTI_LINE_REFUSED) is not None:
        raise ValueError(text_problem(value, multi_line=True))
    return value


OneLine = Annotated[str, AfterValidator(one_line)]
"""Text on one line: names, titles, roles, aliases, ids, file names, URLs, dates."""
MultiLine = Annotated[str, AfterValidator(multi_line)]
"""Text that may run over several lines: summaries, descriptions, definitions, key points, quotes."""

# --- ids ------------------------------------------------------------------------------------------------------------
WINDOWS_DEVICES = frozenset({"con", "prn", "aux", "nul", *(f"{port}{n}" for port in ("com", "lpt") for n in range(10))})
"""Names Windows keeps for devices: a file content/themes/con.yaml or a page con.md cannot exist in a checkout there."""


def slug_problem(value: str) -> str | None:
    """Why an id that matches ``SLUG_RE`` still cannot be one, or None."""
    if value == "index":
        return "id「index」は使えません(各フォルダーの一覧ページ index.md と同じ名前になるため)"
    if value in WINDOWS_DEVICES:
        return f"id「{value}」は使えません(Windows ではファイル名に使えない名前のため)"
    return None


_RESERVED = WINDOWS_DEVICES | {"index"}


def check_slug(value: str) -> str:
    """Validator of ``Slug``: the reserved names of ``slug_problem`` (one set lookup: it runs for every id)."""
    if value in _RESERVED:
        raise ValueError(slug_problem(value))
    return value


Slug = Annotated[str, Field(pattern=SLUG_RE, min_length=1, max_length=80), AfterValidator(check_slug)]
"""An id: one line of ASCII by its pattern, so ``check_slug`` marks it one-line (``TEXT_KINDS``) without ``one_line``:
ids are 300,000 of the 490,000 strings of a national-scale tree, and each validator is a Python call."""
TEXT_KINDS = {one_line: "one-line", check_slug: "one-line", multi_line: "multi-line"}
"""The validator that makes a ``str`` field one of the two kinds, by function (for tests that walk the schema)."""
Text = Annotated[str, Field(min_length=1, max_length=4000), AfterValidator(multi_line)]
ShortText = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(one_line)]
LineNumber = Annotated[int, Field(ge=1, le=MAX_LINE)]


def check_kana(value: str) -> str:
    """Readings sort the 五十音 indexes, so they must be kana only."""
    if not KANA_RE.match(value):
        raise ValueError("読みはひらがなまたはカタカナで書いてください")
    return value


Reading = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(one_line), AfterValidator(check_kana)]



class Strict(BaseModel):
    """Base: unknown keys are errors and instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def check_partial_date(value: str | None) -> str | None:
    """Accept YYYY, YYYY-MM or YYYY-MM-DD and reject impossible years, months and days."""
    if value is None:
        return None
    m = PARTIAL_DATE_RE.fullmatch(value)
    if not m:
        raise ValueError("日付は YYYY、YYYY-MM、YYYY-MM-DD のいずれかの形式で書いてください")
    year, month, day = (int(g) if g else None for g in m.groups())
    if not year:
        raise ValueError(f"年 {m.group(1)} はありません(西暦 1 年以降の年を書いてください)")
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"月 {month} は 1〜12 の範囲にありません")
    if day is not None and month is not None:
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            raise ValueError(f"日 {day} は {year}年{month}月 に存在しません")
    return value


URL_MESSAGE = "URL は http:// または https:// で始まり、空白や < > \" ' を含まない形にしてください"
_URL_START = re.compile(r"https?://")
_URL_OLD = re.compile(r"[\s<>\"'`]")
"""What the message itself names: whitespace, quotes and angle brackets."""
_URL_OTHER = re.compile(r"[^A-Za-z0-9\-._~!$&()*+,;=:@/?#%\[\]]")
"""Any character but RFC 3986's unreserved, reserved and ``%``, less ``'`` (it would end an HTML attribute): beyond
ASCII an IRI's letters, and what ``_NOT_IRI`` refuses."""
_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_HOST_CHARS = re.compile(r"[A-Za-z0-9\-._~!$&()*+,;=%]*")
_NOT_IRI = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})
"""Unicode categories no IRI character has: controls, format characters (bidi, zero-width), surrogates, private use,
unassigned code points (noncharacters) and spaces."""


def _code(char: str) -> str:
    """A character as a message shows it: visible ones as themselves too."""
    code = f"U+{ord(char):04X}"
    return code if unicodedata.category(char) in _NOT_IRI else f"「{char}」({code})"


def url_problem(value: str) -> str | None:
    """Why ``value`` is not an http(s) URL as RFC 3986 writes one, or None.

    Letters beyond ASCII are accepted as an IRI writes them (https://例え.jp/記事): printing percent-encodes them.
    Whitespace, controls, quotes and ``<>`` get the message of old, other faults a reason after it.
    """
    if not _URL_START.match(value) or _URL_OLD.search(value):
        return URL_MESSAGE
    for char in _URL_OTHER.findall(value):  # none in nearly every URL
        if char.isascii() or unicodedata.category(char) in _NOT_IRI:
            return f"{URL_MESSAGE}(使えない文字 {_code(char)} があります)"
    if _PERCENT.search(value):
        return f"{URL_MESSAGE}(% の後には 16 進数 2 桁が必要です)"
    rest = value.split("://", 1)[1]
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    tail = rest[len(authority):]
    if "@" in authority:
        return f"{URL_MESSAGE}(ユーザー名やパスワード(@ の前)を含む URL は使えません)"
    if "[" in tail or "]" in tail:
        return f"{URL_MESSAGE}([ ] はホスト名の IPv6 アドレスにしか使えません)"
    if tail.count("#") > 1:
        return f"{URL_MESSAGE}(# は 1 つしか使えません)"
    if authority.startswith("["):
        host, bracket, port = authority[1:].partition("]")
        if not bracket or (port and not port.startswith(":")):
            return f"{URL_MESSAGE}([ ] はホスト名の IPv6 アドレスにしか使えません)"
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return f"{URL_MESSAGE}([{host}] は IPv6 アドレスではありません)"
        port = port[1:]
    else:
        host, _, port = authority.partition(":")
        if "[" in authority or "]" in authority:
            return f"{URL_MESSAGE}([ ] はホスト名の IPv6 アドレスにしか使えません)"
        if not host:
            return f"{URL_MESSAGE}(ホスト名がありません)"
        if not _HOST_CHARS.fullmatch("".join(c for c in host if c.isascii())):
            return f"{URL_MESSAGE}(ホスト名に使えない文字があります)"
    if port and not (port.isascii() and port.isdigit() and int(port) <= 65535):
        return f"{URL_MESSAGE}(ポート番号「{port}」は 0〜65535 の数字にしてください)"
    return None


def check_url(value: str | None) -> str | None:
    """Only http(s) URLs may reach a page: javascript:, data: and others are refused (``url_problem``)."""
    if value is None:
        return None
    problem = url_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


PartialDate = Annotated[str, AfterValidator(one_line), AfterValidator(check_partial_date)]


def check_full_date(value: str | None) -> str | None:
    """A day (YYYY-MM-DD): when an entry was added or last checked is known to the day, and the feed needs one."""
    if value is None:
        return None
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError("日付は YYYY-MM-DD の形式で書いてください(例: 2026-11-22)")
    return check_partial_date(value)


Day = Annotated[str, AfterValidator(one_line), AfterValidator(check_full_date)]
"""A full date, YYYY-MM-DD: ``added`` and ``reviewed``."""
REVIEWED = "内容を最後に確認した日(YYYY-MM-DD)。出典と照らして確認したら更新する。ページに表示し、1 年後が次回確認予定"
Url = Annotated[str, Field(max_length=2000), AfterValidator(one_line), AfterValidator(check_url)]


class Population(Strict):
    """A population figure is only useful with its date and where it came from."""

    value: int = Field(gt=0, lt=50_000_000, description="人口(人)。記事の数字でもよい(source に明記)")
    as_of: PartialDate | None = Field(None, description="いつの時点の人口か(YYYY / YYYY-MM / YYYY-MM-DD)。不明なら null")
    source: ShortText = Field(description="出典の説明。例: 「記事の記載(約11.6万人)」")
    article: Slug | None = Field(None, description="数字の出典となる記事の id(任意)")



class Municipality(Strict):
    """One local government with a page of its own (content/municipalities/<id>.yaml)."""

    id: Slug = Field(description="ローマ字の識別子。URL になる(例: akishima)。ファイル名と同じにする(index や con・nul などは使えない)")
    name: ShortText = Field(description="正式名称(例: 昭島市、神奈川県)。data/local-governments.csv と一致すること")
    reading: Reading = Field(description="読み(ひらがな または カタカナ。例: あきしまし)")
    kind: Literal["都道府県", "市", "町", "村", "特別区"] = Field(description="種別: 都道府県 / 市 / 町 / 村 / 特別区")
    prefecture: ShortText = Field(description="所属する都道府県(都道府県自身なら同じ名前)")
    code: OneLine = Field(pattern=r"^[0-9]{6}$", description="全国地方公共団体コード(検査数字を含む 6 桁、文字列で書く)")
    population: Population | None = Field(None, description="人口とその時点・出典。不明なら省略")
    region: Literal["北海道", "東北", "関東", "中部", "近畿", "中国", "四国", "九州・沖縄"] = Field(
        description="地方区分: 北海道 / 東北 / 関東 / 中部 / 近畿 / 中国 / 四国 / 九州・沖縄"
    )
    summary: Text = Field(description="このハンドブックのための要約(2〜4 文)。記事にない事実は書かない")
    reviewed: Day | None = Field(None, description=REVIEWED)


class LineRange(Strict):
    """A span of seed lines, 1-based and inclusive, as an editor shows them."""

    start: LineNumber = Field(description="開始行(1 から数える)")
    end: LineNumber = Field(description="終了行(この行を含む)")

    @model_validator(mode="after")
    def _ordered(self) -> LineRange:
        if self.end < self.start:
            raise ValueError(f"終了行 {self.end} が開始行 {self.start} より前です")
        return self


class Heading(Strict):
    """A body line (or two lines joined) that is a heading in the original article."""

    line: LineNumber = Field(description="見出しの行番号")
    to: LineNumber | None = Field(None, description="見出しが複数行にまたがるときの最終行(任意)")
    level: Literal[2, 3] = Field(2, description="見出しの階層: 2(節)または 3(小見出し)")


class KeyPoint(Strict):
    """A curated takeaway that readers can trace back to the paragraphs it rests on."""

    text: Text = Field(description="要点(ハンドブックの言葉で書く)")
    paras: list[LineNumber] = Field(min_length=1, description="根拠となる段落の行番号(seed の行番号、1 つ以上)")
    themes: list[Slug] = Field(default_factory=list, description="この要点が属するテーマの id(任意)")
    municipality: Slug | None = Field(None, description="この要点が主に関わる自治体の id(任意)")


class Quote(Strict):
    """A verbatim quote: it must appear in the cited paragraph exactly (spaces aside), and stay short (引用)."""

    text: Text = Field(description=f"引用文(段落の文字どおり。空白の違いのみ許される。{QUOTE_MAX} 字以内)")
    speaker: Slug = Field(description="話者の id(people.yaml)")
    role: ShortText | None = Field(None, description="発言時の肩書き(people.yaml と違う場合のみ)")
    para: LineNumber = Field(description="引用を含む段落の行番号")
    note: ShortText | None = Field(None, description="引用についての注記(任意。例: 原文ママ(「と」が欠けている))")
    themes: list[Slug] = Field(default_factory=list, description="この引用が属するテーマの id(任意)")

    @field_validator("text")
    @classmethod
    def _short(cls, value: str) -> str:
        if len(value) > QUOTE_MAX:
            raise ValueError(f"引用は {QUOTE_MAX} 字以内にしてください({len(value)} 字あります。"
                             "長い箇所は要点として自分の言葉でまとめてください)")
        return value


class Rights(Strict):
    """What the source's rights holder allows: only a reuse licence lets the handbook publish the body."""

    licence: LicenceId = Field("unknown", description="記事の利用条件: " + " / ".join(LICENCES)
                               + "。分からなければ unknown(本文は掲載せず、要約・要点・短い引用だけを載せる)")
    url: Url | None = Field(None, description="利用条件(ライセンス・利用規約・許諾)の URL(任意)")
    granted_by: ShortText | None = Field(None, description="permission のとき: 許諾した人・組織")
    granted_on: PartialDate | None = Field(None, description="permission のとき: 許諾を得た日(YYYY-MM-DD など)")

    @model_validator(mode="after")
    def _permission(self) -> Rights:
        granted = self.granted_by is not None or self.granted_on is not None
        if self.licence == "permission" and (self.granted_by is None or self.granted_on is None):
            raise ValueError("licence が permission のときは granted_by(許諾した人・組織)と granted_on(許諾を得た日)を書いてください")
        if self.licence != "permission" and granted:
            raise ValueError("granted_by と granted_on は licence が permission のときだけ書きます")
        return self


class Event(Strict):
    """A dated happening, shown on the municipality timeline and the handbook's 年表."""

    date: PartialDate = Field(description="日付(YYYY / YYYY-MM / YYYY-MM-DD)")
    text: Text = Field(description="出来事の説明")
    municipality: Slug | None = Field(None, description="関係する自治体の id(任意)")
    para: LineNumber | None = Field(None, description="根拠となる段落の行番号(任意)")
    themes: list[Slug] = Field(default_factory=list, description="この出来事が属するテーマの id(任意)")


class Article(Strict):
    """A source article: its seed file, attribution and curation (content/articles/<id>.yaml)."""

    id: Slug = Field(description="記事の識別子。URL になる。ファイル名と同じにする(index や con・nul などは使えない)")
    seed: OneLine = Field(description="seeds/ の中のファイル名(例: 000_ab5e5dc8be4e576c.txt)")
    sha256: OneLine = Field(pattern=r"^[0-9a-f]{64}$", description="seed ファイルの sha256(`sha256sum` の値)")
    title: ShortText = Field(description="記事の本当の題名(見出し画像 などの飾り行ではなく)")
    publisher: ShortText | None = Field(None, description="掲載媒体・発行者。不明なら null(「不明」と表示)")
    author: ShortText | None = Field(None, description="著者。不明なら null")
    date: PartialDate | None = Field(None, description="掲載日(YYYY / YYYY-MM / YYYY-MM-DD)。不明なら null")
    url: Url | None = Field(None, description="元記事の URL(http/https のみ)。不明なら null")
    summary: Text = Field(description="記事の要約(2〜4 文)")
    body: list[LineRange] = Field(min_length=1, description="本文の行範囲(これ以外の行は飾り行として表示しない)")
    exclude: list[LineNumber] = Field(default_factory=list, description="本文範囲の中にある飾り行(画像キャプションなど)の行番号")
    headings: list[Heading] = Field(default_factory=list, description="見出しとして表示する行")
    municipalities: list[Slug] = Field(default_factory=list, description="この記事が扱う自治体の id")
    themes: list[Slug] = Field(min_length=1, description="この記事が扱うテーマの id")
    organisations: list[Slug] = Field(default_factory=list, description="登場する組織の id")
    people: list[Slug] = Field(default_factory=list, description="登場する人物の id")
    key_points: list[KeyPoint] = Field(default_factory=list, description="要点(段落を引用して示す)")
    quotes: list[Quote] = Field(default_factory=list, description="発言の引用")
    events: list[Event] = Field(default_factory=list, description="日付のある出来事")
    rights: Rights = Field(default_factory=Rights, description="元記事の利用条件(省略時は unknown: 本文を掲載しない)")
    added: Day | None = Field(None, description="ハンドブックに記事を加えた日(YYYY-MM-DD)。新着とフィード(feed.xml)に使う")
    reviewed: Day | None = Field(None, description=REVIEWED)



class Theme(Strict):
    """A theme that groups key points and quotes across towns (content/themes/<id>.yaml)."""

    id: Slug = Field(description="テーマの識別子。URL になる。ファイル名と同じにする(index や con・nul などは使えない)")
    name: ShortText = Field(description="テーマ名(例: ガバメントクラウド・標準化)")
    reading: Reading = Field(description="読み(ひらがな/カタカナ。五十音順の並べ替えに使う)")
    aliases: list[ShortText] = Field(default_factory=list, description="別名・略称(検索で見つかるようにする。例: ガバクラ)")
    description: Text = Field(description="テーマの説明")
    related: list[Slug] = Field(default_factory=list, description="関連テーマの id")
    glossary: list[Slug] = Field(default_factory=list, description="関連する用語の id(glossary.yaml)")
    reviewed: Day | None = Field(None, description=REVIEWED)


class GlossaryTerm(Strict):
    """A term explained once and shown as a tooltip wherever it appears (content/glossary.yaml)."""

    id: Slug = Field(description="用語の識別子。URL のアンカーになる")
    term: ShortText = Field(description="見出し語(本文に現れる表記)")
    reading: Reading = Field(description="読み(ひらがな/カタカナ)")
    aliases: list[ShortText] = Field(default_factory=list, description="別表記・略称")
    definition: Text = Field(description="このハンドブックのために書いた定義(他から写さない)")
    themes: list[Slug] = Field(default_factory=list, description="関連テーマの id(任意)")


class Organisation(Strict):
    """A company, ministry or body that appears in an article (content/organisations.yaml)."""

    id: Slug = Field(description="組織の識別子")
    name: ShortText = Field(description="組織名")
    kind: Literal["国の機関", "自治体の組織", "企業", "団体", "大学・研究機関", "メディア", "その他"] = Field(
        description="種別: 国の機関 / 自治体の組織 / 企業 / 団体 / 大学・研究機関 / メディア / その他"
    )
    aliases: list[ShortText] = Field(default_factory=list, description="略称(例: NTT東日本)")
    description: Text | None = Field(None, description="記事から分かる範囲の説明(任意)")
    url: Url | None = Field(None, description="公式サイト(任意、http/https のみ)")



class Person(Strict):
    """A person as the articles present them: name and role at the time (content/people.yaml)."""

    id: Slug = Field(description="人物の識別子(例: kobayashi-daisuke)")
    name: ShortText = Field(description="氏名(記事の表記。姓のみの場合もある)")
    role: ShortText = Field(description="記事に書かれた役職・肩書き")
    municipality: Slug | None = Field(None, description="所属する自治体の id(任意)")
    organisation: Slug | None = Field(None, description="所属する組織の id(任意)")


class GlossaryFile(Strict):
    """content/glossary.yaml: the list of terms."""

    terms: list[GlossaryTerm] = Field(description="用語の一覧")


class OrganisationsFile(Strict):
    """content/organisations.yaml: the list of organisations."""

    organisations: list[Organisation] = Field(description="組織の一覧")


class SynonymGroup(Strict):
    """Words municipal staff use for the same thing: searching one finds pages with any (content/synonyms.yaml)."""

    words: list[ShortText] = Field(min_length=2, description="同じものを指す語(2 語以上)。どれで検索しても、ほかの語を含むページも見つかる")
    reason: ShortText = Field(description="同じものとして扱う理由(1 行。用語集のページに語と並べて表示します)")


class SynonymsFile(Strict):
    """content/synonyms.yaml: search synonyms, reviewed like the rest of the content."""

    synonyms: list[SynonymGroup] = Field(description="同義語のまとまりの一覧")


class PeopleFile(Strict):
    """content/people.yaml: the list of people."""

    people: list[Person] = Field(description="人物の一覧")


# Which model reads which file: a folder holds one entity per file, a file holds a list.
FOLDER_KINDS: dict[str, type[Strict]] = {
    "municipalities": Municipality,
    "articles": Article,
    "themes": Theme,
}
FILE_KINDS: dict[str, type[Strict]] = {
    "glossary.yaml": GlossaryFile,
    "organisations.yaml": OrganisationsFile,
    "people.yaml": PeopleFile,
    "synonyms.yaml": SynonymsFile,
}
OPTIONAL_FILES = frozenset({"synonyms.yaml"})
"""Files of ``FILE_KINDS`` a content tree may leave out (a handbook without synonyms still builds)."""
