"""Moderators: identities made so with MODERATOR_KEY, who may delete anyone's
message, close any room and mute identities. Everyone else stays anonymous
and equal. Every moderator action is an audit row, and a line in the room it
touched, by the moderator, so the people there see that a moderator acted."""

from __future__ import annotations

from datetime import datetime, timedelta

import msgspec
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from webapp.chat import message_actions, messages, rooms
from webapp.chat.errors import ChatError
from webapp.chat.events import Event, UserMuted, UserView
from webapp.db.models import MAX_ID, Message, ModerationAction, User, utcnow

MUTE_MINUTES_MAX = 7 * 24 * 60
AUDIT_LIMIT = 100
# Who was active lately is read from the newest messages only: the page costs the same however long the history.
ACTIVE_WINDOW = timedelta(days=1)
ACTIVE_SCAN = 10_000
ACTIVE_LIMIT = 100
# Read before every command: built once, as the hot path's other statements (chat/messages.py).
_STANDING = select(User.__table__.c.moderator, User.__table__.c.muted_until).where(User.__table__.c.id == bindparam("user"))


class Standing(msgspec.Struct, frozen=True):
    """What an identity may do: moderate, or, while muted, nothing but read."""

    moderator: bool = False
    muted_until: datetime | None = None

    def muted(self) -> bool:
        return self.muted_until is not None and self.muted_until > utcnow()


NOBODY = Standing()


class AuditEntry(msgspec.Struct, frozen=True):
    moderator: UserView
    action: str
    target: UserView | None
    room_id: int | None
    message_id: int | None
    detail: str
    created_at: datetime


class ActiveIdentity(msgspec.Struct, frozen=True):
    user: UserView
    messages: int
    moderator: bool
    muted_until: datetime | None


async def standing(session: AsyncSession, user_id: int, *, enabled: bool) -> Standing:
    """`enabled`: MODERATOR_KEY is set; unset, there are no moderators (the role stays stored)."""
    row = (await (await session.connection()).execute(_STANDING, {"user": user_id})).first()
    return Standing(row.moderator and enabled, row.muted_until) if row else NOBODY


def refuse_if_muted(standing: Standing) -> None:
    if standing.muted():
        until = standing.muted_until.strftime("%Y-%m-%d %H:%M")
        raise ChatError("rate_limited", f"A moderator muted you until {until} UTC: you can read, not write.")


async def refuse_muted(session: AsyncSession, user_id: int, *, enabled: bool) -> None:
    """For the fronts that write without a page socket's command (/api, bot keys)."""
    refuse_if_muted(await standing(session, user_id, enabled=enabled))


def require_moderator(standing: Standing) -> None:
    if not standing.moderator:
        raise ChatError("not_allowed", "Only a moderator can do that.")


async def _audit(session: AsyncSession, moderator_id: int, action: str, **fields) -> None:
    session.add(ModerationAction(moderator_id=moderator_id, action=action, created_at=utcnow(), **fields))
    await session.flush()


async def _line(session: AsyncSession, room_id: int | None, moderator_id: int, body: str) -> list[Event]:
    """The line in the room a moderator acted in; none for an action from /moderate."""
    if room_id is None:
        return []
    return [await messages.room_line(session, room_id=room_id, author_id=moderator_id, body=body)]


async def become_moderator(session: AsyncSession, user_id: int) -> None:
    await session.execute(update(User).where(User.id == user_id).values(moderator=True))
    await _audit(session, user_id, "became_moderator")


async def resign(session: AsyncSession, user_id: int) -> None:
    await session.execute(update(User).where(User.id == user_id).values(moderator=False))
    await _audit(session, user_id, "resigned")


async def moderator_ids(session: AsyncSession, *, enabled: bool) -> list[int]:
    """Every moderator, for the one CSS rule that badges their names (the partial index answers it)."""
    if not enabled:
        return []
    return list((await session.scalars(select(User.id).where(User.moderator).order_by(User.id))).all())


