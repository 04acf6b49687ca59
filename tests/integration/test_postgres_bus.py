"""The PostgreSQL channels backend: big payloads, and a listener that loses its connection."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator

import asyncpg
import pytest

from tests.conftest import require_postgres
from tests.support import Server, migrate, postgres_database, text_of
from webapp.realtime.backends import asyncpg_dsn
from webapp.realtime.backends.postgres import INLINE_MAX_BYTES, LISTENER_NAME, PostgresChannelsBackend
from webapp.settings import Settings


@pytest.fixture(scope="module")
def bus_database_url() -> Iterator[str]:
    require_postgres()
    with postgres_database() as url:
        migrate(url)
        yield url


@pytest.fixture
async def backends(bus_database_url: str) -> AsyncIterator[callable]:
    started: list[PostgresChannelsBackend] = []

    async def start(*channels: str) -> PostgresChannelsBackend:
        backend = PostgresChannelsBackend(asyncpg_dsn(bus_database_url))
        await backend.on_startup()
        await backend.subscribe(channels)
        started.append(backend)
        return backend

    yield start
    for backend in started:
        await backend.on_shutdown()


async def _receive(backend: PostgresChannelsBackend, count: int, timeout: float = 10) -> list[tuple[str, bytes]]:
    got = []

    async def read() -> None:
        async for item in backend.stream_events():
            got.append(item)
            if len(got) == count:
                return

    await asyncio.wait_for(read(), timeout)
    return got


async def _terminate(dsn: str, pid: int) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        assert await connection.fetchval("SELECT pg_terminate_backend($1)", pid)
    finally:
        await connection.close()


async def test_payloads_over_the_notify_limit_arrive_whole_and_in_order(backends) -> None:
    sender, receiver = await backends(), await backends("events")
    big = ("x" * 20_000 + "é").encode()
    assert len(big) > 8000 > INLINE_MAX_BYTES
    messages = [b'{"n":1}', big, b'{"n":3}']
    for data in messages:
        await sender.publish(data, ["events"])
    assert await _receive(receiver, 3) == [("events", data) for data in messages]


async def test_other_channels_are_not_received(backends) -> None:
    sender, receiver = await backends(), await backends("events")
    await sender.publish(b"elsewhere", ["other"])
    await sender.publish(b"here", ["events"])
    assert await _receive(receiver, 1) == [("events", b"here")]


async def test_a_killed_listener_reconnects_and_replays_what_it_missed(backends, bus_database_url) -> None:
    sender, receiver = await backends(), await backends("events")
    await sender.publish(b"before", ["events"])
    assert await _receive(receiver, 1) == [("events", b"before")]

    killed = receiver.backend_pid()
    await _terminate(asyncpg_dsn(bus_database_url), killed)
    # Published while the listener is (most likely) still down: only a replay can bring these.
    await sender.publish(b"during", ["events"])
    await sender.publish(("y" * 9000).encode(), ["events"])
    await asyncio.wait_for(_reconnected(receiver, killed), 10)
    await sender.publish(b"after", ["events"])

    got = await _receive(receiver, 3)
    assert got == [("events", b"during"), ("events", ("y" * 9000).encode()), ("events", b"after")]
    # Nothing is delivered twice.
    await sender.publish(b"last", ["events"])
    assert await _receive(receiver, 1) == [("events", b"last")]


async def _reconnected(backend: PostgresChannelsBackend, killed: int) -> None:
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
