"""Redo over sockets, and the cap on a board's points: undone strokes come
back for their author until they draw anew; a full board refuses more and
keeps what it holds."""

from __future__ import annotations

import uuid

from tests.integration.test_board_shapes import shape_in, shape_of, stored_board
from tests.integration.test_board_socket import PEN, new_room, on_board
from webapp.chat import drawing


def deleted(el) -> bool:
    return el.get("hx-swap-oob") == "delete"


async def stored_ids(clients, room: int) -> list[str]:
    return [el.get("id") for el in await stored_board(clients, room) if el.get("id")]


async def draw_done(alice, bob, points, **pen) -> str:
    stroke = str(uuid.uuid4())
    await alice.send("draw", stroke=stroke, points=points, done=True, **{**PEN, **pen})
    await bob.expect("drawing", where=shape_in(stroke))
    return stroke


async def test_redo_restores_what_was_undone_last_first(clients) -> None:
    room = await new_room(clients)
    alice, bob = await on_board(clients(), room), await on_board(clients(), room)
    line = await draw_done(alice, bob, [10, 10, 50, 50])
    box = await draw_done(alice, bob, [100, 100, 200, 150], tool="rect")

    await alice.send("undo_stroke")
    await bob.expect(f"stroke-{box}", where=deleted)
    await alice.send("undo_stroke")
    await bob.expect(f"stroke-{line}", where=deleted)
    assert await stored_ids(clients, room) == []

    # Bob has undone nothing: his redo is refused and brings back nothing of Alice's.
    await bob.send("redo_stroke")
    await bob.expect_error("not_sufficient_data")

    await alice.send("redo_stroke")
    back = shape_of(await bob.expect("drawing", where=shape_in(line)), line)
    assert (back.get("d"), back.get("data-from"), back.get("data-drawing")) == ("M10 10L50 50", "0", None)
    await alice.send("redo_stroke")
    box_back = shape_of(await bob.expect("drawing", where=shape_in(box)), box)
    assert (box_back.tag.endswith("rect"), box_back.get("width")) == (True, "100")
    assert await stored_ids(clients, room) == [f"stroke-{line}", f"stroke-{box}"]

    await alice.send("redo_stroke")
    await alice.expect_error("not_sufficient_data")


async def test_no_redo_after_a_new_stroke(clients) -> None:
    room = await new_room(clients)
    alice, bob = await on_board(clients(), room), await on_board(clients(), room)
    first = await draw_done(alice, bob, [10, 10, 20, 20])
    await alice.send("undo_stroke")
    await bob.expect(f"stroke-{first}", where=deleted)
    # Someone else drawing leaves Alice's redo be; her own new stroke ends it.
    theirs = await draw_done(bob, alice, [30, 30])
    newer = await draw_done(alice, bob, [40, 40, 60, 60], tool="line")

    await alice.send("redo_stroke")
    await alice.expect_error("not_sufficient_data")
    assert await stored_ids(clients, room) == [f"stroke-{theirs}", f"stroke-{newer}"]


async def test_a_full_board_refuses_more_and_changes_nothing(clients, monkeypatch) -> None:
    monkeypatch.setattr(drawing, "MAX_BOARD_POINTS", 12)
    room = await new_room(clients)
    alice, bob = await on_board(clients(), room), await on_board(clients(), room)
    pen = await draw_done(alice, bob, [1, 1, 2, 2, 3, 3, 4, 4])  # 4 points
    label = str(uuid.uuid4())
    label_pen = {**PEN, "tool": "text"}
    await alice.send("draw", stroke=label, points=[50, 50], text="six ch", **label_pen)  # 6 characters: 10 in all
    await bob.expect("drawing", where=shape_in(label))

    # A label counts its characters: seven more do not fit; neither do a pen's three points past 12.
    for frame in ({"tool": "text", "points": [60, 60], "text": "seven c"}, {"points": [5, 5, 6, 6, 7, 7]}):
        await alice.send("draw", stroke=str(uuid.uuid4()), done=True, **{**PEN, **frame})
        error = await alice.expect_error("data_too_long")
        assert "undo or reset" in "".join(error.itertext())
    # Nor may the label, still being written, grow past it: it keeps its text.
    await alice.send("draw", stroke=label, points=[50, 50], text="nine char", **label_pen)
    await alice.expect_error("data_too_long")
    assert not any("drawing" in frame for frame in await bob.quiet(0.2))
    assert await stored_ids(clients, room) == [f"stroke-{pen}", f"stroke-{label}"]
    assert "".join(shape_of(await stored_board(clients, room), label).itertext()) == "six ch"
    await alice.send("draw", stroke=label, points=[50, 50], text="eight ch", done=True, **label_pen)  # 12: just fits
    await bob.expect("drawing", where=shape_in(label))

    # Undone, the label makes room; a redo past the cap is refused.
    await alice.send("undo_stroke")
    await bob.expect(f"stroke-{label}", where=deleted)
    await draw_done(bob, alice, [7, 7, 8, 8, 9, 9, 10, 10, 11, 11])  # bob's five points: 9 of 12
    await alice.send("redo_stroke")
    await alice.expect_error("data_too_long")
    assert f"stroke-{label}" not in await stored_ids(clients, room)
