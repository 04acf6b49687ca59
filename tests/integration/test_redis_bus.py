"""The Redis channels backend: a reader whose connection is killed goes on where it stopped."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator

import pytest
import redis.asyncio

from tests.conftest import require_redis
from tests.support import REDIS_URL
from webapp.realtime.backends.redis import CLIENT_NAME, RedisStreamBackend


@pytest.fixture
async def redis_url() -> str:
    require_redis()
    # A database of its own: other test runs on this machine may share the server.
    return REDIS_URL.rsplit("/", 1)[0] + f"/{random.randint(1, 15)}"


@pytest.fixture
async def backends(redis_url) -> AsyncIterator[callable]:
    started: list[RedisStreamBackend] = []

    async def start(*channels: str) -> RedisStreamBackend:
        backend = RedisStreamBackend(redis_url)
        await backend.on_startup()
        await backend.subscribe(channels)
        started.append(backend)
        return backend

    yield start
    for backend in started:
        await backend.on_shutdown()


async def _read(backend: RedisStreamBackend, count: int) -> list[tuple[str, bytes]]:
    """Read as the app's relay does: a stream that fails is started again."""
    got = []
    while len(got) < count:
        try:
            async for item in backend.stream_events():
                got.append(item)
                if len(got) == count:
                    break
        except redis.ConnectionError:
            await asyncio.sleep(0.1)
    return got


async def _kill_readers(redis_url: str) -> int:
    admin = redis.asyncio.Redis.from_url(redis_url)
    try:
        db = str(admin.get_connection_kwargs()["db"])
        readers = [c["id"] for c in await admin.client_list() if (c["name"], c["cmd"], c["db"]) == (CLIENT_NAME, "xread", db)]
        for reader in readers:
            await admin.client_kill_filter(_id=reader)
        return len(readers)
    finally:
        await admin.aclose()


async def test_a_reader_whose_connection_is_killed_resumes_without_a_gap(backends, redis_url) -> None:
    sender, receiver = await backends(), await backends("events")
    reading = asyncio.create_task(_read(receiver, 1))
    await asyncio.sleep(0.2)  # the reader is blocked in XREAD now
    await sender.publish(b"before", ["events"])
    assert await asyncio.wait_for(reading, 5) == [("events", b"before")]

    reading = asyncio.create_task(_read(receiver, 2))
    await asyncio.sleep(0.2)
    assert await _kill_readers(redis_url) == 1
    await sender.publish(b"while down", ["events"])
    await sender.publish(b"after", ["events"])
    assert await asyncio.wait_for(reading, 5) == [("events", b"while down"), ("events", b"after")]
