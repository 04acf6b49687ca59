"""Room services: rules, ordering, search."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from webapp.chat import messages, presence, rooms, users
from webapp.chat.errors import ChatError
from webapp.chat.palette import ROOM_COLORS
from webapp.db.models import Message, Room, utcnow


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
    renamed, line = await rooms.rename_room(session, room.id, "Coffee", by=me.id)
    assert renamed.room.name == "Coffee"
    assert (line.message.kind, line.message.author.id, line.message.body) == ("system", me.id, "renamed the room to “Coffee”")
    recolored, line = await rooms.recolor_room(session, room.id, "#11223344", by=me.id)
    assert recolored.room.color == "#11223344"
    assert line.message.body == "changed the room's colour to #11223344"
    # No change, no line.
    assert len(await rooms.rename_room(session, room.id, "Coffee", by=me.id)) == 1
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
    for change in (rooms.rename_room(session, 404, "x", by=1), rooms.recolor_room(session, 404, "#fff", by=1), rooms.delete_room(session, 404, by=1)):
        with pytest.raises(ChatError) as refused:
            await change
        assert refused.value.code == "no_such_room"


async def test_rooms_are_listed_most_recently_active_first_and_searched_case_insensitively(session) -> None:
    me = await users.create_user(session)
    for name in ("Zebra Lounge", "apple corner", "Straße Café", "100% real_deal"):
        await rooms.create_room(session, creator_id=me.id, name=name)
    listed, total = await rooms.list_rooms(session)
    assert [room.name for room in listed] == ["100% real_deal", "Straße Café", "apple corner", "Zebra Lounge"]
    # A message makes its room the most recently active.
    await messages.send_message(session, room_id=listed[-1].id, author_id=me.id, body="hello")
    assert [room.name for room in (await rooms.list_rooms(session))[0]][0] == "Zebra Lounge"
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
    assert listed[0].name == "Room 2999"  # the newest first


async def test_a_room_with_people_in_it_cannot_be_deleted(session) -> None:
    me = await users.create_user(session)
    room = (await rooms.create_room(session, creator_id=me.id)).room
    await presence.heartbeat(session, "server-a")
    await presence.join(session, socket_id="s1", server_id="server-a", room_id=room.id, user_id=me.id)
    with pytest.raises(ChatError) as refused:
        await rooms.delete_room(session, room.id, by=me.id)
    assert refused.value.code == "room_not_empty"
    await presence.leave(session, "s1")
    assert (await rooms.delete_room(session, room.id, by=me.id)).room_id == room.id
    with pytest.raises(ChatError):
        await rooms.get_room(session, room.id)


async def test_only_its_creator_deletes_a_room_and_it_can_be_restored_with_its_history(session) -> None:
    owner, stranger = await users.create_user(session), await users.create_user(session)
    room = (await rooms.create_room(session, creator_id=owner.id, name="Kept")).room
    await messages.send_message(session, room_id=room.id, author_id=stranger.id, body="worth keeping")
    with pytest.raises(ChatError) as refused:
        await rooms.delete_room(session, room.id, by=stranger.id)
    assert refused.value.code == "not_allowed"
    assert (await rooms.get_room(session, room.id)).message_count == 1

    deleted = await rooms.delete_room(session, room.id, by=owner.id)
    assert (deleted.owner_id, [r.name for r in deleted.deleted]) == (owner.id, ["Kept"])
    assert room.id not in [r.id for r in (await rooms.list_rooms(session))[0]]
    assert not await rooms.exists(session, room.id)
    with pytest.raises(ChatError):
        await messages.send_message(session, room_id=room.id, author_id=owner.id, body="into a deleted room")
    assert await rooms.recently_deleted(session, stranger.id) == []
    with pytest.raises(ChatError) as refused:
        await rooms.restore_room(session, room.id, by=stranger.id)
    assert refused.value.code == "no_such_room"

    restored = await rooms.restore_room(session, room.id, by=owner.id)
    assert (restored.room.name, restored.deleted) == ("Kept", [])
    page = await messages.page_before(session, room.id)
    assert [m.body for m in page.messages] == ["worth keeping"]


async def test_a_room_deleted_over_seven_days_ago_is_purged(session) -> None:
    owner = await users.create_user(session)
    old, recent = [(await rooms.create_room(session, creator_id=owner.id, name=name)).room for name in ("Old", "Recent")]
    await messages.send_message(session, room_id=old.id, author_id=owner.id, body="gone with it")
    await rooms.delete_room(session, old.id, by=owner.id)
    await rooms.delete_room(session, recent.id, by=owner.id)
    stored = await session.get(Room, old.id)
    stored.deleted_at = utcnow() - timedelta(days=rooms.RESTORE_DAYS, minutes=1)
    await session.flush()
    assert [r.name for r in await rooms.recently_deleted(session, owner.id)] == ["Recent"]
    with pytest.raises(ChatError):
        await rooms.restore_room(session, old.id, by=owner.id)
    await rooms.purge_deleted(session)
    session.expunge_all()
    assert await session.get(Room, old.id) is None
    assert await session.scalar(select(func.count()).select_from(Message).where(Message.room_id == old.id)) == 0
    assert await session.get(Room, recent.id) is not None


async def test_a_purged_rooms_id_is_never_given_to_another_room(session) -> None:
    owner = await users.create_user(session)
    newest = (await rooms.create_room(session, creator_id=owner.id, name="Newest")).room
    await rooms.delete_room(session, newest.id, by=owner.id)
    (await session.get(Room, newest.id)).deleted_at = utcnow() - timedelta(days=rooms.RESTORE_DAYS, minutes=1)
    await session.flush()
    await rooms.purge_deleted(session)
    session.expunge_all()
    assert await session.get(Room, newest.id) is None
    after = (await rooms.create_room(session, creator_id=owner.id, name="After")).room
    assert after.id > newest.id
