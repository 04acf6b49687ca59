"""Which fragments an event becomes, and on which channels they are seen."""

from __future__ import annotations

from collections.abc import Iterator

from jinja2 import Environment

from webapp.chat.events import Event, PresenceChanged, RoomChanged, RoomCreated, RoomDeleted, UserRenamed

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


def render_error(env: Environment, code: str, detail: str) -> str:
    return env.get_template("fragments/error.html").render(code=code, detail=detail)
