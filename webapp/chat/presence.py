"""Who is in which room, across every server process.

A row per open room socket; a user is in a room while any of their sockets is.
Rows belong to a server process whose heartbeat keeps them alive, so a crashed
process's users leave once its heartbeat goes stale."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import bindparam, delete, distinct, func, select
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
        select(User.id, User.name, User.uuid)
        .where(User.id.in_(select(Presence.user_id).where(Presence.room_id == room_id)))
        .order_by(User.name, User.id)
    )
    return [UserView(id, name, uuid) for id, name, uuid in rows]


async def users_in_rooms(session: AsyncSession, room_ids: Iterable[int]) -> dict[int, list[UserView]]:
    """The users in each of these rooms, in one query (the JSON API's rooms list them)."""
    rows = await session.execute(
        select(Presence.room_id, User.id, User.name, User.uuid)
        .distinct()
        .join(User, User.id == Presence.user_id)
        .where(Presence.room_id.in_(list(room_ids)))
        .order_by(Presence.room_id, User.name, User.id)
    )
    people: dict[int, list[UserView]] = {}
    for room_id, id, name, uuid in rows:
        people.setdefault(room_id, []).append(UserView(id, name, uuid))
    return people


# Entrances and exits in SQLAlchemy Core, on the tables: a crowd entering makes
# these statements once per socket, and the ORM's unit of work doubled their cost.
PRESENCE, ROOMS, USERS = Presence.__table__, Room.__table__, User.__table__
_SOCKETS_OF = (
    select(func.count()).select_from(PRESENCE)
    .where(PRESENCE.c.room_id == bindparam("room"), PRESENCE.c.user_id == bindparam("user"))
)
_NAME = select(USERS.c.name, USERS.c.uuid).where(USERS.c.id == bindparam("user"))
# Entrances and exits of one room take turns (PostgreSQL; SQLite writers
# always do), so "first socket" and the count are right across processes.
_LOCK_ROOM = select(ROOMS.c.id).where(ROOMS.c.id == bindparam("room")).with_for_update()
_FORGET = delete(PRESENCE).where(PRESENCE.c.id == bindparam("socket")).returning(PRESENCE.c.room_id, PRESENCE.c.user_id)


async def _sockets_of(session: AsyncSession, room_id: int, user_id: int) -> int:
    connection = await session.connection()
    return (await connection.execute(_SOCKETS_OF, {"room": room_id, "user": user_id})).scalar_one()


async def _change(session: AsyncSession, room_id: int, user_id: int, present: bool) -> PresenceChanged:
    connection = await session.connection()
    name, uuid = (await connection.execute(_NAME, {"user": user_id})).one()
    return PresenceChanged(room_id, UserView(user_id, name, uuid), present)


async def present(session: AsyncSession, room_id: int, user_id: int) -> bool:
    """Whether the user has a socket open in the room."""
    return await _sockets_of(session, room_id, user_id) > 0


async def join(
    session: AsyncSession, *, socket_id: str, server_id: str, room_id: int, user_id: int
) -> PresenceChanged | None:
    """Record a room socket; an event only when it is the user's first there."""
    connection = await session.connection()
    await connection.execute(_LOCK_ROOM, {"room": room_id})
    first = await _sockets_of(session, room_id, user_id) == 0
    await connection.execute(
        PRESENCE.insert(), {"id": socket_id, "server_id": server_id, "room_id": room_id, "user_id": user_id, "connected_at": utcnow()}
    )
    return await _change(session, room_id, user_id, True) if first else None


async def leave(session: AsyncSession, socket_id: str) -> PresenceChanged | None:
    """Forget a room socket; an event only when it was the user's last there."""
    connection = await session.connection()
    row = (await connection.execute(_FORGET, {"socket": socket_id})).first()
    if row is None:
        return None
    room_id, user_id = row
    # Locked after the delete, before the count: a leave and a join of the same
    # user still take turns on the count, whichever deletes or inserts first.
    await connection.execute(_LOCK_ROOM, {"room": room_id})
    if await _sockets_of(session, room_id, user_id):
        return None
    return await _change(session, room_id, user_id, False)


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
