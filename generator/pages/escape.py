"""One escaping rule per output context: every string from YAML or a seed reaches a file through here.

Each function names the context its result may be placed in, and nothing else may place data there:

- ``markdown``: running Markdown text (a table cell, a list item, a heading, a link label);
- ``html``: raw HTML written inside a Markdown page, as element text or a quoted attribute value;
- ``slug``: an id inside an attribute list, an ``id="…"`` or a URL fragment (validated, never escaped);
- ``url``: a link target inside such raw HTML (``href="…"``), validated and percent-encoded (``text_fragment``:
  the same, opened at a passage);
- ``front_matter``: a value of the YAML front matter MkDocs reads (Material prints title/description raw);
- ``csv_cell``: a cell of a CSV file that municipal staff open in Excel;
- ``json_text``: JSON that may end up inside a ``<script>`` element or HTML;
- ``xml``: text or a double-quoted attribute value of an XML file (the Atom feed).

Templates print only ``Markup``, and only these functions (and the renderer's own links, built from them)
make ``Markup`` from data: forgetting to escape is an error, not a hole.
"""

from __future__ import annotations

import functools
import html as _html
import json
import re
import unicodedata
from typing import Any
from urllib.parse import quote, urlsplit

from markupsafe import Markup

# Python-Markdown's own escapable characters plus "|" (added by the tables extension), each behind a backslash; the
# backslash itself as a character reference, so that no backslash from data can stand before a "]" or "(" of ours
# (the print view and the pager find links by the "](" that no backslash escapes).
_MD_SPECIAL = str.maketrans({"\\": "&#92;", **{c: "\\" + c for c in "`*_{}[]()#+-.!|>"}})


@functools.lru_cache(maxsize=65_536, typed=True)
def markdown(text: str) -> Markup:
    """Make text inert in Markdown inline context: HTML-escape, backslash-escape syntax, one line.

    Memoised (by type too: ``True`` is not ``1``): names and labels recur thousands of times in a build.
    """
    escaped = _html.escape(str(text), quote=True).translate(_MD_SPECIAL)
    # Newlines would start new blocks (lists, headings, attribute lists); a single line is what we mean.
    return Markup(" ".join(escaped.splitlines()))


# Every ASCII character that is neither a letter, a digit nor a space becomes a numeric character reference.
# Python-Markdown runs its inline patterns (links, images, code, emphasis, attribute lists, autolinks) over raw
# HTML written inside a Markdown page before it stashes the tags; a reference such as "&#91;" is no pattern's
# character, and the browser reads it back as "[" in text and in attribute values alike.
_HTML_INERT = str.maketrans({c: f"&#{ord(c)};" for c in map(chr, range(0x21, 0x7F)) if not c.isalnum()})
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x85]+")


@functools.lru_cache(maxsize=65_536, typed=True)
def html(text: str) -> Markup:
    """Make text inert as raw HTML inside a Markdown page, as element text or a double-quoted attribute value.

    A blank line would end the raw HTML block and hand the rest to Markdown, so line breaks become spaces.
    """
    return Markup(_LINE_BREAKS.sub(" ", str(text)).translate(_HTML_INERT))


_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")


class UnsafeId(ValueError):
    """An id that is not a slug reached a page: refused rather than printed."""


def slug(value: str) -> Markup:
    """An id for ``{: #… }``, ``id="…"`` or ``#…``: the schema allows only ``a-z``, ``0-9`` and ``-``, which mean
    nothing in any of those places, so it is checked again here and printed as it is."""
    if not isinstance(value, str) or not _SLUG.fullmatch(value):
        raise UnsafeId(f"識別子に使えない文字があります: {str(value)[:60]!r}")
    return Markup(value)


_URL_KEEP = ":/?#@$&+,;=%-.~"
"""What percent-encoding keeps of a URL besides letters and digits: RFC 3986's delimiters that mean nothing to
Markdown. ``[ ] ( ) ! * ' _`` are encoded too (an equivalent URL): links and emphasis are made of them."""
_BARE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


