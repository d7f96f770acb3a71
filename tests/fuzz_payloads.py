"""Hostile strings for tests/test_fuzz.py: the security review's reproducers and variants of them.

Every payload that could run script calls ``alert`` with a number of its own (or ``document.domain``),
so a dialog in a failure report says which vector fired. The ids name the test cases.
"""

from __future__ import annotations

# (id, payload). The first block is the security review's reproducers, verbatim.
REPRODUCERS: tuple[tuple[str, str], ...] = (
    ("review-md-link-attrs", "国が整備した環境です。[詳細](/ tabindex=1 autofocus onfocus=alert(document.domain) x=)"),
    ("review-definition-attr-list", "用語の説明です。\n\n{: onfocus=alert(2) }\n![x](https://evil.example/p.png)"),
    ("review-js-url-encoded", "[資料](javascript://%0aalert(1))"),
    ("review-js-url", "[クリック](javascript:alert(3))"),
    ("review-url-md-link", "https://example.com/[x](/autofocus/onfocus=alert(1)//)"),
    ("review-url-double-quote", 'https://example.com/[x](/"autofocus/onfocus="alert(31)//)'),
    ("review-url-single-quote", "https://example.com/[x](/'autofocus/onfocus='alert(32)//)"),
    ("review-url-onmouseover", "https://example.com/[x](/onmouseover=alert(33)//)"),
    ("review-img-onerror", "<img src=x onerror=alert(4)>"),
    ("review-svg-onload", "<svg onload=alert(5)>"),
    ("review-a-js-href", '<a href="javascript:alert(6)">x</a>'),
)

VARIANTS: tuple[tuple[str, str], ...] = (
    # Markdown links, images and autolinks with hostile or off-site targets (an image is a request leaving the site),
    # then reference links and a title that tries to leave its quotes.
    ("md-links-images-autolinks",
     "![追跡](https://evil.example/track.png) ![相対](//evil.example/x.png) [v](vbscript:msgbox(8)) "
     "[d](data:text/html;base64,PHNjcmlwdD5hbGVydCg3KTwvc2NyaXB0Pg==) <javascript:alert(9)> <https://evil.example/auto> "
     '[参照][x] [t](https://example.com/ "a" onmouseover="alert(12)")\n\n[x]: javascript:alert(11)\n[y]: //evil.example/y.png'),
    # Raw HTML inline, then as a block (a field printed at the start of a line opens an HTML block).
    ("html-elements",
     "<script>alert(13)</script><details open ontoggle=alert(16)><summary>s</summary></details>"
     "<iframe srcdoc='<script>alert(17)</script>'></iframe>"
     '<form action="javascript:alert(18)"><input autofocus onfocus=alert(19)><button formaction="javascript:alert(20)">b</button>'
     '</form><svg><a xlink:href="javascript:alert(21)"><text y="20">x</text></a><animate onbegin=alert(22) attributeName=x dur=1s>'),
    ("html-block-div", '<div onmouseover="alert(14)" tabindex="0" autofocus onfocus="alert(15)">区画</div>'),
    # attr_list: a trailing {: ... } on a line sets attributes on the block or the element before it.
    ("attr-list",
     "段落 {: onfocus=alert(23) tabindex=0 autofocus }\n\n[リンク](https://example.com/){: onclick=alert(25) onfocus=alert(26) autofocus }"
     "\n\n{: #x onmouseover=alert(24) }"),
    # HTML entities must stay text, not become markup; attribute breakers for title="…", content="…", href="…".
    ("entities-attr-quotes",
     "&lt;script&gt;alert(27)&lt;/script&gt; &#x3C;img src=x onerror=alert(28)&#x3E; &amp;lt;b&amp;gt; "
     "\" autofocus onfocus=\"alert(29)\" x=\" ' onmouseover='alert(30)' ` <abbr title=\"x\">"),
    # Front matter and YAML.
    ("front-matter-break", '"\n---\ntitle: x\ndescription: y\n---\n<script>alert(34)</script>'),
    # Characters with meaning to Markdown and HTML parsers: backslashes (one at the very end), emphasis, code.
    ("backslashes-emphasis",
     "**太字** _斜体_ `code` ``<img src=x onerror=alert(41)>`` ~~取消~~ ==印== ^^上^^ :smile: "
     "\\[x\\](javascript:alert(35)) \\\\<img src=x onerror=alert(36)> ' \" ` \\"),
    ("table-breaker", "| a | <img src=x onerror=alert(37)> |\n| --- | --- |\n| [x](javascript:alert(38)) | b |"),
    # Comments and CDATA that try to close what they are in, Jinja (nothing renders it in Markdown), then a comment
    # that never closes and would swallow the rest of the page.
    ("comments-jinja",
     "<!-- ]]> --> <!-- </script><script>alert(39)</script> --> ]]></title></textarea><img src=x onerror=alert(40)> "
     "{{ config.repo_url }} {{ 7*7 }} {% raw %}{% include 'x' %}{% endraw %} {# c #} <!-- 閉じないコメント"),
    # Values for the URL fields that are no http(s) URL (the schema refuses them there; as text they must stay text).
    ("url-other-schemes", "javascript:alert(42) //evil.example/x.png"),
    # Invisible and direction-changing characters (the schema refuses them in names).
    ("bidi-zero-width", "名前\u202eevil\u202c\u200b\u2066x\u2069"),
)

PAYLOADS: tuple[tuple[str, str], ...] = REPRODUCERS + VARIANTS
