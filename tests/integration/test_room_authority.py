"""Who may destroy what: only a room's creator deletes it, a deleted room is
hidden and restorable, and renames and recolours leave a line in the history."""

from __future__ import annotations

from tests.integration.test_room_chat import enter, new_room
from tests.support import by_id, parse_page, text_of


async def test_a_stranger_cannot_delete_someone_elses_room(clients) -> None:
    owner, stranger = await clients().connect(), await clients().connect()
    room_id = await new_room(owner)
    await stranger.send("delete_room", room=room_id)
    notice = await stranger.expect_error("not_allowed")
    assert "creator" in text_of(notice)
    assert (await stranger.get(f"/rooms/{room_id}")).status_code == 200
    assert by_id(parse_page((await owner.get("/")).text), f"room-{room_id}") is not None


async def test_the_creator_deletes_and_restores_a_room_with_its_history(clients) -> None:
    owner, other = await clients().connect(), await clients().connect()
    room_id = await new_room(owner, "Workshop")
    writer = await enter(clients(), room_id)
    await writer.send("send_message", body="keep me")
    await writer.expect("messages")
    await writer.close()
    # Only an empty room can be deleted by its creator: wait until the server has seen the writer leave.
    await owner.expect(f"usercount-{room_id}", where=lambda el: text_of(el) == "0")

    await owner.send("delete_room", room=room_id)
    await other.expect(f"room-{room_id}", where=lambda el: el.get("hx-swap-oob") == "delete")
    listed = await owner.expect("deleted-rooms")  # on the creator's own channel
    assert listed.get("hidden") is None
    assert "Workshop" in text_of(by_id(listed, f"deleted-room-{room_id}"))
    assert [frame for frame in await other.quiet() if "deleted-rooms" in frame] == []
    # Hidden: no page, no socket, not in the lobby; listed for its creator only.
    assert (await other.get(f"/rooms/{room_id}")).status_code == 404
    assert by_id(parse_page((await other.get("/")).text), "deleted-rooms").get("hidden") is not None
    assert by_id(parse_page((await owner.get("/")).text), f"deleted-room-{room_id}") is not None

    await other.send("restore_room", room=room_id)
    await other.expect_error("no_such_room")
    await owner.send("restore_room", room=room_id)
    back = await other.expect("rooms", where=lambda el: by_id(el, f"room-{room_id}") is not None)
    assert "Workshop" in text_of(back)
    assert (await owner.expect("deleted-rooms")).get("hidden") is not None
    page = parse_page((await other.get(f"/rooms/{room_id}")).text)
    assert "keep me" in text_of(by_id(page, "messages"))


async def test_renames_and_recolours_show_in_the_history_as_who_changed_what(clients) -> None:
    owner = await clients().connect()
    room_id = await new_room(owner)
    alice, bob = await enter(clients(), room_id), await enter(clients(), room_id)
    await alice.send("rename_user", name="Alice")
    await alice.expect("me")
    await alice.send("rename_room", room=room_id, name="<b>Plans</b>")
    line = await bob.expect("messages", where=lambda el: el.find(".//*[@data-kind='system']") is not None)
    system = line.find(".//*[@data-kind='system']")
    assert text_of(system.find(".//*[@class='body']")) == "renamed the room to “<b>Plans</b>”"  # escaped: text, not markup
    assert system.find(".//b") is None
    assert "Alice" in text_of(system)
    await bob.send("recolor_room", room=room_id, color="#12345A")  # no palette colour: a new room may have any of those
    line = await alice.expect("messages", where=lambda el: "colour" in text_of(el))
    assert "#12345a" in text_of(line.find(".//*[@data-kind='system']"))
    # In the stored history too, for a page loaded later.
    page = parse_page((await owner.get(f"/rooms/{room_id}")).text)
    lines = [text_of(el) for el in page.iter() if el.get("data-kind") == "system"]
    assert len(lines) == 2 and "Plans" in lines[0] and "#12345a" in lines[1]


async def test_a_line_about_the_room_cannot_be_edited_deleted_or_reacted_to(clients) -> None:
    owner = await clients().connect()
    room_id = await new_room(owner)
    alice = await enter(clients(), room_id)
    await alice.send("rename_room", room=room_id, name="Plans")
    line = await alice.expect("messages", where=lambda el: el.find(".//*[@data-kind='system']") is not None)
    line_id = int(line.find(".//*[@data-kind='system']").get("id").removeprefix("message-"))
    for action, fields in [
        ("edit_message", {"body": "renamed nothing"}),
        ("delete_message", {}),
        ("react", {"emoji": "👍"}),
    ]:
        await alice.send(action, message=line_id, **fields)
        await alice.expect_error("not_allowed")
    page = parse_page((await alice.get(f"/rooms/{room_id}")).text)
    assert "Plans" in text_of(by_id(page, f"message-{line_id}"))
