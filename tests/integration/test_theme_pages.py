"""Every page is rendered in the reader's theme, from the cookie: no flash of another."""

from __future__ import annotations

import httpx
import pytest

from tests.support import by_id, parse_page


@pytest.mark.parametrize("path", ["/", "/info", "/no-such-page"])
async def test_pages_render_the_theme_of_the_cookie(server, path) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        plain = parse_page((await http.get(path)).text)
        assert plain.get("data-theme") == "6"  # the default
        assert by_id(plain, "theme").get("value") == "6"

        http.cookies.set("chatboard_theme", "2")
        themed = parse_page((await http.get(path)).text)
        assert themed.get("data-theme") == "2"
        slider = by_id(themed, "theme")
        assert (slider.get("type"), slider.get("min"), slider.get("max"), slider.get("value")) == ("range", "0", "7", "2")
        assert slider.get("aria-valuetext") == "Theme 3 of 8"

        http.cookies.set("chatboard_theme", "<b>")
        assert parse_page((await http.get(path)).text).get("data-theme") == "6"
