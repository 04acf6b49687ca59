"""The socket under hostile use: oversized frames, forged identities, floods."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
import websockets

from tests.support import Client, forged_cookie, text_of
from webapp.realtime.commands import AnyCommand
from webapp.settings import Rate

KIB = 1024
MESSAGE_TOO_BIG = 1009

# A frame that each limited action accepts.
SAMPLE_FRAMES = {
    "send_message": lambda room: {"body": "hello"},
    "create_room": lambda room: {"name": f"Flood {uuid.uuid4().hex[:6]}"},
    "rename_room": lambda room: {"room": room, "name": f"Renamed {uuid.uuid4().hex[:6]}"},
    "recolor_room": lambda room: {"room": room, "color": "#2b347e"},
    "delete_room": lambda room: {"room": 2**40},  # no such room: refused, but it spends a token all the same
    "restore_room": lambda room: {"room": room},  # not deleted: refused, and it spends a token too
    "rename_user": lambda room: {"name": f"Quick Fox {uuid.uuid4().hex[:4]}"},
    "reset_drawing": lambda room: {},
    "draw": lambda room: {"stroke": str(uuid.uuid4()), "points": [1, 2, 3, 4], "color": "#000000", "tool": "pen", "width": 4, "done": True},
    "undo_stroke": lambda room: {},
    "redo_stroke": lambda room: {},  # nothing undone: refused, but it spends a token all the same
    "cursor": lambda room: {"x": 1, "y": 1},
    "share_board": lambda room: {},  # a snapshot is a message: the messages budget
    # No such message: refused, but each spends a token all the same.
    "edit_message": lambda room: {"message": 2**30, "body": "fixed"},
    "delete_message": lambda room: {"message": 2**30},
    "react": lambda room: {"message": 2**30, "emoji": "👍"},
    # Not a moderator: refused, and each spends a token too.
    "mute_user": lambda room: {"user": 2**30, "minutes": 10},
    "unmute_user": lambda room: {"user": 2**30},
    "mark_read": lambda room: {"room": room, "message": 2**30},
    "set_notify": lambda room: {"room": room, "level": "all"},
    "typing": lambda room: {},  # no budget of its own: throttled per socket (test_attention_socket.py)
}
BUDGETS = {command.__struct_config__.tag: command.budget for command in AnyCommand.__args__ if command.budget}


def rate_limited(frames: list[str]) -> bool:
    return any('data-code="rate_limited"' in frame for frame in frames)


async def room_of(client: Client, name: str) -> int:
    await client.send("create_room", name=name)
    entry = (await client.expect("rooms", where=lambda el: name in text_of(el))).find("li")
    return int(entry.get("id").removeprefix("room-"))


# --- frame size ---------------------------------------------------------------


async def test_a_frame_over_64_kib_closes_the_socket_with_1009(clients) -> None:
    client = await clients().connect()
    await client.ws.send(json.dumps({"action": "rename_user", "name": "x" * (65 * KIB)}))
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await client.ws.recv()
    assert closed.value.rcvd.code == MESSAGE_TOO_BIG


async def test_a_fragmented_message_over_64_kib_is_refused_by_the_server_too(clients) -> None:
    # The server counts the message as it arrives, not only once it has read it whole.
    client = await clients().connect()
    await client.ws.send([("x" * 4 * KIB) for _ in range(17)])
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await client.ws.recv()
    assert closed.value.rcvd.code == MESSAGE_TOO_BIG


async def test_an_over_long_field_inside_a_smaller_frame_gets_data_too_long(clients) -> None:
    client = await clients().connect()
    frame = json.dumps({"action": "rename_user", "name": "x" * (60 * KIB)})
    assert 60 * KIB < len(frame) < 64 * KIB
    await client.ws.send(frame)
    notice = await client.expect_error("data_too_long")
    assert len(text_of(notice)) < 300  # the detail does not quote the 60 KiB back
    await client.send("rename_user", name="Still Open")
    await client.expect("me")


async def test_deep_nesting_and_huge_ids_are_bad_data_not_server_errors(clients) -> None:
    client = await clients().connect()
    await client.ws.send('{"action": "create_room", "name": ' + "[" * 20000 + "]" * 20000 + "}")
    await client.expect_error("bad_data")
    await client.send("rename_room", room=2**64 + 1, name="Big")
    await client.expect_error("no_such_room")


async def test_per_message_compression_is_not_negotiated(clients, server) -> None:
    client = clients()
    await client.get("/")
    # websockets offers permessage-deflate by default; the server must decline it.
    async with websockets.connect(
        server.url.replace("http", "ws") + "/ws", additional_headers={"Cookie": client.cookie_header, "Origin": server.url}
    ) as ws:
        assert "Sec-WebSocket-Extensions" in ws.request.headers
        assert ws.response.headers.get("Sec-WebSocket-Extensions") is None


# --- identity and origin -----------------------------------------------------


async def test_a_forged_identity_cookie_opens_no_socket(clients, server) -> None:
    victim = await clients().connect()
    ws_url = server.url.replace("http", "ws") + "/ws"
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(ws_url, additional_headers={"Cookie": forged_cookie(victim.user_id, "guessed"), "Origin": server.url})
    assert refused.value.response.status_code == 403
    name, value = victim.cookie_header.split("=", 1)
    garbled = f'{name}="{value.strip(chr(34))[:20]}{value.strip(chr(34))[21:]}"'  # a byte dropped: not a server error
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(ws_url, additional_headers={"Cookie": garbled, "Origin": server.url})
    assert refused.value.response.status_code == 403
    # The same forgery sealed with the real key would be accepted: the key is what protects it.
    async with websockets.connect(ws_url, additional_headers={"Cookie": forged_cookie(victim.user_id, "test-secret"), "Origin": server.url}):
        pass


async def test_origins_that_only_look_like_the_host_are_refused(clients, server) -> None:
    client = clients()
    await client.get("/")
    ws_url = server.url.replace("http", "ws") + "/ws"
    host = server.url.removeprefix("http://")
    for origin in (f"http://{host}.evil.example", f"http://evil.example/{host}", "null", f"http://user@{host}x"):
        with pytest.raises(websockets.InvalidStatus):
            await websockets.connect(ws_url, additional_headers={"Cookie": client.cookie_header, "Origin": origin})


async def test_a_socket_without_an_origin_is_refused(clients, server) -> None:
    client = clients()
    await client.get("/")
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(server.url.replace("http", "ws") + "/ws", additional_headers={"Cookie": client.cookie_header})
    assert refused.value.response.status_code == 403
    # The same cookie from the page's own origin is welcome.
    async with websockets.connect(server.url.replace("http", "ws") + "/ws", additional_headers={"Cookie": client.cookie_header, "Origin": server.url}):
        pass


async def test_an_allowlisted_origin_is_accepted(server_with) -> None:
    server = server_with(allowed_origins=("https://chat.example",))
    client = await Client(server.url).connect(origin="https://chat.example")
    await client.send("rename_user", name="Allowed Origin")
    await client.expect("me")
    await client.close()


# --- rate limits and caps ----------------------------------------------------


@pytest.mark.parametrize("action", sorted(BUDGETS))
async def test_each_limited_action_is_rate_limited_for_that_identity_only(server_with, action: str) -> None:
    assert action in SAMPLE_FRAMES, "every limited action needs a sample frame here"
    limit = 3
    server = server_with(**{f"rate_{BUDGETS[action]}": Rate(limit, 3600)})
    owner = await Client(server.url).connect()
    room = await room_of(owner, f"Limits {uuid.uuid4().hex[:6]}")
    flooder, bystander = await Client(server.url).connect(f"/rooms/{room}"), await Client(server.url).connect(f"/rooms/{room}")
    try:
        for _ in range(limit):
            await flooder.send(action, **SAMPLE_FRAMES[action](room))
        assert not rate_limited(await flooder.quiet())

        rooms_before = (await owner.get("/")).text.count('class="room"')
        await flooder.send(action, **SAMPLE_FRAMES[action](room))
        await flooder.expect_error("rate_limited")
        assert (await owner.get("/")).text.count('class="room"') == rooms_before

        # Nobody else is affected, and the flooder's socket stays open.
        await bystander.send(action, **SAMPLE_FRAMES[action](room))
        assert not rate_limited(await bystander.quiet())
        await flooder.ws.ping()
    finally:
        for client in (owner, flooder, bystander):
            await client.close()


async def test_every_frame_of_a_socket_counts_garbage_too(server_with) -> None:
    server = server_with(rate_frames=Rate(5, 3600))
    flooder, bystander = await Client(server.url).connect(), await Client(server.url).connect()
    try:
        for _ in range(5):
            await flooder.ws.send("not json")
        assert not rate_limited(await flooder.quiet())
        await flooder.ws.send("not json")
        await flooder.expect_error("rate_limited")
        await flooder.send("rename_user", name="Too Late")
        await flooder.expect_error("rate_limited")

        await bystander.send("rename_user", name="Unhindered")
        await bystander.expect("me")
        # A new socket of the same identity has its own frame budget.
        second = Client(server.url)
        second.http.cookies = flooder.http.cookies
        await second.connect()
        await second.send("rename_user", name="Fresh Socket")
        await second.expect("me")
        await second.close()
    finally:
        await flooder.close()
        await bystander.close()


async def test_rooms_per_identity_per_hour_are_capped_in_the_database(server_with) -> None:
    server = server_with(rooms_per_hour=2)
    creator, other = await Client(server.url).connect(), await Client(server.url).connect()
    try:
        for n in range(2):
            await room_of(creator, f"Capped {n} {uuid.uuid4().hex[:6]}")
        await creator.send("create_room", name="One Too Many")
        notice = await creator.expect_error("rate_limited")
        assert "2 new rooms an hour" in text_of(notice)
        assert "One Too Many" not in (await creator.get("/")).text

        # The cap is counted in the database: a second server process agrees.
        again = Client(server_with(rooms_per_hour=2).url)
        again.http.cookies = creator.http.cookies
        await again.connect()
        await again.send("create_room", name="Still Too Many")
        await again.expect_error("rate_limited")
        await again.close()

        await room_of(other, f"Other {uuid.uuid4().hex[:6]}")
    finally:
        await creator.close()
        await other.close()


async def test_open_sockets_per_identity_are_capped(server_with) -> None:
    server = server_with(sockets_per_identity=2)
    first = await Client(server.url).connect()
    tabs = []
    try:
        for _ in range(1):
            tab = Client(server.url)
            tab.http.cookies = first.http.cookies
            tabs.append(await tab.connect())
        extra = Client(server.url)
        extra.http.cookies = first.http.cookies
        tabs.append(extra)
        with pytest.raises(websockets.InvalidStatus) as refused:
            await extra.connect()
        assert refused.value.response.status_code == 403

        stranger = await Client(server.url).connect()
        tabs.append(stranger)
        # Closing a tab frees its place (as soon as the server has seen it close).
        await tabs[0].ws.close()
        for _ in range(50):
            try:
                await extra.connect()
                break
            except websockets.InvalidStatus:
                await asyncio.sleep(0.05)
        await extra.send("rename_user", name="Back In")
        await extra.expect("me")
    finally:
        await first.close()
        for tab in tabs:
            await tab.close()
