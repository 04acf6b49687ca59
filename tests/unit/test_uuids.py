"""Public uuids: every user, room and message has one from its creation on,
the same each time it is read back, and the HTML side carries it."""

from __future__ import annotations

import uuid

import pytest

from tests.support import parse_fragment, render_event
from webapp.chat import messages, presence, rooms, users
from webapp.chat.events import MessageCreated
from webapp.db.engine import create_engine, session_factory
from webapp.rendering import create_environment


@pytest.fixture
async def sessions(database_url):
    engine = create_engine(database_url)
    yield session_factory(engine)
    await engine.dispose()


def _is_uuid4(value: str) -> bool:
    return uuid.UUID(value).version == 4 and str(uuid.UUID(value)) == value


async def test_users_rooms_and_messages_keep_the_uuid_they_were_made_with(sessions) -> None:
    async with sessions.begin() as session:
        author = await users.create_user(session)
        room = (await rooms.create_room(session, creator_id=author.id)).room
        sent = (await messages.send_message(session, room_id=room.id, author_id=author.id, body="hello")).message
        await presence.heartbeat(session, "p1")
        await presence.join(session, socket_id="s1", server_id="p1", room_id=room.id, user_id=author.id)
    assert all(map(_is_uuid4, (author.uuid, room.uuid, sent.uuid, sent.author.uuid)))
    assert sent.author.uuid == author.uuid
    assert len({author.uuid, room.uuid, sent.uuid}) == 3
    async with sessions() as session:
        assert (await users.get_user(session, author.id)).uuid == author.uuid
        assert (await rooms.get_room(session, room.id)).uuid == room.uuid
        [read] = (await messages.page_before(session, room.id)).messages
        [present] = await presence.users_in_room(session, room.id)
    assert (read.uuid, read.author.uuid, present.uuid) == (sent.uuid, author.uuid, author.uuid)


async def test_a_room_line_has_its_own_uuid(sessions) -> None:
    async with sessions.begin() as session:
        author = await users.create_user(session)
        room = (await rooms.create_room(session, creator_id=author.id)).room
        first = (await messages.send_message(session, room_id=room.id, author_id=author.id, body="hello")).message
        _, line = await rooms.rename_room(session, room.id, "Plans", by=author.id)
    assert _is_uuid4(line.message.uuid) and line.message.uuid != first.uuid


async def test_the_page_carries_the_uuids_of_messages_and_rooms(sessions) -> None:
    env = create_environment()
    async with sessions.begin() as session:
        author = await users.create_user(session)
        created = await rooms.create_room(session, creator_id=author.id)
        sent = await messages.send_message(session, room_id=created.room.id, author_id=author.id, body="hi")
    [(_, html)] = list(render_event(env, created))
    [top] = parse_fragment(html)
    assert top.find(f".//*[@id='room-{created.room.id}']").get("data-uuid") == created.room.uuid
    [(_, html)] = list(render_event(env, MessageCreated(sent.message, 1)))
    [top] = parse_fragment(html)
    assert top.find(f".//*[@id='message-{sent.message.id}']").get("data-uuid") == sent.message.uuid
