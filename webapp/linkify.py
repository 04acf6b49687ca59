"""User text → safe HTML: everything escaped, http(s) and bare www. addresses made links."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

# Only http and https: a javascript: or data: address stays plain text. A bare
# www. address (not inside a word, an e-mail address or a path) is taken as https.
_URL = re.compile(r"(?:https?://|(?<![\w.@/:-])www\.)[^\s<>\"'`]+", re.IGNORECASE)
# Punctuation that usually ends the sentence around an address, not the address.
_TRAILING = ".,;:!?)]}"


def linkify(text: str) -> Markup:
    parts: list[str] = []
    last = 0
    for match in _URL.finditer(text):
        url = match.group().rstrip(_TRAILING)
        if "(" in url and match.group()[len(url):].startswith(")"):
            url += ")"  # keep the closing bracket of a (wiki-style) address
        bare = "://" not in url
        if len(url) <= (4 if bare else len(url.split("://", 1)[0]) + 3):
            continue
        start = match.start()
        parts.append(escape(text[last:start]))
        parts.append(
            Markup('<a href="{0}" rel="noopener noreferrer nofollow" target="_blank">{1}</a>').format(
                "https://" + url if bare else url, url
            )
        )
        last = start + len(url)
    parts.append(escape(text[last:]))
    return Markup("").join(parts)
