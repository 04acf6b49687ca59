"""Who is typing: the line, the throttle, the expiry (a fake clock)."""

from __future__ import annotations

from tests.support import parse_fragment, text_of
from webapp.chat.events import MessageCreated, MessageView, UserTyping, UserView
from webapp.realtime.fragments import room_channel
from webapp.realtime.typing import EVERY, SHOWN_FOR, Throttle, Typists, phrase
from webapp.rendering import create_environment
from webapp.realtime.fragments import Fragments


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Hub:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def listening(self, channel: str) -> bool:
        return True

    def send(self, channel: str, html: str) -> None:
        self.sent.append((channel, html))


def test_the_line_names_one_then_counts_the_others() -> None:
    assert phrase([]) == ""
    assert phrase(["Ada"]) == "Ada is typing…"
    assert phrase(["Ada", "Bob"]) == "Ada and 1 other are typing…"
    assert phrase(["Ada", "Bob", "Cy"]) == "Ada and 2 others are typing…"


def test_a_socket_is_honoured_once_per_two_seconds() -> None:
    clock = Clock()
    throttle = Throttle(clock)
    assert throttle.allow() and not throttle.allow()
    clock.now += EVERY - 0.01
    assert not throttle.allow()
    clock.now += 0.02
    assert throttle.allow()


def test_typists_go_five_seconds_after_their_last_frame_or_with_their_message() -> None:
    clock, hub = Clock(), Hub()
    typists = Typists(hub, Fragments(create_environment()), clock)
    ada, bob = UserView(1, "Ada"), UserView(2, "Bob")

    def last_line() -> str:
        channel, html = hub.sent[-1]
        assert channel == room_channel(7)
        [line] = parse_fragment(html)
        return text_of(line.find(".//*[@class='typing-all']"))

    typists.observe(UserTyping(7, ada))
    typists.observe(UserTyping(7, bob))
    assert last_line() == "Ada and 1 other are typing…"
    sent = len(hub.sent)
    clock.now += 3
    typists.observe(UserTyping(7, ada))  # still typing: nothing new to send
    assert len(hub.sent) == sent
    clock.now += SHOWN_FOR - 3
    typists.expire()  # Bob's five seconds are over, Ada's not
    assert last_line() == "Ada is typing…"
    typists.observe(MessageCreated(MessageView(5, 7, ada, "hi", None, 1), 1))
    assert last_line() == ""
