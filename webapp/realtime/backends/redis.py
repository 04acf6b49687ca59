"""Channels over Redis streams, read from where the reader left off."""

from __future__ import annotations

from collections.abc import AsyncGenerator

from litestar.channels.backends.redis import RedisChannelsStreamBackend
from redis.asyncio import Redis

CLIENT_NAME = "chatboard-bus"  # as CLIENT LIST shows its connections


class RedisStreamBackend(RedisChannelsStreamBackend):
    """Litestar's streams backend, with the reader's place kept on the backend.

    Streams rather than pub/sub: after a lost connection XREAD resumes after
    the last entry read, so nothing published meanwhile is missed. Litestar's
    generator starts every stream at its beginning; this one starts at the
    moment the backend starts, and a restarted generator resumes where the
    previous one stopped."""

    def __init__(self, url: str) -> None:
        # XREAD blocks up to a second when idle instead of polling every millisecond.
        super().__init__(
            history=1000,
            redis=Redis.from_url(url, client_name=CLIENT_NAME),
            key_prefix="chatboard",
            stream_sleep_no_subscriptions=1000,
        )
        self._positions: dict[str, bytes] = {}
        self._start: bytes | None = None

    async def on_shutdown(self) -> None:
        await self._redis.aclose()

    async def stream_events(self) -> AsyncGenerator[tuple[str, bytes], None]:
        if self._start is None:
            seconds, micros = await self._redis.time()
            self._start = f"{seconds * 1000 + micros // 1000}-0".encode()
        while True:
            keys = [self._make_key(channel) for channel in await self._get_subscribed_channels()]
            streams = await self._redis.xread(
                {key: self._positions.get(key, self._start) for key in keys}, block=self._stream_sleep_no_subscriptions
            )
            for key, entries in streams or []:
                for entry_id, fields in entries:
                    self._positions[key.decode()] = entry_id
                    yield fields[b"channel"].decode(), fields[b"data"]
