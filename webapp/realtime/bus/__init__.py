"""The bus that carries events between processes, as CHANNELS_BACKEND names it.

Every bus has the same parts: `stage(session, events)` inside the
transaction that made the events, `committed(events)` after its commit,
`publish(events)` for what is never stored (live cursors), and
`start(deliver)`, which hands every event, this process's own included, to
`deliver` (the hub) in the order the bus keeps. Events are small JSON
(msgspec), never HTML: each process renders them once for its own sockets.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import msgspec
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from webapp.chat.events import Event
from webapp.db.engine import normalize_url
from webapp.settings import Settings

Deliver = Callable[[Event], None]
encode = msgspec.json.Encoder().encode
decode = msgspec.json.Decoder(Event).decode


class Bus(Protocol):
    async def start(self, deliver: Deliver) -> None: ...
    async def stop(self) -> None: ...
    async def stage(self, session: AsyncSession, events: list[Event]) -> None: ...
    def committed(self, events: list[Event]) -> None: ...
    def publish(self, events: list[Event]) -> None: ...


def asyncpg_dsn(database_url: str) -> str:
    """The DSN asyncpg takes, from the SQLAlchemy URL the app is configured with."""
    url = make_url(normalize_url(database_url)).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def create_bus(settings: Settings) -> Bus:
    match settings.channels_backend:
        case "postgres":
            from webapp.realtime.bus.postgres import PostgresBus

            return PostgresBus(asyncpg_dsn(settings.database_url))
        case "redis":
            from webapp.realtime.bus.redis import RedisBus

            return RedisBus(settings.redis_url)
    from webapp.realtime.bus.memory import MemoryBus

    return MemoryBus()
