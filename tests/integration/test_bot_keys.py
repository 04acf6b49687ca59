"""Bot keys: made from a room's page by someone in it, shown once; a program
posts with one request; its creator revokes it; a bot's text is text on the page."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest
import websockets

from tests.api_client import ApiClient
from tests.integration.test_room_chat import enter, new_room
from tests.support import ROOT, Client, by_id, parse_page, text_of
from webapp.settings import Rate

HOSTILE = '<img src=x onerror="alert(1)"><div id="messages" hx-swap-oob="true">gone</div>'


async def make_bot(server, page: Client, room_id: int, name: str = "Build Bot") -> str:
    """A bot made from the room's page; its key, as that page shows it once."""
    response = await page.http.post(f"/rooms/{room_id}/bot", data={"name": name}, headers={"Origin": server.url})
    assert response.status_code == 201, response.text
    shown = by_id(parse_page(response.text), "bot-key")
    assert shown is not None and f"rooms/{room_id}/messages" in response.text
    return shown.get("value")


def post(server, room_id: int, key: str, body: str | bytes) -> httpx.Response:
    return httpx.post(f"{server.url}/rooms/{room_id}/messages", content=body, headers={"Authorization": f"Bearer {key}"})


async def test_a_bot_posts_with_its_key_and_its_text_stays_text(server, clients) -> None:
    host = await clients().connect()
    room_id = await new_room(host)
    maker = await enter(clients(), room_id)
    key = await make_bot(server, maker, room_id)
    reader = await enter(clients(), room_id)

    response = post(server, room_id, key, HOSTILE)
    assert response.status_code == 201
    said = response.json()
    assert (said["body"], said["user"]["name"]) == (HOSTILE, "Build Bot")

    appended = await reader.expect("messages", where=lambda el: "onerror" in text_of(el))
    [article] = appended.findall("article")
    assert article.get("data-uuid") == said["uuid"]
    assert article.find(".//img") is None and article.find(".//div[@id='messages']") is None
    assert HOSTILE in text_of(article)
    page = parse_page((await reader.get(f"/rooms/{room_id}")).text)
    shown = by_id(page, article.get("id"))
    assert HOSTILE in text_of(shown) and shown.find(".//img") is None

    # The key is a bot's identity over /api too, in its room only.
    await new_room(host, name="Elsewhere")
    api = await ApiClient.connect(server.url, {"Authorization": f"Bearer {key}"})
    assert (await api.expect("user_created"))["object"]["name"] == "Build Bot"
    listed = {room["name"]: room["uuid"] for room in (await api.expect("rooms_listed"))["list"]}
    await api.call("enter_room", uuid=listed["Elsewhere"])
    await api.expect_error("not_allowed")
    await api.call("enter_room", uuid=said["room_uuid"])
    await api.call("create_message", body="over the socket")
    assert (await api.expect("message_created"))["object"]["user"]["name"] == "Build Bot"
    await api.close()


async def test_what_a_bot_key_refuses(server, clients) -> None:
    host = await clients().connect()
    room_id, other_room = await new_room(host), await new_room(host)
    maker = await enter(clients(), room_id)
    key = await make_bot(server, maker, room_id)

    assert post(server, room_id, key + "x", "hi").status_code == 401
    assert httpx.post(f"{server.url}/rooms/{room_id}/messages", content="hi").status_code == 401
    assert post(server, other_room, key, "hi").status_code == 404
    assert post(server, room_id, key, "x" * 4001).status_code == 413
    assert post(server, room_id, key, b"x" * 20_000).status_code == 413
    assert post(server, room_id, key, "   ").status_code == 400
    assert post(server, room_id, key, b"\xff\xfe").status_code == 400
    with pytest.raises(websockets.InvalidStatus) as refused:
        await ApiClient.connect(server.url, {"Authorization": "Bearer nonsense"})
    assert refused.value.response.status_code == 401

    # Made only from a page of this site, by someone in the room.
    foreign = await maker.http.post(f"/rooms/{room_id}/bot", data={"name": "x"}, headers={"Origin": "http://evil.example"})
    outsider = clients()
    await outsider.get(f"/rooms/{room_id}")
    absent = await outsider.http.post(f"/rooms/{room_id}/bot", data={"name": "x"}, headers={"Origin": server.url})
    assert (foreign.status_code, absent.status_code) == (403, 403)


async def test_its_creator_revokes_a_key_and_then_it_is_no_key(server, clients) -> None:
    host = await clients().connect()
    room_id = await new_room(host)
    maker = await enter(clients(), room_id)
    key = await make_bot(server, maker, room_id, name="Nightly")
    assert post(server, room_id, key, "before").status_code == 201

    page = parse_page((await maker.get(f"/rooms/{room_id}")).text)
    [listed] = [li for li in page.iter() if (li.get("id") or "").startswith("bot-key-")]
    assert "Nightly" in text_of(listed)
    revoke = listed.find(".//form").get("action")

    someone = await enter(clients(), room_id)
    assert (await someone.http.post(revoke, headers={"Origin": server.url})).status_code == 403
    assert post(server, room_id, key, "still mine").status_code == 201

    done = await maker.http.post(revoke, headers={"Origin": server.url})
    assert done.status_code == 303 and done.headers["location"] == f"/rooms/{room_id}"
    assert post(server, room_id, key, "after").status_code == 401
    page = parse_page((await maker.get(f"/rooms/{room_id}")).text)
    assert not [li for li in page.iter() if (li.get("id") or "").startswith("bot-key-")]
    history = (await maker.http.get(f"/rooms/{room_id}/messages")).text
    assert "before" in history and "still mine" in history and "after" not in history


async def test_a_bot_is_rate_limited(server_with, clients_of) -> None:
    server = server_with(rate_messages=Rate(2, 60))
    host = await clients_of(server).connect()
    room_id = await new_room(host)
    maker = await enter(clients_of(server), room_id)
    key = await make_bot(server, maker, room_id)
    assert [post(server, room_id, key, f"m{n}").status_code for n in range(3)] == [201, 201, 429]


async def test_the_python_bot_of_docs_api_md_answers_ping_with_pong(server, clients) -> None:
    source = (ROOT / "docs" / "api.md").read_text().split("```python\n", 1)[1].split("```", 1)[0]
    host = await clients().connect()
    room_id = await new_room(host)
    key = await make_bot(server, await enter(clients(), room_id), room_id, name="Ping Bot")
    room_uuid = post(server, room_id, key, "hello").json()["room_uuid"]
    person = await ApiClient.connect(server.url)
    await person.call("enter_room", uuid=room_uuid)
    await person.expect("drawing_got")
    env = {**os.environ, "CHATBOARD_API": "ws" + server.url.removeprefix("http") + "/api", "ROOM_UUID": room_uuid, "CHATBOARD_KEY": key}
    bot = subprocess.Popen([sys.executable, "-c", source], env=env)
    try:
        await person.expect("message_created", where=lambda p: p["object"]["body"] == "hello, I am a bot", timeout=15)
        await person.call("create_message", body="ping")
        pong = await person.expect("message_created", where=lambda p: p["object"]["body"] == "pong")
        assert pong["object"]["user"]["name"] == "Ping Bot"
    finally:
        bot.kill()
        bot.wait()
        await person.close()
