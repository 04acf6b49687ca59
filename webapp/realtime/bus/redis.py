"""The bus over Redis streams, read from where the reader left off.

Streams rather than pub/sub: after a lost connection XREAD resumes after the
last entry read, so nothing published meanwhile is missed. An event is added
to the stream after its transaction commits, by one publisher task, in
commit order. Unlike the PostgreSQL outbox, a process killed between a commit
and its XADD loses that event's live delivery to the other processes; their
pages get the change when they next reconnect (docs/delivery.md).
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from webapp.chat.events import Event
from webapp.realtime.bus import Deliver, decode, encode

log = logging.getLogger(__name__)

STREAM = "chatboard:events"
CLIENT_NAME = "chatboard-bus"  # as CLIENT LIST shows its connections
HISTORY = 1000  # entries the stream keeps, for readers that reconnect
BLOCK_MS = 1000
RETRY_SECONDS = (0.1, 0.5, 2.0)


class RedisBus:
    def __init__(self, url: str) -> None:
        self._redis = Redis.from_url(url, client_name=CLIENT_NAME)
        self._outgoing: asyncio.Queue[bytes] = asyncio.Queue()
        self._position: bytes | None = None
        self._tasks: list[asyncio.Task] = []

    async def start(self, deliver: Deliver) -> None:
        seconds, micros = await self._redis.time()
        self._position = f"{seconds * 1000 + micros // 1000}-0".encode()
        self._tasks = [asyncio.create_task(self._publish()), asyncio.create_task(self._read(deliver))]

    async def stop(self) -> None:
        with suppress(TimeoutError):
            await asyncio.wait_for(self._outgoing.join(), 5)
        for task in self._tasks:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
        await self._redis.aclose()

    async def stage(self, session: AsyncSession, events: list[Event]) -> None:
        pass

    def committed(self, events: list[Event]) -> None:
        for event in events:
            self._outgoing.put_nowait(encode(event))

    publish = committed  # the stream is no store: it keeps the last HISTORY entries

    async def _publish(self) -> None:
        while True:
            data = await self._outgoing.get()
            for delay in (*RETRY_SECONDS, None):
                try:
                    await self._redis.xadd(STREAM, {"data": data}, maxlen=HISTORY, approximate=True)
                    break
                except Exception:
                    if delay is None:
                        log.exception("event lost: Redis refused it %d times", len(RETRY_SECONDS) + 1)
                    else:
                        await asyncio.sleep(delay)
            self._outgoing.task_done()

    async def _read(self, deliver: Deliver) -> None:
        while True:
            try:
                streams = await self._redis.xread({STREAM: self._position}, block=BLOCK_MS)
            except Exception:
                # The position is kept, so the next read goes on where this one stopped.
                log.warning("the Redis bus reader lost its connection; reading again", exc_info=True)
                await asyncio.sleep(RETRY_SECONDS[0])
                continue
            for _key, entries in streams or []:
                for entry_id, fields in entries:
                    self._position = entry_id
                    try:
                        deliver(decode(fields[b"data"]))
                    except Exception:
                        log.exception("event not delivered: %.200r", fields)
