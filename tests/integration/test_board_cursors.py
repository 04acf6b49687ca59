"""Live cursors over sockets: coalesced per room, named, never stored, gone
after a while without moving and as soon as their user leaves."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.integration.test_board_socket import new_room, on_board
from tests.support import parse_fragment, text_of
from webapp.realtime import cursors


def cursor_frames(frames: list[str]) -> list[str]:
    return [frame for frame in frames if 'id="cursors"' in frame or 'id="cursor-' in frame]


def cursor_of(user_id: int):
    return lambda el: el.find(f".//*[@id='cursor-{user_id}']") is not None


async def test_the_others_see_a_named_cursor_move_in_coalesced_frames(clients) -> None:
    room = await new_room(clients)
    alice, bob, carol = [await on_board(clients(), room) for _ in range(3)]
    await alice.send("rename_user", name="Alice Pointer")
    await alice.expect("me")

    # Twenty moves from each of two people...
    started = time.monotonic()
    for step in range(20):
        await alice.send("cursor", x=10 + step, y=20)
        await carol.send("cursor", x=800, y=500 - step)
    sent_for = time.monotonic() - started
    await asyncio.sleep(0.2)
    frames = cursor_frames(await bob.quiet(0.3))
    # ...reach bob as at most one frame per 50 ms, not forty.
    assert 1 <= len(frames) <= sent_for / cursors.INTERVAL + 2 < 40
    last = {el.get("id"): el for frame in frames for top in parse_fragment(frame) for el in top.iter() if (el.get("id") or "").startswith("cursor-")}
    alice_cursor = last[f"cursor-{alice.user_id}"]
    assert (alice_cursor.get("data-x"), alice_cursor.get("data-y")) == ("29", "20")
    assert text_of(alice_cursor) == "Alice Pointer"
    assert alice_cursor.find(".//*[@class]").get("class").split() == ["cursor-name", f"name-of-{alice.user_id}"]
    assert (last[f"cursor-{carol.user_id}"].get("data-x"), last[f"cursor-{carol.user_id}"].get("data-y")) == ("800", "481")
    wrapper = parse_fragment(frames[-1])[0]
    assert (wrapper.get("id"), wrapper.get("hx-swap-oob")) == ("cursors", "beforeend")

    # Not stored: a page opening now gets no cursors with the board.
    dave = await on_board(clients(), room)
    assert not cursor_frames(await dave.quiet(0.1))


async def test_a_cursor_goes_when_its_user_leaves(clients) -> None:
    room = await new_room(clients)
    alice, bob = await on_board(clients(), room), await on_board(clients(), room)
    await alice.send("cursor", x=100, y=100)
    await bob.expect("cursors", where=cursor_of(alice.user_id))
    started = time.monotonic()
    await alice.ws.close()
    gone = await bob.expect(f"cursor-{alice.user_id}", timeout=2, where=lambda el: el.get("hx-swap-oob") == "delete")
    assert gone is not None and time.monotonic() - started < 1


async def test_a_cursor_goes_a_while_after_its_last_move(clients) -> None:
    room = await new_room(clients)
    alice, bob = await on_board(clients(), room), await on_board(clients(), room)
    await alice.send("cursor", x=100, y=100)
    await bob.expect("cursors", where=cursor_of(alice.user_id))
    started = time.monotonic()
    gone = await bob.expect(f"cursor-{alice.user_id}", timeout=8, where=lambda el: el.get("hx-swap-oob") == "delete")
    assert gone is not None
    assert cursors.EXPIRE_SECONDS - 0.5 <= time.monotonic() - started <= cursors.EXPIRE_SECONDS + 1.5


@pytest.mark.parametrize(
    ("fields", "code"),
    [({"x": -1, "y": 5}, "bad_data"), ({"x": 5, "y": 1001}, "bad_data"), ({"x": "left", "y": 5}, "bad_data"), ({"x": 5}, "not_sufficient_data")],
)
async def test_bad_cursors_are_refused_and_nothing_is_sent(clients, fields, code) -> None:
    room = await new_room(clients)
    alice, bob = await on_board(clients(), room), await on_board(clients(), room)
    await alice.send("cursor", **fields)
    await alice.expect_error(code)
    assert not cursor_frames(await bob.quiet(0.2))


async def test_a_cursor_on_the_lobby_socket_is_no_such_room(clients) -> None:
    client = await clients().connect()
    await client.send("cursor", x=1, y=1)
    await client.expect_error("no_such_room")
