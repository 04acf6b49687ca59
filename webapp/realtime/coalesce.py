"""What changes often and everyone sees, sent a few times a second instead of
once per change: the lobby's counters, each room's entrances and exits, and
users' new names (the latest per user, at most once a second: a rename loop
reaches nobody else faster than that).
Also the users list a room socket gets as it opens, rendered once per change
of the room's people rather than once per newcomer."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from webapp.chat import messages as messages_service, presence
from webapp.chat.events import Event, LatestView, MessageChanged, MessageCreated, PresenceChanged, RoomDeleted, UserRenamed, UserView
from webapp.realtime.fragments import LOBBY, Fragments, room_channel
from webapp.realtime.hub import Hub

log = logging.getLogger(__name__)


@dataclass
class Counts:
    messages: int | None = None
    users: int | None = None
    # The room's latest message for the lobby, when it changed (None: none left to show).
    latest: LatestView | None = None
    latest_changed: bool = False
    latest_id: int = 0


class Coalescer:
    """A crowd of N entering one by one would otherwise be N² fragments sent,
    and a busy room one lobby frame per message to every lobby."""

    def __init__(
        self, hub: Hub, fragments: Fragments, sessions: async_sessionmaker[AsyncSession], interval: float = 0.25, rename_every: float = 1.0
    ) -> None:
        self.hub = hub
        self.fragments = fragments
        self.sessions = sessions
        self.interval = interval
        # Renames go out with every so many flushes.
        self._rename_flushes = max(1, round(rename_every / interval))
        self._flushes = 0
        self._renames: dict[int, UserView] = {}
        self._counts: dict[int, Counts] = {}
        self._presence: dict[int, list[tuple[UserView, bool]]] = {}
        # Rooms whose latest message may be another now (an edit, a delete): read back at the flush.
        self._reread: set[int] = set()
        self.users_lists = UsersLists(fragments, sessions)

    def observe(self, event: Event) -> None:
        match event:
            case PresenceChanged(room_id=room_id, user=user, present=present):
                self._presence.setdefault(room_id, []).append((user, present))
            case MessageCreated(message=message, message_count=messages, repeat=False):
                counts = self._counts.setdefault(message.room_id, Counts())
                # Counts only grow; sends committed on other processes may arrive crossed.
                counts.messages = max(counts.messages or 0, messages)
                if message.kind == "text" and message.id > counts.latest_id:
                    counts.latest_id, counts.latest_changed = message.id, True
                    counts.latest = LatestView(message.author, messages_service.preview(message.body), message.created_at)
            case MessageChanged(message=message):
                self._reread.add(message.room_id)
            case UserRenamed(user=user):
                # An entrance still waiting for the flush carries the name it was made with.
                for changes in self._presence.values():
                    changes[:] = [(user if entered.id == user.id else entered, present) for entered, present in changes]
                self.users_lists.renamed(user)
                self._renames[user.id] = user
            case RoomDeleted(room_id=room_id):
                self._counts.pop(room_id, None)
                self._presence.pop(room_id, None)
                self._reread.discard(room_id)
                self.users_lists.forget(room_id)

    async def flush(self) -> None:
        self._flushes += 1
        if self._renames and self._flushes % self._rename_flushes == 0:
            renames, self._renames = self._renames, {}
            # Names show wherever the user wrote or is, and every page hears the lobby.
            self.hub.send(LOBBY, "".join(self.fragments.render("user_renamed.html", user=user) for user in renames.values()))
        entrances, self._presence = self._presence, {}
        for room_id, changes in entrances.items():
            self.hub.send(room_channel(room_id), self.fragments.presence(changes))
            self.users_lists.changed(room_id, changes)
        if entrances:
            # Read from the database, not taken from the events: entrances in
            # other processes commit and arrive in either order, the table is right.
            async with self.sessions() as session:
                users = await presence.user_counts(session, entrances)
            for room_id in entrances:
                self._counts.setdefault(room_id, Counts()).users = users.get(room_id, 0)
        if self._reread:
            # Read back, not taken from the event: after a delete the lobby shows the message before it.
            reread, self._reread = self._reread, set()
            async with self.sessions() as session:
                latest = await messages_service.latest_in(session, reread)
            for room_id in reread:
                counts = self._counts.setdefault(room_id, Counts())
                counts.latest, counts.latest_changed = latest.get(room_id), True
        if self._counts:
            changes = sorted(self._counts.items())
            self._counts = {}
            self.hub.send(LOBBY, self.fragments.render("counts.html", changes=changes))

    async def run(self) -> None:
        await every(self.interval, self.flush, "coalesced presence and counters")


async def every(interval: float, flush: Callable[[], Awaitable[None]], what: str) -> None:
    """Flush, every so often, for as long as the process runs; a failed flush is logged, the next one tried."""
    while True:
        await asyncio.sleep(interval)
        try:
            await flush()
        except Exception:
            log.exception("%s failed", what)


class UsersLists:
    """The users list a room socket gets as it opens, kept per room as data and
    rendered at most once per flush: a crowd of N entering costs N small
    deltas and a few renders, not N renders of a list of up to N.

    A newcomer subscribes before it asks for the list. An entrance not yet in
    the list is either waiting in the coalescer, and reaches the newcomer with
    the next flush, or was flushed, and then the list already holds it."""

    def __init__(self, fragments: Fragments, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.fragments = fragments
        self.sessions = sessions
        self._people: dict[int, dict[int, UserView]] = {}
        self._html: dict[int, str] = {}
        self._flushes: dict[int, int] = {}

    async def get(self, room_id: int) -> str:
        html = self._html.get(room_id)
        if html is not None:
            return html
        people = self._people.get(room_id)
        if people is None:
            flushes = self._flushes.get(room_id, 0)
            async with self.sessions() as session:
                read = await presence.users_in_room(session, room_id)
            if flushes != self._flushes.get(room_id, 0):
                return self.fragments.users(read)  # right for this socket, but already behind the flushes
            people = self._people[room_id] = {user.id: user for user in read}
        html = self._html[room_id] = self.fragments.users(sorted(people.values(), key=lambda user: (user.name, user.id)))
        return html

    def lists(self, room_id: int, user_id: int) -> bool:
        return user_id in self._people.get(room_id, ())

    def changed(self, room_id: int, changes: list[tuple[UserView, bool]]) -> None:
        self._flushes[room_id] = self._flushes.get(room_id, 0) + 1
        self._html.pop(room_id, None)
        people = self._people.get(room_id)
        if people is None:
            return
        for user, present in changes:
            if present:
                people[user.id] = user
            else:
                people.pop(user.id, None)

    def renamed(self, user: UserView) -> None:
        for room_id, people in self._people.items():
            if user.id in people:
                people[user.id] = user
                self._html.pop(room_id, None)

    def forget(self, room_id: int) -> None:
        self._people.pop(room_id, None)
        self._html.pop(room_id, None)
