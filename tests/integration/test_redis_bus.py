"""The Redis bus: a reader whose connection is killed goes on where it stopped."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator

import pytest
import redis.asyncio

from tests.conftest import require_redis
from tests.support import Inbox, REDIS_URL
from webapp.chat.events import RoomDeleted
from webapp.realtime.bus.redis import CLIENT_NAME, RedisBus


@pytest.fixture
async def redis_url() -> str:
    require_redis()
    # A database of its own: other test runs on this machine may share the server.
    return REDIS_URL.rsplit("/", 1)[0] + f"/{random.randint(1, 15)}"


@pytest.fixture
async def buses(redis_url) -> AsyncIterator[callable]:
    started: list[RedisBus] = []

    async def start() -> tuple[RedisBus, Inbox]:
        bus, inbox = RedisBus(redis_url), Inbox()
        await bus.start(inbox)
        started.append(bus)
        return bus, inbox

    yield start
    for bus in started:
        await bus.stop()


async def _readers(admin: redis.asyncio.Redis) -> list[int]:
    db = str(admin.get_connection_kwargs()["db"])
    return [c["id"] for c in await admin.client_list() if (c["name"], c["cmd"], c["db"]) == (CLIENT_NAME, "xread", db)]


async def _kill_readers(redis_url: str, expected: int) -> int:
    """Kill the bus readers once `expected` of them are blocked in XREAD."""
    admin = redis.asyncio.Redis.from_url(redis_url)
    try:
        async with asyncio.timeout(5):
            while len(readers := await _readers(admin)) < expected:
                await asyncio.sleep(0.02)
        for reader in readers:
            await admin.client_kill_filter(_id=reader)
        return len(readers)
    finally:
        await admin.aclose()


async def test_events_reach_every_process_in_order(buses) -> None:
    (one, inbox_one), (two, inbox_two) = await buses(), await buses()
    one.committed([RoomDeleted(1), RoomDeleted(2)])
    two.committed([RoomDeleted(3)])
    for inbox in (inbox_one, inbox_two):
        assert sorted(event.room_id for event in await inbox.wait_for(3)) == [1, 2, 3]
        assert [e.room_id for e in inbox.events if e.room_id < 3] == [1, 2]  # one process's events keep their order


async def test_a_reader_whose_connection_is_killed_resumes_without_a_gap(buses, redis_url) -> None:
    (sender, _), (_, inbox) = await buses(), await buses()
    sender.committed([RoomDeleted(1)])
    assert await inbox.wait_for(1) == [RoomDeleted(1)]

    assert await _kill_readers(redis_url, expected=2) == 2
    sender.committed([RoomDeleted(2), RoomDeleted(3)])
    assert await inbox.wait_for(3) == [RoomDeleted(1), RoomDeleted(2), RoomDeleted(3)]
