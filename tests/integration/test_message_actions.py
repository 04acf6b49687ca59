"""Messages people act on, over room sockets: edit, delete, react, reply; seen
live by the others, the same after a reload, and replayed exactly to a page
that reconnects with ?seq=."""

from __future__ import annotations

from tests.integration.test_room_chat import collect_messages, enter, new_room
from tests.support import Client, by_id, parse_fragment, parse_page, text_of

ATTACK = '<div id="messages" hx-swap-oob="true">x</div><img src=x onerror="alert(1)">'


async def say(author: Client, body: str, **fields) -> int:
    """Send a message; its id once the author sees it stored."""
    await author.send("send_message", body=body, **fields)
    appended = await author.expect("messages", where=lambda el: any(body == text_of(p) for p in el.iter("p")))
    return int(appended.findall("article")[-1].get("id").removeprefix("message-"))


def body_of(article) -> str:
    return "".join(article.find(".//p[@class='body']").itertext())


async def page_article(client: Client, room: int, message_id: int):
    page = parse_page((await client.get(f"/rooms/{room}")).text)
    return page, by_id(page, f"message-{message_id}")


def reaction_of(reactions, emoji: str):
    return next((el for el in reactions if el.get("data-emoji") == emoji), None)


async def test_edit_react_reply_delete_seen_live_by_the_others_and_after_a_reload(clients) -> None:
    host = await clients().connect()
    room = await new_room(host)
    alice, bob, carol = [await enter(clients(), room) for _ in range(3)]
    first = await say(alice, "helo wrld")

    # Edited: replaced whole, marked.
    await alice.send("edit_message", message=first, body="hello world")
    for reader in (bob, carol):
        edited = await reader.expect(f"message-{first}", where=lambda el: el.get("data-edited") == "true")
        assert edited.get("hx-swap-oob") == "true"
        assert body_of(edited) == "hello world"
        assert text_of(edited.find(".//*[@class='edited']")) == "edited"
    _, article = await page_article(bob, room, first)
    assert article.get("data-edited") == "true" and body_of(article) == "hello world"

    # Reactions: two users on one emoji, then one takes theirs back.
    await bob.send("react", message=first, emoji="👍")
    await alice.expect(f"reactions-{first}", where=lambda el: reaction_of(el, "👍") is not None)
    await carol.send("react", message=first, emoji="👍")
    both = await alice.expect(f"reactions-{first}", where=lambda el: reaction_of(el, "👍").get("data-count") == "2")
    thumbs = reaction_of(both, "👍")
    assert thumbs.get("data-users").split() == [str(bob.user_id), str(carol.user_id)]
    assert both.get("hx-swap-oob") == "true"
    assert "👍" in thumbs.get("aria-label") and thumbs.get("title").count(",") == 1
    await bob.send("react", message=first, emoji="👍")
    # Carol saw each change in turn; the last leaves hers alone.
    seen = []
    while len(seen) < 3:
        seen.append(reaction_of(await carol.expect(f"reactions-{first}"), "👍"))
    assert [(el.get("data-count"), el.get("data-users")) for el in seen] == [
        ("1", str(bob.user_id)), ("2", f"{bob.user_id} {carol.user_id}"), ("1", str(carol.user_id))
    ]
    _, article = await page_article(alice, room, first)
    [shown] = article.find(".//*[@id='reactions-%d']" % first)
    assert (shown.get("data-emoji"), shown.get("data-count"), shown.get("data-users")) == ("👍", "1", str(carol.user_id))

    # A reply quotes the author and the body's start, linked to it.
    await carol.send("send_message", body="agreed", reply_to=first)
    appended = await bob.expect("messages", where=lambda el: el.find(".//*[@class='reply']") is not None)
    reply = appended.find(".//*[@class='reply']")
    assert reply.get("data-reply-to") == str(first)
    assert reply.get("href") == f"/rooms/{room}?message={first}"
    assert "hello world" in text_of(reply)

    # Deleted: a tombstone without the body, everywhere; the reply shows "deleted message".
    await alice.send("delete_message", message=first)
    for reader in (bob, carol):
        tombstone = await reader.expect(f"message-{first}", where=lambda el: el.get("data-deleted") == "true")
        assert "hello world" not in "".join(tombstone.itertext())
        assert "message deleted" in text_of(tombstone)
    page, article = await page_article(carol, room, first)
    assert article.get("data-deleted") == "true"
    assert "hello world" not in "".join(by_id(page, "messages").itertext())
    [quote] = [el for el in page.iter() if el.get("class") == "reply"]
    assert text_of(quote) == "deleted message"
    history = (await carol.http.get(f"/rooms/{room}/messages?before={first + 10}")).text
    assert "hello world" not in history and 'data-deleted="true"' in history


