"""Moderation: MODERATOR_KEY makes a moderator on /moderate, who deletes anyone's
message, closes any room (its people go to the lobby) and mutes identities; every
such act is an audit row and a line in the room; mutes are in the database."""

from __future__ import annotations

import pytest

from tests.integration.test_room_chat import enter, new_room
from tests.support import NO_LIMITS, Client, by_id, parse_page, text_of

KEY = "correct horse battery staple"


@pytest.fixture
def moderated(server_with):
    return lambda: server_with(moderator_key=KEY, **NO_LIMITS)


async def become_moderator(client: Client, key: str = KEY, origin: str | None = None):
    await client.get("/moderate")
    return await client.http.post("/moderate", data={"key": key}, headers={"Origin": origin or client.base_url})


async def moderator_in(server, clients_of, room_id: int) -> Client:
    client = clients_of(server)
    assert (await become_moderator(client)).status_code == 303
    return await enter(client, room_id)


async def said(client: Client, body: str) -> int:
    await client.send("send_message", body=body)
    appended = await client.expect("messages", where=lambda el: body in text_of(el))
    return int(appended.find("article").get("id").removeprefix("message-"))


def system_line(text: str):
    return lambda el: any(
        node.get("data-kind") == "system" and text in text_of(node) for node in el.iter()
    )


async def audit_actions(moderator: Client) -> list[str]:
    """What this moderator did, newest first, as /moderate lists it (others' acts are there too)."""
    page = parse_page((await moderator.get("/moderate")).text)
    mine = str(moderator.user_id)
    return [item.get("data-action") for item in by_id(page, "audit").findall("li") if item.get("data-moderator") == mine]


async def test_without_a_key_there_are_no_moderators(server, clients) -> None:
    visitor = clients()
    page = parse_page((await visitor.get("/moderate")).text)
    assert by_id(page, "moderation-off") is not None
    assert by_id(page, "moderator-key") is None
    response = await become_moderator(visitor, key="")
    assert response.status_code == 404


async def test_the_right_key_makes_a_moderator_and_a_wrong_one_is_refused(moderated, clients_of) -> None:
    server = moderated()
    visitor = clients_of(server)
    wrong = await become_moderator(visitor, key="guess")
    assert wrong.status_code == 403
    assert "not the moderator key" in text_of(parse_page(wrong.text).find(".//body"))
    assert (await become_moderator(visitor, origin="http://evil.example")).status_code == 403
    page = parse_page((await visitor.get("/moderate")).text)
    assert by_id(page, "moderator-key") is not None and by_id(page, "audit") is None  # still not one

    assert (await become_moderator(visitor)).status_code == 303
    page = parse_page((await visitor.get("/moderate")).text)
    assert by_id(page, "resign") is not None and by_id(page, "active") is not None
    assert await audit_actions(visitor) == ["became_moderator"]
    # Badged on every page: one rule naming the moderator's names.
    lobby = await visitor.get("/")
    assert f".name-of-{visitor.user_id}::after" in lobby.text

    resigned = await visitor.http.post("/moderate/resign", headers={"Origin": server.url})
    assert resigned.status_code == 303
    page = parse_page((await visitor.get("/moderate")).text)
    assert by_id(page, "moderator-key") is not None
    assert f".name-of-{visitor.user_id}::after" not in (await visitor.get("/")).text


async def test_tries_at_the_key_are_limited_per_address(moderated, clients_of) -> None:
    server = moderated()
    guesser = clients_of(server)
    codes = [(await become_moderator(guesser, key=f"guess {n}")).status_code for n in range(5)]
    assert codes == [403] * 5
    # Out of tries, the address cannot get in with the right key either, for a while.
    refused = await become_moderator(guesser)
    assert refused.status_code == 429
    assert "Too many tries" in text_of(parse_page(refused.text).find(".//body"))
    assert (await become_moderator(clients_of(server))).status_code == 429


async def test_a_moderator_removes_anyones_message_with_a_line_saying_so(moderated, clients_of) -> None:
    server = moderated()
    owner = await clients_of(server).connect()
    room_id = await new_room(owner)
    spammer, bystander = await enter(clients_of(server), room_id), await enter(clients_of(server), room_id)
    await spammer.send("rename_user", name="Spammer")
    await spammer.expect("me")
    spam = await said(spammer, "buy cheap pills")
    moderator = await moderator_in(server, clients_of, room_id)

    await moderator.send("delete_message", message=spam)
    gone = await bystander.expect(f"message-{spam}")
    assert gone.get("data-deleted") == "true" and "pills" not in text_of(gone)
    line = await bystander.expect("messages", where=system_line("removed a message by Spammer"))
    assert line is not None
    assert "pills" not in (await bystander.get(f"/rooms/{room_id}")).text
    assert await audit_actions(moderator) == ["delete_message", "became_moderator"]


