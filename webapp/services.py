"""The services a process runs, built once in the app's lifespan and handed to
every handler as `services` (Litestar dependency injection)."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from dataclasses import dataclass

from jinja2 import Environment
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from webapp.api.encoding import Statements
from webapp.api.rooms_changed import RoomsChanged
from webapp.chat import presence, rooms
from webapp.chat.events import Event, MessageCreated
from webapp.db import inline_sqlite
from webapp.db.engine import create_engine, session_factory, sqlite_path
from webapp.db.writer import Writer, transactions
from webapp.realtime.boards import Boards
from webapp.realtime.bus import Bus, create_bus
from webapp.realtime.coalesce import Coalescer
from webapp.realtime.cursors import Cursors
from webapp.realtime.fragments import Fragments
from webapp.realtime.hub import Hub
from webapp.realtime.limits import Limiter
from webapp.realtime.typing import Typists
from webapp.realtime.unread import UnreadCounts
from webapp.settings import Settings

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10


@dataclass
class Services:
    settings: Settings
    templates: Environment
    fragments: Fragments
    sessions: async_sessionmaker[AsyncSession]  # reads
    transaction: Callable[[], AbstractAsyncContextManager[AsyncSession]]  # writes outside the socket path
    writer: Writer  # every change a socket asks for: group commit, then the bus
    bus: Bus
    hub: Hub
    coalescer: Coalescer
    boards: Boards
    cursors: Cursors
    limiter: Limiter
    server_id: str
    api: Statements  # the JSON API's format of events
    unread: UnreadCounts
    typists: Typists


@asynccontextmanager
async def running(settings: Settings, templates: Environment) -> AsyncIterator[Services]:
    """Start the process's services, and on the way out take its sockets out of
    the rooms, publish that, and stop."""
    # With the memory bus this is the only process, so the only writer of a SQLite file.
    alone = settings.channels_backend == "memory"
    engine = create_engine(settings.database_url, alone=alone)
    sessions = session_factory(engine)
    transaction = transactions(settings.database_url, sessions)
    bus = create_bus(settings)
    fragments = Fragments(templates)
    statements = Statements()
    hub = Hub(formats=[fragments.deliveries, statements.deliveries])
    coalescer = Coalescer(hub, fragments, sessions)
    boards = Boards(fragments, sessions)
    rooms_changed = RoomsChanged(hub, statements, sessions)
    unread = UnreadCounts(hub, fragments, sessions)
    typists = Typists(hub, fragments)
    cursors = Cursors(bus)
    hub.observers += [coalescer.observe, boards.observe, rooms_changed.observe, unread.observe, typists.observe, cursors.observe]
    writer = Writer(transaction, bus)
    if settings.crash_after_commit:
        writer.after_commit = _crash_after_a_message
    services = Services(
        settings=settings, templates=templates, fragments=fragments, sessions=sessions, transaction=transaction,
        writer=writer, bus=bus, hub=hub, coalescer=coalescer, boards=boards, cursors=cursors, limiter=Limiter(settings),
        server_id=str(uuid.uuid4()), api=statements, unread=unread, typists=typists,
    )
    await bus.start(hub.deliver)
    tasks = [
        asyncio.create_task(task)
        for task in (writer.work(), coalescer.run(), rooms_changed.run(), unread.run(), typists.run(), cursors.run())
    ]
    if alone and (path := sqlite_path(settings.database_url)):
        tasks.append(asyncio.create_task(inline_sqlite.checkpoints(path)))
    await _beat(services)
    tasks.append(asyncio.create_task(_heartbeat(services)))
    try:
        yield services
    finally:
        try:
            # Queued after every change still waiting, which is committed first.
            await writer.run(lambda session: presence.retire(session, services.server_id))
        except Exception:
            log.exception("could not take this process's sockets out of the rooms")
        finally:
            for task in tasks:
                task.cancel()
                with suppress(asyncio.CancelledError):
                    await task
            await bus.stop()
            await engine.dispose()


def _crash_after_a_message(events: list[Event]) -> None:
    if any(isinstance(event, MessageCreated) for event in events):
        os.kill(os.getpid(), signal.SIGKILL)


async def _beat(services: Services) -> None:
    """Keep this process's presence alive; let presence of dead processes go,
    and rooms deleted past their restoring days."""
    await services.writer.run(lambda session: presence.heartbeat(session, services.server_id))
    await services.writer.run(rooms.purge_deleted)


async def _heartbeat(services: Services) -> None:
    while True:
        await asyncio.sleep(HEARTBEAT_SECONDS)
        try:
            await _beat(services)
        except Exception:
            log.exception("presence heartbeat failed")