class UnsafeURL(ValueError):
    """A URL reached a page without passing the schema's check: refused rather than printed."""


def url(value: str) -> Markup:
    """A validated http(s) URL for ``href="…"`` in raw HTML inside Markdown: percent-encoded, ``&`` as ``&amp;``.

    The schema already refuses other schemes and characters (``schema.check_url``); this is the second lock, so a
    value that somehow skipped it can neither become ``javascript:`` nor leave the attribute.
    """
    text = str(value)
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise UnsafeURL(f"http(s) の URL ではありません: {text[:60]!r}")
    host = parts.hostname or ""
    if not host.isascii():
        text = parts._replace(netloc=parts.netloc.replace(host, host.encode("idna").decode("ascii"))).geturl()
    encoded = quote(_BARE_PERCENT.sub("%25", text), safe=_URL_KEEP).replace("_", "%5F")
    return Markup(encoded.replace("&", "&amp;"))


def text_fragment(page_url: str, start: str, end: str | None = None) -> Markup:
    """``page_url`` opened at a passage: a URL text fragment (``#:~:text=start,end``) for ``href="…"``.

    The passage's words are percent-encoded whole, with ``-`` too (``,`` and ``-`` are the directive's own
    separators); the page's own fragment, if any, gives way to the directive.
    """
    base = urlsplit(page_url)._replace(fragment="").geturl()
    words = [quote(part, safe="").replace("-", "%2D") for part in (start, end) if part]
    return url(f"{base}#:~:text={','.join(words)}")


_YAML_UNSAFE = re.compile("[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
"""What a YAML reader refuses or reads as a line break (controls, DEL, C1, U+2028/2029, BOM, surrogates, U+FFFE/FFFF)."""


def front_matter(text: str) -> Markup:
    """A double-quoted YAML scalar (JSON's escapes are YAML's), HTML-escaped for Material's templates.

    Japanese stays readable; anything a YAML reader refuses or takes for a line break is written as ``\\uXXXX``: raw,
    it made MkDocs' front-matter parse fail silently, and the page lost its title and edit link.
    """
    quoted = json.dumps(_html.escape(str(text), quote=True), ensure_ascii=False)
    return Markup(_YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", quoted))


_FORMULA_START = frozenset("=+-@")


def csv_cell(value: Any) -> Any:
    """Neutralise a spreadsheet formula (=, +, -, @, also full-width or behind spaces and invisible characters, or a
    leading tab or carriage return) with a quote: Excel folds ``＝`` to ``=`` and skips what it does not show."""
    if not isinstance(value, str):
        return value
    if value[:1] in ("\t", "\r"):
        return "'" + value
    visible = next((c for c in value if unicodedata.category(c) not in ("Cf", "Zs")), "")
    return "'" + value if unicodedata.normalize("NFKC", visible)[:1] in _FORMULA_START else value


_JSON_IN_HTML = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def json_text(data: Any, **dumps: Any) -> str:
    """JSON that stays inert inside HTML and ``<script>`` (no ``</script>``, no ``<!--``, no JS line separators).

    Five ``str.replace`` rather than one ``str.translate``: translate looks up every character of a Japanese text in
    a dict, a tenth of the search stage at national scale (benchmarks/README.md)."""
    text = json.dumps(data, ensure_ascii=False, **dumps)
    for char, escaped in _JSON_IN_HTML:
        text = text.replace(char, escaped)
    return text


_XML_REFUSED = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""What XML 1.0 cannot hold at all, even as a reference (the schema refuses these before; this is the second lock)."""


def xml(text: str) -> str:
    """Text or a double-quoted attribute value in an XML document: ``& < > " '`` as references, and any character XML
    1.0 cannot carry as U+FFFD, so no value can end the element or make the feed ill-formed."""
    return _html.escape(_XML_REFUSED.sub("\ufffd", str(text)), quote=True)
