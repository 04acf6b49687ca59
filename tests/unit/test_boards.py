"""The board a room socket opens with: rendered once per change, not per newcomer."""

from __future__ import annotations

import uuid

from tests.support import parse_fragment
from webapp.chat import drawing, rooms, users
from webapp.chat.events import StrokeDrawn
from webapp.realtime.boards import Boards
from webapp.realtime.fragments import Fragments
from webapp.rendering import create_environment

SVG = "{http://www.w3.org/2000/svg}"


async def test_the_board_is_read_and_rendered_once_until_it_changes(sessions, monkeypatch) -> None:
    async with sessions.begin() as session:
        author = await users.create_user(session)
        room = (await rooms.create_room(session, creator_id=author.id)).room
    fragments = Fragments(create_environment())
    renders = []
    board = fragments.board
    monkeypatch.setattr(fragments, "board", lambda strokes: renders.append(len(strokes)) or board(strokes))
    boards = Boards(fragments, sessions)

    assert await boards.get(room.id) == await boards.get(room.id)
    assert renders == [0]

    async with sessions.begin() as session:
        drawn = await drawing.draw(
            session, room_id=room.id, author_id=author.id, stroke_id=str(uuid.uuid4()),
            points=[1.0, 2.0, 3.0, 4.0], color="#0167ca", tool="pen", width=6, done=True,
        )
    assert isinstance(drawn, StrokeDrawn)
    boards.observe(drawn)
    [top] = parse_fragment(await boards.get(room.id))
    assert (top.get("id"), top.get("hx-swap-oob")) == ("drawing", "innerHTML")
    assert [path.get("id") for path in top.iter(f"{SVG}path")] == [f"stroke-{drawn.stroke.id}"]
    await boards.get(room.id)
    assert renders == [0, 1]
