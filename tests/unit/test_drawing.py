"""The drawing service: strokes stream into one row each; undo is your own; reset clears."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import func, select

from webapp.chat import drawing, rooms, users
from webapp.chat.errors import ChatError
from webapp.db.engine import create_engine, session_factory
from webapp.db.models import Stroke


@pytest.fixture
async def sessions(database_url):
    engine = create_engine(database_url)
    yield session_factory(engine)
    await engine.dispose()


@pytest.fixture
async def room(sessions):
    async with sessions.begin() as session:
        user = await users.create_user(session)
        return (await rooms.create_room(session, creator_id=user.id, name="Board test")).room.id


async def new_user(sessions) -> int:
    async with sessions.begin() as session:
        return (await users.create_user(session)).id


async def draw(sessions, room: int, author: int, stroke: str, points: list[float], done: bool = False, **pen):
    pen = {"color": "#e02d25", "tool": "pen", "width": 6} | pen
    async with sessions.begin() as session:
        return await drawing.draw(session, room_id=room, author_id=author, stroke_id=stroke, points=points, done=done, **pen)


async def rows(sessions, stroke: str) -> list[Stroke]:
    async with sessions() as session:
        return list(await session.scalars(select(Stroke).where(Stroke.client_id == stroke)))


async def test_a_stroke_is_started_extended_and_finished_in_one_row(sessions, room) -> None:
    author, stroke = await new_user(sessions), str(uuid.uuid4())

    first = await draw(sessions, room, author, stroke, [10, 10, 20, 20])
    assert (first.stroke.start, first.stroke.total, first.stroke.done) == (0, 2, False)
    assert first.stroke.points == [10, 10, 20, 20]

    second = await draw(sessions, room, author, stroke, [30, 30.04, 40, 40])
    # Only the new part, joined to the last point already shown.
    assert (second.stroke.start, second.stroke.total) == (2, 4)
    assert second.stroke.points == [20, 20, 30, 30.0, 40, 40]

    last = await draw(sessions, room, author, stroke, [50, 50], done=True)
    assert (last.stroke.start, last.stroke.total, last.stroke.done) == (0, 5, True)
    assert last.stroke.points == [10, 10, 20, 20, 30, 30, 40, 40, 50, 50]

    [row] = await rows(sessions, stroke)
    assert json.loads(row.points) == last.stroke.points and row.point_count == 5 and row.done
    async with sessions() as session:
        [view] = [s for s in await drawing.board(session, room) if s.id == stroke]
    assert (view.color, view.tool, view.width, view.points) == ("#e02d25", "pen", 6, last.stroke.points)


async def test_undo_takes_only_your_own_last_stroke(sessions, room) -> None:
    alice, bob = await new_user(sessions), await new_user(sessions)
    a1, b1, a2 = (str(uuid.uuid4()) for _ in range(3))
    await draw(sessions, room, alice, a1, [1, 1], done=True)
    await draw(sessions, room, bob, b1, [2, 2], done=True)
    await draw(sessions, room, alice, a2, [3, 3], done=True)

    async with sessions.begin() as session:
        assert (await drawing.undo(session, room_id=room, author_id=bob)).stroke_id == b1
    async with sessions.begin() as session:
        assert (await drawing.undo(session, room_id=room, author_id=alice)).stroke_id == a2
    async with sessions.begin() as session:
        assert (await drawing.undo(session, room_id=room, author_id=alice)).stroke_id == a1
    with pytest.raises(ChatError) as nothing:
        async with sessions.begin() as session:
            await drawing.undo(session, room_id=room, author_id=alice)
    assert nothing.value.code == "not_sufficient_data"
    # Off the board, kept for a redo.
    async with sessions() as session:
        assert await drawing.board(session, room) == []
    assert [row.undone for stroke in (a1, a2, b1) for row in await rows(sessions, stroke)] == [True, True, True]


async def test_reset_deletes_this_board_only(sessions, room) -> None:
    author = await new_user(sessions)
    async with sessions.begin() as session:
        other_room = (await rooms.create_room(session, creator_id=author, name="Other")).room.id
    kept = str(uuid.uuid4())
    await draw(sessions, room, author, str(uuid.uuid4()), [1, 1], done=True)
    await draw(sessions, other_room, author, kept, [1, 1], done=True)

    async with sessions.begin() as session:
        assert (await drawing.reset(session, room_id=room)).room_id == room
    async with sessions() as session:
        assert await drawing.board(session, room) == []
        assert [s.id for s in await drawing.board(session, other_room)] == [kept]


@pytest.mark.parametrize(
    ("points", "pen", "code"),
    [
        ([1, 2, 3], {}, "bad_data"),
        ([-1, 5], {}, "bad_data"),
        ([drawing.WIDTH + 1, 5], {}, "bad_data"),
        ([5, drawing.HEIGHT + 0.5], {}, "bad_data"),
        ([float("nan"), 5], {}, "bad_data"),
        ([5, 5], {"color": "#123456"}, "not_valid_color"),
        ([5, 5], {"tool": "spray"}, "bad_data"),
        ([5, 5], {"width": 7}, "bad_data"),
        ([], {}, "not_sufficient_data"),
        ([5, 5] * (drawing.MAX_POINTS + 1), {}, "data_too_long"),
    ],
)
async def test_bad_strokes_are_refused_and_store_nothing(sessions, room, points, pen, code) -> None:
    stroke = str(uuid.uuid4())
    with pytest.raises(ChatError) as refused:
        await draw(sessions, room, await new_user(sessions), stroke, points, **pen)
    assert refused.value.code == code
    assert await rows(sessions, stroke) == []


async def test_a_stroke_cannot_grow_past_its_bound_or_be_taken_over(sessions, room) -> None:
    alice, bob = await new_user(sessions), await new_user(sessions)
    stroke = str(uuid.uuid4())
    await draw(sessions, room, alice, stroke, [5, 5] * (drawing.MAX_POINTS - 1))
    for author, points, code in [(alice, [6, 6, 7, 7], "data_too_long"), (bob, [6, 6], "bad_data")]:
        with pytest.raises(ChatError) as refused:
            await draw(sessions, room, author, stroke, points)
        assert refused.value.code == code
    await draw(sessions, room, alice, stroke, [6, 6], done=True)
    with pytest.raises(ChatError) as finished:
        await draw(sessions, room, alice, stroke, [7, 7])
    assert finished.value.code == "bad_data"
    [row] = await rows(sessions, stroke)
    assert row.point_count == drawing.MAX_POINTS


async def test_a_full_board_takes_no_more_strokes(sessions, room, monkeypatch) -> None:
    author = await new_user(sessions)
    monkeypatch.setattr(drawing, "MAX_STROKES", 2)
    await draw(sessions, room, author, str(uuid.uuid4()), [1, 1], done=True)
    await draw(sessions, room, author, str(uuid.uuid4()), [1, 1], done=True)
    with pytest.raises(ChatError) as full:
        await draw(sessions, room, author, str(uuid.uuid4()), [1, 1])
    assert full.value.code == "data_too_long"
    async with sessions() as session:
        count = await session.scalar(select(func.count()).select_from(Stroke).where(Stroke.room_id == room))
    assert count == 2


async def test_a_board_holds_a_bounded_number_of_points_in_all(sessions, room, monkeypatch) -> None:
    author = await new_user(sessions)
    monkeypatch.setattr(drawing, "MAX_BOARD_POINTS", 5)
    await draw(sessions, room, author, str(uuid.uuid4()), [1, 1, 2, 2, 3, 3], done=True)
    growing = str(uuid.uuid4())
    await draw(sessions, room, author, growing, [4, 4])
    # Neither a new stroke nor the growing one may pass the board's total.
    for stroke, points in ((str(uuid.uuid4()), [5, 5, 6, 6]), (growing, [5, 5, 6, 6])):
        with pytest.raises(ChatError) as full:
            await draw(sessions, room, author, stroke, points)
        assert full.value.code == "data_too_long" and "undo or reset" in full.value.detail
    await draw(sessions, room, author, growing, [5, 5], done=True)  # the last point that fits
    async with sessions() as session:
        assert await session.scalar(select(func.sum(Stroke.point_count)).where(Stroke.room_id == room)) == 5
    # An undo makes room again.
    async with sessions.begin() as session:
        await drawing.undo(session, room_id=room, author_id=author)
    await draw(sessions, room, author, str(uuid.uuid4()), [7, 7], done=True)
