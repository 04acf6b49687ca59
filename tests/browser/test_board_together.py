"""The board together in real Chromium: two people see each other's named
cursors, draw a rectangle and an arrow, write a label, undo and redo with the
keys, and share the board into the chat."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.test_board import move_to, open_board, room_url, to_screen  # noqa: F401 (room_url: a fixture)


def drag(page: Page, start: tuple[float, float], end: tuple[float, float]) -> None:
    move_to(page, *start, steps=1)
    page.mouse.down()
    move_to(page, *end)
    page.mouse.up()


def test_two_people_sketch_a_diagram_and_share_it(room_url, page_factory) -> None:  # noqa: F811
    alice, bob = open_board(page_factory(), room_url), open_board(page_factory(), room_url)
    alice_id = alice.evaluate("document.body.dataset.me")

    # Alice's pointer over the board: Bob sees it, named, and it follows her.
    move_to(alice, 400, 300, steps=4)
    cursor = bob.locator(f"#cursor-{alice_id}")
    expect(cursor).to_be_visible()
    expect(cursor.locator(".cursor-name")).to_have_text(alice.locator("#my-name").input_value())
    move_to(alice, 1200, 800, steps=6)
    expect(cursor).to_have_attribute("data-x", "1200")
    expect(cursor).to_have_attribute("data-y", "800")
    # Where Alice's pointer is on Bob's board (once its 50 ms glide is over).
    expected = to_screen(bob, 1200, 800)
    bob.wait_for_function(
        """([id, x, y]) => { const box = document.getElementById(id).getBoundingClientRect();
                             return Math.abs(box.left - x) < 3 && Math.abs(box.top - y) < 3; }""",
        arg=[f"cursor-{alice_id}", *expected],
    )
    # Alice does not see her own cursor.
    for own in alice.locator(f"#cursor-{alice_id}").all():
        expect(own).to_be_hidden()

    # A rectangle (R) and an arrow (A), picked with their keys, drawn by dragging.
    alice.keyboard.press("r")
    expect(alice.locator("input[name=tool][value=rect]")).to_be_checked()
    drag(alice, (200, 200), (500, 400))
    rect = bob.locator("#drawing rect.stroke")
    expect(rect).to_have_count(1)
    expect(rect).not_to_have_attribute("data-drawing", "true")
    assert [rect.get_attribute(name) for name in ("x", "y", "width", "height")] == ["200", "200", "300", "200"]

    alice.keyboard.press("a")
    drag(alice, (500, 300), (900, 300))
    arrow = bob.locator("#drawing path.stroke.arrow")
    expect(arrow).to_have_count(1)
    # Its shaft from where the drag began to where it ended, and a head of two barbs there.
    expect(arrow).to_have_attribute("d", re.compile(r"^M500 300L900 300M[\d.]+ [\d.]+L900 300L[\d.]+ [\d.]+$"))
    expect(alice.locator("#drawing path.stroke.arrow")).to_have_attribute("d", arrow.get_attribute("d"))

    # A label (T): click where it goes, type, Enter.
    alice.keyboard.press("t")
    move_to(alice, 950, 310, steps=1)
    alice.mouse.down()
    alice.mouse.up()
    expect(alice.locator(".board-label")).to_be_focused()
    # Typing in the label picks no tool.
    alice.keyboard.type("<b>API</b> r")
    alice.keyboard.press("Enter")
    text = bob.locator("#drawing text.stroke")
    expect(text).to_have_text("<b>API</b> r")
    expect(alice.locator("input[name=tool][value=text]")).to_be_checked()
    assert bob.locator("#drawing b").count() == 0

    # Ctrl+Z takes the label off both boards, Ctrl+Shift+Z puts it back.
    alice.locator("#drawing").hover()
    alice.keyboard.press("Control+z")
    expect(text).to_have_count(0)
    expect(alice.locator("#drawing text.stroke")).to_have_count(0)
    alice.keyboard.press("Control+Shift+z")
    expect(text).to_have_text("<b>API</b> r")
    expect(alice.locator("#drawing text.stroke")).to_have_count(1)

    # Shared into the chat: both see the snapshot as a message.
    alice.click("button[data-board=share]")
    for page in (alice, bob):
        image = page.locator("#messages [data-kind=snapshot] img[alt='Board snapshot']")
        expect(image).to_have_count(1)
        expect(image).to_have_js_property("complete", True)
        assert image.evaluate("img => img.naturalWidth") > 0
    link = bob.locator("#messages [data-kind=snapshot] a.snapshot")
    assert link.get_attribute("target") == "_blank" and link.get_attribute("href").endswith(".svg")
    assert alice.errors == [] and bob.errors == []
