"""Where a message sits in its room's history: on its author's run, or after a new day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from webapp.chat import message_actions, messages, rooms, users
from webapp.db.engine import create_engine, session_factory
from webapp.db.models import Message


@pytest.fixture
async def sessions(database_url):
    engine = create_engine(database_url)
    yield session_factory(engine)
    await engine.dispose()


async def _setup(sessions) -> tuple[int, int, int]:
    async with sessions.begin() as session:
        ada, bob = await users.create_user(session), await users.create_user(session)
        room = (await rooms.create_room(session, creator_id=ada.id)).room
    return room.id, ada.id, bob.id


async def _send(sessions, room_id: int, author_id: int, body: str):
    async with sessions.begin() as session:
        return (await messages.send_message(session, room_id=room_id, author_id=author_id, body=body)).message


async def _page(sessions, room_id: int):
    async with sessions() as session:
        return (await messages.page_before(session, room_id)).messages


async def test_one_authors_messages_in_a_row_make_a_run_live_and_in_history(sessions) -> None:
    room_id, ada, bob = await _setup(sessions)
    sent = [await _send(sessions, room_id, author, body) for author, body in [(ada, "a"), (ada, "b"), (bob, "c"), (ada, "d"), (ada, "e")]]
    expected = [False, True, False, False, True]
    assert [m.continues for m in sent] == expected
    assert [m.new_day for m in sent] == [True, False, False, False, False]
    page = await _page(sessions, room_id)
    assert [(m.continues, m.new_day) for m in page] == [(m.continues, m.new_day) for m in sent]


async def test_a_pause_a_new_day_or_a_room_line_ends_a_run(sessions) -> None:
    room_id, ada, _ = await _setup(sessions)
    first = await _send(sessions, room_id, ada, "before the pause")
    async with sessions.begin() as session:
        await session.execute(update(Message).where(Message.id == first.id).values(created_at=first.created_at - timedelta(minutes=6)))
    after_pause = await _send(sessions, room_id, ada, "after it")
    async with sessions.begin() as session:
        line = (await messages.room_line(session, room_id=room_id, author_id=ada, body="renamed the room")).message
    after_line = await _send(sessions, room_id, ada, "after the line")
    assert (after_pause.continues, line.continues, after_line.continues) == (False, False, False)
    # Yesterday's message, then today's: a new day, and no run across it.
    async with sessions.begin() as session:
        await session.execute(update(Message).where(Message.id.in_([first.id, after_pause.id, line.id])).values(created_at=first.created_at - timedelta(days=1)))
    page = await _page(sessions, room_id)
    assert [(m.continues, m.new_day) for m in page] == [(False, True), (True, False), (False, False), (False, True)]


async def test_an_edit_or_a_delete_keeps_a_messages_place_and_pages_join_up(sessions) -> None:
    room_id, ada, _ = await _setup(sessions)
    sent = [await _send(sessions, room_id, ada, f"line {n}") for n in range(messages.PAGE_SIZE + 2)]
    async with sessions.begin() as session:
        edited = (await message_actions.edit_message(session, room_id=room_id, message_id=sent[1].id, user_id=ada, body="changed")).message
    async with sessions.begin() as session:
        deleted = (await message_actions.delete_message(session, room_id=room_id, message_id=sent[2].id, user_id=ada)).message
    assert (edited.continues, edited.new_day, deleted.continues) == (True, False, True)
    # The newest page's first message has its predecessor on the older page: still a run.
    newest = await _page(sessions, room_id)
    assert newest[0].id == sent[2].id and newest[0].continues
    async with sessions() as session:
        older = (await messages.page_before(session, room_id, newest[0].id)).messages
    assert [(m.continues, m.new_day) for m in older] == [(False, True), (True, False)]
