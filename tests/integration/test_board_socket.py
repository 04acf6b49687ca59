"""The drawing board over sockets: strokes stream to the others as they grow."""

from __future__ import annotations

import asyncio
import json
import uuid
from xml.etree import ElementTree

import pytest

from tests.support import Server, by_id, migrate, parse_page, text_of
from webapp.settings import Settings

SVG = "{http://www.w3.org/2000/svg}"
PEN = {"color": "#0167ca", "tool": "pen", "width": 6}


async def new_room(clients) -> int:
    owner = await clients().connect()
    name = f"Board {uuid.uuid4().hex[:8]}"
    await owner.send("create_room", name=name)
    entry = (await owner.expect("rooms", where=lambda el: name in text_of(el))).find("li")
    return int(entry.get("id").removeprefix("room-"))


def stroke_in(stroke_id: str):
    """Match a board frame that carries this stroke; return its path."""
    return lambda el: el.find(f"{SVG}path[@id='stroke-{stroke_id}']") is not None


def path_of(frame, stroke_id: str):
    return frame.find(f"{SVG}path[@id='stroke-{stroke_id}']")


def whole_board(el) -> bool:
    return el.find(f"{SVG}rect[@class='board-background']") is not None


async def on_board(client, room: int):
    """Open a room socket and wait for the stored board it sends first."""
    await client.connect(f"/rooms/{room}")
    client.board = await client.expect("drawing", where=whole_board)
    assert client.board.get("hx-swap-oob") == "innerHTML"
    return client


async def board_paths(client, room: int) -> dict[str, str]:
    """The stored board, whole, as a room socket gets it when it opens."""
    board = (await on_board(client, room)).board
    await client.ws.close()
    # The page itself leaves the board out: a full one is megabytes.
    page = parse_page((await client.get(f"/rooms/{room}")).text)
    assert list(by_id(page, "drawing").iter(f"{SVG}path")) == []
    return {el.get("id"): el.get("d") for el in board.iter(f"{SVG}path")}


async def test_the_other_client_watches_a_stroke_grow(clients) -> None:
    room = await new_room(clients)
    alice, bob = await on_board(clients(), room), await on_board(clients(), room)
    stroke = str(uuid.uuid4())

    await alice.send("draw", stroke=stroke, points=[100, 100, 110, 120], **PEN)
    first = path_of(await bob.expect("drawing", where=stroke_in(stroke)), stroke)
    assert first.get("d") == "M100 100L110 120"
    assert (first.get("data-from"), first.get("data-points"), first.get("data-drawing")) == ("0", "2", "true")
    assert (first.get("stroke"), first.get("stroke-width")) == ("#0167ca", "6")

    await alice.send("draw", stroke=stroke, points=[130, 140, 150, 160], **PEN)
    second = path_of(await bob.expect("drawing", where=stroke_in(stroke)), stroke)
    # Only the new part, starting from the last point bob already has.
    assert second.get("d") == "M110 120L130 140L150 160"
    assert (second.get("data-from"), second.get("data-points")) == ("2", "4")

    await alice.send("draw", stroke=stroke, points=[170, 180], done=True, **PEN)
    last = path_of(await bob.expect("drawing", where=stroke_in(stroke)), stroke)
    assert last.get("d") == "M100 100L110 120L130 140L150 160L170 180"
    assert last.get("data-drawing") is None

    # The drawer hears her own stroke too (board.js keeps her local line), and
    # a late joiner gets the whole board with the page.
    await alice.expect("drawing", where=lambda el: (p := path_of(el, stroke)) is not None and p.get("data-drawing") is None)
    assert (await board_paths(clients(), room))[f"stroke-{stroke}"] == last.get("d")


async def test_undo_takes_only_your_own_stroke(clients) -> None:
    room = await new_room(clients)
    alice, bob = await on_board(clients(), room), await on_board(clients(), room)
    stroke = str(uuid.uuid4())
    await alice.send("draw", stroke=stroke, points=[5, 5, 50, 50], done=True, **PEN)
    await bob.expect("drawing", where=stroke_in(stroke))

    await bob.send("undo_stroke")
    await bob.expect_error("not_sufficient_data")
    assert f"stroke-{stroke}" in await board_paths(clients(), room)

    await alice.send("undo_stroke")
    for client in (alice, bob):
        deleted = await client.expect(f"stroke-{stroke}", where=lambda el: el.get("hx-swap-oob") == "delete")
        assert deleted is not None
    assert await board_paths(clients(), room) == {}


