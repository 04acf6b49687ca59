"""Unread counts and mentions from read positions, across rooms, on both databases."""

from __future__ import annotations

import pytest

from webapp.chat import messages, reads, rooms, users
from webapp.chat.errors import ChatError


async def test_counts_per_room_exclude_own_messages_and_follow_the_read_position(session) -> None:
    ada, bob = await users.create_user(session), await users.create_user(session)
    await users.rename_user(session, ada.id, "Ada Counted")
    ids = [(await rooms.create_room(session, creator_id=bob.id)).room.id for _ in range(3)]
    quiet_room, busy, named_in = ids
    for room_id in ids:
        await reads.enter(session, ada.id, room_id)
        await reads.enter(session, bob.id, room_id)
    sent = [(await messages.send_message(session, room_id=busy, author_id=bob.id, body=f"m{n}")).message.id for n in range(4)]
    await messages.send_message(session, room_id=busy, author_id=ada.id, body="mine")
    mention = (await messages.send_message(session, room_id=named_in, author_id=bob.id, body="hey @ada counted")).message.id
    await reads.set_notify(session, user_id=ada.id, room_id=quiet_room, level="off")

    states = {state.room_id: state for state in (await reads.unread(session, users=[ada.id]))[ada.id]}
    assert (states[busy].count, states[busy].mentions, states[busy].latest) == (4, 0, sent[-1])
    assert (states[named_in].count, states[named_in].mentions, states[named_in].mention) == (1, 1, mention)
    assert (states[quiet_room].count, states[quiet_room].notify) == (0, "off")
    assert {state.room_id: state.count for state in (await reads.unread(session, users=[bob.id]))[bob.id]}[busy] == 1

    await reads.mark_read(session, user_id=ada.id, room_id=busy, message_id=sent[2])
    await reads.mark_read(session, user_id=ada.id, room_id=busy, message_id=sent[0])  # never back
    assert await reads.position(session, ada.id, busy) == sent[2]
    only_busy = await reads.unread(session, rooms=[busy], among=[ada.id])
    assert [(state.room_id, state.count) for state in only_busy[ada.id]] == [(busy, 1)] and bob.id not in only_busy

    with pytest.raises(ChatError) as refused:
        await reads.mark_read(session, user_id=ada.id, room_id=busy, message_id=mention)  # another room's
    assert refused.value.code == "no_such_message"
    with pytest.raises(ChatError) as refused:
        await reads.set_notify(session, user_id=ada.id, room_id=busy, level="loud")
    assert refused.value.code == "bad_data"


async def test_the_count_stops_at_its_cap(session) -> None:
    ada, bob = await users.create_user(session), await users.create_user(session)
    room = (await rooms.create_room(session, creator_id=bob.id)).room.id
    await reads.enter(session, ada.id, room)
    for n in range(reads.COUNT_MAX + 5):
        await messages.send_message(session, room_id=room, author_id=bob.id, body=f"m{n}")
    [state] = (await reads.unread(session, users=[ada.id]))[ada.id]
    assert state.count == reads.COUNT_MAX