async def delete_message(session: AsyncSession, *, moderator_id: int, room_id: int, message_id: int) -> Event | list[Event]:
    changed = await message_actions.delete_message(
        session, room_id=room_id, user_id=moderator_id, message_id=message_id, any_author=True
    )
    author = changed.message.author
    if author.id == moderator_id:
        return changed  # their own: no moderator's act
    await _audit(session, moderator_id, "delete_message", target_user_id=author.id, room_id=room_id, message_id=message_id)
    return [changed, *await _line(session, room_id, moderator_id, f"removed a message by {author.name}, as a moderator")]


async def close_room(session: AsyncSession, *, moderator_id: int, room_id: int) -> list[Event]:
    """Any room, with people in it or not: their pages go to the lobby, saying why."""
    closed = await rooms.delete_room(session, room_id, by=moderator_id, moderator=True)
    if not closed.closed:
        return [closed]  # their own empty room: deleted as anyone's would be
    await _audit(session, moderator_id, "delete_room", room_id=room_id)
    return [*await _line(session, room_id, moderator_id, "closed the room, as a moderator"), closed]


async def _target(session: AsyncSession, user_id: int) -> User:
    user = await session.get(User, user_id) if 0 < user_id <= MAX_ID else None
    if user is None:
        raise ChatError("no_such_user")
    return user


async def mute_user(session: AsyncSession, *, moderator_id: int, room_id: int | None, user_id: int, minutes: int) -> list[Event]:
    user = await _target(session, user_id)
    if user.moderator:
        raise ChatError("not_allowed", "A moderator cannot be muted; they can resign on /moderate.")
    user.muted_until = utcnow() + timedelta(minutes=minutes)
    await _audit(session, moderator_id, "mute_user", target_user_id=user_id, room_id=room_id, detail=f"{minutes} minutes")
    line = await _line(session, room_id, moderator_id, f"muted {user.name} for {_duration(minutes)}, as a moderator")
    return [UserMuted(user_id, user.muted_until), *line]


async def unmute_user(session: AsyncSession, *, moderator_id: int, room_id: int | None, user_id: int) -> list[Event]:
    user = await _target(session, user_id)
    user.muted_until = None
    await _audit(session, moderator_id, "unmute_user", target_user_id=user_id, room_id=room_id)
    return [UserMuted(user_id, None), *await _line(session, room_id, moderator_id, f"unmuted {user.name}, as a moderator")]


def _duration(minutes: int) -> str:
    if minutes % (24 * 60) == 0:
        days = minutes // (24 * 60)
        return f"{days} day{'s' if days > 1 else ''}"
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours > 1 else ''}"
    return f"{minutes} minute{'s' if minutes > 1 else ''}"


async def audit(session: AsyncSession) -> list[AuditEntry]:
    """The last AUDIT_LIMIT moderator actions, newest first."""
    target = User.__table__.alias("target")
    query = (
        select(ModerationAction, User.name, target.c.name)
        .join(User, User.id == ModerationAction.moderator_id)
        .outerjoin(target, target.c.id == ModerationAction.target_user_id)
        .order_by(ModerationAction.created_at.desc(), ModerationAction.id.desc())
        .limit(AUDIT_LIMIT)
    )
    return [
        AuditEntry(
            UserView(row.moderator_id, name), row.action,
            UserView(row.target_user_id, target_name) if row.target_user_id is not None else None,
            row.room_id, row.message_id, row.detail, row.created_at,
        )
        for row, name, target_name in await session.execute(query)
    ]


async def active_identities(session: AsyncSession) -> list[ActiveIdentity]:
    """Who wrote in the last day (among the newest ACTIVE_SCAN messages), most messages first."""
    newest = (
        select(Message.author_id, Message.created_at)
        .where(Message.kind == "text")
        .order_by(Message.id.desc())
        .limit(ACTIVE_SCAN)
        .subquery()
    )
    count = func.count().label("count")
    query = (
        select(User.id, User.name, User.moderator, User.muted_until, count)
        .join(newest, newest.c.author_id == User.id)
        .where(newest.c.created_at >= utcnow() - ACTIVE_WINDOW)
        .group_by(User.id, User.name, User.moderator, User.muted_until)
        .order_by(count.desc(), User.id)
        .limit(ACTIVE_LIMIT)
    )
    return [
        ActiveIdentity(UserView(user_id, name), messages, moderator, muted_until)
        for user_id, name, moderator, muted_until, messages in await session.execute(query)
    ]
