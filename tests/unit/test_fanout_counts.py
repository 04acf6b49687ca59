"""Message counters reach the lobby coalesced, never one lobby frame per message;
entrances reach their room coalesced, never one frame per entrance."""

from __future__ import annotations

from datetime import UTC, datetime

from litestar.channels.backends.memory import MemoryChannelsBackend

from tests.support import parse_fragment, text_of
from webapp.chat.events import MessageCreated, MessageView, PresenceChanged, UserView
from webapp.realtime.fanout import Fanout
from webapp.rendering import create_environment


class RecordingChannels:
    def __init__(self) -> None:
        self.published: list[tuple[str, str]] = []

    def publish(self, data: str, channels: str) -> None:
        self.published.append((channels, data))


async def test_a_burst_of_messages_is_one_lobby_counter_frame() -> None:
    channels = RecordingChannels()
    fanout = Fanout(channels, create_environment(), bus=MemoryChannelsBackend(), sessions=None)
    author = UserView(1, "Ann")
    for n in range(1, 101):
        room_id = 1 if n % 2 else 2
        fanout.deliver(MessageCreated(MessageView(n, room_id, author, f"m{n}", datetime.now(UTC)), message_count=n))
    fanout.deliver(MessageCreated(MessageView(5, 1, author, "m5", datetime.now(UTC)), message_count=99, repeat=True))
    assert {channel for channel, _ in channels.published} == {"room:1", "room:2"}
    assert len(channels.published) == 100  # each message once, to its own room

    await fanout.flush_coalesced()
    lobby = [html for channel, html in channels.published if channel == "lobby"]
    assert len(lobby) == 1
    counters = {el.get("id"): text_of(el) for el in parse_fragment(lobby[0])}
    assert counters == {"msgcount-1": "99", "msgcount-2": "100"}
    await fanout.flush_coalesced()
    assert len([c for c, _ in channels.published if c == "lobby"]) == 1  # nothing changed, nothing sent


class NoUsers:
    """A session whose presence table is empty (counts are read from it at a flush)."""

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc) -> None:
        return None

    async def execute(self, statement):
        return []


async def test_a_crowd_entering_is_one_frame_per_room_and_interval() -> None:
    channels = RecordingChannels()
    fanout = Fanout(channels, create_environment(), bus=MemoryChannelsBackend(), sessions=NoUsers)
    for n in range(1, 201):
        fanout.deliver(PresenceChanged(1 + n % 2, UserView(n, f"User {n}"), True, n))
    fanout.deliver(PresenceChanged(2, UserView(2, "User 2"), False, 99))
    assert channels.published == []  # nothing yet: entrances wait for the flush

    await fanout.flush_coalesced()
    rooms = {channel: parse_fragment(html) for channel, html in channels.published if channel.startswith("room:")}
    assert len([c for c, _ in channels.published if c.startswith("room:")]) == 2  # one frame per room
    entered, *left = rooms["room:2"]
    assert [li.get("id") for li in entered.findall("li")] == [f"user-{n}" for n in range(1, 201, 2)]
    assert [(el.get("id"), el.get("hx-swap-oob")) for el in left] == [("user-2", "delete")]
    [entered] = rooms["room:1"]
    assert [li.get("id") for li in entered.findall("li")] == [f"user-{n}" for n in range(2, 201, 2)]
