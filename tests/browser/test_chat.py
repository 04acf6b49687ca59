"""Two people chat in real Chromium; one scrolls back through a long history."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from playwright.sync_api import Page, expect

from webapp.chat import messages, rooms, users
from webapp.db.engine import create_engine, session_factory


def seed_room(database_url: str, history: int = 0) -> int:
    """A room with `history` messages (bodies n0, n1, …), made through the services."""

    async def seed() -> int:
        engine = create_engine(database_url)
        try:
            async with session_factory(engine).begin() as session:
                author = await users.create_user(session)
                room = (await rooms.create_room(session, creator_id=author.id)).room
                for n in range(history):
                    await messages.send_message(session, room_id=room.id, author_id=author.id, body=f"n{n}")
            return room.id
        finally:
            await engine.dispose()

    # Playwright's loop is this thread's running loop: seed on a thread of its own.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, seed()).result()


def say(page: Page, text: str) -> None:
    box = page.locator("#composer-body")
    box.fill(text)
    box.press("Enter")


def test_two_people_chat(page_factory, database_url) -> None:
    room_id = seed_room(database_url)
    alice = page_factory(f"/rooms/{room_id}")
    bob = page_factory(f"/rooms/{room_id}")
    bob_id = bob.evaluate("document.body.dataset.me")
    expect(alice.locator(".empty-state")).to_be_visible()
    expect(alice.locator("#users li")).to_have_count(2)

    box = alice.locator("#composer-body")
    box.fill("first line")
    box.press("Shift+Enter")
    box.press_sequentially("second <b>line</b>")
    box.press("Enter")
    expect(bob.locator("#messages .message .body")).to_have_text(["first line\nsecond <b>line</b>"])
    expect(box).to_have_value("")
    expect(bob.locator(".empty-state")).to_be_hidden()

    say(bob, "hi alice, see https://example.com/x.")
    expect(alice.locator("#messages .message")).to_have_count(2)
    link = alice.locator(".message .body a")
    expect(link).to_have_attribute("href", "https://example.com/x")
    expect(link).to_have_attribute("rel", "noopener noreferrer nofollow")
    # Each reader's own messages look different, from one shared rendering.
    background = "el => getComputedStyle(el).backgroundColor"
    alice_mine, alice_theirs = (m.evaluate(background) for m in alice.locator(".message").all())
    bob_theirs, bob_mine = (m.evaluate(background) for m in bob.locator(".message").all())
    assert alice_mine == bob_mine != alice_theirs == bob_theirs
    # Local time, not the server's UTC fallback; and the right sound for each.
    assert "UTC" not in alice.locator(".message time").first.inner_text()
    expect(alice.locator("#messages")).to_have_attribute("data-last-chime", "theirs")
    expect(bob.locator("#messages")).to_have_attribute("data-last-chime", "mine")

    # A body that tries to take over the page stays text on it.
    attack = '<div id="messages" hx-swap-oob="true"><img src=x hx-on:htmx:load="alert(1)"></div>'
    say(alice, attack)
    expect(bob.locator("#messages .message")).to_have_count(3)
    expect(bob.locator("#messages .message .body").last).to_have_text(attack)
    assert bob.locator("#messages img").count() == 0

    bob.locator("#my-name").fill("Bobby Tables")
    bob.locator("#me button").click()
    expect(alice.locator(f".name-of-{bob_id}")).to_have_text(["Bobby Tables", "Bobby Tables"])

    alice.locator("#sound-toggle").click()
    expect(alice.locator("#sound-toggle")).to_have_attribute("aria-pressed", "false")
    alice.reload()
    expect(alice.locator("#sound-toggle")).to_have_attribute("aria-pressed", "false")

    bob.close()
    expect(alice.locator("#users li")).to_have_count(1)
    assert alice.errors == []


def test_scrolling_back_loads_older_pages_in_place(page_factory, database_url) -> None:
    room_id = seed_room(database_url, history=200)
    alice = page_factory(f"/rooms/{room_id}")
    bob = page_factory(f"/rooms/{room_id}")
    shown = alice.locator("#messages .message")
    expect(shown).to_have_count(50)
    assert alice.evaluate("(l => l.scrollHeight - l.scrollTop - l.clientHeight)(messages)") <= 2

    pages = 0
    while alice.locator("#history-more").count():
        count = shown.count()
        first = shown.first.get_attribute("id")
        # Scroll to the top and note where the first message is, before the page comes.
        top_before = alice.evaluate(
            "id => { messages.scrollTop = 0; return document.getElementById(id).getBoundingClientRect().top }", first
        )
        alice.wait_for_function(f"() => document.querySelectorAll('#messages .message').length > {count}")
        top_after = alice.evaluate("id => document.getElementById(id).getBoundingClientRect().top", first)
        assert abs(top_after - top_before) <= 1, "the view jumped as an older page loaded"
        pages += 1
    assert pages == 3
    bodies = shown.locator(".body").all_inner_texts()
    assert bodies == [f"n{n}" for n in range(200)]

    # Scrolled up, a new message does not move the view; the button brings the latest.
    scroll_top = alice.evaluate("messages.scrollTop")
    say(bob, "are you there?")
    expect(alice.locator("#jump-latest")).to_be_visible()
    assert alice.evaluate("messages.scrollTop") == scroll_top
    alice.locator("#jump-latest").click()
    expect(alice.locator("#jump-latest")).to_be_hidden()
    assert alice.evaluate("(l => l.scrollHeight - l.scrollTop - l.clientHeight)(messages)") <= 2
    # At the bottom, the next message keeps it there.
    say(bob, "hello again")
    expect(shown).to_have_count(202)
    alice.wait_for_function("() => (l => l.scrollHeight - l.scrollTop - l.clientHeight <= 2)(messages)")
    assert alice.errors == [] and bob.errors == []
