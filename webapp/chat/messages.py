"""Messages: send one into a room, read history a page at a time."""

from __future__ import annotations

import msgspec
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from webapp.chat.errors import ChatError
from webapp.chat.events import MessageCreated, MessageView, UserView
from webapp.db.models import BODY_MAX, Message, Room, User, utcnow

PAGE_SIZE = 50


def clean_body(value: str) -> str:
    """A body as meant: line breaks kept (as \\n), surrounding blank space dropped."""
    if len(value) > BODY_MAX:
        raise ChatError("data_too_long", f"A message is at most {BODY_MAX} characters.")
    body = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not body:
        raise ChatError("not_sufficient_data", "A message cannot be empty.")
    return body


def _insert(session: AsyncSession):
    # INSERT … ON CONFLICT DO NOTHING: a retried client_id stores nothing, even
    # when the two sends race, and the transaction stays usable.
    dialect = session.bind.dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(Message)


async def send_message(
    session: AsyncSession, *, room_id: int, author_id: int, body: str, client_id: str | None = None
) -> MessageCreated:
    body = clean_body(body)
    # Sends to one room take turns from here (PostgreSQL; SQLite writers always do),
    # so ids are given in commit order: the order everyone receives them in.
    seq = await session.scalar(select(Room.last_seq + 1).where(Room.id == room_id).with_for_update())
    if seq is None:
        raise ChatError("no_such_room")
    author = await session.get_one(User, author_id)
    now = utcnow()
    new_id = await session.scalar(
        _insert(session)
        .values(room_id=room_id, author_id=author_id, body=body, client_id=client_id or None, created_at=now, seq=seq)
        .on_conflict_do_nothing(index_elements=["author_id", "client_id"])
        .returning(Message.id)
    )
    if new_id is None:
        stored = await session.scalar(select(Message).where(Message.author_id == author_id, Message.client_id == client_id))
        count = await session.scalar(select(Room.message_count).where(Room.id == stored.room_id))
        return MessageCreated(_view(stored, author), count or 0, repeat=True)
    # Counted in the message's own transaction, so the lobby never counts history.
    count = await session.scalar(
        update(Room).where(Room.id == room_id).values(message_count=Room.message_count + 1, last_seq=seq).returning(Room.message_count)
    )
    return MessageCreated(MessageView(new_id, room_id, UserView(author.id, author.name), body, now), count)


def _view(message: Message, author: User | UserView) -> MessageView:
    return MessageView(message.id, message.room_id, UserView(author.id, author.name), message.body, message.created_at)


class Page(msgspec.Struct, frozen=True):
    messages: list[MessageView]  # oldest first
    more: bool  # whether older messages exist


async def page_before(session: AsyncSession, room_id: int, before_id: int | None = None) -> Page:
    """Up to PAGE_SIZE messages older than `before_id` (the newest without it).
    Keyset-paged on the (room_id, id) index: each page costs the same however
    long the history is. One row more than a page tells whether older ones exist."""
    query = (
        select(Message, User.id, User.name)
        .join(User, User.id == Message.author_id)
        .where(Message.room_id == room_id)
        .order_by(Message.id.desc())
        .limit(PAGE_SIZE + 1)
    )
    if before_id is not None:
        query = query.where(Message.id < before_id)
    rows = (await session.execute(query)).all()
    page = [_view(message, UserView(user_id, name)) for message, user_id, name in reversed(rows[:PAGE_SIZE])]
    return Page(page, more=len(rows) > PAGE_SIZE)


async def replay_after(session: AsyncSession, room_id: int, after_id: int, limit: int) -> list[MessageView] | None:
    """Every message stored after `after_id`, oldest first: what a socket that
    reconnects has missed. None when more than `limit` were missed: the page then
    resyncs to the newest page instead of replaying an unbounded backlog."""
    rows = (
        await session.execute(
            select(Message, User.id, User.name)
            .join(User, User.id == Message.author_id)
            .where(Message.room_id == room_id, Message.id > after_id)
            .order_by(Message.id)
            .limit(limit + 1)
        )
    ).all()
    if len(rows) > limit:
        return None
    return [_view(message, UserView(user_id, name)) for message, user_id, name in rows]
