"""/api speaks the old chat's statement protocol (SEED-PROTOCOL.md): every call,
its results to the right audience, its errors; a bad call keeps the connection."""

from __future__ import annotations

import json
import uuid

import pytest
import websockets

from tests.api_client import ApiClient
from tests.integration.test_room_chat import enter
from tests.support import Client, parse_fragment, text_of
from webapp.api.calls import AnyCall
from webapp.settings import Rate

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
async def apis(server):
    """Make /api clients of a server (the session's by default); all are closed after the test."""
    made: list[ApiClient] = []

    async def make(of=None, headers: dict[str, str] | None = None) -> ApiClient:
        client = await ApiClient.connect((of or server).url, headers)
        made.append(client)
        return client

    yield make
    for client in made:
        await client.close()


async def connected(apis, **options) -> tuple[ApiClient, dict]:
    """A client past the statements of its connection: itself and the rooms."""
    client = await apis(**options)
    me = (await client.expect("user_created"))["object"]
    await client.expect("rooms_listed")
    return client, me


async def room_entered(client: ApiClient) -> str:
    """A new room, made and entered by the client: its uuid."""
    await client.call("create_room")
    room = (await client.expect("room_created"))["object"]["uuid"]
    await client.call("enter_room", uuid=room)
    await client.expect("drawing_got")
    return room


def _room_named(name: str):
    return lambda payload: payload["object"]["name"] == name


async def test_a_connection_is_told_who_it_is_then_the_rooms(apis, clients) -> None:
    page = await clients().connect()
    await page.send("create_room", name="Listed first")
    await page.expect("rooms", where=lambda el: "Listed first" in text_of(el))
    client = await apis()
    [first, second] = [json.loads(await client.ws.recv()) for _ in range(2)]
    assert first["type"] == "result" and first["payload"]["message"] == "user_created"
    me = first["payload"]["object"]
    assert set(me) == {"uuid", "name", "room_uuid"} and me["room_uuid"] is None and uuid.UUID(me["uuid"])
    assert second["payload"]["message"] == "rooms_listed"
    listed = {room["name"]: room for room in second["payload"]["list"]}
    assert set(listed["Listed first"]) == {"uuid", "name", "color", "users", "sum"}
    assert listed["Listed first"]["users"] == [] and listed["Listed first"]["sum"] == 0


async def test_every_call_and_its_audience(apis) -> None:
    alice, _ = await connected(apis)
    bob, bob_me = await connected(apis)

    await alice.call("create_room")
    created = (await alice.expect("room_created"))["object"]
    assert (await bob.expect("room_created"))["object"] == created
    room = created["uuid"]

    await alice.call("list_rooms")
    assert room in {each["uuid"] for each in (await alice.expect("rooms_listed"))["list"]}
    assert not [s for s in await bob.quiet() if s["payload"]["message"] == "rooms_listed"]

    # Entering: the caller gets the room's history and board, everyone the room with its users.
    await bob.call("enter_room", uuid=room)
    await bob.expect("room_entered")
    assert (await bob.expect("messages_listed"))["list"] == []
    assert (await bob.expect("drawing_got"))["object"]["lines"] == []
    for client in (alice, bob):
        changed = await client.expect("room_changed", where=lambda p: p["object"]["users"])
        assert changed["object"]["users"] == [{**bob_me, "room_uuid": room}]

    # The room's name and colour: everyone sees them change.
    await alice.call("change_name", uuid=room, name="Plans")
    await alice.call("change_color", uuid=room, color="#5da247")
    for client in (alice, bob):
        await client.expect("room_changed", where=lambda p: (p["object"]["name"], p["object"]["color"]) == ("Plans", "#5da247"))

    # A name of one's own: the caller is told, the room shows it to everyone.
    await bob.call("change_user_name", name="Bob the Builder")
    assert (await bob.expect("user_changed"))["object"] == {"uuid": bob_me["uuid"], "name": "Bob the Builder", "room_uuid": room}
    await alice.expect("room_changed", where=lambda p: [u["name"] for u in p["object"]["users"]] == ["Bob the Builder"])

    # A message reaches the room; the count reaches everyone.
    await bob.call("create_message", body="hello <b>there</b>")
    said = (await bob.expect("message_created", where=lambda p: p["object"]["body"] == "hello <b>there</b>"))["object"]
    assert said["user"]["uuid"] == bob_me["uuid"] and said["room_uuid"] == room and said["created"]
    await alice.expect("room_changed", where=lambda p: p["object"]["sum"] == 1)
    assert not [s for s in await alice.quiet() if s["payload"]["message"] == "message_created"]

    # History: the newest page, then the page before a message (here: the room's rename lines).
    await bob.call("list_messages")
    listed = (await bob.expect("messages_listed"))["list"]
    assert listed[-1] == said and listed[-1]["uuid"] == said["uuid"]
    await bob.call("list_messages", before=said["uuid"])
    older = (await bob.expect("messages_listed"))["list"]
    assert said["uuid"] not in {m["uuid"] for m in older} and [m["uuid"] for m in older] == [m["uuid"] for m in listed[:-1]]

    # A line, in the old client's 640×480 pixels, back to the room, the sender included.
    line = str(uuid.uuid4())
    # The old client's pens are translucent: #rrggbbaa, a palette colour and its alpha.
    await bob.call("change_draw_line", uuid=line, points=[0, 0, 320, 240, 640, 480], color="#E02D25cc", tool="pen")
    drawn = (await bob.expect("draw_line_changed"))["object"]
    assert (drawn["uuid"], drawn["points"], drawn["tool"], drawn["color"]) == (line, [0, 0, 320, 240, 640, 480], "pen", "#e02d25")
    await bob.call("get_drawing")
    assert [each["uuid"] for each in (await bob.expect("drawing_got"))["object"]["lines"]] == [line]
    await bob.call("reset_drawing")
    assert (await bob.expect("drawing_got"))["object"] == {"uuid": room, "name": f"drawing-{room}", "lines": []}

    # Someone is in it: it stays.
    await alice.call("delete_room", uuid=room)
    await alice.expect_error("not_empty_room")

    await bob.call("leave_room")
    await bob.expect("room_left")
    await alice.expect("room_changed", where=lambda p: p["object"]["uuid"] == room and p["object"]["users"] == [])
    await alice.call("delete_room", uuid=room)
    for client in (alice, bob):
        assert (await client.expect("room_deleted"))["object"]["uuid"] == room


