"""Who is typing in each room: "Ada is typing…", shown to the others until 5 s
after their last typing frame, or until their message arrives.

Each process keeps the rooms' typists from the events (so every process shows
the same) and sends `#typing` to a room when its typists change, not on every
frame. The one fragment is for everyone: it holds the line for the others and,
per typist, the line without them, which the page's CSS rule picks for its user."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from webapp.chat.events import Event, MessageCreated, RoomDeleted, UserRenamed, UserTyping, UserView
from webapp.realtime.fragments import Fragments, room_channel
from webapp.realtime.hub import Hub

EVERY = 2.0  # a socket's typing frames honoured at most this often; the rest ignored
SHOWN_FOR = 5.0  # after the last one


class Throttle:
    """One socket's typing frames: whether this one is honoured."""

    __slots__ = ("clock", "last")

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.last = float("-inf")

    def allow(self) -> bool:
        now = self.clock()
        if now - self.last < EVERY:
            return False
        self.last = now
        return True


def phrase(names: list[str]) -> str:
    if not names:
        return ""
    if len(names) == 1:
        return f"{names[0]} is typing…"
    others = len(names) - 1
    return f"{names[0]} and {others} other{'s' if others > 1 else ''} are typing…"


class Typists:
    def __init__(self, hub: Hub, fragments: Fragments, clock: Callable[[], float] = time.monotonic) -> None:
        self.hub = hub
        self.fragments = fragments
        self.clock = clock
        self._rooms: dict[int, dict[int, tuple[UserView, float]]] = {}  # room → user → (user, until)

    def observe(self, event: Event) -> None:
        match event:
            case UserTyping(room_id=room_id, user=user):
                typists = self._rooms.setdefault(room_id, {})
                new = user.id not in typists
                typists[user.id] = (user, self.clock() + SHOWN_FOR)
                if new:
                    self._send(room_id)
            case MessageCreated(message=message):
                if self._rooms.get(message.room_id, {}).pop(message.author.id, None) is not None:
                    self._send(message.room_id)
            case UserRenamed(user=user):
                for room_id, typists in self._rooms.items():
                    if user.id in typists:
                        typists[user.id] = (user, typists[user.id][1])
                        self._send(room_id)
            case RoomDeleted(room_id=room_id):
                self._rooms.pop(room_id, None)

    def expire(self) -> None:
        now = self.clock()
        for room_id, typists in list(self._rooms.items()):
            gone = [user_id for user_id, (_, until) in typists.items() if until <= now]
            for user_id in gone:
                del typists[user_id]
            if gone:
                self._send(room_id)

    def _send(self, room_id: int) -> None:
        typists = self._rooms.get(room_id, {})
        users = [user for user, _ in typists.values()]
        if not typists:
            self._rooms.pop(room_id, None)
        if not self.hub.listening(room_channel(room_id)):
            return
        names = [user.name for user in users]
        without = [(user.id, phrase([name for other, name in zip(users, names) if other.id != user.id])) for user in users]
        self.hub.send(room_channel(room_id), self.fragments.render("typing.html", users=users, line=phrase(names), without=without))

    async def run(self, interval: float = 0.5) -> None:
        while True:
            await asyncio.sleep(interval)
            self.expire()