async def test_only_the_author_edits_or_deletes_and_nothing_changes_otherwise(clients) -> None:
    host = await clients().connect()
    room, other_room = await new_room(host), await new_room(host)
    alice, bob = await enter(clients(), room), await enter(clients(), room)
    mine = await say(alice, "alice's words")
    elsewhere = await say(await enter(clients(), other_room), "another room's")

    await bob.send("edit_message", message=mine, body="bob's words")
    await bob.expect_error("not_allowed")
    await bob.send("delete_message", message=mine)
    await bob.expect_error("not_allowed")
    for action, fields in [
        ("edit_message", {"message": elsewhere, "body": "x"}),
        ("delete_message", {"message": elsewhere}),
        ("react", {"message": elsewhere, "emoji": "👍"}),
        ("react", {"message": 2**30, "emoji": "👍"}),
        ("send_message", {"body": "a reply", "reply_to": elsewhere}),
    ]:
        await bob.send(action, **fields)
        await bob.expect_error("no_such_message")
    await bob.send("react", message=mine, emoji="🦄")
    await bob.expect_error("bad_data")
    await alice.send("edit_message", message=mine, body="   ")
    await alice.expect_error("not_sufficient_data")

    assert [frame for frame in await alice.quiet() if f"message-{mine}" in frame or "reactions-" in frame] == []
    _, article = await page_article(alice, room, mine)
    assert body_of(article) == "alice's words" and article.get("data-edited") is None
    assert list(article.find(f".//*[@id='reactions-{mine}']")) == []
    # The connection stays up.
    await say(bob, "still here")


async def test_edited_bodies_and_reply_quotes_stay_text(clients) -> None:
    host = await clients().connect()
    room = await new_room(host)
    alice, bob = await enter(clients(), room), await enter(clients(), room)
    first = await say(alice, "plain")
    await alice.send("edit_message", message=first, body=ATTACK)
    edited = await bob.expect(f"message-{first}", where=lambda el: el.get("data-edited") == "true")
    assert body_of(edited) == ATTACK
    assert not [el for el in edited.iter() if el.tag in {"img", "div"} and el.get("id") in {None, "messages"} and el.get("class") not in {"reactions", "message-actions"}]
    await bob.send("send_message", body="answer", reply_to=first)
    appended = await alice.expect("messages", where=lambda el: el.find(".//*[@class='reply']") is not None)
    reply = appended.find(".//*[@class='reply']")
    assert [el.tag for el in reply.iter()] == ["a", "span", "span"]
    assert ATTACK[:60] in "".join(reply.itertext())


async def test_a_page_that_reconnects_gets_an_edit_a_delete_and_a_reaction_exactly_once(clients) -> None:
    host = await clients().connect()
    room = await new_room(host)
    alice, bob = await enter(clients(), room), await enter(clients(), room)
    ids = [await say(alice, f"message {n}") for n in range(3)]
    page = parse_page((await bob.get(f"/rooms/{room}")).text)
    # What the page's script sends: the greatest data-seq, and the newest message shown.
    held = max(int(el.get("data-seq")) for el in page.iter() if el.get("data-seq"))
    await bob.ws.close()

    await alice.send("edit_message", message=ids[0], body="message 0, edited")
    await alice.expect(f"message-{ids[0]}")
    await alice.send("delete_message", message=ids[1])
    await alice.expect(f"message-{ids[1]}")
    await alice.send("react", message=ids[2], emoji="🎉")
    await alice.expect(f"reactions-{ids[2]}")

    bob.frames.clear()
    await bob.connect(f"/rooms/{room}", socket_path=f"/rooms/{room}/ws?seq={held}&after={ids[-1]}")
    frames = await bob.quiet(1.0)
    tops = [top for frame in frames for top in parse_fragment(frame)]
    replaced = [top for top in tops if top.get("id", "").startswith("message-")]
    assert sorted(top.get("id") for top in replaced) == sorted(f"message-{i}" for i in ids)
    by = {top.get("id"): top for top in replaced}
    assert body_of(by[f"message-{ids[0]}"]) == "message 0, edited"
    assert by[f"message-{ids[1]}"].get("data-deleted") == "true"
    [party] = by[f"message-{ids[2]}"].find(f".//*[@id='reactions-{ids[2]}']")
    assert (party.get("data-emoji"), party.get("data-count")) == ("🎉", "1")
    assert not any(top.get("id") == "messages" for top in tops)  # nothing appended twice


async def test_a_permalink_opens_at_its_message_with_older_above_and_newer_below(clients) -> None:
    host = await clients().connect()
    room = await new_room(host)
    alice = await enter(clients(), room)
    for n in range(130):
        await alice.send("send_message", body=f"m{n}")
    ids = await collect_messages(alice, 130)
    target = ids[60]

    page = parse_page((await alice.get(f"/rooms/{room}?message={target}")).text)
    shown = [int(el.get("id").removeprefix("message-")) for el in by_id(page, "messages").iter("article")]
    assert shown == ids[11:61] + ids[61:111]  # 50 up to it, 50 after it
    current = [el.get("id") for el in page.iter("article") if el.get("aria-current") == "true"]
    assert current == [f"message-{target}"]
    assert by_id(page, "history-more").get("hx-get") == f"/rooms/{room}/messages?before={ids[11]}"
    newer = by_id(page, "history-newer")
    assert newer.get("hx-get") == f"/rooms/{room}/messages?after={ids[110]}"
    assert newer.get("hx-trigger") == "intersect once" and newer.get("hx-swap") == "outerHTML"

    rest = parse_fragment((await alice.http.get(newer.get("hx-get"))).text)
    assert [el.get("id") for el in rest] == [f"message-{i}" for i in ids[111:]]  # no marker: nothing newer
    assert (await alice.http.get(f"/rooms/{room}/messages?after={ids[-1]}")).text.strip() == ""
    for bad in ("abc", "-1", str(2**31)):
        assert (await alice.http.get(f"/rooms/{room}/messages?after={bad}")).status_code == 400
        assert (await alice.http.get(f"/rooms/{room}?message={bad}")).status_code == 400
