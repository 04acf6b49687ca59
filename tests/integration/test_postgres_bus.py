"""The PostgreSQL bus: an outbox row per event, big payloads, and a listener that loses its connection."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator

import asyncpg
import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from tests.conftest import require_postgres
from tests.support import Inbox, Server, migrate, postgres_database, text_of
from webapp.chat.events import Event, RoomDeleted, UserRenamed, UserView
from webapp.db.engine import create_engine, session_factory
from webapp.realtime.bus import asyncpg_dsn, encode
from webapp.realtime.bus.postgres import INLINE_MAX_BYTES, LISTENER_NAME, PostgresBus
from webapp.settings import Settings


@pytest.fixture(scope="module")
def bus_database_url() -> Iterator[str]:
    require_postgres()
    with postgres_database() as url:
        migrate(url)
        yield url


@pytest.fixture
async def sessions(bus_database_url: str) -> AsyncIterator[async_sessionmaker]:
    engine = create_engine(bus_database_url)
    yield session_factory(engine)
    await engine.dispose()


@pytest.fixture
async def buses(bus_database_url: str) -> AsyncIterator[callable]:
    started: list[PostgresBus] = []

    async def start() -> tuple[PostgresBus, Inbox]:
        bus, inbox = PostgresBus(asyncpg_dsn(bus_database_url)), Inbox()
        await bus.start(inbox)
        started.append(bus)
        return bus, inbox

    yield start
    for bus in started:
        await bus.stop()


async def publish(sessions: async_sessionmaker, bus: PostgresBus, *events: Event) -> None:
    """As the writer does: staged in a transaction, sent by its commit."""
    async with sessions.begin() as session:
        await bus.stage(session, list(events))
    bus.committed(list(events))


async def _terminate(dsn: str, pid: int) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        assert await connection.fetchval("SELECT pg_terminate_backend($1)", pid)
    finally:
        await connection.close()


async def test_payloads_over_the_notify_limit_arrive_whole_and_in_order(buses, sessions) -> None:
    (sender, _), (_, inbox) = await buses(), await buses()
    big = UserRenamed(UserView(1, "x" * 20_000 + "é"))
    assert len(encode(big)) > 8000 > INLINE_MAX_BYTES
    events = [RoomDeleted(1), big, RoomDeleted(3)]
    for event in events:
        await publish(sessions, sender, event)
    assert await inbox.wait_for(3) == events


async def test_nothing_is_sent_for_a_transaction_rolled_back(buses, sessions) -> None:
    (sender, _), (_, inbox) = await buses(), await buses()
    with pytest.raises(RuntimeError):
        async with sessions.begin() as session:
            await sender.stage(session, [RoomDeleted(1)])
            raise RuntimeError("refused")
    await publish(sessions, sender, RoomDeleted(2))
    assert await inbox.wait_for(1) == [RoomDeleted(2)]


async def test_a_killed_listener_reconnects_and_replays_what_it_missed(buses, sessions, bus_database_url) -> None:
    (sender, _), (receiver, inbox) = await buses(), await buses()
    await publish(sessions, sender, RoomDeleted(1))
    assert await inbox.wait_for(1) == [RoomDeleted(1)]

    killed = receiver.backend_pid()
    await _terminate(asyncpg_dsn(bus_database_url), killed)
    # Published while the listener is (most likely) still down: only a replay can bring these.
    big = UserRenamed(UserView(2, "y" * 9000))
    await publish(sessions, sender, RoomDeleted(2))
    await publish(sessions, sender, big)
    await asyncio.wait_for(_reconnected(receiver, killed), 10)
    await publish(sessions, sender, RoomDeleted(3))

    assert await inbox.wait_for(4) == [RoomDeleted(1), RoomDeleted(2), big, RoomDeleted(3)]
    # Nothing is delivered twice.
    await publish(sessions, sender, RoomDeleted(4))
    assert (await inbox.wait_for(5))[4:] == [RoomDeleted(4)]


async def _reconnected(backend: PostgresBus, killed: int) -> None:
    while not backend.listening.is_set() or backend.backend_pid() in (killed, None):
        await asyncio.sleep(0.02)


async def test_sockets_get_what_is_sent_after_the_listener_is_killed(bus_database_url, clients_of) -> None:
    """The whole app on the postgres bus: kill its LISTEN connection, the lobby keeps up."""
    server = Server(
        Settings(database_url=bus_database_url, secret_key="test-secret", env="test", channels_backend="postgres")
    ).start()
    try:
        alice, bob = await clients_of(server).connect(), await clients_of(server).connect()
        dsn = asyncpg_dsn(bus_database_url)
        connection = await asyncpg.connect(dsn)
        try:
            pids = await connection.fetch(
                "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()",
                LISTENER_NAME,
            )
            assert len(pids) == 1
            assert await connection.fetchval("SELECT pg_terminate_backend($1)", pids[0]["pid"])
        finally:
            await connection.close()

        names = [f"After {uuid.uuid4().hex[:6]} #{n}" for n in range(3)]
        for name in names:
            await alice.send("create_room", name=name)
        for name in names:
            await bob.expect("rooms", timeout=15, where=lambda el, name=name: name in text_of(el))
    finally:
        server.stop()
