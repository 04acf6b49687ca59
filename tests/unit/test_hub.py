"""The hub: an event rendered once however many sockets listen, and not at all
when none does; a socket catching up gets each room change once."""

from __future__ import annotations

from tests.unit.test_coalesce import Tape
from webapp.chat.events import Event, RoomDeleted
from webapp.realtime.hub import Connection, Hub


def counting_format(renders: list[int]):
    def deliveries(event: Event):
        def render() -> str:
            renders.append(event.room_id)
            return f'<p id="x-{event.room_id}"></p>'

        yield f"room:{event.room_id}", event.room_id, render

    return deliveries


def test_an_event_is_rendered_once_for_every_listener_and_never_for_none() -> None:
    renders: list[int] = []
    hub = Hub(formats=[counting_format(renders)])
    tapes = [Tape() for _ in range(50)]
    for tape in tapes:
        connection = Connection(tape)
        hub.subscribe(connection, ["room:1"])
        connection.caught_up(0)
    hub.deliver(RoomDeleted(1))
    hub.deliver(RoomDeleted(2))  # nobody here listens to room 2
    assert renders == [1]
    assert all(tape.frames == ['<p id="x-1"></p>'] for tape in tapes)


def test_a_socket_catching_up_gets_held_changes_after_its_catch_up_only() -> None:
    hub = Hub(formats=[counting_format([])])
    tape = Tape()
    connection = Connection(tape)
    hub.subscribe(connection, ["room:3", "room:4", "room:5"])
    for room_id in (3, 4, 5):  # live while the socket reads what it missed; seq = room id here
        hub.deliver(RoomDeleted(room_id))
    assert tape.frames == []  # held until it has caught up
    connection.caught_up(4)  # its catch-up held changes up to 4
    assert tape.frames == ['<p id="x-5"></p>']
    hub.deliver(RoomDeleted(3))
    assert tape.frames[-1] == '<p id="x-3"></p>'  # live from now on


def test_an_unsubscribed_socket_hears_nothing_more() -> None:
    hub = Hub(formats=[counting_format([])])
    tape = Tape()
    connection = Connection(tape)
    hub.subscribe(connection, ["room:1"])
    connection.caught_up(0)
    hub.unsubscribe(connection, ["room:1"])
    hub.deliver(RoomDeleted(1))
    assert tape.frames == [] and not hub.listening("room:1")
