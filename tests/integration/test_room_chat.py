"""Room sockets: messages reach exactly a room's members, in stored order;
presence follows sockets; history pages over HTTP."""

from __future__ import annotations

import asyncio
import uuid

from tests.support import Client, by_id, parse_fragment, parse_page, text_of


async def new_room(client: Client, name: str | None = None) -> int:
    name = name or f"Room {uuid.uuid4().hex[:8]}"
    await client.send("create_room", name=name)
    created = await client.expect("rooms", where=lambda el: name in text_of(el))
    return int(created.find("li").get("id").removeprefix("room-"))


async def enter(client: Client, room_id: int) -> Client:
    """Open a room socket and wait until it is in: its first users list comes
    after its subscription and its presence are in place."""
    await client.connect(f"/rooms/{room_id}")
    await client.expect("users", where=lambda el: el.get("hx-swap-oob") is None)
    return client


def message_ids(frames: list[str]) -> list[int]:
    """Ids of messages appended to #messages, in the order the frames came."""
    ids = []
    for frame in frames:
        for top in parse_fragment(frame):
            if top.get("id") == "messages":
                ids += [int(article.get("id").removeprefix("message-")) for article in top.findall("article")]
    return ids


async def collect_messages(client: Client, count: int) -> list[int]:
    ids: list[int] = []
    while len(ids) < count:
        await client.expect("messages")
        ids += message_ids([client.frames[-1]])
    return ids


async def test_messages_reach_exactly_the_rooms_members_in_stored_order(clients) -> None:
    host = await clients().connect()
    room_a, room_b = await new_room(host), await new_room(host)
    alice = await enter(clients(), room_a)
    bob = await enter(clients(), room_a)
    carol = await enter(clients(), room_b)

    # Both members talk at once; five each.
    await asyncio.gather(
        *(alice.send("send_message", body=f"alice {n}") for n in range(5)),
        *(bob.send("send_message", body=f"bob {n}") for n in range(5)),
    )
    seen_by_alice, seen_by_bob = await collect_messages(alice, 10), await collect_messages(bob, 10)
    assert seen_by_alice == seen_by_bob == sorted(seen_by_alice)
    assert len(set(seen_by_alice)) == 10
    assert message_ids(await carol.quiet()) == []

    # And in the order the database stored them, which is the order of history.
    history = parse_fragment((await alice.http.get(f"/rooms/{room_a}/messages")).text)
    assert [int(el.get("id").removeprefix("message-")) for el in history if el.tag == "article"][-10:] == seen_by_alice

    await carol.send("send_message", body="only for room b")
    [carols] = await collect_messages(carol, 1)
    for member in (alice, bob):
        assert carols not in message_ids(await member.quiet())
    page = parse_page((await carol.get(f"/rooms/{room_b}")).text)
    mine = by_id(page, f"message-{carols}")
    assert mine.get("data-author") == str(carol.user_id)
    assert "only for room b" in text_of(mine)


async def test_a_repeated_client_id_is_shown_once(clients) -> None:
    host = await clients().connect()
    room = await new_room(host)
    alice = await enter(clients(), room)
    bob = await enter(clients(), room)
    await alice.send("send_message", body="just once", client_id="c-1")
    await alice.send("send_message", body="just once", client_id="c-1")
    await alice.send("send_message", body="then this")
    ids = await collect_messages(bob, 2)
    assert len(ids) == 2 and message_ids(await bob.quiet()) == []
    page = (await alice.get(f"/rooms/{room}")).text
    assert page.count("just once") == 1
    counted = await host.expect(f"msgcount-{room}", where=lambda el: text_of(el) == "2")
    assert counted.get("hx-swap-oob") == "true"


