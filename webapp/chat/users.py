"""Anonymous users: a generated name, changeable at any time."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from webapp.chat.errors import ChatError
from webapp.chat.events import UserRenamed, UserView
from webapp.chat.names import JOINERS, clean_name, generate_name
from webapp.db.models import Message, User, utcnow

# A name stays someone's while they were made or wrote within this long.
NAME_HELD = timedelta(days=30)
# Tries at a generated name nobody active holds.
GENERATED_TRIES = 5


# A visitor from an address past its new identities for the hour (IDENTITIES_PER_HOUR):
# they read, live, but have no identity of their own to write with.
READER = UserView(0, "Reader")
READ_ONLY = "Too many new visitors came from your address in the last hour: this page is read-only for now."


def name_key(name: str) -> str:
    """What two names must differ in: clean_name has already removed most format
    characters and folded whitespace; the joiners it keeps and case go here."""
    return "".join(char for char in name if char not in JOINERS).casefold()


async def taken(session: AsyncSession, name: str, but: int | None = None) -> bool:
    """Whether someone active in the last NAME_HELD (made, or wrote, since) goes by the name."""
    since = utcnow() - NAME_HELD
    wrote = exists().where(Message.author_id == User.id, Message.created_at > since)
    query = select(User.id).where(User.name_key == name_key(name), or_(User.created_at > since, wrote))
    if but is not None:
        query = query.where(User.id != but)
    return await session.scalar(query.limit(1)) is not None


async def create_user(session: AsyncSession) -> UserView:
    name = generate_name()
    for _ in range(GENERATED_TRIES - 1):
        if not await taken(session, name):
            break
        name = generate_name()
    user = User(name=name, name_key=name_key(name))
    session.add(user)
    await session.flush()
    return UserView(user.id, user.name, user.uuid)


async def get_user(session: AsyncSession, user_id: int) -> UserView | None:
    user = await session.get(User, user_id)
    return UserView(user.id, user.name, user.uuid) if user else None


async def rename_user(session: AsyncSession, user_id: int, name: str) -> UserRenamed:
    user = await session.get_one(User, user_id)
    name = clean_name(name)
    if await taken(session, name, but=user_id):
        raise ChatError("name_taken")
    user.name, user.name_key = name, name_key(name)
    return UserRenamed(UserView(user.id, user.name, user.uuid))
