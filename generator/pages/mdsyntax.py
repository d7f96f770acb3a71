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
ATTR_LIST = re.compile(r"\{:(?<!\\\{:)[^}\n]*(?<!\\)\}")
"""An attr_list block such as ``{: #p4 }``; an escaped ``\\{:`` is text, not syntax."""
ATTR_LIST_ID = re.compile(r"\{:(?<!\\\{:)[^}\n]*?#([\w-]+)[^}\n]*(?<!\\)\}")
"""The id inside an attr_list block."""
MD_LINK_OPEN = r"\]\((?<!\\\]\()"
"""Start of a Markdown link target, not preceded by an escaping backslash. The check looks back after the
literal ``](``, so the regex engine can scan for the literal: three times faster over a national-scale tree."""
