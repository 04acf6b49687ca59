"""What changed, as small typed values. Services return them after their
transaction commits; the fan-out renders and delivers them."""

from __future__ import annotations

from datetime import datetime

import msgspec


class UserView(msgspec.Struct, frozen=True):
    id: int
    name: str
    uuid: str = ""  # public, for the JSON API; left out where only the HTML side reads it


class LatestView(msgspec.Struct, frozen=True):
    """A room's latest message as the lobby shows it: who, the start of it, when."""

    author: UserView
    excerpt: str
    created_at: datetime


class RoomView(msgspec.Struct):
    id: int
    name: str
    color: str
    message_count: int = 0
    user_count: int = 0
    uuid: str = ""
    latest: LatestView | None = None


class ReplyView(msgspec.Struct, frozen=True):
    """The message a reply answers, as quoted: its author and the start of its body."""

    id: int
    author: UserView
    excerpt: str  # empty once it is deleted
    deleted: bool = False


class ReactionView(msgspec.Struct, frozen=True):
    """One emoji on a message and who put it there, in the order they did."""

    emoji: str
    users: list[UserView]


class MessageView(msgspec.Struct, frozen=True):
    id: int
    room_id: int
    author: UserView
    body: str  # empty once it is deleted
    created_at: datetime
    seq: int  # the room change log's number of this message's latest change
    kind: str = "text"  # or "system": a line about the room (a rename, a recolour) by its author
    edited: bool = False
    deleted: bool = False
    reply: ReplyView | None = None
    reactions: list[ReactionView] = []
    uuid: str = ""
    # Its place after the room's previous message: the same author's run goes on
    # (shown without name and time again), or a new day starts (a separator above).
    continues: bool = False
    new_day: bool = False
    mentions: list[UserView] = []  # who the body names, with their names as written then (chat/mentions.py)


class RoomCreated(msgspec.Struct, tag=True):
    room: RoomView


class RoomChanged(msgspec.Struct, tag=True):
    room: RoomView


class DeletedRoomView(msgspec.Struct, frozen=True):
    """A room its creator deleted: restorable until `purge_at`."""

    id: int
    name: str
    color: str
    purge_at: datetime


class RoomDeleted(msgspec.Struct, tag=True):
    room_id: int
    # Its creator, and their recently deleted rooms after it (their own channel).
    owner_id: int | None = None
    deleted: list[DeletedRoomView] = []
    room: RoomView | None = None  # as it was, for the JSON API (its uuid)
    # Closed by a moderator, maybe with people in it: their pages go to the lobby.
    closed: bool = False


class RoomRestored(msgspec.Struct, tag=True):
    """Its creator restored it: back in every lobby."""

    room: RoomView
    owner_id: int
    deleted: list[DeletedRoomView]


class UserRenamed(msgspec.Struct, tag=True):
    user: UserView


class PresenceChanged(msgspec.Struct, tag=True):
    """A user entered or left a room (their first socket opened or last one closed)."""

    room_id: int
    user: UserView
    present: bool


class StrokeView(msgspec.Struct, frozen=True):
    """A stroke, or the part of it drawn since `start`: points[0:2] is then
    point start-1, so the part joins the line already shown."""

    id: str
    author_id: int
    tool: str
    color: str
    width: int
    points: list[float]
    start: int = 0
    total: int = 0
    done: bool = True
    text: str = ""  # a label's


class StrokeDrawn(msgspec.Struct, tag=True):
    """A stroke began or grew; streamed while it is drawn."""

    room_id: int
    stroke: StrokeView


class StrokeUndone(msgspec.Struct, tag=True):
    room_id: int
    stroke_id: str


class DrawingReset(msgspec.Struct, tag=True):
    room_id: int


class CursorView(msgspec.Struct, frozen=True):
    user_id: int
    name: str
    x: float
    y: float


class CursorsMoved(msgspec.Struct, tag=True):
    """Where people's pointers are over a room's board, gathered for a moment
    (realtime/cursors.py); never stored. `gone`: cursors to take away."""

    room_id: int
    moved: list[CursorView]
    gone: list[int] = []


class MessageCreated(msgspec.Struct, tag=True):
    """A message was stored; `message_count` is its room's count after it.

    `repeat` marks a retried send (same client_id): nothing new was stored, and
    nothing is shown again."""

    message: MessageView
    message_count: int
    repeat: bool = False


class MessageChanged(msgspec.Struct, tag=True):
    """A message was edited or deleted: it is shown anew, whole."""

    message: MessageView


class ReactionsChanged(msgspec.Struct, tag=True):
    """Someone's reaction to a message came or went; `seq` is the room change log's number of it."""

    room_id: int
    message_id: int
    seq: int
    reactions: list[ReactionView]


class UserMuted(msgspec.Struct, tag=True):
    """A moderator muted an identity until then, or lifted its mute (None): told on its own channel."""

    user_id: int
    until: datetime | None


class ReadMoved(msgspec.Struct, tag=True):
    """A user read further in a room: their tabs' unread counts change (realtime/unread.py)."""

    user_id: int
    room_id: int


class NotifyChanged(msgspec.Struct, tag=True):
    """How a room notifies a user changed: their tabs learn it with its unread count."""

    user_id: int
    room_id: int


class UserTyping(msgspec.Struct, tag=True):
    """Someone is typing in a room (realtime/typing.py); not stored."""

    room_id: int
    user: UserView


Event = (
    RoomCreated | RoomChanged | RoomDeleted | RoomRestored | UserRenamed | PresenceChanged | StrokeDrawn | StrokeUndone | DrawingReset
    | CursorsMoved | MessageCreated | MessageChanged | ReactionsChanged | UserMuted | ReadMoved | NotifyChanged | UserTyping
)
