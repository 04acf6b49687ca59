"""Two people act on messages in real Chromium: an edit, a reaction, a reply and
a delete by one are what the other page shows, and a permalink opens at its message."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_chat import say, seed_room


def test_edit_react_reply_delete_and_a_permalink(page_factory, database_url) -> None:
    room_id = seed_room(database_url)
    alice = page_factory(f"/rooms/{room_id}")
    bob = page_factory(f"/rooms/{room_id}")
    bob_id = bob.evaluate("document.body.dataset.me")

    say(alice, "helo wrld")
    theirs = bob.locator("#messages .message").first
    expect(theirs.locator(".body")).to_have_text("helo wrld")

    # Up in the empty composer edits one's last message.
    box = alice.locator("#composer-body")
    box.press("ArrowUp")
    expect(box).to_have_value("helo wrld")
    box.fill("hello world")
    box.press("Enter")
    expect(theirs.locator(".body")).to_have_text("hello world")
    expect(theirs).to_have_attribute("data-edited", "true")
    expect(theirs.locator(".edited")).to_have_text("edited")
    # Bob sees no edit button on Alice's message; Alice does on hers.
    theirs.hover()
    expect(theirs.locator('[data-action="edit"]')).to_be_hidden()

    # A reaction: the count for both, "mine" only on Bob's page.
    theirs.locator('.message-actions [data-emoji="👍"]').click()
    on_alice = alice.locator('#messages .reaction[data-emoji="👍"]')
    expect(on_alice).to_have_attribute("data-count", "1")
    expect(on_alice).to_have_attribute("data-users", bob_id)
    background = "el => getComputedStyle(el).backgroundColor"
    on_bob = theirs.locator('.reaction[data-emoji="👍"]')
    expect(on_bob).to_be_visible()
    assert on_bob.evaluate(background) != on_alice.evaluate(background)

    # A reply quotes what it answers, linked to it.
    theirs.hover()
    theirs.locator('[data-action="reply"]').click()
    expect(bob.locator("#composer-context")).to_contain_text("Replying to")
    say(bob, "agreed")
    answer = alice.locator("#messages .message").nth(1)
    expect(answer.locator(".body")).to_have_text("agreed")
    quote = answer.locator(".reply")
    expect(quote).to_contain_text("hello world")
    first_id = alice.locator("#messages .message").first.get_attribute("id").removeprefix("message-")
    expect(quote).to_have_attribute("href", f"/rooms/{room_id}?message={first_id}")

    # A delete, confirmed: a tombstone on Bob's page, and his reply's quote says so.
    alice.once("dialog", lambda dialog: dialog.accept())
    mine = alice.locator("#messages .message").first
    mine.hover()
    mine.locator('[data-action="delete"]').click()
    expect(theirs).to_have_attribute("data-deleted", "true")
    expect(theirs.locator(".body")).to_have_text("message deleted")
    expect(bob.locator("#messages .message").nth(1).locator(".reply")).to_have_text("deleted message")
    assert "hello world" not in bob.locator("#messages").inner_text()

    # The reply's permalink opens the room at that message.
    link = bob.locator("#messages .message").nth(1).locator('[data-action="copy-link"]').get_attribute("href")
    visitor = page_factory(link)
    expect(visitor.locator("#messages .message[aria-current='true']")).to_contain_text("agreed")
