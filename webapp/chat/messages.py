"""Messages: send one into a room, read history a page at a time."""

from __future__ import annotations

import re

import msgspec
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from webapp.chat.errors import ChatError
from webapp.chat.events import MessageCreated, MessageView, UserView
from webapp.db.models import BODY_MAX, Message, Room, User, utcnow

PAGE_SIZE = 50


# A body keeps at most this many blank lines in a row: a message is not a way to push the room's history off screen.
BLANK_LINES_MAX = 100
_BLANK_RUN = re.compile(r"\n(?:[^\S\n]*\n){%d,}" % (BLANK_LINES_MAX + 1))


def clean_body(value: str) -> str:
    """A body as meant: line breaks kept (as \\n), surrounding blank space
    dropped, runs of blank lines cut to BLANK_LINES_MAX."""
    if len(value) > BODY_MAX:
        raise ChatError("data_too_long", f"A message is at most {BODY_MAX} characters.")
    if "\x00" in value:
        raise ChatError("bad_data", "A message cannot hold a NUL character.")
    body = _BLANK_RUN.sub("\n" * (BLANK_LINES_MAX + 1), value.replace("\r\n", "\n").replace("\r", "\n").strip())
    if not body:
        raise ChatError("not_sufficient_data", "A message cannot be empty.")
    return body


# The send path in SQLAlchemy Core, on the tables: the ORM's bulk-DML layer
# costs as much again as the statements themselves, on every message.
ROOMS, MESSAGES, USERS = Room.__table__, Message.__table__, User.__table__
_BUMP = (
    update(ROOMS)
    .where(ROOMS.c.id == bindparam("room"))
    .where(ROOMS.c.deleted_at.is_(None))
    .values(last_seq=ROOMS.c.last_seq + 1, message_count=ROOMS.c.message_count + 1, last_active_at=bindparam("now"))
    .returning(ROOMS.c.last_seq, ROOMS.c.message_count)
)
_UNBUMP = (
    update(ROOMS)
    .where(ROOMS.c.id == bindparam("room"))
    .values(last_seq=ROOMS.c.last_seq - 1, message_count=ROOMS.c.message_count - 1)
)
_BUMP_LOG = (
    update(ROOMS).where(ROOMS.c.id == bindparam("room")).values(last_seq=ROOMS.c.last_seq + 1).returning(ROOMS.c.last_seq, ROOMS.c.message_count)
)
_AUTHOR = select(USERS.c.name).where(USERS.c.id == bindparam("author"))


def _insert(dialect: str):
    # INSERT … ON CONFLICT DO NOTHING: a retried client_id stores nothing, even
    # when the two sends race, and the transaction stays usable.
    insert = (postgresql if dialect == "postgresql" else sqlite).insert
    return insert(MESSAGES).on_conflict_do_nothing(index_elements=["author_id", "room_id", "client_id"]).returning(MESSAGES.c.id)


_INSERTS = {dialect: _insert(dialect) for dialect in ("postgresql", "sqlite")}


async def send_message(
    session: AsyncSession, *, room_id: int, author_id: int, body: str, client_id: str | None = None
) -> MessageCreated:
    body = clean_body(body)
    if client_id and "\x00" in client_id:
        raise ChatError("bad_data", "A client_id cannot hold a NUL character.")
    connection = await session.connection()
    # The room's row first: sends to one room take turns from here (PostgreSQL
    # locks the row; SQLite writers always take turns), so ids and sequence
    # numbers follow commit order. Counted in the message's own transaction,
    # so the lobby never miscounts history.
    now = utcnow()
    bumped = (await connection.execute(_BUMP, {"room": room_id, "now": now})).first()
    if bumped is None:
        raise ChatError("no_such_room")
    seq, count = bumped
    name = (await connection.execute(_AUTHOR, {"author": author_id})).scalar_one()
    values = {"room_id": room_id, "author_id": author_id, "body": body, "client_id": client_id or None, "created_at": now, "seq": seq}
    new_id = (await connection.execute(_INSERTS[connection.dialect.name], values)).scalar()
    if new_id is None:
        # A retried send: nothing new is stored, and the room's counters go back.
        await connection.execute(_UNBUMP, {"room": room_id})
        # Its original, from this room: the same client_id elsewhere is another message.
        stored = await session.scalar(
            select(Message).where(Message.author_id == author_id, Message.room_id == room_id, Message.client_id == client_id)
        )
        return MessageCreated(_view(stored, UserView(author_id, name)), count - 1, repeat=True)
    return MessageCreated(MessageView(new_id, room_id, UserView(author_id, name), body, now, seq), count)


