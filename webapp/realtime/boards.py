"""The board a room socket gets as it opens, rendered once per change of the
board rather than once per newcomer: a full board is megabytes of SVG, so the
room page leaves it out and the socket sends it (docs/protocol.md)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from webapp.chat import drawing
from webapp.chat.events import DrawingReset, Event, RoomDeleted, StrokeDrawn, StrokeUndone
from webapp.realtime.fragments import Fragments


class Boards:
    def __init__(self, fragments: Fragments, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.fragments = fragments
        self.sessions = sessions
        self._html: dict[int, str] = {}
        self._changes: dict[int, int] = {}

    def observe(self, event: Event) -> None:
        match event:
            case StrokeDrawn(room_id=room_id) | StrokeUndone(room_id=room_id) | DrawingReset(room_id=room_id) | RoomDeleted(room_id=room_id):
                self._html.pop(room_id, None)
                self._changes[room_id] = self._changes.get(room_id, 0) + 1

    async def get(self, room_id: int) -> str:
        html = self._html.get(room_id)
        if html is not None:
            return html
        changes = self._changes.get(room_id, 0)
        async with self.sessions() as session:
            strokes = await drawing.board(session, room_id)
        html = self.fragments.board(strokes)
        # A change delivered while the board was read may or may not be in it: not kept.
        if changes == self._changes.get(room_id, 0):
            self._html[room_id] = html
        return html
