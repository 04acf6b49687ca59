"""Shapes and labels on the board over sockets: streamed while dragged, each
frame replacing the last, kept whole for late joiners and the SVG download."""

from __future__ import annotations

import json
import uuid
from xml.etree import ElementTree

import pytest

from tests.integration.test_board_socket import PEN, SVG, new_room, on_board, whole_board
from tests.support import text_of


def shape_in(stroke_id: str):
    return lambda el: shape_of(el, stroke_id) is not None


def shape_of(frame, stroke_id: str):
    return next((el for el in frame if el.get("id") == f"stroke-{stroke_id}"), None)


async def stored_board(clients, room: int):
    """The board whole, as a room socket that opens now gets it."""
    client = await on_board(clients(), room)
    await client.ws.close()
    return client.board


async def test_a_rectangle_streams_while_dragged_then_is_done(clients) -> None:
    room = await new_room(clients)
    alice, bob = await on_board(clients(), room), await on_board(clients(), room)
    shape = str(uuid.uuid4())
    rect = {**PEN, "tool": "rect"}

    await alice.send("draw", stroke=shape, points=[100, 100, 150, 120], **rect)
    first = shape_of(await bob.expect("drawing", where=shape_in(shape)), shape)
    assert first.tag == f"{SVG}rect"
    assert [first.get(name) for name in ("x", "y", "width", "height", "data-from", "data-drawing")] == ["100", "100", "50", "20", "0", "true"]
    assert (first.get("stroke"), first.get("stroke-width"), first.get("data-author")) == ("#0167ca", "6", str(alice.user_id))

    # Dragged up and to the left of its start: the frame replaces the geometry.
    await alice.send("draw", stroke=shape, points=[100, 100, 40, 30], **rect)
    second = shape_of(await bob.expect("drawing", where=shape_in(shape)), shape)
    assert [second.get(name) for name in ("x", "y", "width", "height", "data-from")] == ["40", "30", "60", "70", "0"]

    await alice.send("draw", stroke=shape, points=[100, 100, 300, 200], done=True, **rect)
    last = shape_of(await bob.expect("drawing", where=lambda el: (s := shape_of(el, shape)) is not None and s.get("data-drawing") is None), shape)
    assert [last.get(name) for name in ("x", "y", "width", "height")] == ["100", "100", "200", "100"]

    stored = [el for el in await stored_board(clients, room) if el.get("id") == f"stroke-{shape}"]
    assert [(el.tag, el.get("width"), el.get("data-drawing")) for el in stored] == [(f"{SVG}rect", "200", None)]
    # Done, it is not the drawer's to change any more.
    await alice.send("draw", stroke=shape, points=[1, 1, 2, 2], **rect)
    await alice.expect_error("bad_data")


@pytest.mark.parametrize(
    ("tool", "tag", "attributes"),
    [
        ("line", "line", {"x1": "10", "y1": "20", "x2": "110", "y2": "220"}),
        ("ellipse", "ellipse", {"cx": "60", "cy": "120", "rx": "50", "ry": "100"}),
        ("arrow", "path", {}),
    ],
)
async def test_each_shape_is_its_svg_element_for_everyone_and_in_the_download(clients, tool, tag, attributes) -> None:
    room = await new_room(clients)
    alice, bob = await on_board(clients(), room), await on_board(clients(), room)
    shape = str(uuid.uuid4())
    await alice.send("draw", stroke=shape, points=[10, 20, 110, 220], done=True, **{**PEN, "tool": tool})
    seen = shape_of(await bob.expect("drawing", where=shape_in(shape)), shape)
    assert seen.tag == f"{SVG}{tag}"
    assert {name: seen.get(name) for name in attributes} == attributes
    if tool == "arrow":
        # The shaft from start to end, then a head of two barbs meeting at the end.
        shaft, *head = seen.get("d").split("M")[1:]
        assert shaft == "10 20L110 220"
        assert len(head) == 1 and head[0].count("L110 220") == 1

    download = await alice.http.get(f"/rooms/{room}/board.svg")
    svg = ElementTree.fromstring(download.text)
    assert [el.tag for el in svg.iter() if el.get("id") == f"stroke-{shape}"] == [f"{SVG}{tag}"]


HOSTILE = '<img src=x onerror=alert(1)><div id="messages" hx-swap-oob="true">&amp;'


async def test_a_label_with_hostile_text_shows_as_those_characters(clients) -> None:
    room = await new_room(clients)
    alice, bob = await on_board(clients(), room), await on_board(clients(), room)
    label = str(uuid.uuid4())
    await alice.send("draw", stroke=label, points=[200, 300], text=HOSTILE, done=True, **{**PEN, "tool": "text"})

    for frame in (await bob.expect("drawing", where=shape_in(label)), await stored_board(clients, room)):
        text = shape_of(frame, label)
        assert text.tag == f"{SVG}text"
        assert (text.get("x"), text.get("y"), text.get("fill")) == ("200", "300", "#0167ca")
        assert text_of(text) == HOSTILE
        assert list(text) == []  # no markup inside it
        assert frame.find(f".//{SVG}img") is None and frame.find(".//{*}div") is None
    svg = ElementTree.fromstring((await alice.http.get(f"/rooms/{room}/board.svg")).text)
    assert [el.text for el in svg.iter(f"{SVG}text")] == [HOSTILE]
    assert not any("drawing" in frame and "messages" in frame for frame in await bob.quiet(0.1))


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"tool": "rect", "points": [10, 10]}, "bad_data"),
        ({"tool": "arrow", "points": [10, 10, 20, 20, 30, 30]}, "bad_data"),
        ({"tool": "ellipse", "points": [10, 10, 20, 2000]}, "bad_data"),
        ({"tool": "text", "points": [10, 10], "text": ""}, "not_sufficient_data"),
        ({"tool": "text", "points": [10, 10], "text": "   "}, "not_sufficient_data"),
        ({"tool": "text", "points": [10, 10], "text": "x" * 201}, "data_too_long"),
        ({"tool": "text", "points": [10, 10, 20, 20], "text": "two points"}, "bad_data"),
        ({"tool": "text", "points": [10, 10], "text": "a\x00b"}, "bad_data"),
        ({"tool": "triangle", "points": [10, 10, 20, 20]}, "bad_data"),
    ],
)
async def test_bad_shapes_and_labels_get_an_error_and_store_nothing(clients, fields, code) -> None:
    room = await new_room(clients)
    drawer, watcher = await on_board(clients(), room), await on_board(clients(), room)
    await drawer.ws.send(json.dumps({"action": "draw", "stroke": str(uuid.uuid4()), **PEN, **fields}))
    await drawer.expect_error(code)
    assert not any("drawing" in frame for frame in await watcher.quiet(0.2))
    board = await stored_board(clients, room)
    assert whole_board(board) and [el.get("id") for el in board if el.get("id")] == []


async def test_a_label_keeps_to_one_line_of_visible_characters(clients) -> None:
    room = await new_room(clients)
    alice = await on_board(clients(), room)
    label = str(uuid.uuid4())
    await alice.send("draw", stroke=label, points=[5, 5], text="one\nline\u202e here", done=True, **{**PEN, "tool": "text"})
    text = shape_of(await alice.expect("drawing", where=shape_in(label)), label)
    assert text_of(text) == "one line here"
