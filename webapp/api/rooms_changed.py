"""`room_changed` for every /api connection, coalesced: a room's users, name,
colour or message count changed, and at most once per flush (0.25 s) it is
sent whole, read from the database. A crowd entering, or a busy room, is then
a few statements a second to everyone, not one per entrance or message."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from webapp.api import encoding
from webapp.chat import presence, rooms
from webapp.chat.events import Event, MessageCreated, PresenceChanged, RoomChanged, RoomDeleted, RoomView, UserRenamed
from webapp.db.models import Presence
from webapp.realtime.coalesce import every
from webapp.realtime.hub import Hub


class RoomsChanged:
    def __init__(self, hub: Hub, statements: encoding.Statements, sessions: async_sessionmaker[AsyncSession], interval: float = 0.25) -> None:
        self.hub = hub
        self.statements = statements
        self.sessions = sessions
        self.interval = interval
        self._rooms: set[int] = set()
        self._renamed: set[int] = set()  # users: their rooms are found at the flush

    def observe(self, event: Event) -> None:
        match event:
            case PresenceChanged(room_id=room_id) | RoomChanged(room=RoomView(id=room_id)):
                self._rooms.add(room_id)
            case MessageCreated(message=message, repeat=False):
                self._rooms.add(message.room_id)
            case UserRenamed(user=user):
                self._renamed.add(user.id)
            case RoomDeleted(room_id=room_id):
                self._rooms.discard(room_id)

    async def flush(self) -> None:
        changed, renamed = self._rooms, self._renamed
        self._rooms, self._renamed = set(), set()
        if not (changed or renamed) or not self.hub.listening(encoding.LOBBY):
            return
        async with self.sessions() as session:
            if renamed:
                query = select(Presence.room_id).distinct().where(Presence.user_id.in_(renamed))
                changed |= set(await session.scalars(query))
            views = await rooms.get_rooms(session, sorted(changed))
            people = await presence.users_in_rooms(session, changed)
        self.statements.remember(views)
        for view in views:
            frame = encoding.result("room_changed", object=encoding.room(view, people.get(view.id, [])))
            self.hub.send(encoding.LOBBY, frame)

    async def run(self) -> None:
        await every(self.interval, self.flush, "the JSON API's room changes")