async def test_a_closed_connection_leaves_its_room(apis) -> None:
    alice, _ = await connected(apis)
    bob, _ = await connected(apis)
    await alice.call("create_room")
    room = (await alice.expect("room_created"))["object"]["uuid"]
    await bob.call("enter_room", uuid=room)
    await alice.expect("room_changed", where=lambda p: len(p["object"]["users"]) == 1)
    await bob.close()
    await alice.expect("room_changed", where=lambda p: p["object"]["uuid"] == room and p["object"]["users"] == [])


async def test_bad_calls_get_the_protocols_errors_and_keep_the_connection(apis) -> None:
    client, _ = await connected(apis)
    await client.call("create_room")
    room = (await client.expect("room_created"))["object"]["uuid"]
    refused = [
        ("not json at all", "bad_data"),
        (json.dumps({"type": "call", "payload": {"message": "no_such_call"}}), "bad_data"),
        (json.dumps({"type": "result", "payload": {"message": "list_rooms"}}), "bad_data"),
        (json.dumps({"type": "call", "payload": {"message": "enter_room"}}), "not_sufficient_data"),
        (json.dumps({"type": "call", "payload": {"message": "enter_room", "uuid": 7}}), "bad_data"),
        (json.dumps({"type": "call", "payload": {"message": "enter_room", "uuid": str(uuid.uuid4())}}), "no_specified_room"),
        (json.dumps({"type": "call", "payload": {"message": "create_message", "body": "hi"}}), "no_selected_room"),
        (json.dumps({"type": "call", "payload": {"message": "get_drawing"}}), "no_selected_room"),
        (json.dumps({"type": "call", "payload": {"message": "leave_room"}}), "no_selected_room"),
        (json.dumps({"type": "call", "payload": {"message": "change_color", "uuid": room, "color": "red"}}), "not_valid_color"),
        (json.dumps({"type": "call", "payload": {"message": "change_name", "uuid": room, "name": "x" * 65}}), "data_too_long"),
        (json.dumps({"type": "call", "payload": {"message": "change_user_name", "name": "  "}}), "not_sufficient_data"),
        (json.dumps({"type": "call", "payload": {"message": "change_user_name", "name": "a\u0000b"}}), "bad_data"),
        ('{"type": "call", "payload": ' + "[" * 5000 + "]" * 5000 + "}", "bad_data"),
        (json.dumps({"type": "call", "payload": {"message": "list_messages", "before": 10**30}}), "bad_data"),
        (json.dumps([1, 2, 3]), "bad_data"),
    ]
    for frame, code in refused:
        await client.ws.send(frame)
        assert (await client.expect_error(code))["message"] == code
    await client.ws.send(b"\x00binary")
    await client.expect_error("bad_data")

    await client.call("enter_room", uuid=room)
    await client.expect("drawing_got")
    await client.call("create_message", body="x" * 4001)
    await client.expect_error("data_too_long")
    line = {"uuid": str(uuid.uuid4()), "points": [1, 2, 3, 4], "tool": "pen"}
    for color in ("#123456", "#123456cc", "red"):  # not one of the pens
        await client.call("change_draw_line", **line, color=color)
        await client.expect_error("not_valid_color")
    await client.call("change_draw_line", **line, color="#FFF")
    assert (await client.expect("draw_line_changed"))["object"]["color"] == "#ffffff"
    await client.call("change_draw_line", **{**line, "points": [1, 2, 3]}, color="#000000")
    await client.expect_error("bad_data")
    await client.call("change_draw_line", uuid="not a uuid", points=[1, 2], color="#000000", tool="pen")
    await client.expect_error("bad_data")

    # Still open, nothing stored lost: the room, its (empty) history, and a message now.
    await client.call("create_message", body="still here")
    await client.expect("message_created", where=lambda p: p["object"]["body"] == "still here")
    await client.call("list_messages", before=str(uuid.uuid4()))
    await client.expect_error("no_such_message")


