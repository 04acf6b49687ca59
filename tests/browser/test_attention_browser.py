"""Two people in real Chromium: typing shows on the other page, a mention picked from
the composer's list reaches the other in the lobby (count, mention, title), the New marker."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.test_chat import say, seed_room

# Counts the page's permission requests: asked on a click only, never on load.
COUNT_ASKS = """
window.asked = 0;
if ("Notification" in window) {
  Notification.requestPermission = function () { window.asked += 1; return Promise.resolve("default"); };
}
"""


def test_typing_a_mention_and_the_unread_count_in_the_lobby(page_factory, database_url) -> None:
    room_id = seed_room(database_url)
    alice = page_factory()
    alice.add_init_script(COUNT_ASKS)
    alice.goto(f"/rooms/{room_id}")
    alice.wait_for_selector("#connection[data-state=open]")
    bob = page_factory(f"/rooms/{room_id}")
    bob_id = bob.evaluate("document.body.dataset.me")
    bob_name = bob.locator("#my-name").input_value()
    alice_name = alice.locator("#my-name").input_value()
    say(bob, "hello from bob")
    expect(alice.locator("#messages .message")).to_have_count(1)

    # Alice types: Bob's page says so; her message takes the line away.
    alice.locator("#composer-body").press_sequentially("one moment")
    typing = bob.locator("#typing .typing-all")
    expect(typing).to_have_text(f"{alice_name} is typing…")
    expect(alice.locator("#typing .typing-all")).to_be_hidden()  # her own page leaves her out
    alice.locator("#composer-body").press("Enter")
    expect(typing).to_have_text("")

    # Bob reads it all on the room page, then goes to the lobby.
    expect(bob.locator("#messages .message")).to_have_count(2)
    newest = bob.locator("#messages .message").last.get_attribute("id").removeprefix("message-")
    expect(bob.locator("#messages")).to_have_attribute("data-read", newest)
    bob.goto("/")
    bob.wait_for_selector("#connection[data-state=open]")
    expect(bob).to_have_title("Chatboard")

    # Alice picks Bob from the composer's list after "@" and sends.
    box = alice.locator("#composer-body")
    box.press_sequentially("hi @" + bob_name[:2])
    choice = alice.locator("#mention-choices [role=option]", has_text=bob_name)
    expect(choice).to_be_visible()
    while alice.locator("#mention-choices [aria-selected=true]").inner_text() != bob_name:
        box.press("ArrowDown")
    box.press("Tab")
    expect(box).to_have_value(f"hi @{bob_name} ")
    expect(alice.locator("#mention-choices")).to_be_hidden()
    box.press_sequentially("look")
    box.press("Enter")
    say(alice, "and one more")

    entry = bob.locator(f"#unread-{room_id}")
    expect(entry).to_have_attribute("data-count", "2")
    expect(entry).to_have_attribute("data-mentions", "1")
    expect(entry).to_be_visible()
    expect(entry.locator(".unread-at")).to_be_visible()
    expect(bob).to_have_title("(2) Chatboard")
    expect(bob.locator('link[rel="icon"]')).to_have_attribute("data-mention", "true")

    # Entering the room: the New marker before the first unread one, the mention highlighted for Bob alone.
    bob.locator(f"#room-{room_id} .room-link").click()
    bob.wait_for_selector("#connection[data-state=open]")
    marker = bob.locator("#unread-marker")
    expect(marker).to_have_text("New")
    after = bob.locator("#unread-marker + .message .body")
    expect(after).to_have_text(f"hi @{bob_name} look")
    mention = bob.locator(f'.message .mention[data-user="{bob_id}"]')
    expect(mention).to_have_css("font-weight", "600")
    expect(alice.locator(f'.message .mention[data-user="{bob_id}"]')).not_to_have_css("font-weight", "600")
    # Seen at the latest: read, and the title loses its count.
    expect(bob).to_have_title(re.compile(r"^[^(].*Chatboard$"))

    # The browser's permission: never asked on load, asked on the click.
    assert alice.evaluate("window.asked") == 0
    if alice.evaluate("'Notification' in window"):
        alice.locator("#notify-permission").click()
        assert alice.evaluate("window.asked") == 1
    assert alice.errors == [] and bob.errors == []
