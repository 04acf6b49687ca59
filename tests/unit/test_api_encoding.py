"""The JSON statements of events: each encoded once per event whatever the
number of /api sockets, beside the HTML, on /api's own channels; the old
client's pixels and pens as the board's."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from tests.support import render_event
from tests.unit.test_coalesce import Tape
from webapp.api import encoding
from webapp.chat.events import DrawingReset, MessageCreated, MessageView, RoomCreated, RoomView, StrokeDrawn, StrokeView, UserView
from webapp.realtime.hub import Connection, Hub
from webapp.rendering import create_environment
from webapp.realtime.fragments import Fragments

ROOM = RoomView(3, "Plans", "#2b347e", uuid="9d0c6f7e-0000-4000-8000-000000000003")
AUTHOR = UserView(11, "Ada", "5b2f6a1c-0000-4000-8000-000000000011")
SAID = MessageView(7, 3, AUTHOR, "<b>hi</b>", datetime(2026, 12, 5, 9, 5, tzinfo=UTC), seq=4, uuid="0e1d2c3b-0000-4000-8000-000000000007")


def statements(format: encoding.Statements, event) -> list[tuple[str, int | None, dict]]:
    return [(channel, seq, json.loads(render())) for channel, seq, render in format.deliveries(event)]


def test_a_message_is_one_statement_for_its_rooms_api_sockets_once_its_room_is_known() -> None:
    format = encoding.Statements()
    assert statements(format, MessageCreated(SAID, 1)) == []  # no /api socket here has seen the room
    format.remember([ROOM])
    [(channel, seq, statement)] = statements(format, MessageCreated(SAID, 1))
    assert (channel, seq) == ("api:room:3", 4)
    assert statement == {"type": "result", "payload": {"message": "message_created", "object": {
        "uuid": SAID.uuid, "name": f"message-{SAID.uuid}", "body": "<b>hi</b>",
        "user": {"uuid": AUTHOR.uuid, "name": "Ada", "room_uuid": ROOM.uuid}, "room_uuid": ROOM.uuid,
        "created": "2026-12-05T09:05:00+00:00",
    }}}
    assert statements(format, MessageCreated(SAID, 1, repeat=True)) == []


def test_rooms_and_lines_on_apis_own_channels() -> None:
    format = encoding.Statements()
    [(channel, _, created)] = statements(format, RoomCreated(ROOM))
    assert channel == "api:lobby" and created["payload"]["object"]["uuid"] == ROOM.uuid
    assert format.room_uuids == {3: ROOM.uuid}
    growing = StrokeView("s1", 11, "pen", "#000000", 12, [250, 500, 500, 1000], done=False)
    assert statements(format, StrokeDrawn(3, growing)) == []  # the old client gets a line once, done
    [(channel, _, drawn)] = statements(format, StrokeDrawn(3, StrokeView("s1", 11, "pen", "#000000", 12, [250, 500, 500, 1000])))
    assert channel == "api:room:3" and drawn["payload"]["object"]["points"] == [100, 240, 200, 480]
    [(_, _, reset)] = statements(format, DrawingReset(3))
    assert reset["payload"] == {"message": "drawing_got", "object": {"uuid": ROOM.uuid, "name": f"drawing-{ROOM.uuid}", "lines": []}}
    # The HTML side's deliveries are their own, on their own channels.
    assert {channel for channel, _ in render_event(create_environment(), RoomCreated(ROOM))} == {"lobby"}


def test_a_statement_is_encoded_once_for_every_api_socket_and_never_for_none() -> None:
    format, encoded = encoding.Statements(), []
    format.remember([ROOM])

    def counted(event):
        for channel, seq, render in format.deliveries(event):
            yield channel, seq, lambda render=render: encoded.append(1) or render()

    hub = Hub(formats=[Fragments(create_environment()).deliveries, counted])
    tapes = [Tape() for _ in range(20)]
    for tape in tapes:
        connection = Connection(tape)
        hub.subscribe(connection, ["api:room:3"])
        connection.caught_up(0)
    hub.deliver(MessageCreated(SAID, 1))
    hub.deliver(MessageCreated(MessageView(8, 4, AUTHOR, "elsewhere", SAID.created_at, seq=1), 1))  # nobody listens there
    assert encoded == [1]
    assert len({tape.frames[0] for tape in tapes}) == 1 and all(len(tape.frames) == 1 for tape in tapes)


def test_the_old_clients_stage_pens_and_colours_as_the_boards() -> None:
    assert encoding.to_board([0, 0, 640, 480, 700, -5]) == [0, 0, 1600, 1000, 1600, 0]
    assert encoding.to_stage(encoding.to_board([64, 48, 320.5, 240])) == [64, 48, 320.5, 240]
    assert (encoding.board_width("pen"), encoding.board_width("eraser")) == (12, 48)
    assert [encoding.pen_color(c) for c in ("#000000CC", "#FFF", "#e02d25", "red")] == ["#000000", "#ffffff", "#e02d25", "red"]
