"""SQLite in the event loop's own thread (db/inline_sqlite.py), for a process
alone with its database: same results as aiosqlite, no thread hop, WAL
readers beside the writer, and checkpoints done off the loop."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.support import migrate
from webapp.chat import messages, rooms, users
from webapp.chat.errors import ChatError
from webapp.db import inline_sqlite
from webapp.db.engine import create_engine, session_factory, sqlite_path


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'inline.db'}"
    migrate(url)
    return url


async def _thread_of_statements(url: str, alone: bool) -> int:
    engine = create_engine(url, alone=alone)
    try:
        async with engine.connect() as connection:
            # A function SQLite calls back while it runs the statement: its thread is the statement's.
            threads: list[int] = []
            await connection.run_sync(lambda sync: sync.connection.dbapi_connection.create_function(
                "thread_id", 0, lambda: threads.append(threading.get_ident()) or 0))
            await connection.execute(text("SELECT thread_id()"))
            return threads[0]
    finally:
        await engine.dispose()


async def test_alone_statements_run_in_the_loops_thread_and_otherwise_on_aiosqlites(url: str) -> None:
    assert await _thread_of_statements(url, alone=True) == threading.get_ident()
    assert await _thread_of_statements(url, alone=False) != threading.get_ident()


@pytest.fixture
async def sessions(url: str):
    """Sessions of an engine alone with its file."""
    engine = create_engine(url, alone=True)
    yield session_factory(engine)
    await engine.dispose()


async def _author_and_room(sessions) -> tuple[int, int]:
    async with sessions.begin() as session:
        author = await users.create_user(session)
        room = (await rooms.create_room(session, creator_id=author.id, name="Inline")).room
    return author.id, room.id


async def test_a_message_is_stored_and_read_back_the_same(sessions) -> None:
    author, room = await _author_and_room(sessions)
    async with sessions.begin() as session:
        sent = await messages.send_message(session, room_id=room, author_id=author, body="héllo <b>", client_id="c-1")
        again = await messages.send_message(session, room_id=room, author_id=author, body="héllo <b>", client_id="c-1")
    async with sessions() as session:
        page = await messages.page_before(session, room)
    assert again.repeat and again.message.id == sent.message.id
    assert [(m.id, m.body, m.seq) for m in page.messages] == [(sent.message.id, "héllo <b>", 1)]


async def test_a_failed_statement_rolls_back_and_leaves_the_connection_usable(sessions) -> None:
    with pytest.raises(ChatError):
        async with sessions.begin() as session:
            await messages.send_message(session, room_id=999, author_id=1, body="nowhere")
    async with sessions() as session:
        assert (await session.execute(text("SELECT count(*) FROM messages"))).scalar() == 0


async def test_a_reader_sees_the_last_commit_while_a_write_is_open(sessions) -> None:
    author, room = await _author_and_room(sessions)
    async with sessions.begin() as writing:
        await messages.send_message(writing, room_id=room, author_id=author, body="not yet committed")
        async with sessions() as reading:
            assert (await messages.page_before(reading, room)).messages == []
    async with sessions() as reading:
        assert [m.body for m in (await messages.page_before(reading, room)).messages] == ["not yet committed"]


async def test_commits_leave_the_log_to_the_checkpoint_which_copies_it_back(url: str, sessions) -> None:
    path = sqlite_path(url)
    author, room = await _author_and_room(sessions)
    for i in range(1200):
        async with sessions.begin() as session:
            await messages.send_message(session, room_id=room, author_id=author, body=f"{i} " + "x" * 3900)
    # SQLite's own checkpoint, in the committing thread, would have kept the log near 1,000 pages.
    page_size = sqlite3.connect(path).execute("PRAGMA page_size").fetchone()[0]
    assert Path(path + "-wal").stat().st_size > 1100 * page_size
    inline_sqlite.checkpoint(path)
    db = sqlite3.connect(path)
    try:
        _busy, logged, copied = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        assert logged > 1100 and copied == logged
        assert db.execute("SELECT count(*) FROM messages").fetchone()[0] == 1200
    finally:
        db.close()
