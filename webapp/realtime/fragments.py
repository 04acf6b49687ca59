"""Which fragments an event becomes, and on which channels they are seen."""

from __future__ import annotations

from collections.abc import Iterator

from jinja2 import Environment

from webapp.chat.events import (
    DrawingReset, Event, PresenceChanged, RoomChanged, RoomCreated, RoomDeleted, StrokeDrawn, StrokeUndone, UserRenamed,
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
        case PresenceChanged():
            pass  # only counters so far, coalesced by the fan-out
        case StrokeDrawn(room_id, stroke):
            # Only the part drawn since the last batch, never the whole board.
            yield room_channel(room_id), render("stroke_drawn.html", stroke=stroke)
        case StrokeUndone(room_id, stroke_id):
            yield room_channel(room_id), render("stroke_undone.html", stroke_id=stroke_id)
        case DrawingReset(room_id):
            yield room_channel(room_id), render("drawing.html", strokes=[], oob=True)


def render_error(env: Environment, code: str, detail: str) -> str:
    return env.get_template("fragments/error.html").render(code=code, detail=detail)
