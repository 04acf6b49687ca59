"""The look: desktop and phone layouts of the lobby and a room, in real Chromium.

Screenshots go to test-artifacts/; with SCREENSHOTS=docs/screenshots (`make
screenshots`) the README's copies are written there too, small (palette PNG)."""

from __future__ import annotations

import asyncio
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.support import Server, migrate
from webapp.chat import drawing, messages, rooms, users
from webapp.db.engine import create_engine, session_factory
from webapp.settings import Settings

DESKTOP = {"viewport": {"width": 1440, "height": 900}}
TABLET = {"viewport": {"width": 1024, "height": 768}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
ROOT = Path(__file__).resolve().parents[2]
README_SHOTS = {"lobby-desktop", "room-desktop", "lobby-phone", "room-phone", "board-phone", "log-phone"}


# A server of this module's own, on an empty database: the screenshots show only the scene below.
@pytest.fixture(scope="module")
def database_url(tmp_path_factory) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('look') / 'chatboard.db'}"
    migrate(url)
    return url


@pytest.fixture(scope="module")
def server(database_url: str):
    server = Server(Settings(database_url=database_url, secret_key="test-secret", env="test")).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def scene(server, database_url) -> int:
    """A few rooms, one of them with a conversation and a drawing; returns that room's id."""

    async def seed() -> int:
        engine = create_engine(database_url)
        try:
            async with session_factory(engine).begin() as session:
                people = []
                for name in ("Brave Otter 42", "Quiet Falcon 7"):
                    person = await users.create_user(session)
                    await users.rename_user(session, person.id, name)
                    people.append(person)
                otter, falcon = people
                room = (await rooms.create_room(session, creator_id=otter.id, name="Design review", color="#2b347e")).room
                for name, color in [
                    ("Weekend hike", "#5da247"),
                    ("Book club", "#e69635"),
                    ("Spring release planning and the long list of everything", "#cf2e24"),
                    ("Random", "#d95d98"),
                ]:
                    await rooms.create_room(session, creator_id=falcon.id, name=name, color=color)
                for author, body in [
                    (otter, "Morning! I put the new header sketch on the board."),
                    (falcon, "Looks good. Could the theme slider sit next to the name?"),
                    (otter, "Done, have a look: https://example.com/header"),
                ]:
                    await messages.send_message(session, room_id=room.id, author_id=author.id, body=body)
                for n, (color, points) in enumerate(
                    [
                        ("#0167ca", [200, 700, 420, 380, 640, 600, 860, 300, 1080, 560, 1300, 260]),
                        ("#e02d25", [300, 250, 300, 250]),
                        ("#03ad54", [1200, 750, 1400, 850]),
                    ]
                ):
                    await drawing.draw(
                        session, room_id=room.id, author_id=falcon.id, stroke_id=f"00000000-0000-4000-8000-00000000000{n}",
                        points=points, color=color, tool="pen", width=12, done=True,
                    )
            return room.id
        finally:
            await engine.dispose()

    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, seed()).result()


def shoot(page: Page, artifacts: Path, name: str) -> None:
    page.evaluate("document.fonts.ready")
    page.screenshot(path=artifacts / f"{name}.png")
    target = os.environ.get("SCREENSHOTS")
    if target and name in README_SHOTS:
        # An adaptive palette keeps the README's images to a few dozen KB each.
        image = Image.open(artifacts / f"{name}.png").convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE)
        image.save(ROOT / target / f"{name}.png", optimize=True)


