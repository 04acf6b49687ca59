"""The bus of a single process."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from webapp.chat.events import Event
from webapp.realtime.bus import Deliver


class MemoryBus:
    """One process: an event is delivered as soon as its transaction commits."""

    def __init__(self) -> None:
        self._deliver: Deliver | None = None

    async def start(self, deliver: Deliver) -> None:
        self._deliver = deliver

    async def stop(self) -> None:
        self._deliver = None

    async def stage(self, session: AsyncSession, events: list[Event]) -> None:
        pass

    def committed(self, events: list[Event]) -> None:
        if self._deliver is not None:
            for event in events:
                self._deliver(event)

    publish = committed