async def test_chatboards_rate_limits_answer_with_an_error_and_keep_the_connection(apis, server_with) -> None:
    limited = server_with(rate_messages=Rate(2, 60))
    client, _ = await connected(apis, of=limited)
    await room_entered(client)
    for n in range(2):
        await client.call("create_message", body=f"m{n}")
        await client.expect("message_created")
    await client.call("create_message", body="one too many")
    assert (await client.expect_error("rate_limited"))["detail"]
    await client.call("list_messages")
    assert [m["body"] for m in (await client.expect("messages_listed"))["list"]] == ["m0", "m1"]


async def test_a_program_is_a_fresh_identity_per_connection_a_page_its_own(apis, clients, server) -> None:
    _, first = await connected(apis)
    _, second = await connected(apis)
    assert first["uuid"] != second["uuid"]

    page = await clients().connect()
    name = parse_fragment(page.last_page)  # the page's whole document; its header holds the name
    _, as_page = await connected(apis, headers={"Origin": server.url, "Cookie": page.cookie_header})
    mine = [el for top in name for el in top.iter() if el.get("id") == "my-name"]
    assert mine and as_page["name"] == mine[0].get("value")

    with pytest.raises(websockets.InvalidStatus) as refused:
        await apis(headers={"Origin": "http://elsewhere.example"})
    assert refused.value.response.status_code == 403


async def test_new_identities_over_api_count_against_the_address(apis, server_with) -> None:
    limited = server_with(identities_per_hour=1)
    await connected(apis, of=limited)
    refused = await apis(of=limited)
    assert (await refused.expect_error("rate_limited"))["detail"]
    with pytest.raises(websockets.ConnectionClosed):
        await refused.ws.recv()


async def test_a_browser_and_an_api_client_live_both_ways(apis, clients) -> None:
    api, api_me = await connected(apis)
    lobby = await clients().connect()

    # A room made over /api is in every browser's lobby, by its uuid.
    await api.call("create_room")
    created = (await api.expect("room_created"))["object"]
    entry = await lobby.expect("rooms", where=lambda el: created["name"] in text_of(el))
    room_id = int(entry.find("li").get("id").removeprefix("room-"))
    assert entry.find("li").get("data-uuid") == created["uuid"]

    browser = await enter(clients(), room_id)
    await api.call("enter_room", uuid=created["uuid"])
    await api.expect("drawing_got")
    await browser.expect("users", where=lambda el: api_me["name"] in text_of(el))

    await browser.send("send_message", body="from the page")
    said = await api.expect("message_created", where=lambda p: p["object"]["body"] == "from the page")
    await api.call("create_message", body="from the api")
    appended = await browser.expect("messages", where=lambda el: "from the api" in text_of(el))
    assert appended.find("article").get("data-uuid") != said["object"]["uuid"]

    # A line in 640×480 pixels is on the board in 1600×1000 units, the pen's width the nearest allowed.
    line = str(uuid.uuid4())
    await api.call("change_draw_line", uuid=line, points=[64, 48, 640, 480], color="#0167ca", tool="pen")
    board = await browser.expect("drawing", where=lambda el: el.find(f"{SVG}path[@id='stroke-{line}']") is not None)
    path = board.find(f"{SVG}path[@id='stroke-{line}']")
    assert (path.get("d"), path.get("stroke-width"), path.get("stroke")) == ("M160 100L1600 1000", "12", "#0167ca")

    # A browser's stroke reaches /api once, when it is done, in pixels.
    stroke = str(uuid.uuid4())
    await browser.send("draw", stroke=stroke, points=[400, 500], color="#000000", tool="eraser", width=48)
    await browser.send("draw", stroke=stroke, points=[800, 1000], color="#000000", tool="eraser", width=48, done=True)
    drawn = (await api.expect("draw_line_changed", where=lambda p: p["object"]["uuid"] == stroke))["object"]
    assert (drawn["points"], drawn["tool"]) == ([160, 240, 320, 480], "eraser")
    assert len([s for s in api.seen if s["payload"].get("object", {}).get("uuid") == stroke]) == 1


