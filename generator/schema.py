"""Declarative schema of every YAML kind in ``content/``.

The models describe what contributors write, field by field; their ``description`` texts are
the Japanese field reference that CONTRIBUTING.md is generated from, so a field cannot exist
without being documented. Cross-file checks (unknown ids, paragraph ranges, quotes) live in
``validate.py``; these models only check each file on its own.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

SLUG_RE = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
PARTIAL_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
KANA_RE = re.compile(r"^[\u3041-\u309f\u30a0-\u30ffー・\s]+$")

Slug = Annotated[str, Field(pattern=SLUG_RE, min_length=1, max_length=80)]
Text = Annotated[str, Field(min_length=1, max_length=4000)]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]


def check_kana(value: str) -> str:
    """Readings sort the 五十音 indexes, so they must be kana only."""
    if not KANA_RE.match(value):
        raise ValueError("読みはひらがなまたはカタカナで書いてください")
    return value


Reading = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(check_kana)]

KINDS = ("都道府県", "市", "町", "村", "特別区")
REGIONS = ("北海道", "東北", "関東", "中部", "近畿", "中国", "四国", "九州・沖縄")
ORG_KINDS = ("国の機関", "自治体の組織", "企業", "団体", "大学・研究機関", "メディア", "その他")


class Strict(BaseModel):
    """Base: unknown keys are errors and instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def check_partial_date(value: str | None) -> str | None:
    """Accept YYYY, YYYY-MM or YYYY-MM-DD and reject impossible months and days."""
    if value is None:
        return None
    m = PARTIAL_DATE_RE.match(value)
    if not m:
        raise ValueError("日付は YYYY、YYYY-MM、YYYY-MM-DD のいずれかの形式で書いてください")
    year, month, day = (int(g) if g else None for g in m.groups())
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"月 {month} は 1〜12 の範囲にありません")
    if day is not None and month is not None:
        import calendar

        last = calendar.monthrange(year or 2000, month)[1]
        if not 1 <= day <= last:
            raise ValueError(f"日 {day} は {year}年{month}月 に存在しません")
    return value


def check_url(value: str | None) -> str | None:
    """Only http(s) URLs may reach a page: javascript:, data: and others are refused."""
    if value is None:
        return None
    if not re.match(r"^https?://[^\s<>\"'`]+$", value):
        raise ValueError("URL は http:// または https:// で始まり、空白や < > \" ' を含まない形にしてください")
    return value


class Population(Strict):
    """A population figure is only useful with its date and where it came from."""

    value: int = Field(gt=0, lt=50_000_000, description="人口(人)。記事の数字でもよい(source に明記)")
    as_of: str | None = Field(None, description="いつの時点の人口か(YYYY / YYYY-MM / YYYY-MM-DD)。不明なら null")
    source: ShortText = Field(description="出典の説明。例: 「記事の記載(約11.6万人)」")
    article: Slug | None = Field(None, description="数字の出典となる記事の id(任意)")

    _as_of = field_validator("as_of")(check_partial_date)


class Municipality(Strict):
    """One local government with a page of its own (content/municipalities/<id>.yaml)."""

    id: Slug = Field(description="ローマ字の識別子。URL になる(例: akishima)。ファイル名と同じにする")
    name: ShortText = Field(description="正式名称(例: 昭島市、神奈川県)。data/local-governments.csv と一致すること")
    reading: Reading = Field(description="読み(ひらがな または カタカナ。例: あきしまし)")
    kind: Literal["都道府県", "市", "町", "村", "特別区"] = Field(description="種別: 都道府県 / 市 / 町 / 村 / 特別区")
    prefecture: ShortText = Field(description="所属する都道府県(都道府県自身なら同じ名前)")
    code: str = Field(pattern=r"^\d{6}$", description="全国地方公共団体コード(検査数字を含む 6 桁、文字列で書く)")
    population: Population | None = Field(None, description="人口とその時点・出典。不明なら省略")
    region: Literal["北海道", "東北", "関東", "中部", "近畿", "中国", "四国", "九州・沖縄"] = Field(
        description="地方区分: 北海道 / 東北 / 関東 / 中部 / 近畿 / 中国 / 四国 / 九州・沖縄"
    )
    summary: Text = Field(description="このハンドブックのための要約(2〜4 文)。記事にない事実は書かない")


class LineRange(Strict):
    """A span of seed lines, 1-based and inclusive, as an editor shows them."""

    start: int = Field(ge=1, description="開始行(1 から数える)")
    end: int = Field(ge=1, description="終了行(この行を含む)")

    @model_validator(mode="after")
    def _ordered(self) -> LineRange:
        if self.end < self.start:
            raise ValueError(f"終了行 {self.end} が開始行 {self.start} より前です")
        return self


