"""The drawing board in real Chromium: two pages draw together; the PNG export."""

from __future__ import annotations

import io
import uuid

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.browser.tap import SocketTap

WIDTH, HEIGHT = 1600, 1000
SVG_NS = "http://www.w3.org/2000/svg"


@pytest.fixture
def room_url(server, page_factory) -> str:
    """A fresh room, made through the lobby page."""
    page = page_factory()
    page.goto(server.url + "/")
    name = f"Board {uuid.uuid4().hex[:8]}"
    page.fill("#new-room-name", name)
    page.click("#create-room button")
    link = page.locator(".room-link", has_text=name)
    expect(link).to_be_visible()
    return server.url + link.get_attribute("href")


def open_board(page: Page, url: str) -> Page:
    page.goto(url)
    expect(page.locator("#connection")).to_have_attribute("data-state", "open")
    if page.locator("#drawing").is_hidden():  # wide screens show it beside the chat; narrower pick it from tabs
        page.click("#tab-board:visible, #phone-tab-board:visible")
    expect(page.locator("#drawing")).to_be_visible()
    page.locator("#drawing").scroll_into_view_if_needed()
    return page


def to_screen(page: Page, x: float, y: float) -> tuple[float, float]:
    box = page.locator("#drawing").bounding_box()
    return box["x"] + x * box["width"] / WIDTH, box["y"] + y * box["height"] / HEIGHT


def move_to(page: Page, x: float, y: float, steps: int = 8) -> None:
    page.mouse.move(*to_screen(page, x, y), steps=steps)


def paths(page: Page) -> list[dict]:
    return page.eval_on_selector_all(
        "#drawing path",
        """els => els.map(el => ({id: el.id, d: el.getAttribute('d'), ns: el.namespaceURI,
                                 drawing: el.hasAttribute('data-drawing'), stroke: el.getAttribute('stroke'),
                                 rendered: el.getBBox().width + el.getBBox().height}))""",
    )


def test_a_line_drawn_with_the_mouse_grows_on_the_other_page(room_url, page_factory) -> None:
    alice, bob = open_board(page_factory(), room_url), open_board(page_factory(), room_url)
    alice.click("label.color-choice[title='#e02d25']")

    move_to(alice, 100, 500, steps=1)
    alice.mouse.down()
    move_to(alice, 400, 500)
    # Bob sees the line while it is still being drawn...
    expect(bob.locator("#drawing path[data-drawing]")).to_have_count(1)
    first = paths(bob)[0]
    move_to(alice, 700, 300)
    # ...and watches it grow.
    expect(bob.locator("#drawing path")).not_to_have_attribute("d", first["d"])
    alice.mouse.up()
    expect(bob.locator("#drawing path:not([data-drawing])")).to_have_count(1)

    [mine], [theirs] = paths(alice), paths(bob)
    assert mine["id"] == theirs["id"] and mine["id"].startswith("stroke-")
    # The same line on both pages: the streamed parts joined up, no doubles.
    assert mine["d"] == theirs["d"] and theirs["d"].count("L") >= 8
    assert theirs["ns"] == SVG_NS and theirs["rendered"] > 0
    assert theirs["stroke"] == "#e02d25"

    # Undo (own stroke) and reset (after a confirmation) reach both pages.
    bob.click("button[data-board=undo]")
    expect(bob.locator(".error[data-code=not_sufficient_data]")).to_be_visible()
    expect(alice.locator("#drawing path")).to_have_count(1)
    alice.click("button[data-board=undo]")
    expect(bob.locator("#drawing path")).to_have_count(0)
    expect(alice.locator("#drawing path")).to_have_count(0)

    move_to(bob, 800, 800, steps=1)
    bob.mouse.down()
    move_to(bob, 900, 850)
    bob.mouse.up()
    expect(alice.locator("#drawing path")).to_have_count(1)
    alice.once("dialog", lambda dialog: dialog.dismiss())
    alice.click("button[data-board=reset]")
    alice.once("dialog", lambda dialog: dialog.accept())
    alice.click("button[data-board=reset]")
    expect(bob.locator("#drawing path")).to_have_count(0)
    expect(alice.locator("#drawing path")).to_have_count(0)
    expect(bob.locator("#drawing rect")).to_have_count(1)


def test_a_phone_draws_with_touch_and_the_board_fits(room_url, page_factory) -> None:
    phone = open_board(page_factory(viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True), room_url)
    desk = open_board(page_factory(), room_url)
    box = phone.locator("#drawing").bounding_box()
    assert box["width"] <= 375 and abs(box["width"] / box["height"] - WIDTH / HEIGHT) < 0.02

    phone.touchscreen.tap(*to_screen(phone, 800, 500))
    expect(desk.locator("#drawing path:not([data-drawing])")).to_have_count(1)
    [dot] = paths(desk)
    assert dot["d"].startswith("M") and dot["rendered"] >= 0


def test_png_export_has_the_board_size_ink_and_no_ink_where_erased(room_url, page_factory, tmp_path) -> None:
    page = open_board(page_factory(), room_url)
    page.click("label.color-choice[title='#000000']")
    page.click("label.width-choice:has(input[value='24'])")
    move_to(page, 200, 500, steps=1)
    page.mouse.down()
    move_to(page, 1400, 500, steps=20)
    page.mouse.up()
    page.click("label:has(input[name=tool][value=eraser])")
    page.click("label.width-choice:has(input[value='48'])")
    move_to(page, 800, 300, steps=1)
    page.mouse.down()
    move_to(page, 800, 700, steps=10)
    page.mouse.up()
    expect(page.locator("#drawing path.eraser")).to_have_count(1)

    with page.expect_download() as download:
        page.click("button[data-board=png]")
    assert download.value.suggested_filename.endswith(".png")
    image = Image.open(io.BytesIO(open(download.value.path(), "rb").read())).convert("RGB")

    assert image.size == (WIDTH, HEIGHT)
    assert image.getpixel((400, 500)) == (0, 0, 0)  # ink on the line
    assert image.getpixel((400, 300)) == (255, 255, 255)  # background off it
    assert image.getpixel((800, 500)) == (255, 255, 255)  # erased: no ink left
    assert image.getpixel((1200, 500)) == (0, 0, 0)

    with page.expect_download() as download:
        page.click("a[download][href$='board.svg']")
    assert download.value.suggested_filename.endswith(".svg")


def test_a_page_that_lost_its_socket_catches_up_on_reconnect(room_url, page_factory) -> None:
    alice, bob = open_board(page_factory(), room_url), page_factory()
    tap = SocketTap(bob)
    open_board(bob, room_url)
    tap.asleep = True
    move_to(alice, 300, 300, steps=1)
    alice.mouse.down()
    move_to(alice, 600, 600)
    alice.mouse.up()
    expect(alice.locator("#drawing path:not([data-drawing])")).to_have_count(1)
    expect(bob.locator("#drawing path")).to_have_count(0)

    tap.drop()
    expect(bob.locator("#drawing path")).to_have_count(1, timeout=15000)
    assert len(tap.routes) == 2
    assert paths(bob)[0]["d"] == paths(alice)[0]["d"]
