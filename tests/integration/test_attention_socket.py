"""Attention over sockets, with two or more clients: unread counts and mentions
on each user's own channel, read positions, notify levels, who is typing, the New marker."""

from __future__ import annotations

import time
import uuid

from tests.integration.test_room_chat import collect_messages, enter, new_room
from tests.support import Client, by_id, parse_fragment, parse_page, text_of


async def named(client: Client, name: str) -> Client:
    await client.send("rename_user", name=name)
    await client.expect("me")
    return client


def tab_of(client: Client, make) -> Client:
    """Another tab of the same identity."""
    tab = make()
    tab.http.cookies = client.http.cookies
    return tab


def unread_of(client: Client, room_id: int) -> callable:
    return lambda **state: client.expect(
        f"unread-{room_id}", where=lambda el: all(el.get(f"data-{key}") == str(value) for key, value in state.items())
    )


def unread_frames(frames: list[str], room_id: int) -> list:
    return [el for frame in frames for el in parse_fragment(frame) if el.get("id") == f"unread-{room_id}"]


async def been_in(make, room_id: int, name: str) -> Client:
    """Someone who has been in the room (so its messages count for them and can name them), now in the lobby."""
    visit = await named(await enter(make(), room_id), name)
    await visit.ws.close()
    return await visit.connect()


async def test_others_messages_count_for_every_tab_and_mark_read_clears_them_forward_only(clients) -> None:
    host = await clients().connect()
    room = await new_room(host)
    ada = await been_in(clients, room, "Ada Counts")
    ada_again = await tab_of(ada, clients).connect()
    ada_room = await enter(tab_of(ada, clients), room)
    bob = await enter(clients(), room)

    for n in range(3):
        await bob.send("send_message", body=f"bob {n}")
    bobs = await collect_messages(bob, 3)
    for tab in (ada, ada_again, ada_room):
        entry = await unread_of(tab, room)(count=3, mentions=0)
        assert entry.get("data-latest") == str(bobs[-1])
        assert text_of(entry) == "3"
    # Her own message is no news to her.
    await ada_room.send("send_message", body="ada here")
    await ada_room.expect("messages", where=lambda el: "ada here" in text_of(el))
    assert all(el.get("data-count") == "3" for el in unread_frames(await ada.quiet(0.6), room))

    # Read up to Bob's second from the room tab: every tab of hers hears it.
    await ada_room.send("mark_read", room=room, message=bobs[1])
    for tab in (ada, ada_again, ada_room):
        await unread_of(tab, room)(count=1)
    # Never back: an older message leaves the position where it is.
    await ada_room.send("mark_read", room=room, message=bobs[0])
    await ada.quiet(0.6)
    page = parse_page((await ada.get("/")).text)
    assert by_id(page, f"unread-{room}").get("data-count") == "1"
    await ada_room.send("mark_read", room=room, message=bobs[2])
    cleared = await unread_of(ada_again, room)(count=0)
    assert cleared.get("aria-label") is None and text_of(cleared) == ""


async def test_mark_read_of_another_rooms_message_is_refused_and_the_socket_stays(clients) -> None:
    host = await clients().connect()
    room, other = await new_room(host), await new_room(host)
    bob = await enter(clients(), other)
    await bob.send("send_message", body="elsewhere")
    [elsewhere] = await collect_messages(bob, 1)
    ada = await enter(clients(), room)
    await ada.send("mark_read", room=room, message=elsewhere)
    await ada.expect_error("no_such_message")
    await ada.send("mark_read", room=room, message=2**40)
    await ada.expect_error("no_such_message")
    await ada.send("mark_read", room=room, message="not a number")
    await ada.expect_error("bad_data")
    await ada.send("send_message", body="still here")
    await collect_messages(ada, 1)


async def test_a_mention_counts_and_names_the_longest_match_among_the_rooms_people(clients) -> None:
    tag = uuid.uuid4().hex[:4]
    host = await clients().connect()
    room = await new_room(host)
    short = await been_in(clients, room, f"Ada {tag}")
    long = await been_in(clients, room, f"Ada {tag} Lovelace")
    stranger = await named(await clients().connect(), f"Carol {tag}")  # never in the room
    bob = await enter(clients(), room)

    await bob.send("send_message", body=f"<b>hi</b> @ADA {tag} lovelace, and @ada {tag}! not @Carol {tag} nor mail@Ada {tag}")
    [message_id] = await collect_messages(bob, 1)
    article = next(el for top in parse_fragment(bob.frames[-1]) if (el := by_id(top, f"message-{message_id}")) is not None)
    body = article.find(".//p[@class='body']")
    spans = body.findall(".//span[@class='mention']")
    assert [(span.get("data-user"), text_of(span)) for span in spans] == [
        (str(long.user_id), f"@ADA {tag} lovelace"), (str(short.user_id), f"@ada {tag}"),
    ]
    assert body.find(".//b") is None and "<b>hi</b>" in text_of(body)  # the body is escaped
    assert f"@Carol {tag}" in text_of(body) and f"mail@Ada {tag}" in text_of(body)

    # Each of them, in the lobby, away from the room: one unread message that names them.
    for person in (short, long):
        entry = await unread_of(person, room)(count=1, mentions=1)
        assert entry.get("data-mention") == str(message_id)
        assert entry.find(".//*[@class='unread-at']") is not None
    assert unread_frames(await stranger.quiet(0.6), room) == []

    # A plain message raises the count, not the mentions.
    await bob.send("send_message", body=f"ada {tag} without the at")
    await unread_of(short, room)(count=2, mentions=1)


