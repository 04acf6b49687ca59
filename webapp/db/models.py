"""ORM models. Alembic migrations are the schema's source of truth; these mirror them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAME_MAX = 64
BODY_MAX = 4000
# Ids and sequence numbers are INTEGER columns, 32-bit on PostgreSQL: a number past
# them is refused as such (no row, a 400), never left to overflow in the driver.
MAX_ID = 2**31 - 1


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_uuid() -> str:
    return str(uuid.uuid4())


def public_uuid():
    """A stable public name for a row, as the JSON API knows it. Nullable only
    because existing rows got theirs in a migration that could not rebuild the table."""
    return mapped_column(String(36), default=new_uuid, nullable=True, unique=True, index=True)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every database (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uuid: Mapped[str] = public_uuid()
    # Made one with MODERATOR_KEY on /moderate (chat/moderation.py).
    moderator: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Muted by a moderator: reads, and every action it sends is refused until then.
    muted_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The name as compared for "taken": case-folded, as clean_name leaves it (chat/users.py).
    name_key: Mapped[str | None] = mapped_column(String(NAME_MAX * 3), index=True)

    # The few moderators among every identity ever made, for the badge on each page.
    __table_args__ = (Index("ix_users_moderator", "id", postgresql_where=text("moderator"), sqlite_where=text("moderator = 1")),)


class Room(Base):
    __tablename__ = "rooms"
    # Rooms created per identity per hour are capped (webapp/realtime/limits.py).
    __table_args__ = (
        Index("ix_rooms_created_by_created_at", "created_by", "created_at"),
        Index("ix_rooms_last_active_at", "last_active_at"),
        Index("ix_rooms_deleted_at", "deleted_at"),
        # An id is never handed to another room (old links would open it).
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    # Case-folded copy of the name: the same case-insensitive search on every database.
    search_name: Mapped[str] = mapped_column(String(NAME_MAX * 3))
    color: Mapped[str] = mapped_column(String(9))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Kept in the message's transaction so the lobby never counts history.
    message_count: Mapped[int] = mapped_column(Integer, default=0)
    # The room change log's latest sequence number (Message.seq).
    last_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The lobby lists the rooms most recently active: created, or written in.
    last_active_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Deleted by its creator: hidden, restorable for a while, then purged (chat/rooms.py).
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    uuid: Mapped[str] = public_uuid()


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_room_id_id", "room_id", "id"),
        Index("ix_messages_room_id_seq", "room_id", "seq", unique=True),
        # A retried send is the same client_id from the same author in the same room.
        UniqueConstraint("author_id", "room_id", "client_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    # "text", or "system": a line about the room itself (a rename, a recolour), by its author.
    kind: Mapped[str] = mapped_column(String(16), default="text", server_default="text")
    client_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The room's sequence number of this message's latest change: a reconnecting
    # page gets every message whose seq is past the last one it holds.
    seq: Mapped[int] = mapped_column(Integer)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A deleted message keeps its row (and place) with an empty body: a tombstone.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    uuid: Mapped[str] = public_uuid()


class Reaction(Base):
    """One user's one emoji on one message."""

    __tablename__ = "reactions"

    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    emoji: Mapped[str] = mapped_column(Text, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Server(Base):
    """A running server process; its heartbeat tells whether its presence rows are alive."""

    __tablename__ = "servers"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Presence(Base):
    """One open room socket. A user is in a room while any of their sockets is."""

    __tablename__ = "presence"
    __table_args__ = (Index("ix_presence_room_id_user_id", "room_id", "user_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    server_id: Mapped[str] = mapped_column(ForeignKey("servers.id", ondelete="CASCADE"), index=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    connected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Stroke(Base):
    """One stroke on a room's board: a single row, its points extended in place while it is drawn."""

    __tablename__ = "strokes"
    __table_args__ = (Index("ix_strokes_room_id_id", "room_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The drawer's uuid for it: the wire's stroke id.
    client_id: Mapped[str] = mapped_column(String(36), unique=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    tool: Mapped[str] = mapped_column(String(8))
    color: Mapped[str] = mapped_column(String(9))
    width: Mapped[int] = mapped_column(Integer)
    # JSON list [x1, y1, x2, y2, ...] in board units.
    points: Mapped[str] = mapped_column(Text)
    point_count: Mapped[int] = mapped_column(Integer)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A label's text (tool "text"); None for every other tool.
    text: Mapped[str | None] = mapped_column(Text)
    # Undone by its author: off the board, kept for a redo until they draw again.
    undone: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class Snapshot(Base):
    """The board as it was when someone shared it into the chat: its message's
    picture, stored once and never changed."""

    __tablename__ = "snapshots"

    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    svg: Mapped[str] = mapped_column(Text)


class BotKey(Base):
    """A key that lets a program post to one room as its bot; only its sha256 is kept."""

    __tablename__ = "bot_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    bot_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    creator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Outbox(Base):
    """Events published across processes through PostgreSQL (CHANNELS_BACKEND=postgres).

    NOTIFY carries the row's id, and the event itself when it fits in NOTIFY's
    8,000 bytes; a listener reads larger events back, and after losing its
    connection replays the rows it missed. Rows are pruned after a while."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(128))
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, server_default=func.now(), index=True)


class ModerationAction(Base):
    """What a moderator did, to whom and where: the audit /moderate lists."""

    __tablename__ = "moderation_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    moderator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(32))
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Purged rooms take their messages with them; the record of what a moderator did stays.
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", ondelete="SET NULL"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    detail: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class ReadPosition(Base):
    """How far one user has read one room, and how it notifies them. A row is made
    as they first enter: the people who have been in a room are its rows (mentions.py)."""

    __tablename__ = "read_positions"
    __table_args__ = (Index("ix_read_positions_room_id", "room_id"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True)
    # The newest message they have read (an id: ids follow a room's commit order).
    message_id: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # "all", "mentions" or "off".
    notify: Mapped[str] = mapped_column(String(8), default="mentions", server_default="mentions")


class Mention(Base):
    """A user named in a message: `name` is their name as it was then, what the body shows after the @."""

    __tablename__ = "mentions"
    __table_args__ = (Index("ix_mentions_user_id_room_id_message_id", "user_id", "room_id", "message_id"),)

    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
