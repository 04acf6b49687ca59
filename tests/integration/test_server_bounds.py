"""What one client can make a server process hold, and who may address it:
header size, idle keep-alive connections, open sockets, the Host and the Origin."""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest
import websockets

from tests.support import Client

KIB = 1024
TRY_AGAIN_LATER = 1013


def raw_request(port: int, request: bytes, timeout: float = 10) -> tuple[bytes, socket.socket]:
    """Send a request on a plain TCP connection; return the response's head and the connection."""
    connection = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    connection.sendall(request)
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = connection.recv(65536)
        if not chunk:
            break
        received += chunk
    return received, connection


def closed_by_server(connection: socket.socket) -> bool:
    """Read until the server closes the connection (recv returns b"") or the timeout passes."""
    try:
        while True:
            if connection.recv(65536) == b"":
                return True
    except TimeoutError:
        return False
    finally:
        connection.close()


def answer_to(port: int, head: bytes) -> bytes:
    """What the server answers to the start of a request. A head without its
    blank line is incomplete: the server would hold it while it waits for the rest."""
    answer, connection = raw_request(port, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%s" % (port, head))
    connection.close()
    return answer


async def test_request_headers_over_16_kib_are_refused(server) -> None:
    assert (await asyncio.to_thread(answer_to, server.port, b"X-Filler: %s\r\n\r\n" % (b"x" * 8 * KIB))).startswith(b"HTTP/1.1 200")
    # Never finished: refused as soon as what is held passes the cap, not waited for.
    assert (await asyncio.to_thread(answer_to, server.port, b"X-Filler: %s\r\n" % (b"x" * 17 * KIB))).startswith(b"HTTP/1.1 400")
    # Many small headers count together.
    assert (await asyncio.to_thread(answer_to, server.port, b"X-A: 1234567890\r\n" * 1200)).startswith(b"HTTP/1.1 400")


async def test_an_idle_keep_alive_connection_is_closed_by_the_server(server_with) -> None:
    server = server_with(keepalive_seconds=0.5)
    head, connection = await asyncio.to_thread(
        raw_request, server.port, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % server.port
    )
    assert head.startswith(b"HTTP/1.1 200") and b"connection: close" not in head.lower()  # kept alive, at first
    assert await asyncio.to_thread(closed_by_server, connection)


async def test_open_sockets_per_process_are_capped_with_1013(server_with) -> None:
    server = server_with(max_sockets=2)
    first, second = await Client(server.url).connect(), await Client(server.url).connect()
    extra = Client(server.url)
    try:
        await extra.connect()
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await extra.ws.recv()
        assert closed.value.rcvd.code == TRY_AGAIN_LATER
        # Pages and the health check still answer.
        assert (await extra.get("/")).status_code == 200
        assert (await extra.http.get("/healthz")).status_code == 200
        # A closed socket frees its place (as soon as the server has seen it close).
        await first.ws.close()
        for _ in range(100):
            await extra.connect()
            try:
                await extra.send("rename_user", name="Got In")
                await extra.expect("me")
                break
            except websockets.ConnectionClosed:
                await asyncio.sleep(0.05)
        else:
            raise AssertionError("the freed place was not given to the next socket")
    finally:
        for client in (first, second, extra):
            await client.close()


def socket_url(server, host: str) -> tuple[str, socket.socket]:
    """A socket URL naming another host, connected to the test server (as DNS rebinding would)."""
    return f"ws://{host}:{server.port}/ws", socket.create_connection(("127.0.0.1", server.port))


async def test_a_foreign_host_gets_400_and_no_cookie(server) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        for host in ("evil.example", f"evil.example:{server.port}", f"127.0.0.1.evil.example:{server.port}"):
            response = await http.get("/", headers={"Host": host})
            assert response.status_code == 400
            assert "set-cookie" not in response.headers
            assert response.headers["x-frame-options"] == "DENY"  # headers on the refusal too
        for host in (f"127.0.0.1:{server.port}", f"localhost:{server.port}", "127.0.0.1", "localhost"):
            assert (await http.get("/info", headers={"Host": host})).status_code == 200
        # A platform's health check may use any name.
        assert (await http.get("/healthz", headers={"Host": "10.1.2.3:8000"})).status_code == 200


async def test_a_dns_rebinding_page_opens_no_socket(clients, server) -> None:
    client = clients()
    await client.get("/")
    host = f"evil.example:{server.port}"
    url, connection = socket_url(server, "evil.example")
    # Its Origin and its Host agree: only the allowed hosts tell it from a page of ours.
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(url, sock=connection, additional_headers={"Cookie": client.cookie_header, "Origin": f"http://{host}"})
    assert refused.value.response.status_code == 400


async def test_the_origin_is_compared_by_scheme_host_and_port(clients, server) -> None:
    client = clients()
    await client.get("/")
    ws_url = server.url.replace("http", "ws") + "/ws"
    for origin in (f"https://127.0.0.1:{server.port}", f"http://127.0.0.1:{server.port + 1}", "http://127.0.0.1", f"http://localhost:{server.port}"):
        with pytest.raises(websockets.InvalidStatus) as refused:
            await websockets.connect(ws_url, additional_headers={"Cookie": client.cookie_header, "Origin": origin})
        assert refused.value.response.status_code == 403, origin
    for origin in (server.url, server.url + "/", server.url.upper().replace("HTTP", "http")):
        async with websockets.connect(ws_url, additional_headers={"Cookie": client.cookie_header, "Origin": origin}):
            pass
