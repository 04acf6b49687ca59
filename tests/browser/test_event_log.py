"""The event log lists the socket's frames and states; a banner shows while the socket is down."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.test_chat import say, seed_room


def test_the_log_shows_a_sent_and_a_received_entry_and_highlights_errors(page_factory, database_url) -> None:
    room_id = seed_room(database_url)
    page = page_factory(f"/rooms/{room_id}")
    log = page.locator("#event-log")
    expect(log.locator("li[data-direction=state]").first).to_have_text(re.compile(r"open$"))
    expect(page.locator("#log-state")).to_have_text("open")

    say(page, "hello log")
    expect(page.locator("#messages .message")).to_have_count(1)
    message_id = page.locator("#messages .message").get_attribute("id")
    expect(log.locator("li[data-direction=sent]", has_text="send_message")).to_have_count(1)
    expect(log.locator("li[data-direction=received]", has_text=f"messages › {message_id}")).to_have_count(1)
    assert log.locator("li.error").count() == 0

    page.click("#tab-log")
    expect(log).to_be_visible()
    entry = log.locator("li[data-direction=sent]", has_text="send_message")
    expect(entry.locator("time")).to_have_text(re.compile(r"\d\d:\d\d:\d\d"))

    # A rename the server refuses comes back as an error: its entry stands out.
    page.locator("#my-name").fill("   ")
    page.locator("#me button").click()
    expect(log.locator("li.error[data-direction=received]", has_text="errors › error")).to_have_count(1)
    assert log.locator("li.error").evaluate("el => getComputedStyle(el).backgroundColor") != "rgba(0, 0, 0, 0)"

    # The newest 200 only.
    for n in range(105):
        say(page, f"m{n}")  # a sent and a received entry each
    expect(page.locator("#messages .message")).to_have_count(106)
    expect(log.locator("li")).to_have_count(200)
    expect(log.locator("li[data-direction=state]")).to_have_count(0)  # the oldest went first
    assert page.errors == []


def test_a_banner_shows_while_the_socket_is_down_and_goes_on_reconnect(page_factory, database_url) -> None:
    room_id = seed_room(database_url)
    page = page_factory()
    sockets = []

    def through(route) -> None:
        server = route.connect_to_server()
        server.on_message(route.send)
        sockets.append(route)

    page.route_web_socket(re.compile(r".*/ws(\?.*)?$"), through)
    page.goto(f"/rooms/{room_id}")
    expect(page.locator("#connection")).to_have_attribute("data-state", "open")
    banner = page.locator("#connection-banner")
    expect(banner).to_be_hidden()

    sockets[-1].close(code=1013, reason="too far behind")
    expect(banner).to_be_visible()
    expect(banner).to_have_attribute("role", "alert")
    expect(banner).to_contain_text("Connection lost.")
    expect(banner).to_contain_text(re.compile(r"Reconnecting (in \d+ s|now)…"))
    expect(page.locator("#log-state")).to_have_text(re.compile(r"reconnecting (in \d+ s|now)"))
    expect(page.locator("#event-log li.error", has_text="closed (1013), reconnecting")).to_have_count(1)

    expect(page.locator("#connection")).to_have_attribute("data-state", "open", timeout=10000)
    expect(banner).to_be_hidden()
    assert len(sockets) == 2
    expect(page.locator("#log-state")).to_have_text("open")
    say(page, "back again")
    expect(page.locator("#messages .message")).to_have_count(1)
    assert page.errors == []
