"""Messages: send one into a room, read history a page at a time."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import msgspec
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from webapp.chat import mentions
from webapp.chat.errors import ChatError, muted
from webapp.chat.events import LatestView, MessageCreated, MessageView, ReactionView, ReplyView, UserView
from webapp.db.models import BODY_MAX, Mention, Message, Reaction, Room, User, new_uuid, utcnow

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
_PREVIOUS = MESSAGES.alias("previous")
# A sender's name and mute, and the room's latest message before theirs (whether
# the new one goes on its author's run): one statement on the hot path.
_SENDER = (
    select(USERS.c.name, USERS.c.uuid, USERS.c.muted_until, _PREVIOUS.c.author_id, _PREVIOUS.c.kind, _PREVIOUS.c.created_at)
    .select_from(
        USERS.outerjoin(
            _PREVIOUS,
            _PREVIOUS.c.id == select(func.max(MESSAGES.c.id)).where(MESSAGES.c.room_id == bindparam("room")).scalar_subquery(),
        )
    )
    .where(USERS.c.id == bindparam("author"))
)
# A reply's quote: only read when a message answers another.
_QUOTED = (
    select(MESSAGES.c.body, MESSAGES.c.deleted_at, USERS.c.id, USERS.c.name)
    .join(USERS, USERS.c.id == MESSAGES.c.author_id)
    .where(MESSAGES.c.id == bindparam("quoted"), MESSAGES.c.room_id == bindparam("room"))
)
# One author's messages this close together read as one run: name and time once.
RUN_GAP = timedelta(minutes=5)


def placement(author_id: int, kind: str, created_at: datetime, previous) -> tuple[bool, bool]:
    """(continues, new_day) of a message after `previous` (author_id, kind, created_at; or None)."""
    if previous is None or previous[2] is None:
        return False, True
    before_id, before_kind, before_at = previous
    new_day = before_at.date() != created_at.date()
    continues = (
        kind == "text" and before_kind == "text" and before_id == author_id
        and not new_day and created_at - before_at <= RUN_GAP
    )
    return continues, new_day


# How much of the answered message's body a reply quotes.
EXCERPT_MAX = 120


def _insert(dialect: str):
    # INSERT … ON CONFLICT DO NOTHING: a retried client_id stores nothing, even
    # when the two sends race, and the transaction stays usable.
    insert = (postgresql if dialect == "postgresql" else sqlite).insert
    return insert(MESSAGES).on_conflict_do_nothing(index_elements=["author_id", "room_id", "client_id"]).returning(MESSAGES.c.id)


_INSERTS = {dialect: _insert(dialect) for dialect in ("postgresql", "sqlite")}


def excerpt(body: str) -> str:
    return body if len(body) <= EXCERPT_MAX else body[: EXCERPT_MAX - 1] + "…"


def _reply(quoted_id: int, body: str, deleted_at, author_id: int, name: str) -> ReplyView:
    return ReplyView(quoted_id, UserView(author_id, name), "" if deleted_at else excerpt(body), deleted=deleted_at is not None)


async def send_message(
    session: AsyncSession, *, room_id: int, author_id: int, body: str, client_id: str | None = None,
    reply_to: int | None = None, kind: str = "text",
) -> MessageCreated:
    """A message; of `kind` "snapshot", a picture of the board (chat/snapshots.py) with no body."""
    body = clean_body(body) if kind == "text" else ""
    if client_id and "\x00" in client_id:
        raise ChatError("bad_data", "A client_id cannot hold a NUL character.")
    connection = await session.connection()
    reply = None
    if reply_to is not None:
        quoted = (await connection.execute(_QUOTED, {"quoted": reply_to, "room": room_id})).first()
        if quoted is None:
            raise ChatError("no_such_message", "The message answered is not one of this room's.")
        reply = _reply(reply_to, *quoted)
    # The room's row first: sends to one room take turns from here (PostgreSQL
    # locks the row; SQLite writers always take turns), so ids and sequence
    # numbers follow commit order. Counted in the message's own transaction,
    # so the lobby never miscounts history.
    now = utcnow()
    bumped = (await connection.execute(_BUMP, {"room": room_id, "now": now})).first()
    if bumped is None:
        raise ChatError("no_such_room")
    seq, count = bumped
    name, author_uuid, muted_until, *previous = (await connection.execute(_SENDER, {"author": author_id, "room": room_id})).one()
    if muted_until is not None and muted_until > now:
        raise muted(muted_until)
    continues, new_day = placement(author_id, kind, now, previous)
    values = {
        "room_id": room_id, "author_id": author_id, "body": body, "client_id": client_id or None, "created_at": now,
        "seq": seq, "reply_to_id": reply_to, "uuid": new_uuid(), "kind": kind,
    }
    new_id = (await connection.execute(_INSERTS[connection.dialect.name], values)).scalar()
    if new_id is None:
        # A retried send: nothing new is stored, and the room's counters go back.
        await connection.execute(_UNBUMP, {"room": room_id})
        # Its original, from this room: the same client_id elsewhere is another message.
        stored = await session.scalar(
            select(Message.id).where(Message.author_id == author_id, Message.room_id == room_id, Message.client_id == client_id)
        )
        return MessageCreated((await views(session, [stored]))[0], count - 1, repeat=True)
    named = await mentions.record(connection, room_id, new_id, body)
    author = UserView(author_id, name, author_uuid)
    view = MessageView(
        new_id, room_id, author, body, now, seq, kind, reply=reply, uuid=values["uuid"], continues=continues, new_day=new_day,
        mentions=named,
    )
    return MessageCreated(view, count)


async def next_seq(session: AsyncSession, room_id: int) -> tuple[int, int]:
    """The room's next change number (and its message count) for a change that is
    not a new message. The room's row is locked from here to the commit (PostgreSQL),
    so changes take their numbers in commit order, as sends do."""
    connection = await session.connection()
    return tuple((await connection.execute(_BUMP_LOG, {"room": room_id})).one())


async def room_line(session: AsyncSession, *, room_id: int, author_id: int, body: str) -> MessageCreated:
    """A line in the room's history about the room itself ("renamed the room to …"),
    by whoever changed it: a change to the history like a message, not counted as one."""
    seq, count = await next_seq(session, room_id)
    connection = await session.connection()
    # The room's own line, by whoever changed it: a mute was checked before the change.
    name, author_uuid, _, *previous = (await connection.execute(_SENDER, {"author": author_id, "room": room_id})).one()
    now = utcnow()
    _, new_day = placement(author_id, "system", now, previous)
    values = {
        "room_id": room_id, "author_id": author_id, "body": body, "kind": "system", "created_at": now, "seq": seq,
        "uuid": new_uuid(),
    }
    new_id = (await connection.execute(insert(MESSAGES).returning(MESSAGES.c.id), values)).scalar_one()
    author = UserView(author_id, name, author_uuid)
    view = MessageView(new_id, room_id, author, body, now, seq, "system", uuid=values["uuid"], new_day=new_day)
    return MessageCreated(view, count)


async def last_seq(session: AsyncSession, room_id: int) -> int:
    """The room change log's latest number. Read before the page it goes with:
    a change in between is then replayed rather than missed."""
    return await session.scalar(select(Room.last_seq).where(Room.id == room_id)) or 0


async def seq_of(session: AsyncSession, room_id: int, message_id: int) -> int:
    """The sequence number of a message's latest change (0 for none of this room's)."""
    query = select(Message.seq).where(Message.room_id == room_id, Message.id == message_id)
    return await session.scalar(query) or 0


async def last_id_through(session: AsyncSession, room_id: int, seq: int) -> int:
    """The newest message a page holding changes up to `seq` surely holds: those
    it missed with an id up to this one are changes to messages it shows. (A page
    sends `after=` too, its newest message: exact where this is a lower bound.)"""
    query = select(func.max(Message.id)).where(Message.room_id == room_id, Message.seq <= seq)
    return await session.scalar(query) or 0


# How much of a room's latest message the lobby shows.
PREVIEW_MAX = 80


async def latest_in(session: AsyncSession, room_ids) -> dict[int, LatestView]:
    """Each room's latest message still shown (not a room line, not deleted), for the
    lobby: per room a backward walk of its (room_id, id) index that stops at the first."""
    room_ids = list(room_ids)
    if not room_ids:
        return {}
    latest_id = (
        select(Message.id)
        .where(Message.room_id == Room.id, Message.kind == "text", Message.deleted_at.is_(None))
        .order_by(Message.id.desc()).limit(1)
        .correlate(Room).scalar_subquery()
    )
    wanted = [row for row in (await session.scalars(select(latest_id).where(Room.id.in_(room_ids)))).all() if row is not None]
    if not wanted:
        return {}
    query = select(Message.room_id, Message.body, Message.created_at, User.id, User.name).join(User, User.id == Message.author_id)
    rows = await session.execute(query.where(Message.id.in_(wanted)))
    return {
        room_id: LatestView(UserView(user_id, name), preview(body), created_at)
        for room_id, body, created_at, user_id, name in rows
    }


def preview(body: str) -> str:
    line = " ".join(body.split())
    return line if len(line) <= PREVIEW_MAX else line[: PREVIEW_MAX - 1] + "…"


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
    return Page(await _views(session, reversed(rows[:PAGE_SIZE])), more=len(rows) > PAGE_SIZE)


_Quoted, _QuotedAuthor, _Previous, _Earlier = aliased(Message), aliased(User), aliased(Message), aliased(Message)


async def page_after(session: AsyncSession, room_id: int, after_id: int) -> Page:
    """Up to PAGE_SIZE messages newer than `after_id`, oldest first (below a
    permalink's message); `more` tells whether newer ones exist past them."""
    query = _with_authors().where(Message.room_id == room_id, Message.id > after_id).order_by(Message.id).limit(PAGE_SIZE + 1)
    rows = (await session.execute(query)).all()
    return Page(await _views(session, rows[:PAGE_SIZE]), more=len(rows) > PAGE_SIZE)


def _with_authors():
    """Messages with their authors, the room's message before each (on the (room_id, id)
    index: whether it goes on a run holds across pages, edits and replays) and, for
    replies, the answered message and its author."""
    previous_id = (
        select(func.max(_Earlier.id)).where(_Earlier.room_id == Message.room_id, _Earlier.id < Message.id)
        .correlate(Message).scalar_subquery()
    )
    return (
        select(
            Message, User.id, User.name, User.uuid, _Previous.author_id, _Previous.kind, _Previous.created_at,
            _Quoted.body, _Quoted.deleted_at, _QuotedAuthor.id, _QuotedAuthor.name,
        )
        .join(User, User.id == Message.author_id)
        .outerjoin(_Previous, _Previous.id == previous_id)
        .outerjoin(_Quoted, _Quoted.id == Message.reply_to_id)
        .outerjoin(_QuotedAuthor, _QuotedAuthor.id == _Quoted.author_id)
    )


async def _views(session: AsyncSession, rows) -> list[MessageView]:
    """Rows of _with_authors as views, with their reactions and mentions (one more query for each, for the lot)."""
    rows = list(rows)
    ids = [row[0].id for row in rows]
    reactions = await reactions_of(session, ids)
    named = await mentions_of(session, ids)
    return [_view(row, reactions.get(row[0].id, []), named.get(row[0].id, [])) for row in rows]


def _view(row, reactions: list[ReactionView], named: list[UserView]) -> MessageView:
    message, user_id, name, user_uuid, *previous = row[:7]
    quoted = row[7:]
    continues, new_day = placement(user_id, message.kind, message.created_at, previous)
    return MessageView(
        message.id, message.room_id, UserView(user_id, name, user_uuid), message.body, message.created_at, message.seq, message.kind,
        edited=message.edited_at is not None, deleted=message.deleted_at is not None,
        reply=_reply(message.reply_to_id, *quoted) if message.reply_to_id is not None and quoted[2] is not None else None,
        reactions=reactions, continues=continues, new_day=new_day, uuid=message.uuid, mentions=named,
    )


async def views(session: AsyncSession, message_ids: list[int]) -> list[MessageView]:
    """The messages of these ids, as they are now, in id order."""
    query = _with_authors().where(Message.id.in_(message_ids)).order_by(Message.id)
    return await _views(session, (await session.execute(query)).all())


async def reactions_of(session: AsyncSession, message_ids: list[int]) -> dict[int, list[ReactionView]]:
    """Each message's reactions: emoji in the order first used, users in the order they reacted."""
    if not message_ids:
        return {}
    query = (
        select(Reaction.message_id, Reaction.emoji, User.id, User.name)
        .join(User, User.id == Reaction.user_id)
        .where(Reaction.message_id.in_(message_ids))
        .order_by(Reaction.message_id, Reaction.created_at, Reaction.user_id)
    )
    grouped: dict[int, dict[str, list[UserView]]] = {}
    for message_id, emoji, user_id, name in await session.execute(query):
        grouped.setdefault(message_id, {}).setdefault(emoji, []).append(UserView(user_id, name))
    return {
        message_id: [ReactionView(emoji, users) for emoji, users in by_emoji.items()]
        for message_id, by_emoji in grouped.items()
    }


async def mentions_of(session: AsyncSession, message_ids: list[int]) -> dict[int, list[UserView]]:
    """Each message's mentions, with the names as written."""
    if not message_ids:
        return {}
    query = select(Mention.message_id, Mention.user_id, Mention.name).where(Mention.message_id.in_(message_ids))
    named: dict[int, list[UserView]] = {}
    for message_id, user_id, name in await session.execute(query):
        named.setdefault(message_id, []).append(UserView(user_id, name))
    return named


async def replay_after(session: AsyncSession, room_id: int, after_id: int, limit: int) -> list[MessageView] | None:
    """Every message stored after `after_id`, oldest first: what a socket that
    reconnects without a sequence number has missed. None when more than
    `limit` were missed: the page then resyncs instead of replaying an unbounded backlog."""
    query = _with_authors().where(Message.room_id == room_id, Message.id > after_id).order_by(Message.id)
    rows = (await session.execute(query.limit(limit + 1))).all()
    return None if len(rows) > limit else await _views(session, rows)


async def changes_after(session: AsyncSession, room_id: int, after_seq: int, limit: int) -> list[MessageView] | None:
    """The room's changes after sequence number `after_seq`, in order: each
    changed message once, as it is now. None past `limit` (a resync)."""
    query = _with_authors().where(Message.room_id == room_id, Message.seq > after_seq).order_by(Message.seq)
    rows = (await session.execute(query.limit(limit + 1))).all()
    return None if len(rows) > limit else await _views(session, rows)


async def id_by_uuid(session: AsyncSession, room_id: int, uuid: str) -> int:
    """The id of one of the room's messages, by its public uuid."""
    found = await session.scalar(select(Message.id).where(Message.room_id == room_id, Message.uuid == uuid))
    if found is None:
        raise ChatError("no_such_message")
    return found
