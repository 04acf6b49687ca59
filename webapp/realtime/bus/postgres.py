"""The bus over PostgreSQL: a transactional outbox, LISTEN/NOTIFY, and a
listener that reconnects.

Each event is a row of the outbox (db/models.py), inserted in the same
transaction as the change it describes, with a NOTIFY that PostgreSQL sends
when, and only if, that transaction commits. So a process killed right after a
commit loses no live event: the notification is on its way, and the row is
there for any listener that missed it. NOTIFY carries the row's id, plus the
event when it fits in NOTIFY's 8,000 bytes; a listener reads larger events back
by id. When the listening connection is lost the listener reconnects, LISTENs
again and replays the rows it has not seen.

Litestar's asyncpg channels backend publishes after the fact on a connection of
its own, cannot carry more than NOTIFY's limit and has no replay: hence this.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from contextlib import suppress

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from webapp.chat.events import Event
from webapp.realtime.bus import Deliver, decode, encode

log = logging.getLogger(__name__)

CHANNEL = "events"  # the outbox's channel column: every event goes to every process
PASSING = "passing"  # events never stored (cursors): NOTIFY only, with row id 0, never replayed
NOTIFY_CHANNEL = "chatboard_events"
LISTENER_NAME = "chatboard-listener"  # its application_name, to tell it apart in pg_stat_activity
# NOTIFY refuses payloads of 8,000 bytes or more; leave room for the id and channel.
INLINE_MAX_BYTES = 7000
# Ids are taken at insert but become visible at commit, slightly out of order
# between processes: a replay looks this far back, skipping the ids it has seen.
REPLAY_WINDOW = 1000
PING_SECONDS = 5.0
RETRY_SECONDS = (0.1, 0.5, 1.0, 2.0, 5.0)
PRUNE_AFTER = "1 hour"
PRUNE_EVERY = 60

STAGE = text(
    """
