"""New identities per client address (IDENTITIES_PER_HOUR): past it a page
loads read-only, says why, and its sockets read but refuse every action."""

from __future__ import annotations

from tests.integration.test_room_chat import enter, new_room
from tests.support import Client, by_id, parse_fragment, parse_page, text_of
from webapp.realtime.limits import IdentityWindows


async def test_past_the_hours_identities_a_page_is_read_only(server_with) -> None:
    server = server_with(identities_per_hour=2)
    first, second = await Client(server.url).connect(), await Client(server.url).connect()
    room_id = await new_room(first)
    await enter(first, room_id)

    reader = Client(server.url)
    page = parse_page((await reader.get(f"/rooms/{room_id}")).text)
    assert "read-only" in text_of(by_id(page, "read-only"))
    assert by_id(page, "me") is None
    # Its socket reads, live ...
    await enter(reader, room_id)
    await first.send("send_message", body="readers see this")
    assert "readers see this" in text_of(await reader.expect("messages"))
    # ... is not listed among the people in the room ...
    listed = next(el for frame in reader.frames for el in parse_fragment(frame) if el.get("id") == "users")
    ids = [li.get("id") for li in listed.iter("li")]
    assert f"user-{first.user_id}" in ids and "user-0" not in ids
    assert all('id="user-0"' not in frame for frame in first.frames)
    # ... and refuses every action, saying why; the socket stays open.
    for action, fields in (("send_message", {"body": "hi"}), ("rename_user", {"name": "Me"}), ("create_room", {})):
        await reader.send(action, **fields)
        assert "read-only" in text_of(await reader.expect_error("rate_limited"))
    await first.send("send_message", body="still open")
    assert "still open" in text_of(await reader.expect("messages"))
    # Identities made before the limit are untouched.
    await second.send("rename_user", name="Second")
    await second.expect("me")
    for client in (first, second, reader):
        await client.close()


async def is_reader(server, forwarded_for: str) -> bool:
    client = Client(server.url)
    try:
        response = await client.http.get("/", headers={"X-Forwarded-For": forwarded_for})
        return by_id(parse_page(response.text), "read-only") is not None
    finally:
        await client.close()


async def test_the_address_is_the_trusted_proxys_x_forwarded_for(server_with) -> None:
    behind_proxy = server_with(identities_per_hour=1)  # loopback is the trusted proxy (FORWARDED_ALLOW_IPS)
    assert not await is_reader(behind_proxy, "10.0.0.1")
    assert not await is_reader(behind_proxy, "10.0.0.2")
    assert await is_reader(behind_proxy, "10.0.0.1")
    # From a client that is no trusted proxy, X-Forwarded-For is not believed: one address.
    direct = server_with(identities_per_hour=1, forwarded_allow_ips="192.0.2.1")
    assert not await is_reader(direct, "10.0.0.1")
    assert await is_reader(direct, "10.0.0.2")


def test_an_address_is_forgotten_when_its_window_closes() -> None:
    now = [0.0]
    windows = IdentityWindows(2, lambda: now[0], seconds=3600)
    assert windows.admit("10.0.0.1") and windows.admit("10.0.0.1")
    assert not windows.admit("10.0.0.1")
    assert windows.admit("10.0.0.2")  # another address has its own
    now[0] = 1800
    assert windows.admit("10.0.0.3")
    now[0] = 3600.5  # the first two windows closed; the third's is open
    assert windows.admit("10.0.0.1")
    assert len(windows) == 2  # 10.0.0.2 kept no longer than its window
