"""The messages service: sending, its rules, and keyset-paged history."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from webapp.chat import messages, rooms, users
from webapp.chat.errors import ChatError
from webapp.db.engine import create_engine, session_factory
from webapp.db.models import Message, Room


@pytest.fixture
async def sessions(database_url):
    engine = create_engine(database_url)
    yield session_factory(engine)
    await engine.dispose()


async def _room_and_author(sessions) -> tuple[int, int]:
    async with sessions.begin() as session:
        author = await users.create_user(session)
        room = (await rooms.create_room(session, creator_id=author.id)).room
    return room.id, author.id


async def _send(sessions, room_id: int, author_id: int, body: str, client_id: str | None = None):
    async with sessions.begin() as session:
        return await messages.send_message(session, room_id=room_id, author_id=author_id, body=body, client_id=client_id)


async def test_a_message_is_stored_and_counted_in_its_room(sessions) -> None:
    room_id, author_id = await _room_and_author(sessions)
    first = await _send(sessions, room_id, author_id, "  hello\r\nthere  ")
    second = await _send(sessions, room_id, author_id, "again")
    assert first.message.body == "hello\nthere"
    assert first.message.author.id == author_id and first.message.room_id == room_id
    assert (first.message_count, second.message_count) == (1, 2)
    assert second.message.id > first.message.id and not first.repeat
    async with sessions() as session:
        assert (await session.get(Room, room_id)).message_count == 2


@pytest.mark.parametrize(("body", "code"), [("", "not_sufficient_data"), (" \n\t ", "not_sufficient_data"), ("x" * 4001, "data_too_long")])
async def test_bad_bodies_are_refused_and_nothing_is_stored(sessions, body: str, code: str) -> None:
    room_id, author_id = await _room_and_author(sessions)
    with pytest.raises(ChatError) as refused:
        await _send(sessions, room_id, author_id, body)
    assert refused.value.code == code
    async with sessions() as session:
        assert await session.scalar(select(Message).where(Message.room_id == room_id)) is None
        assert (await session.get(Room, room_id)).message_count == 0


async def test_the_longest_body_is_accepted(sessions) -> None:
    room_id, author_id = await _room_and_author(sessions)
    assert len((await _send(sessions, room_id, author_id, "y" * 4000)).message.body) == 4000


async def test_a_repeated_client_id_stores_nothing_twice(sessions) -> None:
    room_id, author_id = await _room_and_author(sessions)
    first = await _send(sessions, room_id, author_id, "once", client_id="abc-1")
    again = await _send(sessions, room_id, author_id, "once (retried)", client_id="abc-1")
    assert again.repeat and not first.repeat
    assert again.message.id == first.message.id and again.message.body == "once"
    assert again.message_count == first.message_count == 1
    # Another author may use the same client_id: it is theirs.
    _, other = await _room_and_author(sessions)
    assert not (await _send(sessions, room_id, other, "mine", client_id="abc-1")).repeat
    async with sessions() as session:
        assert (await session.get(Room, room_id)).message_count == 2


async def test_a_client_id_is_the_authors_per_room(sessions) -> None:
    room_id, author_id = await _room_and_author(sessions)
    async with sessions.begin() as session:
        other_room = (await rooms.create_room(session, creator_id=author_id)).room.id
    first = await _send(sessions, room_id, author_id, "here", client_id="same-id")
    # The same id in another room is another message, stored there.
    elsewhere = await _send(sessions, other_room, author_id, "there", client_id="same-id")
    assert not elsewhere.repeat
    assert (elsewhere.message.room_id, elsewhere.message.body) == (other_room, "there")
    # A repeat in either room gets that room's original back.
    for room, original in ((room_id, first), (other_room, elsewhere)):
        again = await _send(sessions, room, author_id, "retried", client_id="same-id")
        assert again.repeat and again.message.id == original.message.id and again.message.room_id == room
    async with sessions() as session:
        assert [(await session.get(Room, r)).message_count for r in (room_id, other_room)] == [1, 1]


async def test_sending_to_a_missing_room_is_refused(sessions) -> None:
    _, author_id = await _room_and_author(sessions)
    with pytest.raises(ChatError) as refused:
        await _send(sessions, 987654, author_id, "anyone?")
    assert refused.value.code == "no_such_room"


async def test_history_pages_are_keyset_pages_oldest_first(sessions) -> None:
    room_id, author_id = await _room_and_author(sessions)
    other_room, _ = await _room_and_author(sessions)
    sent = []
    for n in range(messages.PAGE_SIZE * 2 + 1):
        sent.append((await _send(sessions, room_id, author_id, f"m{n}")).message.id)
        if n % 10 == 0:
            await _send(sessions, other_room, author_id, "elsewhere")
    async with sessions() as session:
        newest = await messages.page_before(session, room_id)
        older = await messages.page_before(session, room_id, newest.messages[0].id)
        oldest = await messages.page_before(session, room_id, older.messages[0].id)
        before_first = await messages.page_before(session, room_id, sent[0])
        at_boundary = await messages.page_before(session, room_id, sent[messages.PAGE_SIZE])
        past_boundary = await messages.page_before(session, room_id, sent[messages.PAGE_SIZE + 1])
        empty_room = await messages.page_before(session, (await _room_and_author(sessions))[0])
    assert [m.id for m in newest.messages] == sent[-messages.PAGE_SIZE:] and newest.more
    assert [m.id for m in older.messages] == sent[1 : messages.PAGE_SIZE + 1] and older.more
    assert [m.id for m in oldest.messages] == sent[:1] and not oldest.more
    assert before_first == empty_room == messages.Page([], more=False)
    # Exactly a page's worth before the boundary: a full page, and no more to load.
    assert [m.id for m in at_boundary.messages] == sent[: messages.PAGE_SIZE] and not at_boundary.more
    assert [m.id for m in past_boundary.messages] == sent[1 : messages.PAGE_SIZE + 1] and past_boundary.more
    assert all(m.room_id == room_id for m in newest.messages + older.messages + oldest.messages)


async def test_a_history_page_is_read_through_the_room_index(database_url) -> None:
    """No query grows with the total history: the page query SEARCHes the (room_id, id) index."""
    engine = create_engine(database_url)
    seen: list[tuple[str, tuple]] = []
    event.listen(engine.sync_engine, "before_cursor_execute", lambda conn, cur, sql, params, *_: seen.append((sql, params)))
    try:
        async with session_factory(engine)() as session:
            await messages.page_before(session, 1, 100)
            sql, params = next((sql, params) for sql, params in seen if "FROM messages" in sql)
            connection = await session.connection()
            if database_url.startswith("sqlite"):
                rows = await connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)
            else:
                # A small table is cheaper to scan: ask which index an ordered read would use.
                await connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
                await connection.exec_driver_sql("SET LOCAL enable_bitmapscan = off")
                # Nor let the users join's strategy (which follows how many users
                # other tests made) re-sort what the index gives in order.
                await connection.exec_driver_sql("SET LOCAL enable_mergejoin = off")
                await connection.exec_driver_sql("SET LOCAL enable_hashjoin = off")
                rows = await connection.exec_driver_sql("EXPLAIN " + sql, params)
            details = " ".join(str(row[-1]) for row in rows)
    finally:
        await engine.dispose()
    if database_url.startswith("sqlite"):
        assert "INDEX ix_messages_room_id_id (room_id=? AND id<?)" in details, details
        assert "TEMP B-TREE" not in details, details
    else:
        assert "Index Scan Backward using ix_messages_room_id_id" in details, details
        assert "Sort" not in details, details


async def test_what_a_socket_missed_is_replayed_whole_up_to_the_limit(sessions) -> None:
    room_id, author_id = await _room_and_author(sessions)
    sent = [(await _send(sessions, room_id, author_id, f"m{n}")).message.id for n in range(messages.PAGE_SIZE + 5)]
    async with sessions() as session:
        assert [m.id for m in await messages.replay_after(session, room_id, sent[-3], limit=10)] == sent[-2:]
        assert await messages.replay_after(session, room_id, sent[-1], limit=10) == []
        # More than a page, oldest first, all of it.
        assert [m.id for m in await messages.replay_after(session, room_id, 0, limit=100)] == sent
        # Exactly the limit is still a replay; one more is a resync.
        assert [m.id for m in await messages.replay_after(session, room_id, sent[-11], limit=10)] == sent[-10:]
        assert await messages.replay_after(session, room_id, sent[-12], limit=10) is None
