"""The rooms' drawing boards: strokes streamed while drawn, undo, redo, reset.

A stroke is one row from its first point on: each batch extends its points in
place, so streaming costs one row per stroke, not one per batch. A shape
(line, rectangle, ellipse, arrow) is two points, start and end, and a label
one point and its text: each of their frames replaces the row's geometry."""

from __future__ import annotations

import json
import math

from sqlalchemy import delete, false, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from webapp.chat.errors import ChatError
from webapp.chat.events import DrawingReset, StrokeDrawn, StrokeUndone, StrokeView
from webapp.chat.names import visible_line
from webapp.chat.palette import PEN_COLORS
from webapp.db.models import Room, Stroke

# The board's size in board units; every client scales it to its screen.
WIDTH = 1600
HEIGHT = 1000
BACKGROUND = "#ffffff"
PENS = ("pen", "eraser")
SHAPES = ("line", "rect", "ellipse", "arrow")
TOOLS = (*PENS, *SHAPES, "text")
TEXT_MAX = 200
WIDTHS = (2, 6, 12, 24, 48)
MAX_POINTS = 1000  # per stroke; the board script starts a new stroke where one fills up
MAX_STROKES = 1000  # per board
# Points on one board, all strokes together: what a late joiner is sent whole
# (about 12 bytes of SVG a point) stays near 2 MB, however the strokes are cut.
MAX_BOARD_POINTS = 200_000


def _view(stroke: Stroke, points: list[float], start: int = 0) -> StrokeView:
    return StrokeView(
        stroke.client_id, stroke.author_id, stroke.tool, stroke.color, stroke.width,
        points, start, stroke.point_count, stroke.done, stroke.text or "",
    )


def _checked_points(points: list[float]) -> list[float]:
    if len(points) % 2:
        raise ChatError("bad_data", "Points come in x, y pairs.")
    for i, value in enumerate(points):
        # Written so that NaN fails too.
        if not (math.isfinite(value) and 0 <= value <= (WIDTH if i % 2 == 0 else HEIGHT)):
            raise ChatError("bad_data", f"Points must lie on the board, 0–{WIDTH} by 0–{HEIGHT}.")
    return [round(value, 1) for value in points]


def _checked_pen(color: str, tool: str, width: int) -> str:
    if tool not in TOOLS:
        raise ChatError("bad_data", f"The tools are {', '.join(TOOLS)}.")
    if width not in WIDTHS:
        raise ChatError("bad_data", f"Widths are {', '.join(map(str, WIDTHS))}.")
    color = color.strip().lower()
    if color not in PEN_COLORS:
        raise ChatError("not_valid_color", "Pens come in the palette's colours.")
    return color


def _checked_text(value: str) -> str:
    """A label's text on one line: control and format characters (which XML
    cannot hold or which reorder what is around) become spaces."""
    text = visible_line(value, "A label")
    if not text:
        raise ChatError("not_sufficient_data", "A label needs its text.")
    if len(text) > TEXT_MAX:
        raise ChatError("data_too_long", f"A label has at most {TEXT_MAX} characters.")
    return text


def _checked_shape(tool: str, points: list[float], text: str) -> tuple[int, str | None]:
    """What a shape or label counts against the board's points, and its text."""
    if tool == "text":
        if len(points) != 2:
            raise ChatError("bad_data", "A label is placed at one point.")
        text = _checked_text(text)
        return len(text), text
    if len(points) != 4:
        raise ChatError("bad_data", "A shape is two points, its start and its end.")
    return 2, None


# What is on a board: its strokes less those undone (kept only for a redo).
_SHOWN = Stroke.undone == false()
_BOARD_POINTS = select(func.coalesce(func.sum(Stroke.point_count), 0)).where(_SHOWN)
_BOARD_SIZE = select(func.count(), func.coalesce(func.sum(Stroke.point_count), 0)).where(_SHOWN)


async def _check_board_for(session: AsyncSession, room_id: int, new_points: int) -> None:
    """Room on the board for one more stroke of so many points."""
    count, total = (await session.execute(_BOARD_SIZE.where(Stroke.room_id == room_id))).one()
    if count >= MAX_STROKES:
        raise ChatError("data_too_long", f"A board holds at most {MAX_STROKES} strokes; reset it to go on.")
    _check_room_for(total, new_points)


def _check_room_for(board_points: int, new_points: int) -> None:
    if board_points + new_points > MAX_BOARD_POINTS:
        raise ChatError("data_too_long", f"A board holds at most {MAX_BOARD_POINTS:,} points; undo or reset it to go on.")


