"""Chatboard's views as the statement protocol's JSON objects and frames, and
which statements an event becomes for the /api sockets subscribed to it.

Like fragments.py for HTML: each statement is encoded once per event, and only
when a socket of this process listens on its channel (realtime/hub.py)."""

from __future__ import annotations

from collections.abc import Iterator

import msgspec

from webapp.chat.drawing import HEIGHT, PENS, WIDTH, WIDTHS
from webapp.chat.events import (
    DrawingReset, Event, MessageCreated, MessageView, RoomChanged, RoomCreated, RoomDeleted, RoomRestored, RoomView, StrokeDrawn,
    StrokeView, UserView,
)
from webapp.realtime.hub import Delivery

LOBBY = "api:lobby"  # every /api connection: "all" in the protocol

# The old client's stage, and the widths it draws with (not on the wire).
STAGE_WIDTH, STAGE_HEIGHT = 640, 480
TOOL_WIDTHS = {"pen": 5, "eraser": 50}
SCALE_X, SCALE_Y = WIDTH / STAGE_WIDTH, HEIGHT / STAGE_HEIGHT

_encode = msgspec.json.Encoder().encode


def room_channel(room_id: int) -> str:
    return f"api:room:{room_id}"


def result(message: str, **fields) -> str:
    return _encode({"type": "result", "payload": {"message": message, **fields}}).decode()


def error(code: str, detail: str = "") -> str:
    payload = {"message": code, "detail": detail} if detail else {"message": code}
    return _encode({"type": "error", "payload": payload}).decode()


def user(view: UserView, room_uuid: str | None) -> dict:
    return {"uuid": view.uuid, "name": view.name, "room_uuid": room_uuid}


def room(view: RoomView, users: list[UserView]) -> dict:
    return {
        "uuid": view.uuid, "name": view.name, "color": view.color,
        "users": [user(each, view.uuid) for each in users], "sum": view.message_count,
    }


def message(view: MessageView, room_uuid: str) -> dict:
    return {
        "uuid": view.uuid, "name": f"message-{view.uuid}", "body": view.body, "user": user(view.author, room_uuid),
        "room_uuid": room_uuid, "created": view.created_at.isoformat(),
    }


def messages(views: list[MessageView], room_uuid: str) -> list[dict]:
    """A page of history as the protocol lists it: what was deleted is left out."""
    return [message(view, room_uuid) for view in views if not view.deleted]


def to_stage(points: list[float]) -> list[float]:
    return [round(value / (SCALE_X if i % 2 == 0 else SCALE_Y), 1) for i, value in enumerate(points)]


def to_board(points: list[float]) -> list[float]:
    """Stage pixels to board units; a point off the stage is held at its edge."""
    bounds = (STAGE_WIDTH, STAGE_HEIGHT)
    return [round(min(max(value, 0), bounds[i % 2]) * (SCALE_X if i % 2 == 0 else SCALE_Y), 1) for i, value in enumerate(points)]


def board_width(tool: str) -> int:
    """The board's allowed width nearest to what the old client draws with."""
    drawn = TOOL_WIDTHS.get(tool, TOOL_WIDTHS["pen"]) * SCALE_X
    return min(WIDTHS, key=lambda width: abs(width - drawn))


def pen_color(color: str) -> str:
    """The board's form of a line's colour: #rrggbb. The old client draws its pens
    translucent (#000000cc); the board's pens are opaque, so the alpha is dropped."""
    color = color.strip().lower()
    if len(color) == 4 and color.startswith("#"):
        return "#" + "".join(digit * 2 for digit in color[1:])
    return color[:7] if len(color) == 9 else color


def line(stroke: StrokeView) -> dict:
    return {
        "uuid": stroke.id, "name": f"line-{stroke.id}", "points": to_stage(stroke.points), "tool": stroke.tool,
        "color": stroke.color,
    }


def drawing(room_uuid: str, strokes: list[StrokeView]) -> dict:
    lines = [line(stroke) for stroke in strokes if stroke.tool in PENS]
    return {"uuid": room_uuid, "name": f"drawing-{room_uuid}", "lines": lines}


class Statements:
    """The statements of events, for /api sockets. A room's public uuid is not on
    every event: it is remembered from the rooms this process's /api sockets
    have seen (listed, entered, created), which is every room they are in."""

    def __init__(self) -> None:
        self.room_uuids: dict[int, str] = {}

    def remember(self, rooms: list[RoomView]) -> None:
        for each in rooms:
            self.room_uuids[each.id] = each.uuid

    def deliveries(self, event: Event) -> Iterator[Delivery]:
        # Each statement is built only when called: only if an /api socket here listens.
        match event:
            case RoomCreated(room=created) | RoomRestored(room=created):
                self.remember([created])
                yield LOBBY, None, lambda: result("room_created", object=room(created, []))
            case RoomChanged(room=changed):
                self.remember([changed])  # its room_changed is coalesced (rooms_changed.py)
            case RoomDeleted(room_id=room_id, room=deleted) if deleted is not None:
                self.room_uuids.pop(room_id, None)
                yield LOBBY, None, lambda: result("room_deleted", object=room(deleted, []))
            case MessageCreated(message=view, repeat=False) if view.room_id in self.room_uuids:
                room_uuid = self.room_uuids[view.room_id]
                yield room_channel(view.room_id), view.seq, lambda: result("message_created", object=message(view, room_uuid))
            case StrokeDrawn(room_id=room_id, stroke=stroke) if stroke.done and stroke.tool in PENS:
                # A line is sent once, when it is done: the old client has no strokes in progress,
                # nor shapes or labels.
                yield room_channel(room_id), None, lambda: result("draw_line_changed", object=line(stroke))
            case DrawingReset(room_id=room_id) if room_id in self.room_uuids:
                room_uuid = self.room_uuids[room_id]
                yield room_channel(room_id), None, lambda: result("drawing_got", object=drawing(room_uuid, []))