async def test_reset_clears_the_board_for_everyone(clients) -> None:
    room = await new_room(clients)
    alice, bob = await on_board(clients(), room), await on_board(clients(), room)
    for _ in range(2):
        stroke = str(uuid.uuid4())
        await alice.send("draw", stroke=stroke, points=[5, 5, 50, 50], done=True, **PEN)
        await bob.expect("drawing", where=stroke_in(stroke))

    await bob.send("reset_drawing")
    for client in (alice, bob):
        board = await client.expect("drawing", where=lambda el: el.get("hx-swap-oob") == "innerHTML")
        assert board.find(f"{SVG}path") is None
    assert await board_paths(clients(), room) == {}


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"points": [10, 10], "color": "#123456"}, "not_valid_color"),
        ({"points": [10, 10], "color": "blue"}, "not_valid_color"),
        ({"points": [10, 10], "tool": "spray"}, "bad_data"),
        ({"points": [10, 10], "width": 9}, "bad_data"),
        ({"points": [10, 10], "width": "wide"}, "bad_data"),
        ({"points": [10, 10, 20]}, "bad_data"),
        ({"points": [10, -1]}, "bad_data"),
        ({"points": [99999, 10]}, "bad_data"),
        ({"points": "10,10"}, "bad_data"),
        ({"points": [10, "x"]}, "bad_data"),
        ({"points": [10, 10], "stroke": "not-a-uuid"}, "bad_data"),
        ({"points": [10, 10] * 1001}, "data_too_long"),
        ({"points": []}, "not_sufficient_data"),
        ({"stroke": None}, "not_sufficient_data"),
    ],
)
async def test_bad_draw_frames_get_an_error_and_break_nothing(clients, fields: dict, code: str) -> None:
    room = await new_room(clients)
    drawer, watcher = await on_board(clients(), room), await on_board(clients(), room)
    kept = str(uuid.uuid4())
    await watcher.send("draw", stroke=kept, points=[1, 1, 2, 2], done=True, **PEN)
    for client in (drawer, watcher):
        await client.expect("drawing", where=stroke_in(kept))

    frame = {"action": "draw", "stroke": str(uuid.uuid4()), **PEN, **fields}
    frame = {name: value for name, value in frame.items() if value is not None}
    await drawer.ws.send(json.dumps(frame))
    await drawer.expect_error(code)
    assert not any("drawing" in frame for frame in await watcher.quiet())
    assert list(await board_paths(clients(), room)) == [f"stroke-{kept}"]

    # The socket and the board go on working for everyone.
    good = str(uuid.uuid4())
    await drawer.send("draw", stroke=good, points=[3, 3], done=True, **PEN)
    await watcher.expect("drawing", where=stroke_in(good))


async def test_drawing_on_the_lobby_socket_is_an_error(clients) -> None:
    client = await clients().connect()
    await client.send("draw", stroke=str(uuid.uuid4()), points=[1, 1], **PEN)
    await client.expect_error("no_such_room")
    await client.send("reset_drawing")
    await client.expect_error("no_such_room")


async def test_strokes_survive_a_restart_and_download_as_svg(tmp_path, clients) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'restart.db'}"
    await asyncio.to_thread(migrate, url)  # alembic runs its own event loop
    settings = Settings(database_url=url, secret_key="test-secret", env="test")
    first = Server(settings).start()
    try:
        room = await new_room(lambda: clients_on(first, clients))
        alice = await clients_on(first, clients).connect(f"/rooms/{room}")
        stroke = str(uuid.uuid4())
        await alice.send("draw", stroke=stroke, points=[10, 10, 20, 20], done=True, **PEN)
        await alice.expect("drawing", where=stroke_in(stroke))
    finally:
        first.stop()

    second = Server(settings).start()
    try:
        again = clients_on(second, clients)
        assert (await board_paths(again, room))[f"stroke-{stroke}"] == "M10 10L20 20"
        download = await again.http.get(f"/rooms/{room}/board.svg")
        assert download.headers["content-type"].startswith("image/svg+xml")
        assert "attachment" in download.headers["content-disposition"]
        svg = ElementTree.fromstring(download.text)
        assert [p.get("id") for p in svg.iter(f"{SVG}path")] == [f"stroke-{stroke}"]
        assert (await again.http.get("/rooms/987654/board.svg")).status_code == 404
    finally:
        second.stop()


def clients_on(server: Server, clients):
    client = clients()
    client.base_url = server.url
    client.http.base_url = server.url
    return client
