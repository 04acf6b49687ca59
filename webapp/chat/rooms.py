"""Rooms: create, rename, recolour, delete when empty, restore, list and search.

A room belongs to the identity that created it: only its creator deletes it,
and deleting hides it. For RESTORE_DAYS its creator can bring it back, with its
history; then it is purged. Renames and recolours are anyone's, and each leaves
a line in the room's history saying who changed what."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from webapp.chat import messages, presence
from webapp.chat.errors import ChatError
from webapp.chat.events import DeletedRoomView, Event, RoomChanged, RoomCreated, RoomDeleted, RoomRestored, RoomView
from webapp.chat.names import clean_name, generate_room_name
from webapp.chat.palette import is_color, random_room_color
from webapp.db.models import MAX_ID, ModerationAction, Room, utcnow

LIST_LIMIT = 200
RESTORE_DAYS = 7
SEARCH_MAX = 64


def _view(room: Room, user_count: int = 0) -> RoomView:
    return RoomView(room.id, room.name, room.color, room.message_count, user_count, room.uuid)


def _color(value: str) -> str:
    if not is_color(value.strip()):
        raise ChatError("not_valid_color")
    return value.strip().lower()


async def _find(session: AsyncSession, room_id: int) -> Room | None:
    """The room's row, deleted or not; an id past the column is no room."""
    return await session.get(Room, room_id) if 0 < room_id <= MAX_ID else None


async def _get(session: AsyncSession, room_id: int) -> Room:
    room = await _find(session, room_id)
    if room is None or room.deleted_at is not None:
        raise ChatError("no_such_room")
    return room


async def _with_count(session: AsyncSession, room: Room) -> RoomView:
    counts = await presence.user_counts(session, [room.id])
    return _view(room, counts.get(room.id, 0))


# How the lobby lists rooms: the most recently active first, or in the order they were made.
ORDERS = ("active", "created")


async def list_rooms(session: AsyncSession, search: str = "", order: str = "active") -> tuple[list[RoomView], int]:
    """The LIST_LIMIT rooms most recently active (created or written in), or the
    first LIST_LIMIT made, each with its latest message; and how many match: the
    search reaches the others."""
    if len(search) > SEARCH_MAX:
        raise ChatError("data_too_long")
    if "\x00" in search:
        raise ChatError("bad_data", "A search cannot hold a NUL character.")
    where = Room.deleted_at.is_(None)
    if search.strip():
        where &= Room.search_name.contains(search.strip().casefold(), autoescape=True)
    total = await session.scalar(select(func.count()).select_from(Room).where(where)) or 0
    by = (Room.id,) if order == "created" else (Room.last_active_at.desc(), Room.id.desc())
    rooms = (await session.scalars(select(Room).where(where).order_by(*by).limit(LIST_LIMIT))).all()
    counts = await presence.user_counts(session, [room.id for room in rooms])
    latest = await messages.latest_in(session, [room.id for room in rooms])
    views = [_view(room, counts.get(room.id, 0)) for room in rooms]
    for view in views:
        view.latest = latest.get(view.id)
    return views, total


async def exists(session: AsyncSession, room_id: int) -> bool:
    """Whether the room is there: what a socket asks as it opens, without the
    count of its users that a page shows (a crowd entering would count N times)."""
    query = select(Room.id).where(Room.id == room_id, Room.deleted_at.is_(None))
    return 0 < room_id <= MAX_ID and await session.scalar(query) is not None


async def get_room(session: AsyncSession, room_id: int) -> RoomView:
    return await _with_count(session, await _get(session, room_id))


async def get_rooms(session: AsyncSession, room_ids: list[int]) -> list[RoomView]:
    """These rooms, those not deleted, in id order."""
    query = select(Room).where(Room.id.in_(room_ids), Room.deleted_at.is_(None)).order_by(Room.id)
    found = (await session.scalars(query)).all()
    counts = await presence.user_counts(session, [room.id for room in found])
    return [_view(room, counts.get(room.id, 0)) for room in found]


async def by_uuid(session: AsyncSession, uuid: str) -> RoomView:
    """The room of this public uuid (the JSON API's name for it), not deleted."""
    room = await session.scalar(select(Room).where(Room.uuid == uuid, Room.deleted_at.is_(None)))
    if room is None:
        raise ChatError("no_such_room")
    return await _with_count(session, room)