async def room_line(session: AsyncSession, *, room_id: int, author_id: int, body: str) -> MessageCreated:
    """A line in the room's history about the room itself ("renamed the room to …"),
    by whoever changed it: a change to the history like a message, not counted as one."""
    connection = await session.connection()
    seq, count = (await connection.execute(_BUMP_LOG, {"room": room_id})).one()
    name = (await connection.execute(_AUTHOR, {"author": author_id})).scalar_one()
    now = utcnow()
    values = {"room_id": room_id, "author_id": author_id, "body": body, "kind": "system", "created_at": now, "seq": seq}
    new_id = (await connection.execute(insert(MESSAGES).returning(MESSAGES.c.id), values)).scalar_one()
    return MessageCreated(MessageView(new_id, room_id, UserView(author_id, name), body, now, seq, "system"), count)


def _view(message: Message, author: UserView) -> MessageView:
    return MessageView(message.id, message.room_id, author, message.body, message.created_at, message.seq, message.kind)


async def last_seq(session: AsyncSession, room_id: int) -> int:
    """The room change log's latest number. Read before the page it goes with:
    a change in between is then replayed rather than missed."""
    return await session.scalar(select(Room.last_seq).where(Room.id == room_id)) or 0


async def seq_of(session: AsyncSession, room_id: int, message_id: int) -> int:
    """The sequence number of a message's latest change (0 for none of this room's)."""
    query = select(Message.seq).where(Message.room_id == room_id, Message.id == message_id)
    return await session.scalar(query) or 0


class Page(msgspec.Struct, frozen=True):
    messages: list[MessageView]  # oldest first
    more: bool  # whether older messages exist


async def page_before(session: AsyncSession, room_id: int, before_id: int | None = None) -> Page:
    """Up to PAGE_SIZE messages older than `before_id` (the newest without it).
    Keyset-paged on the (room_id, id) index: each page costs the same however
    long the history is. One row more than a page tells whether older ones exist."""
    query = _with_authors().where(Message.room_id == room_id).order_by(Message.id.desc()).limit(PAGE_SIZE + 1)
    if before_id is not None:
        query = query.where(Message.id < before_id)
    rows = (await session.execute(query)).all()
    return Page(_views(reversed(rows[:PAGE_SIZE])), more=len(rows) > PAGE_SIZE)


def _with_authors():
    return select(Message, User.id, User.name).join(User, User.id == Message.author_id)


def _views(rows) -> list[MessageView]:
    return [_view(message, UserView(user_id, name)) for message, user_id, name in rows]


async def replay_after(session: AsyncSession, room_id: int, after_id: int, limit: int) -> list[MessageView] | None:
    """Every message stored after `after_id`, oldest first: what a socket that
    reconnects without a sequence number has missed. None when more than
    `limit` were missed: the page then resyncs instead of replaying an unbounded backlog."""
    query = _with_authors().where(Message.room_id == room_id, Message.id > after_id).order_by(Message.id)
    rows = (await session.execute(query.limit(limit + 1))).all()
    return None if len(rows) > limit else _views(rows)


async def changes_after(session: AsyncSession, room_id: int, after_seq: int, limit: int) -> list[MessageView] | None:
    """The room's changes after sequence number `after_seq`, in order: each
    changed message once, as it is now. None past `limit` (a resync)."""
    query = _with_authors().where(Message.room_id == room_id, Message.seq > after_seq).order_by(Message.seq)
    rows = (await session.execute(query.limit(limit + 1))).all()
    return None if len(rows) > limit else _views(rows)
