"""Live cursors: where each person's pointer is over a room's board.

Never stored. A move is kept in this process's memory, and at most every
50 ms each room's moved cursors go out together as one event on the bus
(`publish`: no database row), rendered once per process for the room: a room
of N people moving their pointers costs each page at most 20 frames a second,
not N times that. Each process answers for its own sockets' cursors: one is
gone 5 s after its last move, and as soon as its user's last socket in the
room closes."""

from __future__ import annotations

import time
from datetime import datetime
from collections import Counter
from collections.abc import Callable

from webapp.chat.events import CursorsMoved, CursorView, Event, UserMuted, UserRenamed, UserView
from webapp.db.models import utcnow
from webapp.realtime.bus import Bus
from webapp.realtime.coalesce import every

INTERVAL = 0.05
EXPIRE_SECONDS = 5.0


class Cursors:
    def __init__(self, bus: Bus, interval: float = INTERVAL, expire: float = EXPIRE_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.bus = bus
        self.interval = interval
        self.expire = expire
        self.clock = clock
        self._sockets: Counter[tuple[int, int]] = Counter()  # (room, user): their open sockets here
        self._names: dict[int, str] = {}  # users with a socket here, by their latest name
        self._moved: dict[int, dict[int, CursorView]] = {}  # room -> user -> latest, since the last flush
        self._shown: dict[tuple[int, int], float] = {}  # (room, user) -> when it last moved
        self._gone: dict[int, set[int]] = {}
        # Users muted while a socket of theirs is here: their pointer is an action too.
        self._muted: dict[int, datetime] = {}

    def entered(self, room_id: int, user: UserView) -> None:
        self._sockets[room_id, user.id] += 1
        self._names.setdefault(user.id, user.name)

    def left(self, room_id: int, user_id: int) -> None:
        key = (room_id, user_id)
        self._sockets[key] -= 1
        if self._sockets[key] > 0:
            return
        del self._sockets[key]
        if not any(user == user_id for _, user in self._sockets):
            self._names.pop(user_id, None)
            self._muted.pop(user_id, None)
        self._moved.get(room_id, {}).pop(user_id, None)
        if self._shown.pop(key, None) is not None:
            self._gone.setdefault(room_id, set()).add(user_id)

    def moved(self, room_id: int, user_id: int, x: float, y: float) -> None:
        """A pointer moved over the board of a room where the user has a socket here."""
        name = self._names.get(user_id)
        if name is None or (room_id, user_id) not in self._sockets:
            return
        until = self._muted.get(user_id)
        if until is not None and until > utcnow():
            return
        self._moved.setdefault(room_id, {})[user_id] = CursorView(user_id, name, round(x, 1), round(y, 1))
        self._shown[room_id, user_id] = self.clock()
        self._gone.get(room_id, set()).discard(user_id)

    def observe(self, event: Event) -> None:
        if isinstance(event, UserRenamed) and event.user.id in self._names:
            self._names[event.user.id] = event.user.name
        if isinstance(event, UserMuted) and event.user_id in self._names:
            if event.until is None:
                self._muted.pop(event.user_id, None)
                return
            self._muted[event.user_id] = event.until
            # Their cursor goes at once, wherever it shows.
            for room_id, user_id in list(self._shown):
                if user_id == event.user_id:
                    del self._shown[room_id, user_id]
                    self._moved.get(room_id, {}).pop(user_id, None)
                    self._gone.setdefault(room_id, set()).add(user_id)

    def flush(self) -> None:
        now = self.clock()
        for (room_id, user_id), moved_at in list(self._shown.items()):
            if now - moved_at >= self.expire:
                del self._shown[room_id, user_id]
                self._gone.setdefault(room_id, set()).add(user_id)
        moved, self._moved = self._moved, {}
        gone, self._gone = self._gone, {}
        events: list[Event] = [
            CursorsMoved(room_id, list(moved.get(room_id, {}).values()), sorted(gone.get(room_id, ())))
            for room_id in sorted(moved.keys() | gone.keys())
            if moved.get(room_id) or gone.get(room_id)
        ]
        if events:
            self.bus.publish(events)

    async def run(self) -> None:
        async def flush() -> None:
            self.flush()

        await every(self.interval, flush, "live cursors")