async def create_room(
    session: AsyncSession, *, creator_id: int, name: str | None = None, color: str | None = None, per_hour: int | None = None
) -> RoomCreated:
    """A new room; at most `per_hour` of them an hour per creator, counted here
    so that the cap holds across every process."""
    if per_hour is not None and await count_created_since(session, creator_id, utcnow() - timedelta(hours=1)) >= per_hour:
        raise ChatError("rate_limited", f"At most {per_hour} new rooms an hour; try again later.")
    name = clean_name(name) if name and name.strip() else generate_room_name()
    room = Room(
        name=name,
        search_name=name.casefold(),
        color=_color(color) if color else random_room_color(),
        created_by=creator_id,
        message_count=0,
    )
    session.add(room)
    await session.flush()
    return RoomCreated(_view(room))


async def count_created_since(session: AsyncSession, user_id: int, since: datetime) -> int:
    """Rooms this user created since then (the index on created_by, created_at answers it)."""
    query = select(func.count()).select_from(Room).where(Room.created_by == user_id, Room.created_at >= since)
    return await session.scalar(query) or 0


async def rename_room(session: AsyncSession, room_id: int, name: str, *, by: int) -> list[Event]:
    room = await _get(session, room_id)
    name = clean_name(name)
    if name == room.name:
        return [RoomChanged(await _with_count(session, room))]
    room.name, room.search_name = name, name.casefold()
    return await _changed(session, room, by, f"renamed the room to “{name}”")


async def recolor_room(session: AsyncSession, room_id: int, color: str, *, by: int) -> list[Event]:
    room = await _get(session, room_id)
    color = _color(color)
    if color == room.color:
        return [RoomChanged(await _with_count(session, room))]
    room.color = color
    return await _changed(session, room, by, f"changed the room's colour to {color}")


async def _changed(session: AsyncSession, room: Room, by: int, line: str) -> list[Event]:
    """The room's new look for every lobby, and the line in its history saying who changed what."""
    await session.flush()
    said = await messages.room_line(session, room_id=room.id, author_id=by, body=line)
    return [RoomChanged(await _with_count(session, room)), said]


async def delete_room(session: AsyncSession, room_id: int, *, by: int, moderator: bool = False) -> RoomDeleted:
    """Hide an empty room; only its creator may. Restorable for RESTORE_DAYS; the
    heartbeat purges it after (services.py). A moderator closes any room, with
    people in it or not, and for good: its creator cannot restore it."""
    room = await _get(session, room_id)
    occupied = bool((await presence.user_counts(session, [room_id])).get(room_id))
    if moderator and (room.created_by != by or occupied):
        room.deleted_at = utcnow()
        await session.flush()
        return RoomDeleted(room_id, closed=True)
    if room.created_by != by:
        raise ChatError("not_allowed", "Only the room's creator can delete it.")
    if occupied:
        raise ChatError("room_not_empty")
    room.deleted_at = utcnow()
    await session.flush()
    return RoomDeleted(room_id, by, await recently_deleted(session, by), _view(room))


async def restore_room(session: AsyncSession, room_id: int, *, by: int) -> RoomRestored:
    room = await _find(session, room_id)
    if room is None or room.deleted_at is None or room.created_by != by or await session.scalar(select(_closed(room_id))):
        raise ChatError("no_such_room", f"Only a room you deleted in the last {RESTORE_DAYS} days can be restored.")
    if room.deleted_at <= utcnow() - timedelta(days=RESTORE_DAYS):
        raise ChatError("no_such_room", f"That room was deleted more than {RESTORE_DAYS} days ago.")
    room.deleted_at = None
    await session.flush()
    return RoomRestored(_view(room), by, await recently_deleted(session, by))


def _closed(room_id):
    """Whether a moderator closed the room (an audit row says so: chat/moderation.py): its creator cannot restore it."""
    return select(ModerationAction.id).where(ModerationAction.room_id == room_id, ModerationAction.action == "delete_room").exists()


async def recently_deleted(session: AsyncSession, user_id: int) -> list[DeletedRoomView]:
    """The rooms this user deleted that can still be restored, newest deletion first."""
    cutoff = utcnow() - timedelta(days=RESTORE_DAYS)
    query = (
        select(Room)
        .where(Room.created_by == user_id, Room.deleted_at > cutoff, ~_closed(Room.id))
        .order_by(Room.deleted_at.desc())
        .limit(LIST_LIMIT)
    )
    return [
        DeletedRoomView(room.id, room.name, room.color, room.deleted_at + timedelta(days=RESTORE_DAYS))
        for room in (await session.scalars(query)).all()
    ]


async def purge_deleted(session: AsyncSession) -> None:
    """Erase the rooms deleted more than RESTORE_DAYS ago, with their history and board."""
    cutoff = utcnow() - timedelta(days=RESTORE_DAYS)
    await session.execute(delete(Room).where(Room.deleted_at <= cutoff))
