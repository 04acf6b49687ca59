"""share_board over sockets: a message holding a snapshot of the board, whose
picture is stored when it is taken, served as a locked-down SVG, and never
changed by what is drawn after."""

from __future__ import annotations

import uuid
from xml.etree import ElementTree

from tests.integration.test_board_shapes import HOSTILE, shape_in
from tests.integration.test_board_socket import PEN, SVG, new_room, on_board

SNAPSHOT_CSP = "default-src 'none'; style-src 'unsafe-inline'"


def snapshot_message(el) -> bool:
    return el.find(".//*[@data-kind='snapshot']") is not None


async def share(alice, bob):
    """Alice shares the board; the message as bob gets it, and its picture's path."""
    await alice.send("share_board")
    frame = await bob.expect("messages", where=snapshot_message)
    message = frame.find(".//*[@data-kind='snapshot']")
    image = message.find(".//{*}img")
    link = message.find(".//{*}a[@class='body snapshot']")
    assert image.get("alt") == "Board snapshot"
    assert link.get("href") == image.get("src") and link.get("target") == "_blank"
    return message, image.get("src")


async def test_a_shared_board_is_a_message_whose_picture_never_changes(clients) -> None:
    room = await new_room(clients)
    alice, bob = await on_board(clients(), room), await on_board(clients(), room)
    box, label = str(uuid.uuid4()), str(uuid.uuid4())
    await alice.send("draw", stroke=box, points=[10, 10, 300, 200], done=True, **{**PEN, "tool": "rect"})
    await alice.send("draw", stroke=label, points=[20, 240], text=HOSTILE, done=True, **{**PEN, "tool": "text"})
    await bob.expect("drawing", where=shape_in(label))

    message, path = await share(alice, bob)
    message_id = int(message.get("id").removeprefix("message-"))
    assert path == f"/rooms/{room}/snapshots/{message_id}.svg"
    assert message.get("data-author") == str(alice.user_id)

    first = await bob.http.get(path)
    assert first.status_code == 200
    assert first.headers["content-type"].startswith("image/svg+xml")
    assert first.headers["content-security-policy"] == SNAPSHOT_CSP
    assert first.headers["x-content-type-options"] == "nosniff"
    svg = ElementTree.fromstring(first.text)
    assert [el.get("id") for el in svg if el.get("id")] == [f"stroke-{box}", f"stroke-{label}"]
    assert [el.text for el in svg.iter(f"{SVG}text")] == [HOSTILE]
    assert svg.find(f".//{SVG}script") is None

    # The board changes; the snapshot does not.
    await alice.send("reset_drawing")
    await alice.send("draw", stroke=str(uuid.uuid4()), points=[5, 5, 6, 6], done=True, **PEN)
    await alice.send("undo_stroke")
    await bob.expect("drawing")
    assert (await bob.http.get(path)).text == first.text

    # It is in the history, as a message.
    history = await bob.http.get(f"/rooms/{room}/messages")
    assert f'id="message-{message_id}"' in history.text and f'src="{path}"' in history.text


async def test_a_snapshot_of_another_room_or_a_deleted_one_is_not_found(clients) -> None:
    room, other = await new_room(clients), await new_room(clients)
    alice, bob = await on_board(clients(), room), await on_board(clients(), room)
    message, path = await share(alice, bob)
    message_id = int(message.get("id").removeprefix("message-"))
    for wrong in (f"/rooms/{other}/snapshots/{message_id}.svg", f"/rooms/{room}/snapshots/{message_id}.png",
                  f"/rooms/{room}/snapshots/99999999999.svg", f"/rooms/{room}/snapshots/x.svg"):
        assert (await bob.http.get(wrong)).status_code == 404, wrong

    # A snapshot cannot be edited; deleted, its picture is gone too.
    await alice.send("edit_message", message=message_id, body="<b>changed</b>")
    await alice.expect_error("not_allowed")
    await alice.send("delete_message", message=message_id)
    await bob.expect(f"message-{message_id}", where=lambda el: el.get("data-deleted") == "true")
    assert (await bob.http.get(path)).status_code == 404


async def test_share_board_on_the_lobby_socket_is_no_such_room(clients) -> None:
    client = await clients().connect()
    await client.send("share_board")
    await client.expect_error("no_such_room")
