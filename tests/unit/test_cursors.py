"""The cursors of this process's sockets: gathered per room, expiring, gone with their user."""

from __future__ import annotations

from datetime import timedelta

from webapp.chat.events import CursorsMoved, CursorView, UserMuted, UserRenamed, UserView
from webapp.db.models import utcnow
from webapp.realtime.cursors import Cursors


class Bus:
    def __init__(self) -> None:
        self.published: list[CursorsMoved] = []

    def publish(self, events) -> None:
        self.published += events


class Clock:
    now = 100.0

    def __call__(self) -> float:
        return self.now


ALICE, BOB = UserView(1, "Alice"), UserView(2, "Bob")


def made() -> tuple[Cursors, Bus, Clock]:
    bus, clock = Bus(), Clock()
    return Cursors(bus, expire=5.0, clock=clock), bus, clock


def test_each_flush_carries_every_cursor_moved_in_a_room_at_its_latest() -> None:
    cursors, bus, _ = made()
    for user in (ALICE, BOB):
        cursors.entered(7, user)
    cursors.entered(8, ALICE)
    for step in range(5):
        cursors.moved(7, 1, 10 + step, 10)
        cursors.moved(7, 2, 20, 20 + step)
    cursors.moved(8, 1, 1.04, 2)
    cursors.moved(9, 2, 5, 5)  # no socket of Bob's in room 9 here: ignored
    cursors.flush()
    assert bus.published == [
        CursorsMoved(7, [CursorView(1, "Alice", 14, 10), CursorView(2, "Bob", 20, 24)], []),
        CursorsMoved(8, [CursorView(1, "Alice", 1.0, 2)], []),
    ]
    cursors.flush()  # nothing moved: nothing sent
    assert len(bus.published) == 2


def test_a_cursor_expires_after_its_last_move_and_goes_with_its_users_last_socket() -> None:
    cursors, bus, clock = made()
    cursors.entered(7, ALICE)
    cursors.entered(7, ALICE)  # a second tab
    cursors.entered(7, BOB)
    cursors.moved(7, 1, 1, 1)
    cursors.moved(7, 2, 2, 2)
    cursors.flush()
    clock.now += 3
    cursors.moved(7, 2, 3, 3)
    cursors.flush()
    clock.now += 2.5
    cursors.flush()
    assert bus.published[-1] == CursorsMoved(7, [], [1])  # Alice's, 5.5 s still; Bob's moved 2.5 s ago

    cursors.left(7, 2)
    cursors.flush()
    assert bus.published[-1] == CursorsMoved(7, [], [2])
    cursors.left(7, 1)  # one of Alice's two tabs: she is still here
    cursors.moved(7, 1, 4, 4)
    cursors.flush()
    assert bus.published[-1] == CursorsMoved(7, [CursorView(1, "Alice", 4, 4)], [])
    cursors.left(7, 1)
    cursors.flush()
    assert bus.published[-1] == CursorsMoved(7, [], [1])
    cursors.moved(7, 1, 5, 5)  # no socket left: nothing
    cursors.flush()
    assert len(bus.published) == 6


def test_a_cursor_shows_its_users_new_name() -> None:
    cursors, bus, _ = made()
    cursors.entered(7, ALICE)
    cursors.observe(UserRenamed(UserView(1, "Alicia")))
    cursors.observe(UserRenamed(UserView(3, "Nobody Here")))
    cursors.moved(7, 1, 1, 1)
    cursors.flush()
    assert bus.published == [CursorsMoved(7, [CursorView(1, "Alicia", 1, 1)], [])]


def test_a_muted_users_cursor_goes_and_stays_away_until_the_mute_is_lifted() -> None:
    cursors, bus, _ = made()
    cursors.entered(7, ALICE)
    cursors.moved(7, 1, 1, 1)
    cursors.flush()
    cursors.observe(UserMuted(1, utcnow() + timedelta(hours=1)))
    cursors.moved(7, 1, 2, 2)
    cursors.flush()
    assert bus.published[-1] == CursorsMoved(7, [], [1])
    cursors.observe(UserMuted(1, None))
    cursors.moved(7, 1, 3, 3)
    cursors.flush()
    assert bus.published[-1] == CursorsMoved(7, [CursorView(1, "Alice", 3, 3)], [])
