"""A moderator cleans up after a spammer in real Chromium: the others' pages see it go."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.test_chat import say, seed_room
from tests.support import NO_LIMITS, Server
from webapp.settings import Settings

KEY = "a long and random moderator key"


@pytest.fixture(scope="module")
def server(database_url: str) -> Iterator[Server]:
    """The pages' server, with MODERATOR_KEY set."""
    bus = "postgres" if database_url.startswith("postgresql") else "memory"
    settings = Settings(
        database_url=database_url, secret_key="test-secret", env="test", channels_backend=bus, moderator_key=KEY, **NO_LIMITS
    )
    server = Server(settings).start()
    yield server
    server.stop()


def test_a_moderator_mutes_a_spammer_removes_their_message_and_closes_the_room(page_factory, database_url) -> None:
    room_id = seed_room(database_url)
    spammer = page_factory(f"/rooms/{room_id}")
    bystander = page_factory(f"/rooms/{room_id}")
    moderator = page_factory()
    moderator.goto("/moderate")
    moderator.locator("#key").fill(KEY)
    moderator.get_by_role("button", name="Become a moderator").click()
    expect(moderator.locator("#resign")).to_be_visible()
    moderator_id = moderator.evaluate("document.body.dataset.me")
    moderator.goto(f"/rooms/{room_id}")
    moderator.wait_for_selector("#connection[data-state=open]")
    moderator.on("dialog", lambda dialog: dialog.accept())

    say(spammer, "cheap pills at spam.example")
    spam = moderator.locator(".message:not(.system)", has_text="cheap pills")
    spam.hover()
    # Muted from the message: the spammer reads on, and is told until when they cannot write.
    spam.get_by_role("button", name="Mute author").click()
    expect(bystander.locator(".message.system", has_text="for 1 day")).to_be_visible()
    expect(spammer.locator("#errors [data-notice=muted]")).to_contain_text("muted you until")
    say(spammer, "more pills")
    expect(spammer.locator("#errors .error[data-code=rate_limited]")).to_contain_text("muted you until")
    expect(bystander.locator(".message", has_text="more pills")).to_have_count(0)
    # Not offered to others, nor on the moderator's own messages.
    bystander.locator(".message:not(.system)", has_text="cheap pills").hover()
    expect(bystander.get_by_role("button", name="Mute author")).to_be_hidden()

    spam.hover()
    spam.get_by_role("button", name="Delete").click()
    # Gone from the others' pages, and they see that a moderator removed it.
    expect(bystander.locator(".message", has_text="cheap pills")).to_have_count(0)
    expect(bystander.locator(".message.deleted")).to_have_count(1)
    line = bystander.locator(".message.system", has_text="removed a message")
    expect(line).to_be_visible()
    # The moderator's name is badged, by the page's one rule.
    bystander.reload()
    name = bystander.locator(f".message.system .name-of-{moderator_id}").last
    assert name.evaluate("el => getComputedStyle(el, '::after').content") == '"mod"'

    # Closing the room sends the people in it to the lobby, told why.
    moderator.locator(f"#room-{room_id} summary").click()
    moderator.locator(f"#room-{room_id} .delete-room button").click()
    spammer.wait_for_url("**/?notice=room_closed")
    expect(spammer.locator("#notice")).to_contain_text("moderator closed")
    expect(spammer.locator(f"#room-{room_id}")).to_have_count(0)
    assert spammer.errors == [] and bystander.errors == [] and moderator.errors == []
