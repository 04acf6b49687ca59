"""Runs of one author as two people see them arrive, in real Chromium."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_chat import say, seed_room

DESKTOP = {"viewport": {"width": 1440, "height": 900}}


def test_a_run_arriving_live_shows_one_name_and_avatar_and_each_time_on_hover(page_factory, database_url) -> None:
    room_id = seed_room(database_url)
    ada = page_factory(f"/rooms/{room_id}", **DESKTOP)
    bob = page_factory(f"/rooms/{room_id}", **DESKTOP)
    for text in ("one", "two", "three"):
        say(ada, text)
    say(bob, "mine")
    messages = bob.locator("#messages article.message")
    expect(messages).to_have_count(4)
    # What Bob sees: Ada's name and avatar once, then her bodies; then his own message starts anew.
    assert [m.get_attribute("data-continues") for m in messages.all()] == [None, "true", "true", None]
    # (The name stays for screen readers, in a 1px box.)
    assert [m.locator(".author").bounding_box()["width"] > 1 for m in messages.all()] == [True, False, False, True]
    assert [m.locator(".avatar").is_visible() for m in messages.all()] == [True, False, False, True]
    expect(bob.locator(".day-separator")).to_have_text(["Today"])
    # A continued message's time appears in its gutter on hover.
    time = messages.nth(1).locator("time")
    assert time.evaluate("el => getComputedStyle(el).opacity") == "0"
    messages.nth(1).hover()
    expect(time).to_have_css("opacity", "1")
    # Rows span the width; one's own is tinted, by the page's one rule.
    widths = [m.bounding_box()["width"] for m in messages.all()]
    assert min(widths) == max(widths)
    tint = "el => getComputedStyle(el).backgroundColor"
    assert messages.nth(3).evaluate(tint) != messages.nth(0).evaluate(tint)
    # A reload renders the same runs from the history.
    bob.reload()
    bob.wait_for_selector("#connection[data-state=open]")
    assert [m.get_attribute("data-continues") for m in messages.all()] == [None, "true", "true", None]
    assert not ada.errors and not bob.errors
