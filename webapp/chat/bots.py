"""Bots: a program posting to one room under a name, with a key.

Anyone in a room can make a bot for it; the key is shown once and only its
sha256 is stored, so a leaked database leaks no key. Whoever made a key can
revoke it; a revoked key, or one for a room since deleted, is no key."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from webapp.chat import rooms, users
from webapp.chat.errors import ChatError
from webapp.chat.events import UserView
from webapp.chat.names import clean_name
from webapp.db.models import MAX_ID, BotKey, Room, User, utcnow

KEY_PREFIX = "cbk_"  # so a key is recognisable where it should not be (a log, a commit)


class Bot(msgspec.Struct, frozen=True):
    key_id: int
    user: UserView
    room_id: int
    room_uuid: str


class BotKeyView(msgspec.Struct, frozen=True):
    """A key as its creator sees it on the room page: never the key itself."""

    id: int
    name: str
    created_at: datetime


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


async def create_bot(session: AsyncSession, *, room_id: int, creator_id: int, name: str) -> tuple[str, Bot]:
    """A new bot user for the room and its key, returned this once."""
    room = await rooms.get_room(session, room_id)
    name = clean_name(name)
    user = User(name=name, name_key=users.name_key(name))
    session.add(user)
    await session.flush()
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = BotKey(room_id=room_id, bot_id=user.id, creator_id=creator_id, key_hash=_hash(key))
    session.add(row)
    await session.flush()
    return key, Bot(row.id, UserView(user.id, user.name, user.uuid), room_id, room.uuid)


async def authenticate(session: AsyncSession, key: str) -> Bot | None:
    """The bot of a key not revoked, for a room not deleted; None for anything else."""
    if not key.startswith(KEY_PREFIX) or len(key) > 100:
        return None
    query = (
        select(BotKey.id, BotKey.room_id, Room.uuid, User.id, User.name, User.uuid)
        .join(User, User.id == BotKey.bot_id)
        .join(Room, Room.id == BotKey.room_id)
        .where(BotKey.key_hash == _hash(key), BotKey.revoked_at.is_(None), Room.deleted_at.is_(None))
    )
    row = (await session.execute(query)).first()
    if row is None:
        return None
    key_id, room_id, room_uuid, user_id, name, uuid = row
    return Bot(key_id, UserView(user_id, name, uuid), room_id, room_uuid)


async def keys_made_by(session: AsyncSession, room_id: int, creator_id: int) -> list[BotKeyView]:
    """The room's keys this user made and has not revoked, newest first."""
    query = (
        select(BotKey.id, User.name, BotKey.created_at)
        .join(User, User.id == BotKey.bot_id)
        .where(BotKey.room_id == room_id, BotKey.creator_id == creator_id, BotKey.revoked_at.is_(None))
        .order_by(BotKey.id.desc())
    )
    return [BotKeyView(*row) for row in await session.execute(query)]


async def revoke(session: AsyncSession, *, room_id: int, key_id: int, by: int) -> None:
    key = await session.get(BotKey, key_id) if 0 < key_id <= MAX_ID else None
    if key is None or key.room_id != room_id or key.revoked_at is not None:
        raise ChatError("not_allowed", "There is no such key of this room to revoke.")
    if key.creator_id != by:
        raise ChatError("not_allowed", "Only whoever made a bot's key can revoke it.")
    key.revoked_at = utcnow()
