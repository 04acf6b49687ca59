"""Who is in which room, across every server process.

A row per open room socket; a user is in a room while any of their sockets is.
Rows belong to a server process whose heartbeat keeps them alive, so a crashed
process's users leave once its heartbeat goes stale."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import delete, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from webapp.chat.events import PresenceChanged, UserView
from webapp.db.models import Presence, Room, Server, User, utcnow

STALE_AFTER = timedelta(seconds=30)


async def user_counts(session: AsyncSession, room_ids: Iterable[int]) -> dict[int, int]:
    rows = await session.execute(
        select(Presence.room_id, func.count(distinct(Presence.user_id)))
        .where(Presence.room_id.in_(list(room_ids)))
        .group_by(Presence.room_id)
    )
    return {room_id: count for room_id, count in rows}


async def users_in_room(session: AsyncSession, room_id: int) -> list[UserView]:
    rows = await session.execute(
        select(User.id, User.name)
        .where(User.id.in_(select(Presence.user_id).where(Presence.room_id == room_id)))
        .order_by(User.name, User.id)
    )
    return [UserView(id, name) for id, name in rows]


async def _sockets_of(session: AsyncSession, room_id: int, user_id: int) -> int:
    return await session.scalar(
        select(func.count()).select_from(Presence).where(Presence.room_id == room_id, Presence.user_id == user_id)
    ) or 0


async def _change(session: AsyncSession, room_id: int, user_id: int, present: bool) -> PresenceChanged:
    name = await session.scalar(select(User.name).where(User.id == user_id))
    return PresenceChanged(room_id, UserView(user_id, name), present)


async def _lock_room(session: AsyncSession, room_id: int) -> None:
    # Entrances and exits of one room take turns (PostgreSQL; SQLite writers
    # always do), so "first socket" and the count are right across processes.
    await session.execute(select(Room.id).where(Room.id == room_id).with_for_update())


async def join(
    session: AsyncSession, *, socket_id: str, server_id: str, room_id: int, user_id: int
) -> PresenceChanged | None:
    """Record a room socket; an event only when it is the user's first there."""
    await _lock_room(session, room_id)
    first = await _sockets_of(session, room_id, user_id) == 0
    session.add(Presence(id=socket_id, server_id=server_id, room_id=room_id, user_id=user_id))
    await session.flush()
    return await _change(session, room_id, user_id, True) if first else None


async def leave(session: AsyncSession, socket_id: str) -> PresenceChanged | None:
    """Forget a room socket; an event only when it was the user's last there."""
    row = await session.get(Presence, socket_id)
    if row is None:
        return None
    await _lock_room(session, row.room_id)
    await session.delete(row)
    await session.flush()
    if await _sockets_of(session, row.room_id, row.user_id):
        return None
    return await _change(session, row.room_id, row.user_id, False)


async def heartbeat(session: AsyncSession, server_id: str) -> list[PresenceChanged]:
    """Keep this process's sockets alive and clear those of processes that died."""
    now = utcnow()
    server = await session.get(Server, server_id)
    if server is None:
        session.add(Server(id=server_id, heartbeat_at=now))
    else:
        server.heartbeat_at = now
    stale = select(Server.id).where(Server.heartbeat_at < now - STALE_AFTER)
    orphans = (await session.execute(select(Presence.room_id, Presence.user_id).where(Presence.server_id.in_(stale)))).all()
    await session.execute(delete(Presence).where(Presence.server_id.in_(stale)))
    await session.execute(delete(Server).where(Server.heartbeat_at < now - STALE_AFTER))
    await session.flush()
    return await _departures(session, orphans)


async def retire(session: AsyncSession, server_id: str) -> list[PresenceChanged]:
    """A process shutting down takes its sockets with it; the other processes are told who left."""
    gone = (await session.execute(select(Presence.room_id, Presence.user_id).where(Presence.server_id == server_id))).all()
    await session.execute(delete(Presence).where(Presence.server_id == server_id))
    await session.execute(delete(Server).where(Server.id == server_id))
    await session.flush()
    return await _departures(session, gone)


async def _departures(session: AsyncSession, removed: Iterable[tuple[int, int]]) -> list[PresenceChanged]:
    """Events for the users whose last socket in a room was among the removed ones."""
    events = []
    for room_id, user_id in sorted(set(removed)):
        if not await _sockets_of(session, room_id, user_id):
            events.append(await _change(session, room_id, user_id, False))
    return events