async def test_bad_messages_are_refused_and_nothing_is_stored(clients) -> None:
    host = await clients().connect()
    room = await new_room(host)
    alice = await enter(clients(), room)
    for fields, code in [
        ({"body": "x" * 4001}, "data_too_long"),
        ({"body": "  \n "}, "not_sufficient_data"),
        ({}, "not_sufficient_data"),
        ({"body": "hi", "client_id": "c" * 65}, "data_too_long"),
    ]:
        await alice.send("send_message", **fields)
        await alice.expect_error(code)
    await host.send("send_message", body="from the lobby")
    await host.expect_error("no_such_room")
    await alice.send("send_message", body="y" * 4000)
    [stored] = await collect_messages(alice, 1)
    history = parse_fragment((await alice.http.get(f"/rooms/{room}/messages")).text)
    assert [el.get("id") for el in history if el.tag == "article"] == [f"message-{stored}"]


async def test_presence_two_tabs_count_once_and_closing_the_last_leaves(clients) -> None:
    host = await clients().connect()
    room = await new_room(host)
    watcher = clients()
    await watcher.connect(f"/rooms/{room}")
    # A room socket's first list is the whole list (its own entrance may come before or after it).
    first_list = await watcher.expect("users", where=lambda el: el.get("hx-swap-oob") is None)
    assert [li.get("id") for li in first_list.findall("li")] == [f"user-{watcher.user_id}"]

    tab1 = clients()
    await tab1.connect(f"/rooms/{room}")
    # Entrances are gathered per room (0.25 s): the watcher's own may still arrive
    # after its first list (the page drops the repeat), alone or with tab1's.
    joined = await watcher.expect(
        "users",
        where=lambda el: el.get("hx-swap-oob") == "beforeend" and el.find(f"li[@id='user-{tab1.user_id}']") is not None,
    )
    assert {li.get("id") for li in joined.findall("li")} <= {f"user-{watcher.user_id}", f"user-{tab1.user_id}"}
    await host.expect(f"usercount-{room}", where=lambda el: text_of(el) == "2")
    # The newcomer gets the whole list as its socket opens, itself included (its
    # own entrance, not yet flushed to the others, comes in the same frame).
    await tab1.expect("users", where=lambda el: el.get("hx-swap-oob") is None)
    listed = {li.get("id") for top in parse_fragment(tab1.frames[-1]) if top.get("id") == "users" for li in top.findall("li")}
    assert listed == {f"user-{watcher.user_id}", f"user-{tab1.user_id}"}

    tab2 = clients()
    tab2.http.cookies = tab1.http.cookies
    await enter(tab2, room)
    assert tab2.user_id == tab1.user_id
    await tab1.ws.close()
    # One tab is still there: nobody left, nobody joined.
    quiet = await watcher.quiet()
    entry = f"user-{tab1.user_id}"
    assert not any(el.get("id") in {"users", entry} for frame in quiet for el in parse_fragment(frame))
    assert entry in await users_listed(clients(), room)

    await tab2.ws.close()  # closing the last tab is leaving
    left = await watcher.expect(f"user-{tab1.user_id}")
    assert left.get("hx-swap-oob") == "delete"
    await host.expect(f"usercount-{room}", where=lambda el: text_of(el) == "1")
    assert entry not in await users_listed(clients(), room)


async def users_listed(newcomer, room: int) -> set[str]:
    """The users list a room socket gets as it opens (the page leaves it to the socket)."""
    await newcomer.connect(f"/rooms/{room}")
    whole = await newcomer.expect("users", where=lambda el: el.get("hx-swap-oob") is None)
    listed = {li.get("id") for li in whole.findall("li")}
    await newcomer.ws.close()
    return listed


async def test_a_rename_reaches_the_names_already_on_screen(clients) -> None:
    host = await clients().connect()
    room = await new_room(host)
    alice = await enter(clients(), room)
    bob = await enter(clients(), room)
    await alice.send("send_message", body="hello")
    await collect_messages(bob, 1)
    await alice.send("rename_user", name='<b hx-on:click="alert(1)">Al</b>')
    renamed = await bob.expect(f"renamed-{alice.user_id}")
    assert renamed.get("hx-swap-oob") == f"innerHTML:.name-of-{alice.user_id}"
    assert list(renamed) == [] and renamed.text == '<b hx-on:click="alert(1)">Al</b>'
    page = parse_page((await bob.get(f"/rooms/{room}")).text)
    name_class = f"name-of-{alice.user_id}"
    on_page = [el for el in page.iter() if name_class in el.get("class", "").split()]
    # The users list comes over the socket, from its cached render, renamed too.
    newcomer = clients()
    await newcomer.connect(f"/rooms/{room}")
    users = await newcomer.expect("users", where=lambda el: el.get("hx-swap-oob") is None)
    listed = [el for el in users.iter() if name_class in el.get("class", "").split()]
    # On the message and as the room's latest in the room list; and in the users list.
    assert len(on_page) == 2 and len(listed) == 1
    assert all(text_of(el) == '<b hx-on:click="alert(1)">Al</b>' and list(el) == [] for el in on_page + listed)


