"""A long body shows collapsed (about COLLAPSED_LINES lines, then "Show more"):
one message cannot push the room's history off the screen."""

from __future__ import annotations

COLLAPSED_LINES = 30
# About as much text as fills COLLAPSED_LINES lines of a phone's column.
COLLAPSED_CHARS = 1200


def is_long(body: str) -> bool:
    return body.count("\n") >= COLLAPSED_LINES or len(body) > COLLAPSED_CHARS
