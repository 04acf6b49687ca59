"""User text → safe HTML: everything escaped, http(s) and bare www. addresses made links,
and the message's mentions (chat/mentions.py) marked with whom they name."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from webapp.chat.mentions import pattern

# Only http and https: a javascript: or data: address stays plain text. A bare
# www. address (not inside a word, an e-mail address or a path) is taken as https.
_URL = re.compile(r"(?:https?://|(?<![\w.@/:-])www\.)[^\s<>\"'`]+", re.IGNORECASE)
# Punctuation that usually ends the sentence around an address, not the address.
_TRAILING = ".,;:!?)]}"


def linkify(text: str, mentions=()) -> Markup:
    """`mentions`: the message's (UserView), each with the name as it was written."""
    mark = _marker(mentions)
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
        parts.append(mark(text[last:start]))
        parts.append(
            Markup('<a href="{0}" rel="noopener noreferrer nofollow" target="_blank">{1}</a>').format(
                "https://" + url if bare else url, url
            )
        )
        last = start + len(url)
    parts.append(mark(text[last:]))
    return Markup("").join(parts)


_MENTION = Markup('<span class="mention" data-user="{0}">@{1}</span>')


def _marker(mentions):
    """Text → escaped HTML with these mentions marked (found as when they were stored)."""
    if not mentions:
        return escape
    by_name = {}
    for user in mentions:
        by_name.setdefault(user.name.casefold(), user.id)
    found = pattern(frozenset(by_name))

    def mark(text: str) -> Markup:
        parts, last = [], 0
        for match in found.finditer(text):
            user_id = by_name.get(match.group(1).casefold())
            if user_id is None:
                continue
            parts += [escape(text[last:match.start()]), _MENTION.format(user_id, match.group(1))]
            last = match.end()
        parts.append(escape(text[last:]))
        return Markup("").join(parts)

    return mark