async def test_a_moderator_closes_a_room_with_people_in_it(moderated, clients_of) -> None:
    server = moderated()
    owner = await clients_of(server).connect()
    room_id = await new_room(owner, "Spam den")
    occupant = await enter(clients_of(server), room_id)
    moderator = await moderator_in(server, clients_of, room_id)

    await moderator.send("delete_room", room=room_id)
    await occupant.expect("messages", where=system_line("closed the room"))
    notice = (await occupant.expect("errors", where=lambda el: el.find(".//*[@data-notice]") is not None)).find(".//*[@data-notice]")
    assert notice.get("data-notice") == "room_closed"
    await owner.expect(f"room-{room_id}", where=lambda el: el.get("hx-swap-oob") == "delete")
    assert (await occupant.get(f"/rooms/{room_id}")).status_code == 404
    lobby = parse_page((await occupant.get("/?notice=room_closed")).text)
    assert "moderator closed" in text_of(by_id(lobby, "notice"))
    # Closed for good: its creator cannot bring it back.
    assert by_id(parse_page((await owner.get("/")).text), f"deleted-room-{room_id}") is None
    await owner.send("restore_room", room=room_id)
    await owner.expect_error("no_such_room")
    assert await audit_actions(moderator) == ["delete_room", "became_moderator"]


async def test_a_muted_identity_reads_but_cannot_act_until_unmuted(moderated, clients_of) -> None:
    server = moderated()
    owner = await clients_of(server).connect()
    room_id = await new_room(owner)
    spammer, bystander = await enter(clients_of(server), room_id), await enter(clients_of(server), room_id)
    spammer_id = spammer.user_id
    moderator = await moderator_in(server, clients_of, room_id)

    await moderator.send("mute_user", user=spammer_id, minutes=60)
    await bystander.expect("messages", where=system_line("for 1 hour"))
    # Told at once, on their own channel, until when.
    told = (await spammer.expect("errors", where=lambda el: el.find(".//*[@data-notice]") is not None)).find(".//*[@data-notice]")
    assert told.get("data-notice") == "muted" and told.find("time").get("datetime")
    assert [frame for frame in await bystander.quiet() if "data-notice" in frame] == []
    for action, fields in [("send_message", {"body": "more spam"}), ("rename_user", {"name": "Innocent"}), ("create_room", {})]:
        await spammer.send(action, **fields)
        notice = await spammer.expect_error("rate_limited")
        assert "muted you until" in text_of(notice)
    await said(bystander, "still reading?")
    await spammer.expect("messages", where=lambda el: "still reading?" in text_of(el))  # reads, live
    # Over HTTP too.
    renamed = await spammer.http.post("/me", data={"name": "Innocent"}, headers={"Origin": server.url})
    assert renamed.status_code == 400

    await moderator.send("unmute_user", user=spammer_id)
    await bystander.expect("messages", where=system_line("unmuted"))
    await spammer.expect("errors", where=lambda el: el.find(".//*[@data-notice='unmuted']") is not None)
    await said(spammer, "sorry")
    assert await audit_actions(moderator) == ["unmute_user", "mute_user", "became_moderator"]


async def test_mutes_are_checked_and_refused_as_bad_input(moderated, clients_of) -> None:
    server = moderated()
    moderator = clients_of(server)
    await become_moderator(moderator)
    await moderator.connect()
    other = await clients_of(server).connect()
    for minutes in (0, 10081, "soon"):
        await moderator.send("mute_user", user=other.user_id, minutes=minutes)
        await moderator.expect_error("bad_data")
    await moderator.send("mute_user", user=2**30, minutes=10)
    await moderator.expect_error("no_such_user")
    await moderator.send("unmute_user", user=2**40)
    await moderator.expect_error("no_such_user")
    await moderator.send("mute_user", user=moderator.user_id, minutes=10)
    await moderator.expect_error("not_allowed")
    await other.send("rename_user", name="Unmuted")
    await other.expect("me")
    assert await audit_actions(moderator) == ["became_moderator"]


async def test_everyone_else_is_refused_a_moderators_actions(moderated, clients_of) -> None:
    server = moderated()
    owner = await clients_of(server).connect()
    room_id = await new_room(owner)
    alice, bob = await enter(clients_of(server), room_id), await enter(clients_of(server), room_id)
    kept = await said(alice, "mine to keep")
    for action, fields in [
        ("delete_message", {"message": kept}),
        ("mute_user", {"user": alice.user_id, "minutes": 60}),
        ("unmute_user", {"user": alice.user_id}),
        ("delete_room", {"room": room_id}),
    ]:
        await bob.send(action, **fields)
        await bob.expect_error("not_allowed")
    assert (await bob.http.post("/moderate/mute", data={"user": alice.user_id, "minutes": 60}, headers={"Origin": server.url})).status_code == 403
    await said(alice, "unhindered")
    page = parse_page((await bob.get(f"/rooms/{room_id}")).text)
    assert "mine to keep" in text_of(by_id(page, f"message-{kept}"))


