"""Every page is rendered in the reader's theme, from the cookie: no flash of another."""

from __future__ import annotations

import httpx
import pytest

from tests.support import by_id, parse_page, text_of
from webapp.chat.palette import THEME_NAMES


@pytest.mark.parametrize("path", ["/", "/info", "/no-such-page"])
async def test_pages_render_the_theme_of_the_cookie(server, path) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        plain = parse_page((await http.get(path)).text)
        assert plain.get("data-theme") == "6"  # the default
        assert [i.get("value") for i in by_id(plain, "theme").iter("input") if i.get("checked") is not None] == ["6"]

        http.cookies.set("chatboard_theme", "2")
        themed = parse_page((await http.get(path)).text)
        assert themed.get("data-theme") == "2"
        # Eight named choices, the cookie's one checked, its name on the menu.
        choices = list(by_id(themed, "theme").iter("label"))
        assert [text_of(label) for label in choices] == list(THEME_NAMES)
        assert [(i.get("type"), i.get("name"), i.get("value")) for label in choices for i in label.iter("input")] == [
            ("radio", "theme", str(n)) for n in range(8)
        ]
        assert [i.get("value") for label in choices for i in label.iter("input") if i.get("checked") is not None] == ["2"]
        assert text_of(by_id(themed, "theme-name")) == "Sage"
        # Each swatch is drawn in its own theme's colours.
        assert [span.get("data-theme") for label in choices for span in label.iter("span")] == [str(n) for n in range(8)]

        http.cookies.set("chatboard_theme", "<b>")
        assert parse_page((await http.get(path)).text).get("data-theme") == "6"
