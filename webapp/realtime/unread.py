"""Unread counts and mentions, per user, on the user's own channel.

A committed message marks its room dirty; a read or a notify level moved marks
its user dirty. A few times a second the dirty ones are read back in one query
from the read positions (chat/reads.py) and each user online here gets one
frame with their changed `unread-{room}` entries: never a render of the message
per recipient, and at most 1 / interval updates a second per user however
busy the rooms."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from webapp.chat import reads
from webapp.chat.events import Event, MessageChanged, MessageCreated, NotifyChanged, ReadMoved, RoomChanged, RoomRestored
from webapp.realtime.fragments import Fragments, user_channel
from webapp.realtime.hub import Hub

log = logging.getLogger(__name__)

# Past this many users online here, a dirty room's people are filtered here
# rather than named in the query (a bound parameter each).
NAMED_MAX = 1000


class UnreadCounts:
    def __init__(self, hub: Hub, fragments: Fragments, sessions: async_sessionmaker[AsyncSession], interval: float = 0.25) -> None:
        self.hub = hub
        self.fragments = fragments
        self.sessions = sessions
        self.interval = interval
        self._online: Counter[int] = Counter()  # sockets open here per user
        self._rooms: set[int] = set()
        self._users: set[int] = set()  # every room of theirs

    def connected(self, user_id: int) -> None:
        """A socket opened: its page may have been rendered before the latest change, so its user's state is sent anew."""
        self._online[user_id] += 1
        self._users.add(user_id)

    def disconnected(self, user_id: int) -> None:
        self._online[user_id] -= 1
        if self._online[user_id] <= 0:
            del self._online[user_id]

    def observe(self, event: Event) -> None:
        match event:
            case MessageCreated(message=message, repeat=False) | MessageChanged(message=message):
                self._rooms.add(message.room_id)  # a deletion counts one less
            case ReadMoved(user_id=user_id) | NotifyChanged(user_id=user_id):
                if user_id in self._online:
                    self._users.add(user_id)
            case RoomChanged(room=room) | RoomRestored(room=room):
                self._rooms.add(room.id)  # the entry was sent anew, for everyone: without anyone's count

    async def flush(self) -> None:
        rooms, users, self._rooms, self._users = self._rooms, self._users, set(), set()
        online = self._online
        users &= online.keys()
        if not online or not (rooms or users):
            return
        among = list(online) if rooms else []
        async with self.sessions() as session:
            if len(among) <= NAMED_MAX:
                states = await reads.unread(session, users=users, rooms=rooms, among=among)
            else:
                states = await reads.unread(session, users=users, rooms=rooms)
        for user_id, changed in states.items():
            if user_id in online:
                self.hub.send(user_channel(user_id), self.fragments.render("unread_changed.html", states=changed))

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.flush()
            except Exception:
                log.exception("unread counts failed")