async def test_a_moderator_finds_and_mutes_a_spammer_from_the_moderate_page(moderated, clients_of) -> None:
    server = moderated()
    owner = await clients_of(server).connect()
    room_id = await new_room(owner)
    spammer = await enter(clients_of(server), room_id)
    for n in range(3):
        await said(spammer, f"spam {n}")
    moderator = clients_of(server)
    await become_moderator(moderator)
    page = parse_page((await moderator.get("/moderate")).text)
    row = by_id(page, f"active-{spammer.user_id}")
    assert "3" in [text_of(cell) for cell in row.findall("td")]
    muted = await moderator.http.post("/moderate/mute", data={"user": spammer.user_id, "minutes": 1440}, headers={"Origin": server.url})
    assert muted.status_code == 303
    assert (await moderator.http.post("/moderate/mute", data={"user": spammer.user_id, "minutes": 1}, headers={"Origin": "http://evil.example"})).status_code == 403
    row = by_id(parse_page((await moderator.get("/moderate")).text), f"active-{spammer.user_id}")
    assert row.get("data-muted-until") and "muted until" in text_of(row)
    await spammer.send("send_message", body="spam 4")
    await spammer.expect_error("rate_limited")


async def test_a_mute_outlives_a_restart_of_the_server(moderated, clients_of) -> None:
    first = moderated()
    owner = await clients_of(first).connect()
    room_id = await new_room(owner)
    spammer = await enter(clients_of(first), room_id)
    moderator = await moderator_in(first, clients_of, room_id)
    await moderator.send("mute_user", user=spammer.user_id, minutes=10080)
    await spammer.expect("messages", where=system_line("for 7 days"))
    for client in (owner, spammer, moderator):
        await client.ws.close()
    first.stop()

    second = moderated()
    # The same identity cookie, at the new server.
    spammer.base_url = spammer.http.base_url = second.url
    await enter(spammer, room_id)
    await spammer.send("send_message", body="I'm back")
    notice = await spammer.expect_error("rate_limited")
    assert "muted you until" in text_of(notice)


async def test_with_the_key_unset_a_stored_moderator_is_no_moderator(server, moderated, clients_of) -> None:
    moderator = clients_of(moderated())
    assert (await become_moderator(moderator)).status_code == 303
    # The same identity at a server without MODERATOR_KEY, on the same database.
    moderator.base_url = moderator.http.base_url = server.url
    await moderator.connect()
    other = await clients_of(server).connect()
    await moderator.send("mute_user", user=other.user_id, minutes=60)
    await moderator.expect_error("not_allowed")
    assert f".name-of-{moderator.user_id}::after" not in (await moderator.get("/")).text


async def test_a_moderators_own_empty_room_is_deleted_as_anyones(moderated, clients_of) -> None:
    server = moderated()
    moderator = clients_of(server)
    await become_moderator(moderator)
    await moderator.connect()
    room_id = await new_room(moderator, "My own")
    await moderator.send("delete_room", room=room_id)
    listed = await moderator.expect("deleted-rooms")
    assert by_id(listed, f"deleted-room-{room_id}") is not None  # restorable, as its creator's delete
    await moderator.send("restore_room", room=room_id)
    await moderator.expect("rooms", where=lambda el: by_id(el, f"room-{room_id}") is not None)
    assert await audit_actions(moderator) == ["became_moderator"]


async def test_a_muted_bot_or_api_client_cannot_write_either(moderated, clients_of) -> None:
    from tests.api_client import ApiClient
    from tests.integration.test_bot_keys import make_bot, post

    server = moderated()
    owner = await clients_of(server).connect()
    room_id = await new_room(owner)
    maker = await enter(clients_of(server), room_id)
    key = await make_bot(server, maker, room_id)
    moderator = await moderator_in(server, clients_of, room_id)
    assert post(server, room_id, key, "spam").status_code == 201
    bot_id = int((await moderator.expect("messages", where=lambda el: "spam" in text_of(el))).find("article").get("data-author"))

    await moderator.send("mute_user", user=bot_id, minutes=60)
    await maker.expect("messages", where=system_line("for 1 hour"))
    refused = post(server, room_id, key, "more spam")
    assert refused.status_code == 429 and "muted you until" in refused.json()["detail"]
    api = await ApiClient.connect(server.url, {"Authorization": f"Bearer {key}"})
    room_uuid = next(room["uuid"] for room in (await api.expect("rooms_listed"))["list"])
    await api.call("enter_room", uuid=room_uuid)
    await api.expect("room_entered")
    await api.call("create_message", body="over the socket")
    assert "muted you until" in (await api.expect_error("rate_limited"))["detail"]
    await api.close()

    await moderator.send("unmute_user", user=bot_id)
    await maker.expect("messages", where=system_line("unmuted"))
    assert post(server, room_id, key, "sorry").status_code == 201
    assert "more spam" not in (await maker.get(f"/rooms/{room_id}")).text