# A call that each limited call accepts (or refuses after spending its token).
SAMPLE_CALLS = {
    "create_room": lambda room: {},
    "delete_room": lambda room: {"uuid": str(uuid.uuid4())},
    "change_name": lambda room: {"uuid": room, "name": f"Renamed {uuid.uuid4().hex[:6]}"},
    "change_color": lambda room: {"uuid": room, "color": "#2b347e"},
    "change_user_name": lambda room: {"name": f"Quick Fox {uuid.uuid4().hex[:4]}"},
    "create_message": lambda room: {"body": "hello"},
    "change_draw_line": lambda room: {"uuid": str(uuid.uuid4()), "points": [1, 2, 3, 4], "color": "#000000", "tool": "pen"},
    "reset_drawing": lambda room: {},
}
BUDGETS = {call.__struct_config__.tag: call.budget for call in AnyCall.__args__ if call.budget}


def _rate_limited(statements: list[dict]) -> bool:
    return any(s["type"] == "error" and s["payload"]["message"] == "rate_limited" for s in statements)


@pytest.mark.parametrize("call", sorted(BUDGETS))
async def test_each_limited_call_is_rate_limited_for_that_identity_only(apis, server_with, call: str) -> None:
    assert call in SAMPLE_CALLS, "every limited call needs a sample here"
    limit = 3
    limited = server_with(**{f"rate_{BUDGETS[call]}": Rate(limit, 3600)})
    flooder, _ = await connected(apis, of=limited)
    bystander, _ = await connected(apis, of=limited)
    # A room made by someone else: the flooder's budget is untouched by it.
    page = await Client(limited.url).connect()
    await page.send("create_room", name="Limits")
    room = (await flooder.expect("room_created", where=_room_named("Limits")))["object"]["uuid"]
    await page.close()
    for client in (flooder, bystander):
        await client.call("enter_room", uuid=room)
        await client.expect("drawing_got")
    for _ in range(limit):
        await flooder.call(call, **SAMPLE_CALLS[call](room))
    assert not _rate_limited(await flooder.quiet())
    await flooder.call(call, **SAMPLE_CALLS[call](room))
    await flooder.expect_error("rate_limited")
    await bystander.call(call, **SAMPLE_CALLS[call](room))
    assert not _rate_limited(await bystander.quiet())
    await flooder.call("list_rooms")
    await flooder.expect("rooms_listed")


async def test_entering_sends_the_newest_50_and_older_pages_come_with_before(apis) -> None:
    writer, _ = await connected(apis)
    room = await room_entered(writer)
    for n in range(60):
        await writer.call("create_message", body=f"n{n}")
    await writer.expect("message_created", where=lambda p: p["object"]["body"] == "n59", timeout=15)

    reader, _ = await connected(apis)
    await reader.call("enter_room", uuid=room)
    newest = (await reader.expect("messages_listed"))["list"]
    assert [m["body"] for m in newest] == [f"n{n}" for n in range(10, 60)]
    await reader.call("list_messages", before=newest[0]["uuid"])
    older = (await reader.expect("messages_listed"))["list"]
    assert [m["body"] for m in older] == [f"n{n}" for n in range(10)]
    # Read back, a message keeps its uuid.
    await reader.call("list_messages")
    assert [m["uuid"] for m in (await reader.expect("messages_listed"))["list"]] == [m["uuid"] for m in newest]
