"""``python -m generator new``: write a YAML skeleton with Japanese comments for a new entity.

A new contributor should not have to copy an existing file and guess which lines to change.
Everything that can be derived (the seed's sha256, a municipality's official name, reading and
prefecture from the code list) is filled in; what only a person can write is left as ``""`` so
that ``python -m generator check`` points at exactly those lines.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import sys
from pathlib import Path

from generator.content.load import CONTENT_DIR, SEEDS_DIR, decode, inside, load_registry, read_checked
from generator.content.schema import SLUG_RE, slug_problem
from generator.content.validate import check_digit, kind_from_name
from generator.errors import Problems, visible

FOLDERS = {"article": "articles", "municipality": "municipalities", "theme": "themes"}

REGION_OF = {
    "北海道": "北海道",
    **dict.fromkeys(("青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県"), "東北"),
    **dict.fromkeys(("茨城県", "栃木県", "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県"), "関東"),
    **dict.fromkeys(("新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県", "静岡県", "愛知県"), "中部"),
    **dict.fromkeys(("三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県"), "近畿"),
    **dict.fromkeys(("鳥取県", "島根県", "岡山県", "広島県", "山口県"), "中国"),
    **dict.fromkeys(("徳島県", "香川県", "愛媛県", "高知県"), "四国"),
    **dict.fromkeys(("福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県"), "九州・沖縄"),
}


def q(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def article_yaml(ident: str, seed: str, sha256: str, first: int, last: int) -> str:
    """Skeleton of content/articles/<id>.yaml."""
    return f"""# 記事: (ここに題名を書いておくと、ファイルを探しやすくなります)
# seed: {seed}
# 書き終えたら `python -m generator check` で確かめてください。行番号は seed ファイルの行番号です。
id: {ident}
# seeds/ の中のファイル名(パスは書かない)
seed: {q(seed)}
# seed ファイルの sha256。seed を書き換えたら行番号を見直してから更新する
sha256: {q(sha256)}
# 記事の本当の題名(「見出し画像」などの飾り行ではなく)
title: ""
# 掲載媒体・発行者。分からなければ null
publisher: null
# 著者。分からなければ null
author: null
# 掲載日: YYYY / YYYY-MM / YYYY-MM-DD(引用符で囲む)。分からなければ null
date: null
# 元記事の URL(http:// または https:// のみ)。分からなければ null
url: null
# 記事の要約(2〜4 文)。記事に書かれていないことは書かない
summary: ""
# 本文の行範囲(開始行〜終了行)。題名や共有ボタンなどの飾り行が外れるように直す
body:
  - start: {first}
    end: {last}
# 本文範囲の中の飾り行(画像の説明など)の行番号
exclude: []
# 見出しとして表示する行。例:
#   - line: 4
#     level: 2
headings: []
# この記事が扱う自治体の id(content/municipalities/ のファイル名)
municipalities: []
# この記事が扱うテーマの id(content/themes/ のファイル名)。1 つ以上
themes: []
# 登場する組織の id(content/organisations.yaml)
organisations: []
# 登場する人物の id(content/people.yaml)
people: []
# 要点。例:
#   - text: 要点をハンドブックの言葉で書く
#     paras: [5, 6]
key_points: []
# 発言の引用(段落の文字どおり)。例:
#   - text: 引用する文
#     speaker: yamada-taro
#     para: 8
quotes: []
# 日付のある出来事。例:
#   - date: "2022-04"
#     text: デジタル推進課を設置
#     para: 7
events: []
# ハンドブックに加えた日(YYYY-MM-DD)。トップの新着とフィード(feed.xml)に使う。ひな形を作った日を入れてあります
added: {q(datetime.date.today().isoformat())}
# 内容を元記事と照らして確認した日(YYYY-MM-DD)。書き終えて確かめたら入れる。1 年後が次回確認予定
reviewed: null
"""


def municipality_yaml(ident: str, name: str, reading: str, kind: str, prefecture: str, code: str, region: str) -> str:
    """Skeleton of content/municipalities/<id>.yaml."""
    return f"""# {name or "(自治体名)"}({prefecture or "都道府県"}): 自治体ページ
# 名前・読み・都道府県・種別は data/local-governments.csv と一致している必要があります。
id: {ident}
# 正式名称(例: 昭島市)
name: {q(name)}
# 読み(ひらがな または カタカナ)
reading: {q(reading)}
# 種別: 都道府県 / 市 / 町 / 村 / 特別区
kind: {q(kind)}
# 所属する都道府県
prefecture: {q(prefecture)}
# 全国地方公共団体コード(6 桁、引用符で囲む)
code: {q(code)}
# 地方区分: 北海道 / 東北 / 関東 / 中部 / 近畿 / 中国 / 四国 / 九州・沖縄
region: {q(region)}
# 人口(分かる場合)。例:
# population:
#   value: 116000
#   as_of: "2024-01"
#   source: 記事の記載(約11.6万人)
#   article: akishima-enterprisezine
# このハンドブックのための要約(2〜4 文)。記事にない事実は書かない
summary: ""
# 内容を出典と照らして確認した日(YYYY-MM-DD)。確かめたら入れる。1 年後が次回確認予定
reviewed: null
"""


def theme_yaml(ident: str) -> str:
    """Skeleton of content/themes/<id>.yaml."""
    return f"""# テーマ: (ここにテーマ名)
