"""Anonymous users: a generated name, changeable at any time."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from webapp.chat.events import UserRenamed, UserView
from webapp.chat.names import clean_name, generate_name
from webapp.db.models import User


# A visitor from an address past its new identities for the hour (IDENTITIES_PER_HOUR):
# they read, live, but have no identity of their own to write with.
READER = UserView(0, "Reader")
READ_ONLY = "Too many new visitors came from your address in the last hour: this page is read-only for now."


async def create_user(session: AsyncSession) -> UserView:
    user = User(name=generate_name())
    session.add(user)
    await session.flush()
    return UserView(user.id, user.name, user.uuid)


async def get_user(session: AsyncSession, user_id: int) -> UserView | None:
    user = await session.get(User, user_id)
    return UserView(user.id, user.name, user.uuid) if user else None


async def rename_user(session: AsyncSession, user_id: int, name: str) -> UserRenamed:
    user = await session.get_one(User, user_id)
    user.name = clean_name(name)
    return UserRenamed(UserView(user.id, user.name, user.uuid))
