"""Message counters reach the lobby coalesced, never one lobby frame per message;
entrances reach their room coalesced, never one frame per entrance."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.support import parse_fragment, text_of
from webapp.chat.events import MessageCreated, MessageView, PresenceChanged, UserRenamed, UserView
from webapp.realtime.coalesce import Coalescer
from webapp.realtime.fragments import LOBBY, Fragments, room_channel
from webapp.realtime.hub import Connection, Hub
from webapp.rendering import create_environment


class Tape:
    """An outlet that keeps what is written to it, as text."""

    limit = 1000
    on_overflow = None

    def __init__(self) -> None:
        self.frames: list[str] = []

    def write(self, frame: bytes) -> None:
        self.frames.append(frame[2:].decode() if frame[1] < 126 else frame[4:].decode() if frame[1] == 126 else frame[10:].decode())


class NoUsers:
    """A session whose presence table is empty (counts are read from it at a flush)."""

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc) -> None:
        return None

    async def execute(self, statement):
        return []


def listening(hub: Hub, *channels: str) -> dict[str, Tape]:
    tapes = {}
    for channel in channels:
        connection = Connection(tapes.setdefault(channel, Tape()))
        hub.subscribe(connection, [channel])
        connection.caught_up(0)
    return tapes


def wired(sessions=None) -> tuple[Hub, Coalescer]:
    fragments = Fragments(create_environment())
    hub = Hub(formats=[fragments.deliveries])
    coalescer = Coalescer(hub, fragments, sessions)
    hub.observers.append(coalescer.observe)
    return hub, coalescer


async def test_a_burst_of_messages_is_one_lobby_counter_frame() -> None:
    hub, coalescer = wired()
    tapes = listening(hub, LOBBY, room_channel(1), room_channel(2))
    author = UserView(1, "Ann")
    for n in range(1, 101):
        room_id = 1 if n % 2 else 2
        hub.deliver(MessageCreated(MessageView(n, room_id, author, f"m{n}", datetime.now(UTC), seq=n), message_count=n))
    hub.deliver(MessageCreated(MessageView(5, 1, author, "m5", datetime.now(UTC), seq=5), message_count=99, repeat=True))
    assert (len(tapes["room:1"].frames), len(tapes["room:2"].frames)) == (50, 50)  # each message once, to its own room
    assert tapes[LOBBY].frames == []

    await coalescer.flush()
    [counts] = tapes[LOBBY].frames
    counters = {el.get("id"): text_of(el) for el in parse_fragment(counts)}
    # With each room's latest message, in the same frame.
    assert counters == {"msgcount-1": "99", "msgcount-2": "100", "latest-1": "Ann: m99 just now", "latest-2": "Ann: m100 just now"}
    await coalescer.flush()
    assert len(tapes[LOBBY].frames) == 1  # nothing changed, nothing sent


async def test_a_crowd_entering_is_one_frame_per_room_and_interval() -> None:
    hub, coalescer = wired(sessions=NoUsers)
    tapes = listening(hub, room_channel(1), room_channel(2))
    for n in range(1, 201):
        hub.deliver(PresenceChanged(1 + n % 2, UserView(n, f"User {n}"), True))
    hub.deliver(PresenceChanged(2, UserView(2, "User 2"), False))
    assert tapes["room:1"].frames == tapes["room:2"].frames == []  # nothing yet: entrances wait for the flush

    await coalescer.flush()
    [frame] = tapes["room:2"].frames  # one frame per room
    entered, *left = parse_fragment(frame)
    assert [li.get("id") for li in entered.findall("li")] == [f"user-{n}" for n in range(1, 201, 2)]
    assert [(el.get("id"), el.get("hx-swap-oob")) for el in left] == [("user-2", "delete")]
    [frame] = tapes["room:1"].frames
    [entered] = parse_fragment(frame)
    assert [li.get("id") for li in entered.findall("li")] == [f"user-{n}" for n in range(2, 201, 2)]


async def test_the_users_list_is_rendered_once_per_change_not_per_newcomer(monkeypatch) -> None:
    hub, coalescer = wired(sessions=NoUsers)
    renders = []
    users = coalescer.fragments.users
    monkeypatch.setattr(coalescer.fragments, "users", lambda people: renders.append(len(people)) or users(people))
    lists = coalescer.users_lists
    assert [await lists.get(1) for _ in range(3)] == [await lists.get(1)] * 3
    assert renders == [0]  # read and rendered once, then served from the cache

    hub.deliver(PresenceChanged(1, UserView(7, "Bo"), True))
    hub.deliver(PresenceChanged(1, UserView(8, "Al"), True))
    await coalescer.flush()
    [top] = parse_fragment(await lists.get(1))
    assert [li.get("id") for li in top.findall("li")] == ["user-8", "user-7"]  # sorted by name
    await lists.get(1)
    assert renders == [0, 2]


async def test_a_rename_before_the_flush_reaches_the_entrance_and_the_users_list() -> None:
    hub, coalescer = wired(sessions=NoUsers)
    tapes = listening(hub, room_channel(1))
    await coalescer.users_lists.get(1)  # cached, empty
    hub.deliver(PresenceChanged(1, UserView(7, "Old Name"), True))
    hub.deliver(UserRenamed(UserView(7, "New Name")))  # renamed while the entrance waits for the flush
    await coalescer.flush()

    entrance = next(el for frame in tapes["room:1"].frames for el in parse_fragment(frame) if el.get("id") == "users")
    assert [text_of(li) for li in entrance.findall("li")] == ["New Name"]
    [listed] = parse_fragment(await coalescer.users_lists.get(1))
    assert [text_of(li) for li in listed.findall("li")] == ["New Name"]


async def test_renames_reach_others_as_the_latest_name_per_user_at_most_once_a_second() -> None:
    hub, coalescer = wired()  # flushes every 0.25 s: renames go with every 4th
    tapes = listening(hub, LOBBY, "user:7")
    for n in range(50):  # a rename loop
        hub.deliver(UserRenamed(UserView(7, f"Name {n}")))
    hub.deliver(UserRenamed(UserView(8, "Other")))
    assert len(tapes["user:7"].frames) == 50  # their own tabs, at once
    assert tapes[LOBBY].frames == []
    for _ in range(3):
        await coalescer.flush()
    assert tapes[LOBBY].frames == []  # not within the second
    await coalescer.flush()
    [frame] = tapes[LOBBY].frames
    assert {el.get("id"): text_of(el) for el in parse_fragment(frame)} == {
        "renamed-7": "Name 49", "reinitialled-7": "N4", "renamed-8": "Other", "reinitialled-8": "O",
    }
    for _ in range(4):
        await coalescer.flush()
    assert len(tapes[LOBBY].frames) == 1  # nothing new, nothing sent