async def test_history_pages_over_http(clients) -> None:
    host = await clients().connect()
    room = await new_room(host)
    alice = await enter(clients(), room)
    for n in range(60):
        await alice.send("send_message", body=f"n{n}")
    ids = await collect_messages(alice, 60)

    page = parse_page((await alice.get(f"/rooms/{room}")).text)
    shown = [el.get("id") for el in by_id(page, "messages").iter("article")]
    assert shown == [f"message-{i}" for i in ids[-50:]]
    more = by_id(page, "history-more")
    assert more.get("hx-get") == f"/rooms/{room}/messages?before={ids[10]}"
    assert more.get("hx-trigger") == "intersect once" and more.get("hx-swap") == "outerHTML"

    older = parse_fragment((await alice.http.get(more.get("hx-get"))).text)
    # The room's first day starts above its first message; no marker: nothing older.
    assert [el.get("class") for el in older[:1]] == ["day-separator"]
    assert [el.get("id") for el in older[1:]] == [f"message-{i}" for i in ids[:10]]
    assert (await alice.http.get(f"/rooms/{room}/messages?before={ids[0]}")).text.strip() == ""
    assert (await alice.http.get("/rooms/987654/messages?before=5")).status_code == 404
    assert (await alice.http.get(f"/rooms/{room}/messages?before=abc")).status_code == 400


async def test_a_body_cannot_swap_anything_on_the_readers_page(clients) -> None:
    host = await clients().connect()
    room = await new_room(host)
    alice = await enter(clients(), room)
    bob = await enter(clients(), room)
    attack = '<div id="messages" hx-swap-oob="true"></div><p id="users" hx-on:click="x" hx-swap-oob="true">'
    await alice.send("send_message", body=attack)
    await bob.expect("messages")
    [top] = parse_fragment(bob.frames[-1])  # one element: the append, nothing else
    assert (top.get("id"), top.get("hx-swap-oob")) == ("messages", "beforeend")
    [article] = top.findall("article")
    # The fragment's own markup only: the avatar, the meta, the body, the reactions, the actions toolbar
    # (its last three buttons: edit, delete, a moderator's mute).
    actions = ["div"] + ["button"] * 9 + ["a", "button", "button", "button"]
    assert [el.tag for el in article.iter()] == ["article", "span", "span", "header", "bdi", "time", "p", "div"] + actions
    assert "".join(article.find(".//p").itertext()) == attack


async def test_a_socket_that_reconnects_gets_the_messages_it_missed(clients) -> None:
    host = await clients().connect()
    room = await new_room(host)
    alice = await enter(clients(), room)
    for n in range(3):
        await alice.send("send_message", body=f"while bob was away {n}")
    ids = await collect_messages(alice, 3)

    # Bob's page showed the first; his socket comes back with ?after= that one.
    bob = clients()
    await bob.connect(f"/rooms/{room}", socket_path=f"/rooms/{room}/ws?after={ids[0]}")
    await bob.expect("users", where=lambda el: el.get("hx-swap-oob") is None)
    missed = await bob.expect("messages")
    assert missed.get("hx-swap-oob") == "beforeend"
    assert [el.get("id") for el in missed.findall("article")] == [f"message-{i}" for i in ids[1:]]

    # Up to date: nothing is resent.
    carol = clients()
    await carol.connect(f"/rooms/{room}", socket_path=f"/rooms/{room}/ws?after={ids[-1]}")
    await carol.expect("users", where=lambda el: el.get("hx-swap-oob") is None)
    assert message_ids(await carol.quiet()) == []
