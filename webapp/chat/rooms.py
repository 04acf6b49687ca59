"""Rooms: create, rename, recolour, delete when empty, list and search."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from webapp.chat import presence
from webapp.chat.errors import ChatError
from webapp.chat.events import RoomChanged, RoomCreated, RoomDeleted, RoomView
from webapp.chat.names import clean_name, generate_room_name
from webapp.chat.palette import is_color, random_room_color
from webapp.db.models import MAX_ID, Room, utcnow

LIST_LIMIT = 200
SEARCH_MAX = 64


def _view(room: Room, user_count: int = 0) -> RoomView:
    return RoomView(room.id, room.name, room.color, room.message_count, user_count)


def _color(value: str) -> str:
    if not is_color(value.strip()):
        raise ChatError("not_valid_color")
    return value.strip().lower()


async def _get(session: AsyncSession, room_id: int) -> Room:
    room = await session.get(Room, room_id) if 0 < room_id <= MAX_ID else None
    if room is None:
        raise ChatError("no_such_room")
    return room


async def _with_count(session: AsyncSession, room: Room) -> RoomView:
    counts = await presence.user_counts(session, [room.id])
    return _view(room, counts.get(room.id, 0))


async def list_rooms(session: AsyncSession, search: str = "") -> tuple[list[RoomView], int]:
    """Rooms in creation order (ids are assigned in that order), and how many match."""
    if len(search) > SEARCH_MAX:
        raise ChatError("data_too_long")
    if "\x00" in search:
        raise ChatError("bad_data", "A search cannot hold a NUL character.")
    where = Room.search_name.contains(search.strip().casefold(), autoescape=True) if search.strip() else True
    total = await session.scalar(select(func.count()).select_from(Room).where(where)) or 0
    rooms = (await session.scalars(select(Room).where(where).order_by(Room.id).limit(LIST_LIMIT))).all()
    counts = await presence.user_counts(session, [room.id for room in rooms])
    return [_view(room, counts.get(room.id, 0)) for room in rooms], total


async def exists(session: AsyncSession, room_id: int) -> bool:
    """Whether the room is there: what a socket asks as it opens, without the
    count of its users that a page shows (a crowd entering would count N times)."""
    return 0 < room_id <= MAX_ID and await session.scalar(select(Room.id).where(Room.id == room_id)) is not None


async def get_room(session: AsyncSession, room_id: int) -> RoomView:
    return await _with_count(session, await _get(session, room_id))


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


async def rename_room(session: AsyncSession, room_id: int, name: str) -> RoomChanged:
    room = await _get(session, room_id)
    room.name = clean_name(name)
    room.search_name = room.name.casefold()
    return RoomChanged(await _with_count(session, room))


async def recolor_room(session: AsyncSession, room_id: int, color: str) -> RoomChanged:
    room = await _get(session, room_id)
    room.color = _color(color)
    return RoomChanged(await _with_count(session, room))


async def delete_room(session: AsyncSession, room_id: int) -> RoomDeleted:
    room = await _get(session, room_id)
    if (await presence.user_counts(session, [room_id])).get(room_id):
        raise ChatError("room_not_empty")
    await session.delete(room)
    await session.flush()
    return RoomDeleted(room_id)
