"""Read positions: how far each user has read each room they have been in, and
how that room notifies them; from them, their unread messages and mentions."""

from __future__ import annotations

from collections.abc import Collection

import msgspec
from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from webapp.chat.errors import ChatError
from webapp.chat.events import NotifyChanged, ReadMoved
from webapp.chat import rooms
from webapp.db.models import MAX_ID, Mention, Message, ReadPosition

LEVELS = ("all", "mentions", "off")
# Unread messages are counted up to this many ("99+"): a count costs the same however long the backlog.
COUNT_MAX = 100

READS, MESSAGES, MENTIONS = ReadPosition.__table__, Message.__table__, Mention.__table__
_POSITION = select(READS.c.message_id).where(READS.c.user_id == bindparam("user"), READS.c.room_id == bindparam("room"))
_NEWEST = select(func.coalesce(func.max(MESSAGES.c.id), 0)).where(MESSAGES.c.room_id == bindparam("room"))
_FORWARD = (
    update(READS)
    .where(READS.c.user_id == bindparam("user"), READS.c.room_id == bindparam("room"), READS.c.message_id < bindparam("message"))
    .values(message_id=bindparam("message"))
)


class Unread(msgspec.Struct, frozen=True):
    room_id: int
    count: int  # messages after the read position, theirs excluded, up to COUNT_MAX
    mentions: int  # of them, those naming the user
    notify: str
    latest: int  # the newest of them (0 for none): where a notification opens the room
    mention: int  # the newest mention among them (0 for none)


def _insert(session: AsyncSession):
    dialect = session.bind.dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(READS).on_conflict_do_nothing(index_elements=["user_id", "room_id"])


async def position(session: AsyncSession, user_id: int, room_id: int) -> int | None:
    """The newest message the user has read there; None if they have never been in the room."""
    return await session.scalar(_POSITION, {"user": user_id, "room": room_id})


async def enter(session: AsyncSession, user_id: int, room_id: int) -> None:
    """A user entering a room for the first time has read what is there: only what
    comes after counts as new. From then on they are among its people (mentions.py)."""
    connection = await session.connection()
    if (await connection.execute(_POSITION, {"user": user_id, "room": room_id})).first() is not None:
        return
    newest = (await connection.execute(_NEWEST, {"room": room_id})).scalar_one()
    await connection.execute(_insert(session), {"user_id": user_id, "room_id": room_id, "message_id": newest})


async def mark_read(session: AsyncSession, *, user_id: int, room_id: int, message_id: int) -> ReadMoved:
    """Read up to one of the room's messages: the position moves forward, never back."""
    found = 0 < message_id <= MAX_ID and await session.scalar(select(Message.id).where(Message.id == message_id, Message.room_id == room_id))
    if not found:
        raise ChatError("no_such_message", "That is not one of this room's messages.")
    connection = await session.connection()
    moved = await connection.execute(_FORWARD, {"user": user_id, "room": room_id, "message": message_id})
    if not moved.rowcount:
        await connection.execute(_insert(session), {"user_id": user_id, "room_id": room_id, "message_id": message_id})
    return ReadMoved(user_id, room_id)


async def set_notify(session: AsyncSession, *, user_id: int, room_id: int, level: str) -> NotifyChanged:
    if level not in LEVELS:
        raise ChatError("bad_data", "A room notifies on all, mentions or off.")
    if not await rooms.exists(session, room_id):
        raise ChatError("no_such_room")
    connection = await session.connection()
    changed = await connection.execute(
        update(READS).where(READS.c.user_id == user_id, READS.c.room_id == room_id).values(notify=level)
    )
    if not changed.rowcount:
        newest = (await connection.execute(_NEWEST, {"room": room_id})).scalar_one()
        await connection.execute(_insert(session), {"user_id": user_id, "room_id": room_id, "message_id": newest, "notify": level})
    return NotifyChanged(user_id, room_id)


# What counts, after a read position (correlated to READS): others' text, not deleted; mentions of the user.
_MESSAGES_AFTER = (
    MESSAGES.c.room_id == READS.c.room_id,
    MESSAGES.c.id > READS.c.message_id,
    MESSAGES.c.author_id != READS.c.user_id,
    MESSAGES.c.kind == "text",
    MESSAGES.c.deleted_at.is_(None),
)
_MENTIONS_AFTER = (
    MENTIONS.c.user_id == READS.c.user_id,
    MENTIONS.c.room_id == READS.c.room_id,
    MENTIONS.c.message_id > READS.c.message_id,
)


def _count(column, conditions):
    """How many, up to COUNT_MAX: the scan stops there."""
    capped = select(column).where(*conditions).limit(COUNT_MAX).correlate(READS).subquery()
    return select(func.count()).select_from(capped).scalar_subquery()


def _newest(column, conditions):
    return select(func.coalesce(func.max(column), 0)).where(*conditions).correlate(READS).scalar_subquery()


_UNREAD = select(
    READS.c.user_id,
    READS.c.room_id,
    _count(MESSAGES.c.id, _MESSAGES_AFTER),
    _count(MENTIONS.c.message_id, _MENTIONS_AFTER),
    READS.c.notify,
    _newest(MESSAGES.c.id, _MESSAGES_AFTER),
    _newest(MENTIONS.c.message_id, _MENTIONS_AFTER),
)


async def unread(
    session: AsyncSession, *, users: Collection[int] = (), rooms: Collection[int] = (), among: Collection[int] = ()
) -> dict[int, list[Unread]]:
    """Unread state per user, in one query: every room of `users`, and the rooms
    `rooms` for their people (only those `among`, when given)."""
    conditions = []
    if users:
        conditions.append(READS.c.user_id.in_(list(users)))
    if rooms:
        in_rooms = READS.c.room_id.in_(list(rooms))
        conditions.append(and_(in_rooms, READS.c.user_id.in_(list(among))) if among else in_rooms)
    if not conditions:
        return {}
    query = _UNREAD.where(or_(*conditions)).order_by(READS.c.user_id, READS.c.room_id)
    result: dict[int, list[Unread]] = {}
    for user_id, *state in await session.execute(query):
        result.setdefault(user_id, []).append(Unread(*state))
    return result
