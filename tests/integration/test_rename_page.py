"""Renaming oneself on /info, a page without a socket: the header's form posts,
the rename is stored and everyone else sees it, as from any other page."""

from __future__ import annotations

from tests.support import by_id, parse_page, text_of


async def test_renaming_oneself_on_the_info_page_is_stored_and_seen_by_others(clients) -> None:
    watcher = await clients().connect()
    ada = clients()
    page = parse_page((await ada.get("/info")).text)
    form = by_id(page, "me")
    assert (form.get("method"), form.get("action")) == ("post", "/me")

    answer = await ada.http.post("/me", data={"action": "rename_user", "name": "Ada L"}, headers={"Origin": ada.base_url})
    assert answer.status_code == 303 and answer.headers["location"] == "/info"
    assert by_id(parse_page((await ada.get("/info")).text), "my-name").get("value") == "Ada L"
    renamed = await watcher.expect(f"renamed-{ada.user_id}")
    assert "Ada L" in text_of(renamed)


async def test_a_refused_rename_on_the_info_page_says_why_and_keeps_the_name(clients) -> None:
    ada = clients()
    before = by_id(parse_page((await ada.get("/info")).text), "my-name").get("value")
    answer = await ada.http.post("/me", data={"name": "   "}, headers={"Origin": ada.base_url})
    assert answer.status_code == 400
    page = parse_page(answer.text)
    assert by_id(page, "my-name").get("value") == before
    assert page.find(".//*[@role='alert'][@data-code]") is not None
    # From another site's page: refused, nothing changes.
    foreign = await ada.http.post("/me", data={"name": "Mallory"}, headers={"Origin": "http://evil.example"})
    assert foreign.status_code == 403
    no_origin = await ada.http.post("/me", data={"name": "Mallory"})
    assert no_origin.status_code == 403
    assert by_id(parse_page((await ada.get("/info")).text), "my-name").get("value") == before