def assert_no_sideways_overflow(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    wide = page.evaluate(
        """() => Array.from(document.querySelectorAll('body *')).filter(el => {
             const box = el.getBoundingClientRect();
             return box.width && (box.right > innerWidth + 1 || box.left < -1) && !el.closest('.visually-hidden');
           }).map(el => el.tagName + '#' + el.id + '.' + el.className)"""
    )
    assert wide == []


@pytest.fixture(scope="module")
def identity() -> list:
    """The viewer's cookies, so that the phone is the same person as the desktop."""
    return []


@pytest.mark.parametrize("device", ["tablet", "phone"])
def test_the_lobby_and_a_room_fit_the_screen_and_their_tabs_switch(device, scene, identity, page_factory, artifacts) -> None:
    page = page_factory(None, **(TABLET if device == "tablet" else PHONE))
    page.context.add_cookies(identity)
    page.goto("/")
    expect(page.locator("#connection")).to_have_attribute("data-state", "open")
    if not identity:
        page.locator("#my-name").fill("Ada Lovelace")
        page.locator("#my-name").press("Enter")
        expect(page.locator("#connection")).to_have_attribute("data-state", "open")
        identity.extend(page.context.cookies())
    expect(page.locator("#rooms li.room")).to_have_count(5)
    expect(page.locator("#rooms .room-name").nth(3)).to_have_css("text-overflow", "ellipsis")
    assert_no_sideways_overflow(page)
    shoot(page, artifacts, f"lobby-{device}")

    page.goto(f"/rooms/{scene}")
    expect(page.locator("#connection")).to_have_attribute("data-state", "open")
    if device == "tablet":
        page.locator("#composer-body").fill("Yes, much better. Sending the final version now.")
        page.locator("#composer-body").press("Enter")
    expect(page.locator("#messages .message")).to_have_count(4)
    page.locator("#composer-body").blur()
    expect(page.locator("#panel-messages")).to_be_visible()
    assert_no_sideways_overflow(page)
    shoot(page, artifacts, f"room-{device}")

    tab = "#tab-{}" if device == "tablet" else "#phone-tab-{}"
    page.click(tab.format("users"))
    expect(page.locator("#users li")).to_have_count(1)
    shoot(page, artifacts, f"users-{device}")

    page.click(tab.format("board"))
    expect(page.locator("#drawing")).to_be_visible()
    expect(page.locator("#panel-messages")).to_be_hidden()
    box = page.locator("#drawing").bounding_box()
    panel = page.locator(".primary").bounding_box()
    assert box["y"] + box["height"] <= panel["y"] + panel["height"], "the board fits its panel"
    assert_no_sideways_overflow(page)
    shoot(page, artifacts, f"board-{device}")

    if device == "phone":
        page.touchscreen.tap(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.2)
        expect(page.locator("#event-log li[data-direction=sent]", has_text="draw")).to_have_count(1)
    page.click(tab.format("log"))
    expect(page.locator("#event-log li").first).to_be_visible()
    shoot(page, artifacts, f"log-{device}")
    if device == "phone":
        # One panel at a time: the log replaces the room.
        expect(page.locator(".primary")).to_be_hidden()
        page.click(tab.format("messages"))
        expect(page.locator(".side")).to_be_hidden()
        expect(page.locator("#composer-body")).to_be_visible()
        # The on-screen keyboard shrinks the viewport (interactive-widget=resizes-content):
        # the composer stays on screen, the messages above it shrink.
        page.set_viewport_size({"width": 390, "height": 420})
        composer = page.locator("#composer").bounding_box()
        assert composer["y"] >= 0 and composer["y"] + composer["height"] <= 420
        assert page.locator("#messages").bounding_box()["height"] > 50
        assert_no_sideways_overflow(page)
    else:
        expect(page.locator("#panel-rooms")).to_be_hidden()
        page.locator("#tab-log").press("ArrowLeft")
        expect(page.locator("#panel-rooms")).to_be_visible()
        expect(page.locator("#tab-rooms")).to_be_focused()
    assert page.errors == []


def test_the_theme_menu_sets_a_cookie_the_server_renders(page_factory, artifacts) -> None:
    page = page_factory("/", **DESKTOP)
    assert page.evaluate("document.documentElement.dataset.theme") == "6"
    panel = "getComputedStyle(document.querySelector('.panel')).backgroundColor"
    before, light_panel = page.evaluate("getComputedStyle(document.body).backgroundImage"), page.evaluate(panel)

    page.get_by_text("Theme: Candy").click()
    expect(page.get_by_role("radio", name="Sage")).to_be_visible()
    page.get_by_role("radio", name="Sage").check()
    expect(page.locator("html")).to_have_attribute("data-theme", "2")
    expect(page.locator("#theme-name")).to_have_text("Sage")
    assert "rgb(219, 213, 164)" in page.evaluate("getComputedStyle(document.body).backgroundImage") != before
    [cookie] = [c for c in page.context.cookies() if c["name"] == "chatboard_theme"]
    assert (cookie["value"], cookie["path"], cookie["sameSite"]) == ("2", "/", "Lax")
    assert cookie["expires"] > time.time() + 300 * 24 * 3600

    # The server renders the theme into the page itself: nothing to swap after load.
    html = page.request.get("/").text()
    assert '<html lang="en" data-theme="2">' in html
    # A dark one, from the keyboard: the panels themselves turn dark, not only the edges.
    page.get_by_role("radio", name="Sage").focus()
    for _ in range(5):  # Sage → Rose → … → Midnight
        page.keyboard.press("ArrowRight")
    expect(page.locator("html")).to_have_attribute("data-theme", "7")
    expect(page.locator("#theme-name")).to_have_text("Midnight")
    dark_panel = page.evaluate(panel)
    assert dark_panel != light_panel and sum(int(c) for c in re.findall(r"\d+", dark_panel)[:3]) < 200
    page.screenshot(path=str(artifacts / "theme-midnight.png"))
    page.goto("/info")
    expect(page.locator("html")).to_have_attribute("data-theme", "7")
    expect(page.locator("#theme input:checked")).to_have_value("7")
    assert page.errors == []


# Each control's accessible name, roughly as assistive technology finds it.
UNNAMED = """() => Array.from(document.querySelectorAll('button, input:not([type=hidden]), textarea, select, a[href], summary, [role=tab]'))
  .filter(el => {
    const labelled = el.getAttribute('aria-labelledby');
    const name = el.getAttribute('aria-label') || el.getAttribute('title')
      || (labelled && labelled.split(' ').map(id => document.getElementById(id).textContent).join(' '))
      || Array.from(el.labels || []).map(label => label.textContent).join(' ')
      || (el.matches('button, a, summary, [role=tab]') ? el.textContent : '');
    return !name.trim();
  }).map(el => el.outerHTML.slice(0, 80))"""


def test_every_control_is_labelled_and_the_room_works_from_the_keyboard(scene, page_factory) -> None:
    page = page_factory(f"/rooms/{scene}", **TABLET)
    assert page.evaluate(UNNAMED) == []
    page.goto("/")
    expect(page.locator("#connection")).to_have_attribute("data-state", "open")
    assert page.evaluate(UNNAMED) == []
    page.goto(f"/rooms/{scene}")
    expect(page.locator("#connection")).to_have_attribute("data-state", "open")

    # Tab into the room's tabs, arrow to the board, then on through its tools.
    page.locator("#composer-body").focus()
    page.keyboard.press("Shift+Tab")
    expect(page.locator("#panel-messages")).to_be_visible()
    focused = []
    for _ in range(3):
        page.keyboard.press("Shift+Tab")
        focused.append(page.evaluate("document.activeElement.id"))
    assert "tab-messages" in focused
    page.locator("#tab-messages").focus()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid", "focus is visible"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#tab-board")).to_be_focused()
    expect(page.locator("#panel-board")).to_be_visible()
    reached = set()
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("(el => el.name || el.dataset.board || el.id)(document.activeElement)"))
    assert {"tool", "color", "width", "undo", "reset", "png"} <= reached
    page.locator("input[name=tool][value=eraser]").focus()
    page.keyboard.press("Space")
    expect(page.locator("input[name=tool][value=eraser]")).to_be_checked()

    # Back to the messages by keyboard, and send one with Enter.
    page.locator("#tab-board").focus()
    page.keyboard.press("Home")
    expect(page.locator("#panel-messages")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.locator("#panel-messages")).to_be_visible()
    page.locator("#composer-body").focus()
    page.keyboard.type("typed, not clicked")
    page.keyboard.press("Enter")
    expect(page.locator("#messages .message .body").last).to_have_text("typed, not clicked")
    assert page.errors == []


