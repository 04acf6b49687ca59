"""The reader's theme: a cookie app.js sets, read when a page is rendered, so
the page arrives in its theme and the wrong one never flashes."""

from __future__ import annotations

from litestar import Request

from webapp.chat.palette import THEMES

COOKIE = "chatboard_theme"
DEFAULT = 6
_VALUES = {str(index): index for index in range(len(THEMES))}


def theme_of(request: Request) -> int:
    """The theme's index from the cookie; the default when it is missing or not one of ours."""
    return _VALUES.get(request.cookies.get(COOKIE, ""), DEFAULT)
