"""Publish each event to every process; each renders it once for its own sockets.

    publish(event) ─▶ bus (CHANNELS_BACKEND: memory | postgres | redis), small encoded events
                        └─▶ relay, one per process: render_event once ─▶ local channels ─▶ sockets

Events, not HTML, cross processes: they are small (NOTIFY's payloads are
capped), and a process renders each one once, whoever receives it.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import msgspec
from jinja2 import Environment
from litestar.channels import ChannelsBackend, ChannelsPlugin
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from webapp.chat import presence
from webapp.chat.events import Event, MessageCreated, PresenceChanged, RoomDeleted, UserView
from webapp.realtime.fragments import LOBBY, render_event, render_presence, room_channel

log = logging.getLogger(__name__)

EVENTS = "events"
PUBLISH_RETRIES = (0.1, 0.5, 2.0)
RELAY_RESTART_SECONDS = 1.0


@dataclass
class Counts:
    messages: int | None = None
    users: int | None = None


class Fanout:
    """Lobby counters change with every message and every entrance, and every
    lobby shows them: they are coalesced into one lobby frame per interval
    instead of one broadcast per change. Entrances and exits are coalesced into
    one frame per room and interval too: a crowd of N entering one by one would
    otherwise be N² fragments sent."""

    def __init__(
        self,
        channels: ChannelsPlugin,
        env: Environment,
        bus: ChannelsBackend,
        sessions: async_sessionmaker[AsyncSession],
        interval: float = 0.25,
    ) -> None:
        self.bus = bus
        self.channels = channels
        self.env = env
        self.sessions = sessions
        self.interval = interval
        self._outgoing: asyncio.Queue[bytes] = asyncio.Queue()
        self._decode = msgspec.json.Decoder(Event).decode
        self._counts: dict[int, Counts] = {}
        self._presence: dict[int, list[tuple[UserView, bool]]] = {}

    def publish(self, event: Event) -> None:
        """Send an event to every process, in the order published (after its commit)."""
        self._outgoing.put_nowait(msgspec.json.encode(event))

    def deliver(self, event: Event) -> None:
        """An event from the bus, for this process's sockets."""
        for channel, html in render_event(self.env, event):
            self.channels.publish(html, channel)
        match event:
            case PresenceChanged(room_id=room_id, user=user, present=present):
                self._presence.setdefault(room_id, []).append((user, present))
            case MessageCreated(message=message, message_count=messages, repeat=False):
                self.count_messages(message.room_id, messages)
            case RoomDeleted(room_id=room_id):
                self._counts.pop(room_id, None)
                self._presence.pop(room_id, None)

    def count_messages(self, room_id: int, messages: int) -> None:
        counts = self._counts.setdefault(room_id, Counts())
        # Counts only grow; sends committed on other processes may arrive crossed.
        counts.messages = max(counts.messages or 0, messages)

    async def flush_coalesced(self) -> None:
        entrances, self._presence = self._presence, {}
        for room_id, changes in entrances.items():
            self.channels.publish(render_presence(self.env, changes), room_channel(room_id))
        if entrances:
            # Read from the database, not taken from the events: entrances in
            # other processes commit and arrive in either order, the table is right.
            async with self.sessions() as session:
                users = await presence.user_counts(session, entrances)
            for room_id in entrances:
                self._counts.setdefault(room_id, Counts()).users = users.get(room_id, 0)
        if self._counts:
            changes = sorted(self._counts.items())
            self._counts = {}
            self.channels.publish(self.env.get_template("fragments/counts.html").render(changes=changes), LOBBY)

    async def run_coalesced(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.flush_coalesced()
            except Exception:
                log.exception("coalesced presence and counters failed")

    async def run_publisher(self) -> None:
        while True:
            data = await self._outgoing.get()
            for delay in (*PUBLISH_RETRIES, None):
                try:
                    await self.bus.publish(data, [EVENTS])
                    break
                except Exception:
                    if delay is None:
                        log.exception("event lost: the bus refused it %d times", len(PUBLISH_RETRIES) + 1)
                    else:
                        await asyncio.sleep(delay)
            self._outgoing.task_done()

    async def drain(self) -> None:
        """Publish what is queued (on shutdown)."""
        await self._outgoing.join()

    async def run_relay(self) -> None:
        while True:
            try:
                async for _channel, data in self.bus.stream_events():
                    try:
                        self.deliver(self._decode(data))
                    except Exception:
                        log.exception("event not delivered: %.200r", data)
            except Exception:
                # The backends keep their place, so a restarted stream goes on where it stopped.
                log.exception("the bus stream failed; restarting it")
                await asyncio.sleep(RELAY_RESTART_SECONDS)
