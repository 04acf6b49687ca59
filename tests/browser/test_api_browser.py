"""An /api client (the old chat's protocol) and a Chromium page in one room see
each other's messages, renames and lines; a bot's hostile message is text on the page."""

from __future__ import annotations

import json
import time
import uuid

import httpx
from playwright.sync_api import Page, expect
from websockets.sync.client import ClientConnection, connect

from tests.browser import test_board
from tests.browser.test_board import move_to, open_board

room_url = test_board.room_url  # the fixture: a fresh room made through the lobby page

SAY = '<img src=x onerror="alert(1)"> said the bot'


class SyncApi:
    """The /api side, on a thread of its own (Playwright's loop holds this one)."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws

    def call(self, message: str, **fields) -> None:
        self.ws.send(json.dumps({"type": "call", "payload": {"message": message, **fields}}))

    def expect(self, message: str, where=lambda payload: True, timeout: float = 5.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            statement = json.loads(self.ws.recv(timeout=max(0.01, deadline - time.monotonic())))
            if statement["payload"]["message"] == message and where(statement["payload"]):
                return statement["payload"]


def test_a_page_and_an_api_client_see_each_others_messages_renames_and_lines(room_url, page_factory, server) -> None:
    page = open_board(page_factory(), room_url)
    room = page.locator("main").get_attribute("data-room-uuid")
    with connect("ws" + server.url.removeprefix("http") + "/api") as ws:
        _both_ways(page, room, SyncApi(ws))
    assert page.errors == []


def _both_ways(page: Page, room: str, api: SyncApi) -> None:
    me = api.expect("user_created")["object"]
    api.call("enter_room", uuid=room)
    api.expect("drawing_got")
    expect(page.locator("#users")).to_contain_text(me["name"])

    page.locator("#composer-body").fill("hello from chromium")
    page.locator("#composer-body").press("Enter")
    said = api.expect("message_created")["object"]
    assert said["body"] == "hello from chromium"
    api.call("create_message", body="<b>hi</b> from the api")
    expect(page.locator("#messages .message .body").last).to_have_text("<b>hi</b> from the api")
    assert page.locator("#messages .message .body b").count() == 0

    # Renames, both ways.
    page.locator("#my-name").fill("Page Person")
    page.locator("#me button").click()
    api.expect("room_changed", where=lambda p: "Page Person" in [u["name"] for u in p["object"]["users"]])
    api.call("change_user_name", name="Api Person")
    api.expect("user_changed")
    expect(page.locator("#users")).to_contain_text("Api Person")

    # A line in the old client's pixels lands on the board in board units.
    line = str(uuid.uuid4())
    api.call("change_draw_line", uuid=line, points=[64, 48, 320, 240], color="#e02d25", tool="pen")
    expect(page.locator(f"#stroke-{line}")).to_have_attribute("d", "M160 100L800 500")

    # A stroke drawn with the mouse reaches /api once it is done, in pixels.
    move_to(page, 100, 500, steps=1)
    page.mouse.down()
    move_to(page, 400, 500)
    page.mouse.up()
    drawn = api.expect("draw_line_changed", where=lambda p: p["object"]["uuid"] != line)["object"]
    assert drawn["tool"] == "pen" and len(drawn["points"]) >= 4
    assert all(0 <= x <= 640 for x in drawn["points"][::2]) and all(0 <= y <= 480 for y in drawn["points"][1::2])
    expect(page.locator(f"#stroke-{drawn['uuid']}")).to_have_count(1)


def test_a_bot_made_on_the_page_posts_and_its_markup_is_text(room_url, page_factory, server) -> None:
    maker: Page = open_board(page_factory(), room_url)
    reader = open_board(page_factory(), room_url)
    maker.locator("#bots summary").click()
    maker.locator("#bot-name").fill("CI <script>")
    maker.locator(".create-bot button").click()
    key = maker.locator("#bot-key").input_value()
    assert key.startswith("cbk_")

    response = httpx.post(f"{room_url}/messages", content=SAY, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 201
    expect(reader.locator("#messages .message .body").last).to_have_text(SAY)
    expect(reader.locator("#messages .message .author").last).to_have_text("CI <script>")
    assert reader.locator("#messages img").count() == 0

    # Revoked from the room page, by its maker: refused from then on.
    maker.goto(room_url)
    maker.locator("#bots summary").click()
    maker.locator(".bot-keys button").click()
    expect(maker.locator(".bot-keys")).to_have_count(0)
    assert httpx.post(f"{room_url}/messages", content="again", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    assert reader.errors == [] and maker.errors == []
