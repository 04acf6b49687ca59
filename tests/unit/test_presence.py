"""Presence: a user is in a room while any of their sockets is, on any process."""

from __future__ import annotations

from datetime import timedelta

from webapp.chat import presence, rooms, users
from webapp.db.models import Server


async def test_several_tabs_count_once(session) -> None:
    alice, bob = await users.create_user(session), await users.create_user(session)
    room = (await rooms.create_room(session, creator_id=alice.id)).room
    await presence.heartbeat(session, "p1")

    entered = await presence.join(session, socket_id="a1", server_id="p1", room_id=room.id, user_id=alice.id)
    assert (entered.present, entered.user) == (True, alice)
    assert await presence.join(session, socket_id="a2", server_id="p1", room_id=room.id, user_id=alice.id) is None
    assert (await presence.join(session, socket_id="b1", server_id="p1", room_id=room.id, user_id=bob.id)).user == bob
    assert await presence.user_counts(session, [room.id]) == {room.id: 2}
    assert set(await presence.users_in_room(session, room.id)) == {alice, bob}

    assert await presence.leave(session, "a1") is None  # still in through the other tab
    left = await presence.leave(session, "a2")
    assert (left.present, left.user.id) == (False, alice.id)
    assert await presence.user_counts(session, [room.id]) == {room.id: 1}
    assert await presence.leave(session, "a2") is None


async def test_a_dead_process_takes_its_sockets_away(session) -> None:
    alice = await users.create_user(session)
    room = (await rooms.create_room(session, creator_id=alice.id)).room
    await presence.heartbeat(session, "dead")
    await presence.heartbeat(session, "alive")
    await presence.join(session, socket_id="a1", server_id="dead", room_id=room.id, user_id=alice.id)
    server = await session.get(Server, "dead")
    server.heartbeat_at -= presence.STALE_AFTER + timedelta(seconds=1)

    events = await presence.heartbeat(session, "alive")
    assert [(e.room_id, e.user.id, e.present) for e in events] == [(room.id, alice.id, False)]
    assert await presence.users_in_room(session, room.id) == []
    assert await session.get(Server, "dead") is None
