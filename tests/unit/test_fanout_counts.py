"""Message counters reach the lobby coalesced, never one lobby frame per message."""

from __future__ import annotations

from datetime import UTC, datetime

from litestar.channels.backends.memory import MemoryChannelsBackend

from tests.support import parse_fragment, text_of
from webapp.chat.events import MessageCreated, MessageView, UserView
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

    await fanout.flush_counts()
    lobby = [html for channel, html in channels.published if channel == "lobby"]
    assert len(lobby) == 1
    counters = {el.get("id"): text_of(el) for el in parse_fragment(lobby[0])}
    assert counters == {"msgcount-1": "99", "msgcount-2": "100"}
    await fanout.flush_counts()
    assert len([c for c, _ in channels.published if c == "lobby"]) == 1  # nothing changed, nothing sent
