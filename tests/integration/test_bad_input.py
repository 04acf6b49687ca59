"""Bad input gets a clear 4xx or an error fragment, never a 500, a traceback or a
silently odd answer; the connection stays up where it can, and nothing stored changes."""

from __future__ import annotations

import json

import httpx
import pytest
import websockets

from tests.support import text_of
from tests.integration.test_room_chat import collect_messages, enter, new_room

BAD_SEQUENCES = ["after=²", "after=" + "9" * 30, "seq=²", "seq=" + "9" * 30, "seq=-1", "seq=1e3", "after=", "seq=2147483648"]


@pytest.mark.parametrize("query", BAD_SEQUENCES)
async def test_a_room_socket_with_a_malformed_sequence_is_refused_with_400(clients, server, query: str) -> None:
    host = await clients().connect()
    room = await new_room(host)
    client = clients()
    await client.get(f"/rooms/{room}")
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(
            server.url.replace("http", "ws") + f"/rooms/{room}/ws?{query}",
            additional_headers={"Cookie": client.cookie_header, "Origin": server.url},
        )
    assert refused.value.response.status_code == 400
    # The largest sequence number a column holds is a number, and welcome.
    await client.connect(f"/rooms/{room}", socket_path=f"/rooms/{room}/ws?seq=2147483647")
    await client.expect("users", where=lambda el: el.get("hx-swap-oob") is None)


@pytest.mark.parametrize("before", ["9223372036854775808", "2147483648", "-1", "0", "1" * 30, "²"])
async def test_history_before_out_of_range_is_a_400(clients, before: str) -> None:
    host = await clients().connect()
    room = await new_room(host)
    response = await host.http.get(f"/rooms/{room}/messages?before={before}")
    assert response.status_code == 400
    assert (await host.http.get(f"/rooms/{room}/messages?before=2147483647")).status_code == 200


async def test_a_nul_in_a_static_path_is_a_400(server) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        response = await http.get("/static/app.js%00.png")
        assert response.status_code == 400
        assert response.headers["x-content-type-options"] == "nosniff"
        assert (await http.get("/static/app.js")).status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/no/such/page", 404), ("POST", "/", 405), ("DELETE", "/healthz", 405), ("PUT", "/static/app.css", 405)],
)
async def test_security_headers_are_on_404_and_405_too(server, method: str, path: str, status: int) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        response = await http.request(method, path)
    assert response.status_code == status
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


@pytest.mark.parametrize("path", ["/", "/healthz"])
async def test_head_answers_200_without_a_body_or_a_new_identity(server, path: str) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        response = await http.head(path)
    assert response.status_code == 200
    assert response.content == b""
    assert "set-cookie" not in response.headers  # a health check makes no user
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path", ["/schema", "/schema/swagger", "/schema/openapi.json", "/schema/redoc"])
async def test_the_openapi_pages_are_off(server, path: str) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        assert (await http.get(path)).status_code == 404


async def test_a_binary_frame_is_bad_data_and_changes_nothing(clients) -> None:
    client = await clients().connect()
    await client.ws.send(json.dumps({"action": "rename_user", "name": "Binary Bob"}).encode())
    await client.expect_error("bad_data")
    assert "Binary Bob" not in (await client.get("/")).text
    await client.send("rename_user", name="Text Tom")  # still open
    await client.expect("me")


async def test_a_nul_in_a_body_or_a_name_is_bad_data_and_stores_nothing(clients) -> None:
    host = await clients().connect()
    room = await new_room(host)
    alice = await enter(clients(), room)
    for action, fields in [
        ("send_message", {"body": "before\x00after"}),
        ("send_message", {"body": "hi", "client_id": "c\x00"}),
        ("rename_user", {"name": "Nul\x00Name"}),
        ("create_room", {"name": "Nul\x00Room"}),
        ("rename_room", {"room": room, "name": "Nul\x00Room"}),
    ]:
        await alice.send(action, **fields)
        notice = await alice.expect_error("bad_data")
        assert "NUL" in text_of(notice)
    page = (await alice.get(f"/rooms/{room}")).text
    assert "before" not in page and "Nul" not in page
    await alice.send("send_message", body="a clean one")
    assert len(await collect_messages(alice, 1)) == 1


async def test_a_nul_in_a_search_is_a_400(server) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        response = await http.get("/?q=a%00b", headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert response.json()["code"] == "bad_data"


async def test_a_bad_path_number_is_a_404_not_a_server_error(server) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        for path in ("/rooms/99999999999999999999999", "/rooms/99999999999999999999999/messages", "/rooms/99999999999999999999999/board.svg"):
            assert (await http.get(path)).status_code == 404