async def test_unread_updates_are_coalesced_over_a_burst(clients) -> None:
    host = await clients().connect()
    room = await new_room(host)
    ada = await been_in(clients, room, "Ada Burst")
    bob = await enter(clients(), room)
    burst = 40
    before = len(ada.frames)
    started = time.monotonic()
    for n in range(burst):
        await bob.send("send_message", body=f"burst {n}")
    await unread_of(ada, room)(count=burst)
    elapsed = time.monotonic() - started
    updates = unread_frames(ada.frames[before:], room)
    # At most 4 a second (one frame per flush), so far fewer frames than messages;
    # the slack is for the frames of her sockets' openings, read only now.
    assert len(updates) < burst / 2
    assert len(updates) <= 4 * elapsed + 2
    counts = [int(el.get("data-count")) for el in updates]
    assert counts == sorted(counts)


async def test_set_notify_levels_are_checked_and_reach_every_tab(clients) -> None:
    host = await clients().connect()
    room = await new_room(host)
    ada = await enter(clients(), room)
    ada_lobby = await tab_of(ada, clients).connect()
    for level in ("loud", "", "ALL"):
        await ada.send("set_notify", room=room, level=level)
        notice = await ada.expect_error("bad_data")
        assert "mentions" in text_of(notice)
    await ada.send("set_notify", room=2**40, level="all")
    await ada.expect_error("no_such_room")
    # The connection stays; a good level is stored and both tabs learn it.
    await ada.send("set_notify", room=room, level="all")
    for tab in (ada, ada_lobby):
        await unread_of(tab, room)(notify="all")
    page = parse_page((await ada.get(f"/rooms/{room}")).text)
    assert by_id(page, "notify-level").find(".//option[@selected]").get("value") == "all"
    await ada.send("set_notify", room=room, level="off")
    await unread_of(ada_lobby, room)(notify="off")


def typing_of(client: Client, where=lambda el: True):
    return client.expect("typing", where=where)


async def test_typing_reaches_the_others_once_per_two_seconds_and_goes_with_the_message(clients) -> None:
    host = await clients().connect()
    room = await new_room(host)
    ada = await named(await enter(clients(), room), "Ada Types")
    bob = await named(await enter(clients(), room), "Bob Types")
    cy = await named(await enter(clients(), room), "Cy Types")

    # Typing, a message, typing again at once: the message takes Bob off the line,
    # and the frames within 2 s of his first are ignored, without an error.
    await bob.send("typing")
    await bob.send("send_message", body="done typing")
    for _ in range(3):
        await bob.send("typing")
    line = await typing_of(ada, where=lambda el: el.get("data-users") == str(bob.user_id))
    assert text_of(line.find(".//*[@class='typing-all']")) == "Bob Types is typing…"
    assert line.get("hx-disable") is not None
    await typing_of(ada, where=lambda el: el.get("data-users") == "")
    assert all(str(bob.user_id) not in el.get("data-users").split() for el in parse_fragment_all(await ada.quiet(0.6), "typing"))
    assert not any("data-code" in frame for frame in await bob.quiet(0.3))

    # Two typing: each page shows the others, its own user left out by its CSS rule.
    await ada.send("typing")
    await cy.send("typing")
    both = await typing_of(bob, where=lambda el: len(el.get("data-users").split()) == 2)
    assert text_of(both.find(".//*[@class='typing-all']")) == "Ada Types and 1 other are typing…"
    assert text_of(both.find(f".//*[@data-user='{cy.user_id}']")) == "Ada Types is typing…"
    assert text_of(both.find(f".//*[@data-user='{ada.user_id}']")) == "Cy Types is typing…"


def parse_fragment_all(frames: list[str], element_id: str) -> list:
    return [el for frame in frames for el in parse_fragment(frame) if el.get("id") == element_id]


async def test_entering_a_room_with_unread_messages_shows_the_new_marker(clients) -> None:
    host = await clients().connect()
    room = await new_room(host)
    ada = await been_in(clients, room, "Ada Marker")
    bob = await enter(clients(), room)
    await bob.send("send_message", body="before you went")
    [seen] = await collect_messages(bob, 1)
    # Ada reads it, then Bob writes two more.
    ada_room = await enter(tab_of(ada, clients), room)
    await ada_room.send("mark_read", room=room, message=seen)
    await unread_of(ada_room, room)(count=0)
    await ada_room.ws.close()
    for n in range(2):
        await bob.send("send_message", body=f"new {n}")
    first, _second = await collect_messages(bob, 2)
    await unread_of(ada, room)(count=2)

    page = parse_page((await ada.get(f"/rooms/{room}")).text)
    marker = by_id(page, "unread-marker")
    assert marker is not None and text_of(marker) == "New"
    following = next(list(parent) for parent in page.iter() if marker in list(parent))
    assert following[following.index(marker) + 1].get("id") == f"message-{first}"
    # Bob has read all of it (his own): no marker for him.
    assert by_id(parse_page((await bob.get(f"/rooms/{room}")).text), "unread-marker") is None
