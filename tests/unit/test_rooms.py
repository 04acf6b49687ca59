"""Room services: rules, ordering, search."""

from __future__ import annotations

import pytest

from webapp.chat import presence, rooms, users
from webapp.chat.errors import ChatError
from webapp.chat.palette import ROOM_COLORS


async def test_create_room_with_defaults(session) -> None:
    me = await users.create_user(session)
    event = await rooms.create_room(session, creator_id=me.id)
    assert event.room.name.strip() and len(event.room.name) <= 64
    assert event.room.color in ROOM_COLORS
    assert (event.room.message_count, event.room.user_count) == (0, 0)


async def test_create_rename_recolor(session) -> None:
    me = await users.create_user(session)
    room = (await rooms.create_room(session, creator_id=me.id, name=" Tea   Room ", color="#ABC")).room
    assert (room.name, room.color) == ("Tea Room", "#abc")
    assert (await rooms.rename_room(session, room.id, "Coffee")).room.name == "Coffee"
    assert (await rooms.recolor_room(session, room.id, "#11223344")).room.color == "#11223344"
    assert (await rooms.get_room(session, room.id)).name == "Coffee"


@pytest.mark.parametrize(
    ("name", "color", "code"),
    [
        ("x" * 65, None, "name_too_long"),
        ("fine", "blue", "not_valid_color"),
        ("fine", "#abcd", "not_valid_color"),
        ("fine", "#ggg", "not_valid_color"),
    ],
)
async def test_create_room_refuses_bad_input(session, name, color, code) -> None:
    me = await users.create_user(session)
    with pytest.raises(ChatError) as refused:
        await rooms.create_room(session, creator_id=me.id, name=name, color=color)
    assert refused.value.code == code
    assert (await rooms.list_rooms(session))[1] == 0


async def test_unknown_room(session) -> None:
    for change in (rooms.rename_room(session, 404, "x"), rooms.recolor_room(session, 404, "#fff"), rooms.delete_room(session, 404)):
        with pytest.raises(ChatError) as refused:
            await change
        assert refused.value.code == "no_such_room"


async def test_rooms_are_listed_in_creation_order_and_searched_case_insensitively(session) -> None:
    me = await users.create_user(session)
    for name in ("Zebra Lounge", "apple corner", "Straße Café", "100% real_deal"):
        await rooms.create_room(session, creator_id=me.id, name=name)
    listed, total = await rooms.list_rooms(session)
    assert [room.name for room in listed] == ["Zebra Lounge", "apple corner", "Straße Café", "100% real_deal"]
    assert total == 4
    assert [r.name for r in (await rooms.list_rooms(session, "APPLE"))[0]] == ["apple corner"]
    assert [r.name for r in (await rooms.list_rooms(session, "STRASSE"))[0]] == ["Straße Café"]
    # LIKE wildcards in a search are literal characters.
    assert [r.name for r in (await rooms.list_rooms(session, "0%"))[0]] == ["100% real_deal"]
    assert (await rooms.list_rooms(session, "_"))[1] == 1
    assert (await rooms.list_rooms(session, "nothing like it"))[1] == 0


async def test_search_over_thousands_of_rooms_is_bounded(session) -> None:
    me = await users.create_user(session)
    for index in range(3000):
        await rooms.create_room(session, creator_id=me.id, name=f"Room {index:04d}")
    await session.flush()
    listed, total = await rooms.list_rooms(session, "room 2")
    assert total == 1000
    assert len(listed) == rooms.LIST_LIMIT
    assert listed[0].name == "Room 2000"


async def test_a_room_with_people_in_it_cannot_be_deleted(session) -> None:
    me = await users.create_user(session)
    room = (await rooms.create_room(session, creator_id=me.id)).room
    await presence.heartbeat(session, "server-a")
    await presence.join(session, socket_id="s1", server_id="server-a", room_id=room.id, user_id=me.id)
    with pytest.raises(ChatError) as refused:
        await rooms.delete_room(session, room.id)
    assert refused.value.code == "room_not_empty"
    await presence.leave(session, "s1")
    assert (await rooms.delete_room(session, room.id)).room_id == room.id
    with pytest.raises(ChatError):
        await rooms.get_room(session, room.id)
