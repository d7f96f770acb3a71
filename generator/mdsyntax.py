"""Patterns for the Markdown our own templates write, shared by the stages that post-process pages.

Data from YAML and seeds reaches Markdown backslash-escaped (``\\{``, ``\\]``) or inside raw HTML,
so every pattern here refuses an escaped opener: rewriting must never touch a contributor's text.
"""

from __future__ import annotations

import re

FRONT_MATTER = re.compile(r"\A(---\n.*?\n---\n)", re.S)
"""The YAML front matter block at the top of a generated page."""
RAW_ID = re.compile(r'id="(?<=\bid=")([^"]+)"')
"""An id attribute in raw HTML we emit (data cannot contain a bare double quote).

Like every pattern here it starts with its literal and looks back after it: a leading ``\\b`` or look-behind
keeps the regex engine from scanning for the literal, and the paginator and the print view ran 15 to 30 times
slower over a national-scale tree."""
RAW_BLOCKS = {'<p id="': "</p>", '<ul class="hb-list">': "</ul>",
              '<p class="hb-note">': "</p>", '<p class="hb-pager">': "</p>"}
"""How every raw HTML block the generator writes with no Markdown inside begins, and the tag it ends with: the body
paragraphs and lists of an article (``render.article_body``), their copies in the print view, the note above a body
and a long page's pager. MkDocs passes them through unparsed (``generator/rawblocks.py``). Data never starts a line
with ``<`` (it is HTML-escaped, on one line), so only the generator can begin a block this way."""
ATTR_LIST = re.compile(r"\{:(?<!\\\{:)[^}\n]*(?<!\\)\}")
"""An attr_list block such as ``{: #p4 }``; an escaped ``\\{:`` is text, not syntax."""
ATTR_LIST_ID = re.compile(r"\{:(?<!\\\{:)[^}\n]*?#([\w-]+)[^}\n]*(?<!\\)\}")
"""The id inside an attr_list block."""
MD_LINK_OPEN = r"\]\((?<!\\\]\()"
"""Start of a Markdown link target, not preceded by an escaping backslash. The check looks back after the
literal ``](``, so the regex engine can scan for the literal: three times faster over a national-scale tree."""