def test_other_peoples_messages_are_announced_whichever_tab_is_open(scene, page_factory) -> None:
    reader, writer = page_factory(f"/rooms/{scene}", **TABLET), page_factory(f"/rooms/{scene}", **TABLET)
    reader.click("#tab-board")
    writer.locator("#composer-body").fill("can you hear me?")
    writer.locator("#composer-body").press("Enter")
    announcer = reader.locator("#announcer")
    expect(announcer).to_have_text(re.compile(r": can you hear me\?$"))
    expect(announcer).to_have_attribute("aria-live", "polite")
    assert announcer.evaluate("el => el.checkVisibility({visibilityProperty: true}) || el.offsetParent !== null")
    expect(writer.locator("#announcer")).to_have_text("")


def test_wide_screens_show_the_conversation_beside_the_board(scene, identity, page_factory, artifacts) -> None:
    page = page_factory("/", **DESKTOP)
    page.context.add_cookies(identity)
    page.goto("/")
    expect(page.locator("#rooms li.room")).to_have_count(5)
    assert_no_sideways_overflow(page)
    shoot(page, artifacts, "lobby-desktop")

    page.goto(f"/rooms/{scene}")
    expect(page.locator("#connection")).to_have_attribute("data-state", "open")
    for panel in ("#panel-messages", "#panel-board", "#panel-users"):
        expect(page.locator(panel)).to_be_visible()
    expect(page.locator("#tab-board")).to_be_hidden()
    chat, board = page.locator("#panel-messages").bounding_box(), page.locator("#drawing").bounding_box()
    assert chat["x"] + chat["width"] <= board["x"], "the board beside the conversation"
    assert_no_sideways_overflow(page)

    # Someone writes while this person draws: the message shows, nothing to switch.
    other = page_factory(f"/rooms/{scene}", **DESKTOP)
    strokes = other.locator("#drawing path[id^='stroke-']")
    expect(other.locator("#connection")).to_have_attribute("data-state", "open")
    before = page.locator("#drawing path[id^='stroke-']").count()  # this page's board has long arrived
    expect(strokes).to_have_count(before)
    page.mouse.move(board["x"] + 30, board["y"] + 30)
    page.mouse.down()
    page.mouse.move(board["x"] + 120, board["y"] + 90, steps=6)
    other.locator("#composer-body").fill("Nice arrow, keep going")
    other.locator("#composer-body").press("Enter")
    expect(page.locator("#messages .message .body").last).to_have_text("Nice arrow, keep going")
    page.mouse.up()
    expect(strokes).to_have_count(before + 1)

    # The split is dragged, and remembered by the next page.
    splitter = page.locator("#splitter").bounding_box()
    page.mouse.move(splitter["x"] + 3, splitter["y"] + 200)
    page.mouse.down()
    page.mouse.move(splitter["x"] + 180, splitter["y"] + 200, steps=5)
    page.mouse.up()
    wider = page.locator("#panel-messages").bounding_box()["width"]
    assert wider > chat["width"] + 100
    page.reload()
    expect(page.locator("#connection")).to_have_attribute("data-state", "open")
    assert abs(page.locator("#panel-messages").bounding_box()["width"] - wider) < 4
    # The rooms fold away, and stay folded.
    page.click("#side-toggle")
    expect(page.locator(".side")).to_be_hidden()
    expect(page.locator("#side-toggle")).to_have_attribute("aria-expanded", "false")
    page.reload()
    expect(page.locator(".side")).to_be_hidden()
    page.click("#side-toggle")
    expect(page.locator(".side")).to_be_visible()
    page.evaluate("localStorage.clear()")
    page.reload()
    expect(page.locator("#connection")).to_have_attribute("data-state", "open")
    shoot(page, artifacts, "room-desktop")
    assert page.errors == [] and other.errors == []


def test_a_message_that_arrives_while_the_board_shows_marks_the_messages_tab(scene, page_factory) -> None:
    reader, writer = page_factory(f"/rooms/{scene}", **TABLET), page_factory(f"/rooms/{scene}", **TABLET)
    expect(reader.locator("#connection")).to_have_attribute("data-state", "open")
    reader.click("#tab-board")
    writer.locator("#composer-body").fill("are you drawing?")
    writer.locator("#composer-body").press("Enter")
    expect(reader.locator("#tab-messages")).to_have_attribute("data-unread", "true")
    reader.click("#tab-messages")
    expect(reader.locator("#tab-messages")).not_to_have_attribute("data-unread", "true")
    expect(reader.locator("#messages .message .body").last).to_have_text("are you drawing?")