class Heading(Strict):
    """A body line (or two lines joined) that is a heading in the original article."""

    line: int = Field(ge=1, description="見出しの行番号")
    to: int | None = Field(None, ge=1, description="見出しが複数行にまたがるときの最終行(任意)")
    level: Literal[2, 3] = Field(2, description="見出しの階層: 2(節)または 3(小見出し)")


class KeyPoint(Strict):
    """A curated takeaway that readers can trace back to the paragraphs it rests on."""

    text: Text = Field(description="要点(ハンドブックの言葉で書く)")
    paras: list[int] = Field(min_length=1, description="根拠となる段落の行番号(seed の行番号、1 つ以上)")
    themes: list[Slug] = Field(default_factory=list, description="この要点が属するテーマの id(任意)")
    municipality: Slug | None = Field(None, description="この要点が主に関わる自治体の id(任意)")


class Quote(Strict):
    """A verbatim quote: it must appear in the cited paragraph exactly (spaces aside)."""

    text: Text = Field(description="引用文(段落の文字どおり。空白の違いのみ許される)")
    speaker: Slug = Field(description="話者の id(people.yaml)")
    role: ShortText | None = Field(None, description="発言時の肩書き(people.yaml と違う場合のみ)")
    para: int = Field(ge=1, description="引用を含む段落の行番号")
    themes: list[Slug] = Field(default_factory=list, description="この引用が属するテーマの id(任意)")


class Event(Strict):
    """A dated happening, shown on the municipality timeline and the handbook's 年表."""

    date: str = Field(description="日付(YYYY / YYYY-MM / YYYY-MM-DD)")
    text: Text = Field(description="出来事の説明")
    municipality: Slug | None = Field(None, description="関係する自治体の id(任意)")
    para: int | None = Field(None, ge=1, description="根拠となる段落の行番号(任意)")

    _date = field_validator("date")(check_partial_date)


class Article(Strict):
    """A source article: its seed file, attribution and curation (content/articles/<id>.yaml)."""

    id: Slug = Field(description="記事の識別子。URL になる。ファイル名と同じにする")
    seed: str = Field(description="seeds/ の中のファイル名(例: 000_ab5e5dc8be4e576c.txt)")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="seed ファイルの sha256(`sha256sum` の値)")
    title: ShortText = Field(description="記事の本当の題名(見出し画像 などの飾り行ではなく)")
    publisher: ShortText | None = Field(None, description="掲載媒体・発行者。不明なら null(「不明」と表示)")
    author: ShortText | None = Field(None, description="著者。不明なら null")
    date: str | None = Field(None, description="掲載日(YYYY / YYYY-MM / YYYY-MM-DD)。不明なら null")
    url: str | None = Field(None, description="元記事の URL(http/https のみ)。不明なら null")
    summary: Text = Field(description="記事の要約(2〜4 文)")
    body: list[LineRange] = Field(min_length=1, description="本文の行範囲(これ以外の行は飾り行として表示しない)")
    exclude: list[int] = Field(default_factory=list, description="本文範囲の中にある飾り行(画像キャプションなど)の行番号")
    headings: list[Heading] = Field(default_factory=list, description="見出しとして表示する行")
    municipalities: list[Slug] = Field(default_factory=list, description="この記事が扱う自治体の id")
    themes: list[Slug] = Field(min_length=1, description="この記事が扱うテーマの id")
    organisations: list[Slug] = Field(default_factory=list, description="登場する組織の id")
    people: list[Slug] = Field(default_factory=list, description="登場する人物の id")
    key_points: list[KeyPoint] = Field(default_factory=list, description="要点(段落を引用して示す)")
    quotes: list[Quote] = Field(default_factory=list, description="発言の引用")
    events: list[Event] = Field(default_factory=list, description="日付のある出来事")

    _date = field_validator("date")(check_partial_date)
    _url = field_validator("url")(check_url)


class Theme(Strict):
    """A theme that groups key points and quotes across towns (content/themes/<id>.yaml)."""

    id: Slug = Field(description="テーマの識別子。URL になる。ファイル名と同じにする")
    name: ShortText = Field(description="テーマ名(例: ガバメントクラウド・標準化)")
    reading: Reading = Field(description="読み(ひらがな/カタカナ。五十音順の並べ替えに使う)")
    aliases: list[ShortText] = Field(default_factory=list, description="別名・略称(検索で見つかるようにする。例: ガバクラ)")
    description: Text = Field(description="テーマの説明")
    related: list[Slug] = Field(default_factory=list, description="関連テーマの id")
    glossary: list[Slug] = Field(default_factory=list, description="関連する用語の id(glossary.yaml)")


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
    url: str | None = Field(None, description="公式サイト(任意、http/https のみ)")

    _url = field_validator("url")(check_url)


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
}