WITH row AS (INSERT INTO outbox (channel, payload) VALUES (:channel, CAST(:payload AS text)) RETURNING id)
SELECT pg_notify(:notify, row.id || E'\\n' || :channel || CASE WHEN octet_length(CAST(:payload AS text)) <= :inline THEN E'\\n' || :payload ELSE '' END)
FROM row
"""
)


class PostgresBus:
    def __init__(self, dsn: str) -> None:
        self._dsn = dsn
        self._pool: asyncpg.Pool | None = None
        self._queue: asyncio.Queue[tuple[int, str, str | None]] = asyncio.Queue()
        self._seen: OrderedDict[int, None] = OrderedDict()
        self._first_id: int | None = None  # rows before it were published before this backend started
        self._last_id = 0
        self._listener: asyncio.Task | None = None
        self._relay: asyncio.Task | None = None
        self._connection: asyncpg.Connection | None = None
        self._notifying: set[asyncio.Task] = set()  # asyncio holds only weak references to tasks
        # Set while a listening connection is up; tests wait on it.
        self.listening = asyncio.Event()

    async def start(self, deliver: Deliver) -> None:
        self._pool = await asyncpg.create_pool(self._dsn, min_size=1, max_size=2)
        self._listener = asyncio.create_task(self._listen())
        await self.listening.wait()
        self._relay = asyncio.create_task(self._forward(deliver))

    async def stop(self) -> None:
        for task in (self._relay, self._listener):
            if task is not None:
                task.cancel()
                with suppress(asyncio.CancelledError):
                    await task
        if self._pool is not None:
            await self._pool.close()

    async def stage(self, session: AsyncSession, events: list[Event]) -> None:
        # Last in the transaction: after the room's row is locked, so that the
        # outbox ids of one room's changes follow their commit order.
        for event in events:
            payload = encode(event).decode()
            await session.execute(STAGE, {"channel": CHANNEL, "payload": payload, "notify": NOTIFY_CHANNEL, "inline": INLINE_MAX_BYTES})

    def committed(self, events: list[Event]) -> None:
        pass  # PostgreSQL sent the notifications with the commit

    def publish(self, events: list[Event]) -> None:
        """NOTIFY without an outbox row: what is lost with a lost connection
        is stale a moment later anyway. Too large for NOTIFY, it is dropped."""
        payloads = [f"0\n{PASSING}\n{encode(event).decode()}" for event in events]
        payloads = [payload for payload in payloads if len(payload.encode()) <= INLINE_MAX_BYTES]
        if payloads and self._pool is not None:
            task = asyncio.create_task(self._notify(payloads))
            self._notifying.add(task)
            task.add_done_callback(self._notifying.discard)

    async def _notify(self, payloads: list[str]) -> None:
        try:
            async with self._pool.acquire() as connection:
                for payload in payloads:
                    await connection.execute("SELECT pg_notify($1, $2)", NOTIFY_CHANNEL, payload)
        except Exception as error:
            log.warning("passing events not sent: %r", error)

    async def _forward(self, deliver: Deliver) -> None:
        while True:
            row_id, channel, payload = await self._queue.get()
            if channel == PASSING:
                try:
                    deliver(decode(payload))
                except Exception:
                    log.exception("passing event not delivered")
                continue
            # A replay and a late notification may bring the same row twice.
            if row_id in self._seen or channel != CHANNEL:
                continue
            self._remember(row_id)
            try:
                if payload is None:
                    payload = await self._pool.fetchval("SELECT payload FROM outbox WHERE id = $1", row_id)
                    if payload is None:
                        continue
                deliver(decode(payload))
            except Exception:
                log.exception("event %d not delivered", row_id)

    def _remember(self, row_id: int) -> None:
        self._seen[row_id] = None
        if len(self._seen) > 4 * REPLAY_WINDOW:
            self._seen.popitem(last=False)
        self._last_id = max(self._last_id, row_id)

    def _on_notify(self, _connection, _pid, _channel, payload: str) -> None:
        row_id, channel, *inline = payload.split("\n", 2)
        self._queue.put_nowait((int(row_id), channel, inline[0] if inline else None))

    async def _listen(self) -> None:
        """Keep one LISTENing connection, for as long as the backend runs."""
        failures = 0
        while True:
            lost = asyncio.Event()
            try:
                connection = await asyncpg.connect(self._dsn, server_settings={"application_name": LISTENER_NAME})
            except Exception as error:  # down, refusing, timing out: try again
                delay = RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)]
                failures += 1
                log.warning("cannot connect the channels listener (%s); retrying in %.1fs", error, delay)
                await asyncio.sleep(delay)
                continue
            self._connection = connection
            try:
                connection.add_termination_listener(lambda _: lost.set())
                await connection.add_listener(NOTIFY_CHANNEL, self._on_notify)
                await self._catch_up(connection)
                failures = 0
                self.listening.set()
                await self._watch(connection, lost)
            except Exception as error:  # whatever it was, the listener must come back
                log.warning("channels listener failed: %r", error)
            finally:
                self.listening.clear()
                self._connection = None
                connection.terminate()
            log.warning("channels listener lost its connection; reconnecting")

    async def _catch_up(self, connection: asyncpg.Connection) -> None:
        """After LISTEN: on the first connection, start from now; after a loss, replay what was missed."""
        if self._first_id is None:
            self._first_id = self._last_id = await connection.fetchval("SELECT coalesce(max(id), 0) FROM outbox")
            return
        rows = await connection.fetch(
            "SELECT id, channel, payload FROM outbox WHERE id > $1 ORDER BY id",
            max(self._first_id, self._last_id - REPLAY_WINDOW),
        )
        missed = [(row["id"], row["channel"], row["payload"]) for row in rows if row["id"] not in self._seen]
        if missed:
            log.info("channels listener replays %d events missed while disconnected", len(missed))
        # Merge with what is queued already (notifications from before the loss and since
        # the new LISTEN), so that the stream goes on in id order, each row once.
        queued = []
        while not self._queue.empty():
            queued.append(self._queue.get_nowait())
        for item in sorted({item[0]: item for item in queued + missed}.values()):
            self._queue.put_nowait(item)

    async def _watch(self, connection: asyncpg.Connection, lost: asyncio.Event) -> None:
        """Return when the connection is gone: closed under us, or no longer answering."""
        pings = 0
        while not lost.is_set():
            with suppress(TimeoutError):
                await asyncio.wait_for(lost.wait(), PING_SECONDS)
                return
            await asyncio.wait_for(connection.execute("SELECT 1"), PING_SECONDS)
            pings += 1
            if pings % (PRUNE_EVERY // int(PING_SECONDS)) == 0:
                await self._pool.execute(f"DELETE FROM outbox WHERE created_at < now() - interval '{PRUNE_AFTER}'")

    def backend_pid(self) -> int | None:
        """The server process of the listening connection (tests terminate it)."""
        return self._connection.get_server_pid() if self._connection is not None else None