id: {ident}
# テーマ名(例: ガバメントクラウド・標準化)
name: ""
# 読み(ひらがな/カタカナ。五十音順の並べ替えに使う)
reading: ""
# 別名・略称(検索で見つかるようにする)
aliases: []
# テーマの説明
description: ""
# 関連テーマの id
related: []
# 関連する用語の id(content/glossary.yaml)
glossary: []
# 内容を確認した日(YYYY-MM-DD)。確かめたら入れる。1 年後が次回確認予定
reviewed: null
"""


def _fail(path: str, field: str, message: str) -> int:
    print(visible(f"{path}:1: {field}: {message}"), file=sys.stderr)  # the id and --seed are the caller's words
    return 1


def _article(root: Path, ident: str, seed: str | None) -> str | tuple[str, str]:
    """Article skeleton text, or (field, message) when the seed cannot be used."""
    if seed is None:
        return article_yaml(ident, "", "", 1, 1)
    if "/" in seed or "\\" in seed or seed in (".", ".."):
        return ("seed", f"--seed には {SEEDS_DIR}/ の中のファイル名だけを書いてください(パスは使えません)")
    if not seed.endswith(".txt"):
        return ("seed", "seed ファイルの名前は .txt で終わるようにしてください")
    path = root / SEEDS_DIR / seed
    if not path.exists() or not inside(root / SEEDS_DIR, path):
        return ("seed", f"{SEEDS_DIR}/{seed} が見つかりません(先に seeds/ に置いてください)")
    problems = Problems()
    raw = read_checked(root, path, problems, within=SEEDS_DIR)  # a FIFO is refused, not waited on
    text = None if raw is None else decode(raw, f"{SEEDS_DIR}/{seed}", problems)
    if raw is None or text is None:
        return ("seed", f"{SEEDS_DIR}/{seed}: {problems.errors()[0].message}")
    lines = text.split("\n")
    filled = [n for n, line in enumerate(lines, 1) if line.strip()]
    if not filled:  # ``decode`` refuses a file of whitespace only: this is a second guard against an IndexError
        return ("seed", f"{SEEDS_DIR}/{seed}: ファイルが空です")
    return article_yaml(ident, seed, hashlib.sha256(raw).hexdigest(), filled[0], filled[-1])


def _municipality(root: Path, ident: str, code: str | None) -> str | tuple[str, str]:
    """Municipality skeleton filled from the official list, or (field, message) for a bad code."""
    if code is None:
        return municipality_yaml(ident, "", "", "", "", "", "")
    if not re.fullmatch(r"\d{6}", code) or check_digit(code) != int(code[5]):
        return ("code", f"全国地方公共団体コード「{code}」が正しくありません(検査数字を含む 6 桁)")
    official = load_registry(root, Problems()).get(code)
    if official is None:
        return ("code", f"コード {code} は data/local-governments.csv にありません")
    kind = "都道府県" if code[2:5] == "000" else (kind_from_name(official.name) or "")
    region = REGION_OF.get(official.prefecture, "")
    return municipality_yaml(ident, official.name, official.reading, kind, official.prefecture, code, region)


def new_entity(root: Path, kind: str, ident: str, *, seed: str | None = None, code: str | None = None) -> int:
    """Write content/<folder>/<id>.yaml; never overwrite; print what to do next."""
    folder = FOLDERS[kind]
    rel = f"{CONTENT_DIR}/{folder}/{ident}.yaml"
    if not re.fullmatch(SLUG_RE, ident) or len(ident) > 80:
        return _fail(f"{CONTENT_DIR}/{folder}/", "id", f"識別子「{ident}」は英小文字・数字・ハイフンだけで書いてください(例: akishima)")
    reserved = slug_problem(ident)
    if reserved is not None:
        return _fail(f"{CONTENT_DIR}/{folder}/", "id", reserved)
    target = root / rel
    if target.exists():
        return _fail(rel, "id", "このファイルはすでにあります(既存のファイルを編集するか、別の id にしてください)")
    if kind == "article":
        text = _article(root, ident, seed)
    elif kind == "municipality":
        text = _municipality(root, ident, code)
    else:
        text = theme_yaml(ident)
    if isinstance(text, tuple):
        return _fail(rel, *text)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"作成しました: {rel}\n\"\" の項目を書き込んでから `python -m generator check` を実行してください。", file=sys.stderr)
    return 0
