"""Publish each event's fragments, rendered once, to the channels that see them."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from jinja2 import Environment
from litestar.channels import ChannelsPlugin

from webapp.chat.events import Event, MessageCreated, PresenceChanged, RoomDeleted
from webapp.realtime.fragments import LOBBY, render_event


@dataclass
class Counts:
    messages: int | None = None
    users: int | None = None


class Fanout:
    """Lobby counters change with every message and every entrance, and every
    lobby shows them: they are coalesced into one lobby frame per interval
    instead of one broadcast per change. Entrances and exits are coalesced the
    same way, per room: a crowd entering a room would otherwise cost one
    fragment per entrance to everyone already in it, N² sends for N people."""

    def __init__(self, channels: ChannelsPlugin, env: Environment, counter_interval: float = 0.25) -> None:
        self.channels = channels
        self.env = env
        self.counter_interval = counter_interval
        self._counts: dict[int, Counts] = {}
        self._presence: dict[str, list[str]] = {}

    def publish(self, event: Event) -> None:
        for channel, html in render_event(self.env, event):
            if isinstance(event, PresenceChanged):
                self._presence.setdefault(channel, []).append(html)
            else:
                self.channels.publish(html, channel)
        match event:
            case PresenceChanged(room_id=room_id, user_count=users):
                self._counts.setdefault(room_id, Counts()).users = users
            case MessageCreated(message=message, message_count=messages, repeat=False):
                self.count_messages(message.room_id, messages)
            case RoomDeleted(room_id=room_id):
                self._counts.pop(room_id, None)

    def count_messages(self, room_id: int, messages: int) -> None:
        self._counts.setdefault(room_id, Counts()).messages = messages

    def flush_counts(self) -> None:
        presence, self._presence = self._presence, {}
        for channel, fragments in presence.items():
            self.channels.publish("".join(fragments), channel)
        if self._counts:
            changes = sorted(self._counts.items())
            self._counts = {}
            self.channels.publish(self.env.get_template("fragments/counts.html").render(changes=changes), LOBBY)

    async def run_counters(self) -> None:
        while True:
            await asyncio.sleep(self.counter_interval)
            self.flush_counts()
