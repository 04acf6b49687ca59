"""User text → safe HTML: everything escaped, http(s) addresses made links."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

# Only http and https: a javascript: or data: address stays plain text.
_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
# Punctuation that usually ends the sentence around an address, not the address.
_TRAILING = ".,;:!?)]}"


def linkify(text: str) -> Markup:
    parts: list[str] = []
    last = 0
    for match in _URL.finditer(text):
        url = match.group().rstrip(_TRAILING)
        if "(" in url and match.group()[len(url):].startswith(")"):
            url += ")"  # keep the closing bracket of a (wiki-style) address
        if len(url) <= len(url.split("://", 1)[0]) + 3:
            continue
        start = match.start()
        parts.append(escape(text[last:start]))
        parts.append(
            Markup('<a href="{0}" rel="noopener noreferrer nofollow" target="_blank">{0}</a>').format(url)
        )
        last = start + len(url)
    parts.append(escape(text[last:]))
    return Markup("").join(parts)