async def draw(
    session: AsyncSession,
    *,
    room_id: int,
    author_id: int,
    stroke_id: str,
    points: list[float],
    color: str,
    tool: str,
    width: int,
    done: bool,
    text: str = "",
) -> StrokeDrawn:
    """Start the stroke, or extend it (a shape or label: replace it); `done`
    ends it. Returns what is new of it."""
    color = _checked_pen(color, tool, width)
    points = _checked_points(points)
    shaped = _checked_shape(tool, points, text) if tool not in PENS else None
    if len(points) // 2 > MAX_POINTS:
        raise ChatError("data_too_long", f"A stroke has at most {MAX_POINTS} points.")
    if await session.get(Room, room_id) is None:
        raise ChatError("no_such_room")
    stroke = await session.scalar(select(Stroke).where(Stroke.client_id == stroke_id))
    if stroke is None:
        if not points:
            raise ChatError("not_sufficient_data", "A stroke starts with a point.")
        count, label = shaped or (len(points) // 2, None)
        await _check_board_for(session, room_id, count)
        # A new stroke ends what its author could redo.
        await session.execute(
            delete(Stroke).where(Stroke.room_id == room_id, Stroke.author_id == author_id, Stroke.undone == true())
        )
        stroke = Stroke(
            client_id=stroke_id, room_id=room_id, author_id=author_id, tool=tool, color=color, width=width,
            points=json.dumps(points), point_count=count, done=done, text=label,
        )
        session.add(stroke)
        await session.flush()
        return StrokeDrawn(room_id, _view(stroke, points))

    if stroke.room_id != room_id or stroke.author_id != author_id or stroke.done or stroke.undone:
        raise ChatError("bad_data", "That stroke is not yours to extend.")
    if stroke.tool != tool:
        raise ChatError("bad_data", "A stroke keeps its tool.")
    if shaped is not None:
        count, label = shaped
        board_points = await session.scalar(_BOARD_POINTS.where(Stroke.room_id == room_id))
        _check_room_for(board_points - stroke.point_count, count)
        stroke.points, stroke.point_count, stroke.text, stroke.done = json.dumps(points), count, label, done
        stroke.color, stroke.width = color, width
        return StrokeDrawn(room_id, _view(stroke, points))
    start = stroke.point_count
    if start + len(points) // 2 > MAX_POINTS:
        raise ChatError("data_too_long", f"A stroke has at most {MAX_POINTS} points.")
    _check_room_for(await session.scalar(_BOARD_POINTS.where(Stroke.room_id == room_id)), len(points) // 2)
    every = json.loads(stroke.points) + points
    stroke.points = json.dumps(every)
    stroke.point_count = len(every) // 2
    stroke.done = done
    if done:
        # The whole stroke once more: it mends whatever part a viewer missed.
        return StrokeDrawn(room_id, _view(stroke, every))
    return StrokeDrawn(room_id, _view(stroke, every[(start - 1) * 2 :], start))


async def undo(session: AsyncSession, *, room_id: int, author_id: int) -> StrokeUndone:
    """Take the caller's own latest stroke off this board (nobody else's); it is
    kept for a redo until they draw again."""
    stroke = await session.scalar(
        select(Stroke).where(Stroke.room_id == room_id, Stroke.author_id == author_id, _SHOWN).order_by(Stroke.id.desc()).limit(1)
    )
    if stroke is None:
        raise ChatError("not_sufficient_data", "You have no stroke on this board to undo.")
    stroke.undone = True
    return StrokeUndone(room_id, stroke.client_id)


async def redo(session: AsyncSession, *, room_id: int, author_id: int) -> StrokeDrawn:
    """Put back the caller's most recently undone stroke. Undo takes their
    latest stroke shown and a new stroke drops the undone ones, so those are
    always their newest strokes, and the one undone last is the oldest of them."""
    stroke = await session.scalar(
        select(Stroke)
        .where(Stroke.room_id == room_id, Stroke.author_id == author_id, Stroke.undone == true())
        .order_by(Stroke.id)
        .limit(1)
    )
    if stroke is None:
        raise ChatError("not_sufficient_data", "You have nothing undone on this board to redo.")
    await _check_board_for(session, room_id, stroke.point_count)
    stroke.undone, stroke.done = False, True
    return StrokeDrawn(room_id, _view(stroke, json.loads(stroke.points)))


async def reset(session: AsyncSession, *, room_id: int) -> DrawingReset:
    if await session.get(Room, room_id) is None:
        raise ChatError("no_such_room")
    await session.execute(delete(Stroke).where(Stroke.room_id == room_id))
    return DrawingReset(room_id)


async def board(session: AsyncSession, room_id: int) -> list[StrokeView]:
    """Every stroke on the board, oldest (lowest) first."""
    strokes = await session.scalars(select(Stroke).where(Stroke.room_id == room_id, _SHOWN).order_by(Stroke.id))
    return [_view(stroke, json.loads(stroke.points)) for stroke in strokes]
