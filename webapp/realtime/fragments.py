"""Which fragments an event becomes, and on which channels they are seen."""

from __future__ import annotations

from collections.abc import Iterator

from jinja2 import Environment

from webapp.chat.events import (
    DrawingReset,
    Event,
    MessageCreated,
    MessageView,
    PresenceChanged,
    RoomChanged,
    RoomCreated,
    RoomDeleted,
    StrokeDrawn,
    StrokeUndone,
    UserRenamed,
    UserView,
)

LOBBY = "lobby"


def room_channel(room_id: int) -> str:
    return f"room:{room_id}"


def user_channel(user_id: int) -> str:
    return f"user:{user_id}"


def render_event(env: Environment, event: Event) -> Iterator[tuple[str, str]]:
    """Yield (channel, html) pairs. Rendered once, whoever receives them."""
    render = lambda name, **context: env.get_template(f"fragments/{name}").render(**context)  # noqa: E731
    match event:
        case RoomCreated(room):
            yield LOBBY, render("room_created.html", room=room)
        case RoomChanged(room):
            yield LOBBY, render("room.html", room=room, oob=True)
            yield room_channel(room.id), render("room_header.html", room=room, oob=True)
        case RoomDeleted(room_id):
            yield LOBBY, render("room_deleted.html", room_id=room_id)
        case UserRenamed(user):
            yield user_channel(user.id), render("me.html", user=user, oob=True)
            # Names show wherever the user wrote or is, and every page hears the lobby;
            # renames are rare enough for that one broadcast.
            yield LOBBY, render("user_renamed.html", user=user)
        case PresenceChanged():
            pass  # coalesced per room by the fan-out: render_presence
        case MessageCreated(message=message, repeat=False):
            # Fanned out to the room's members only: what is said reaches the people in it.
            yield room_channel(message.room_id), render("messages_appended.html", messages=[message])
        case MessageCreated(repeat=True):
            pass  # a retried send: it was shown when it was stored
        case StrokeDrawn(room_id, stroke):
            # Only the part drawn since the last batch, never the whole board.
            yield room_channel(room_id), render("stroke_drawn.html", stroke=stroke)
        case StrokeUndone(room_id, stroke_id):
            yield room_channel(room_id), render("stroke_undone.html", stroke_id=stroke_id)
        case DrawingReset(room_id):
            yield room_channel(room_id), render("drawing.html", strokes=[], oob=True)


def render_presence(env: Environment, changes: list[tuple[UserView, bool]]) -> str:
    """A room's entrances and exits (user, present) as one fragment: each user's
    latest state. An entrance of a user already listed is dropped by the page."""
    latest = {user.id: (user, present) for user, present in changes}
    joined = [user for user, present in latest.values() if present]
    left = [user for user, present in latest.values() if not present]
    return env.get_template("fragments/presence.html").render(joined=joined, left=left)


def render_users(env: Environment, users: list[UserView]) -> str:
    """The whole users list, sent to a socket as it opens: no entrance is missed
    between the page's render and the socket's subscription."""
    return env.get_template("fragments/users.html").render(users=users, oob=True)


def render_missed(env: Environment, messages: list[MessageView]) -> str:
    return env.get_template("fragments/messages_appended.html").render(messages=messages)


def render_resync(env: Environment, room_id: int, page) -> str:
    """The whole history panel anew, for a socket that missed too much to replay."""
    return env.get_template("fragments/messages_resync.html").render(room_id=room_id, messages=page.messages, more=page.more)


def render_error(env: Environment, code: str, detail: str) -> str:
    return env.get_template("fragments/error.html").render(code=code, detail=detail)
