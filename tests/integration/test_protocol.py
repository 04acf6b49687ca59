"""What realtime/protocol.py assumes of uvicorn's websockets-sansio protocol.

It reaches below ASGI (the transport, the writable event, the scope before the
app runs), so these fail when a new uvicorn stops behaving that way: the pin
in constraints.txt moves only with them green."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
import websockets
from websockets.frames import Frame, Opcode

from webapp.realtime.protocol import OUTLET, text_frame


class Probe:
    """An ASGI app that accepts, then writes what it is told through the outlet."""

    def __init__(self) -> None:
        self.outlets = []
        self.overflows = 0
        self.paused = False
        self.flooded = threading.Event()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "websocket":
            return
        outlet = scope["extensions"][OUTLET]
        outlet.limit = 20
        outlet.on_overflow = self.overflowed
        self.outlets.append(outlet)
        await receive()  # websocket.connect
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.send", "text": "through ASGI"})
        outlet.write(text_frame(b"through the outlet"))
        outlet.write(text_frame(("x" * 70_000).encode()))
        while (message := await receive())["type"] != "websocket.disconnect":
            if message.get("text") == "flood":
                await self.flood(outlet)

    async def flood(self, outlet) -> None:
        """Write until uvicorn pauses writing (the peer reads nothing), then past the limit."""
        frame = text_frame(b"z" * 60_000)
        deadline = time.monotonic() + 10
        while outlet.protocol.writable.is_set() and time.monotonic() < deadline:
            outlet.write(frame)
            await asyncio.sleep(0)
        self.paused = not outlet.protocol.writable.is_set()
        for _ in range(outlet.limit + 5):
            outlet.write(frame)
        self.flooded.set()

    def overflowed(self) -> None:
        self.overflows += 1


@pytest.fixture
def served() -> Iterator[tuple[str, Probe]]:
    probe = Probe()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(probe, ws="webapp.realtime.protocol:ChatProtocol", log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.02)
    yield f"ws://127.0.0.1:{sock.getsockname()[1]}/", probe
    server.should_exit = True
    thread.join(timeout=10)


def test_a_text_frame_is_what_a_websocket_server_sends() -> None:
    for size in (0, 125, 126, 65535, 65536, 70_000):
        payload = b"y" * size
        assert text_frame(payload) == Frame(Opcode.TEXT, payload).serialize(mask=False, extensions=[])


async def test_frames_written_to_the_outlet_arrive_in_order_after_the_handshake(served) -> None:
    url, probe = served
    async with websockets.connect(url, max_size=2**20, compression=None) as client:
        assert await asyncio.wait_for(client.recv(), 5) == "through ASGI"
        assert await asyncio.wait_for(client.recv(), 5) == "through the outlet"
        assert await asyncio.wait_for(client.recv(), 5) == "x" * 70_000
    [outlet] = probe.outlets
    # What the handshake held is let go once the socket is open.
    assert outlet.protocol.request is None and outlet.protocol.response is None


async def test_a_peer_that_stops_reading_pauses_the_transport_and_overflows_once(served) -> None:
    url, probe = served
    async with websockets.connect(url, max_size=2**20, max_queue=1, compression=None, close_timeout=0.2) as client:
        await asyncio.wait_for(client.recv(), 5)
        # From now on the client reads nothing: the kernel's buffers fill, uvicorn pauses writing.
        await client.send("flood")
        assert await asyncio.to_thread(probe.flooded.wait, 15)
        [outlet] = probe.outlets
        assert probe.paused and probe.overflows == 1 and outlet.behind > outlet.limit
