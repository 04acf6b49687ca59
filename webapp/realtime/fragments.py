"""Which HTML fragments an event becomes, and on which channels they are seen.

Each fragment is rendered once, and only when a socket of this process
listens on its channel (hub.py); one template per thing on the wire."""

from __future__ import annotations

from collections.abc import Iterator

from jinja2 import Environment

from webapp.chat.events import (
    CursorsMoved,
    DrawingReset,
    Event,
    MessageChanged,
    MessageCreated,
    MessageView,
    ReactionsChanged,
    PresenceChanged,
    RoomChanged,
    RoomCreated,
    RoomDeleted,
    RoomRestored,
    StrokeDrawn,
    StrokeUndone,
    StrokeView,
    UserMuted,
    UserRenamed,
    UserView,
)
from webapp.chat.messages import Page
from webapp.realtime.hub import Delivery

LOBBY = "lobby"


def room_channel(room_id: int) -> str:
    return f"room:{room_id}"


def user_channel(user_id: int) -> str:
    return f"user:{user_id}"


class Fragments:
    """Renders events and socket-only fragments through the one Jinja environment."""

    def __init__(self, env: Environment) -> None:
        self.env = env

    def render(self, name: str, **context) -> str:
        return self.env.get_template(f"fragments/{name}").render(**context)

    def _later(self, name: str, **context):
        return lambda: self.render(name, **context)

    def deliveries(self, event: Event) -> Iterator[Delivery]:
        later = self._later
        match event:
            case RoomCreated(room):
                yield LOBBY, None, later("room_created.html", room=room)
            case RoomChanged(room):
                yield LOBBY, None, later("room.html", room=room)
                yield room_channel(room.id), None, later("room_header.html", room=room)
            case RoomDeleted(room_id=room_id, owner_id=owner_id, deleted=deleted, closed=closed):
                yield LOBBY, None, later("room_deleted.html", room_id=room_id)
                if closed:
                    # A moderator closed it with people in it: their pages go to the lobby (app.js).
                    yield room_channel(room_id), None, later("room_closed.html")
                if owner_id is not None:
                    yield user_channel(owner_id), None, later("deleted_rooms.html", deleted=deleted)
            case RoomRestored(room, owner_id, deleted):
                yield LOBBY, None, later("room_created.html", room=room)
                yield user_channel(owner_id), None, later("deleted_rooms.html", deleted=deleted)
            case UserRenamed(user):
                # Their own tabs at once; everyone else coalesced (coalesce.py).
                yield user_channel(user.id), None, later("me.html", user=user)
            case UserMuted(user_id, until):
                yield user_channel(user_id), None, later("muted.html", until=until)
            case PresenceChanged():
                pass  # coalesced per room: coalesce.py
            case MessageCreated(message=message, repeat=False):
                # Fanned out to the room's members only: what is said reaches the people in it.
                yield room_channel(message.room_id), message.seq, later("messages_appended.html", messages=[message])
            case MessageCreated(repeat=True):
                pass  # a retried send: it was shown when it was stored
            case MessageChanged(message=message):
                # Edited or deleted: the message replaced whole, as a reconnecting page gets it.
                yield room_channel(message.room_id), message.seq, later("message_changed.html", message=message)
            case ReactionsChanged(room_id, message_id, seq, reactions):
                yield room_channel(room_id), seq, later(
                    "reactions.html", message_id=message_id, reactions=reactions, seq=seq, whole=True
                )
            case StrokeDrawn(room_id, stroke):
                # Only the part drawn since the last batch, never the whole board.
                yield room_channel(room_id), None, later("stroke_drawn.html", stroke=stroke)
            case StrokeUndone(room_id, stroke_id):
                yield room_channel(room_id), None, later("stroke_undone.html", stroke_id=stroke_id)
            case DrawingReset(room_id):
                yield room_channel(room_id), None, later("board.html", strokes=[])
            case CursorsMoved(room_id, moved, gone):
                yield room_channel(room_id), None, later("cursors.html", moved=moved, gone=gone)

    def presence(self, changes: list[tuple[UserView, bool]]) -> str:
        """A room's entrances and exits (user, present) as one fragment: each user's
        latest state. An entrance of a user already listed is dropped by the page."""
        latest = {user.id: (user, present) for user, present in changes}
        joined = [user for user, present in latest.values() if present]
        left = [user for user, present in latest.values() if not present]
        return self.render("presence.html", joined=joined, left=left)

    def users(self, users: list[UserView]) -> str:
        return self.render("users.html", users=users)

    def missed(self, messages: list[MessageView], after_id: int) -> str:
        """A reconnected page's missed changes, in order: messages new to it are
        appended, changed ones it may hold replace theirs."""
        changed = [message for message in messages if message.id <= after_id]
        appended = [message for message in messages if message.id > after_id]
        return self.render("messages_missed.html", changed=changed, appended=appended)

    def resync(self, room_id: int, page: Page, seq: int) -> str:
        """The whole history panel anew, for a socket that missed too much to replay."""
        return self.render("messages_resync.html", room_id=room_id, messages=page.messages, more=page.more, seq=seq)

    def board(self, strokes: list[StrokeView]) -> str:
        return self.render("board.html", strokes=strokes)

    def board_svg(self, strokes: list[StrokeView]) -> str:
        """The board as a standalone SVG file (downloads, snapshots)."""
        return self.render("drawing.html", strokes=strokes)

    def error(self, code: str, detail: str) -> str:
        return self.render("error.html", code=code, detail=detail)
