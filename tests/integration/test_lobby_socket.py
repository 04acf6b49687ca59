"""Two or more clients on the lobby socket: every change reaches the others."""

from __future__ import annotations

import json
import uuid

import pytest
import websockets

from tests.support import by_id, parse_fragment, parse_page, text_of


async def test_room_lifecycle_reaches_the_other_lobby(clients) -> None:
    alice, bob = await clients().connect(), await clients().connect()
    name = f"Garden {uuid.uuid4().hex[:6]}"

    await alice.send("create_room", name=name, color="#5da247")
    created = await bob.expect("rooms", where=lambda el: name in text_of(el))
    assert created.get("hx-swap-oob") == "beforeend"
    entry = created.find("li")
    room_id = int(entry.get("id").removeprefix("room-"))
    assert "#5da247" in entry.get("style")
    await alice.expect("rooms", where=lambda el: name in text_of(el))

    await alice.send("rename_room", room=str(room_id), name="Greenhouse")
    renamed = await bob.expect(f"room-{room_id}")
    assert renamed.get("hx-swap-oob") is None  # a whole-element replace
    assert text_of(renamed.find(".//*[@class='room-name']")) == "Greenhouse"

    await bob.send("recolor_room", room=str(room_id), color="#2B347E")
    recolored = await alice.expect(f"room-{room_id}", where=lambda el: "#2b347e" in el.get("style"))
    assert recolored.find(".//input[@value='#2b347e']").get("checked") is not None

    await bob.send("delete_room", room=str(room_id))
    await bob.expect_error("not_allowed")  # only its creator deletes it
    await alice.send("delete_room", room=str(room_id))
    deleted = await bob.expect(f"room-{room_id}", where=lambda el: el.get("hx-swap-oob") == "delete")
    assert deleted.get("hx-swap-oob") == "delete"
    page = parse_page((await bob.get("/")).text)
    assert by_id(page, f"room-{room_id}") is None


async def test_a_user_rename_reaches_all_their_tabs_only(clients) -> None:
    first_tab = await clients().connect()
    second_tab = clients()
    second_tab.http.cookies = first_tab.http.cookies
    await second_tab.connect()
    stranger = await clients().connect()
    assert first_tab.user_id == second_tab.user_id != stranger.user_id

    await first_tab.send("rename_user", name="  Captain   Otter ")
    for tab in (first_tab, second_tab):
        me = await tab.expect("me")
        assert me.find(".//input[@name='name']").get("value") == "Captain Otter"
    # Others may learn the new name (it shows on messages), but never get the rename form.
    assert not any(el.get("id") == "me" for frame in await stranger.quiet() for el in parse_fragment(frame))
    page = parse_page((await first_tab.get("/")).text)
    assert by_id(page, "my-name").get("value") == "Captain Otter"


async def test_deleting_a_room_with_people_in_it_is_refused(clients) -> None:
    owner = await clients().connect()
    await owner.send("create_room", name="Busy room")
    entry = (await owner.expect("rooms", where=lambda el: "Busy room" in text_of(el))).find("li")
    room_id = int(entry.get("id").removeprefix("room-"))
    visitor = await clients().connect(f"/rooms/{room_id}")
    users = await owner.expect(f"usercount-{room_id}", where=lambda el: text_of(el) == "1")
    assert users.get("hx-swap-oob") == "true"

    await owner.send("delete_room", room=str(room_id))
    await owner.expect_error("room_not_empty")
    assert (await owner.get(f"/rooms/{room_id}")).status_code == 200

    await visitor.ws.close()
    await owner.expect(f"usercount-{room_id}", where=lambda el: text_of(el) == "0")
    await owner.send("delete_room", room=str(room_id))
    await owner.expect(f"room-{room_id}", where=lambda el: el.get("hx-swap-oob") == "delete")


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("this is not json", "bad_data"),
        (json.dumps([1, 2, 3]), "bad_data"),
        (json.dumps({"action": "fly_to_the_moon"}), "bad_data"),
        (json.dumps({"name": "no action"}), "not_sufficient_data"),
        (json.dumps({"action": "rename_room", "name": "x"}), "not_sufficient_data"),
        (json.dumps({"action": "rename_room", "room": "abc", "name": "x"}), "bad_data"),
        (json.dumps({"action": "rename_room", "room": 999999, "name": "x"}), "no_such_room"),
        (json.dumps({"action": "create_room", "color": "red"}), "not_valid_color"),
        (json.dumps({"action": "create_room", "color": "#12345"}), "not_valid_color"),
        (json.dumps({"action": "create_room", "name": "n" * 65}), "name_too_long"),
        (json.dumps({"action": "rename_user", "name": "   "}), "not_sufficient_data"),
        (json.dumps({"action": "create_room", "name": "n" * 5000}), "data_too_long"),
    ],
)
async def test_bad_frames_get_an_error_and_the_socket_stays_open(clients, frame: str, code: str) -> None:
    client = await clients().connect()
    rooms_before = (await client.get("/")).text.count('class="room"')
    await client.ws.send(frame)
    await client.expect_error(code)
    # Still open and working: a good frame right after is served.
    await client.send("rename_user", name=f"Still Here {uuid.uuid4().hex[:6]}")  # names are one person's each
    await client.expect("me")
    assert (await client.get("/")).text.count('class="room"') == rooms_before


async def test_socket_without_identity_or_from_a_foreign_origin_is_refused(clients, server) -> None:
    ws_url = server.url.replace("http", "ws") + "/ws"
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(ws_url, additional_headers={"Origin": server.url})
    assert refused.value.response.status_code == 403

    client = clients()
    await client.get("/")
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(ws_url, additional_headers={"Cookie": client.cookie_header, "Origin": "http://evil.example"})
    assert refused.value.response.status_code == 403

    tampered = client.cookie_header[:-6] + "AAAAA\""
    with pytest.raises(websockets.InvalidStatus):
        await websockets.connect(ws_url, additional_headers={"Cookie": tampered, "Origin": server.url})


async def test_socket_of_an_unknown_room_is_refused(clients, server) -> None:
    client = clients()
    await client.get("/")
    with pytest.raises(websockets.InvalidStatus):
        await websockets.connect(
            server.url.replace("http", "ws") + "/rooms/987654/ws",
            additional_headers={"Cookie": client.cookie_header, "Origin": server.url},
        )
