"""uvicorn's websockets-sansio protocol, with a way to write frames encoded once.

This is the one module that reaches below ASGI, pinned to uvicorn 0.54
(constraints.txt); tests/unit/test_protocol.py fails when a new uvicorn stops
behaving as this module assumes. It uses, of `WebSocketsSansIOProtocol`: the
`transport`, the `writable` event it keeps with pause_writing/resume_writing,
`close_sent`/`disconnected`/`handshake_complete`, `scope` built in
`handle_connect`, and the `keepalive_timeout` and `send` hooks.

- A fragment fanned out to N sockets is framed once (`text_frame`) and written
  to each transport as it is: server frames are not masked, so the bytes are the
  same for every reader. `Outlet.write` is the socket's bounded queue: the
  transport buffers what the peer has not read yet; once it pauses writing, at
  most `limit` more frames are taken, then the socket is cut off and its page
  reconnects and catches up.
- A peer that stops reading is cut off, not waited for: whatever is buffered
  for it would never drain, and a graceful close would wait behind it forever.
  It is found by the keepalive ping it does not answer (PING_SECONDS), or by
  its outlet filling up, whichever comes first.
- On shutdown uvicorn closes sockets with 1012 (service restart), which
  htmx-ext-ws reconnects after by itself.
"""

from __future__ import annotations

from collections.abc import Callable

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

OUTLET = "chatboard.outlet"  # the scope extension that carries a socket's Outlet


def text_frame(payload: bytes) -> bytes:
    """One unmasked, final text frame (RFC 6455 5.2)."""
    size = len(payload)
    if size < 126:
        header = bytes((0x81, size))
    elif size < 65536:
        header = bytes((0x81, 126)) + size.to_bytes(2, "big")
    else:
        header = bytes((0x81, 127)) + size.to_bytes(8, "big")
    return header + payload


class Outlet:
    """Where frames for one socket go, encoded already. `on_overflow` is called
    once, when the peer is `limit` frames behind."""

    __slots__ = ("protocol", "limit", "behind", "on_overflow")

    def __init__(self, protocol: ChatProtocol, limit: int = 1000) -> None:
        self.protocol = protocol
        self.limit = limit  # the socket handler sets SOCKET_QUEUE_SIZE
        self.behind = 0
        self.on_overflow: Callable[[], None] | None = None

    def write(self, frame: bytes) -> None:
        protocol = self.protocol
        if protocol.close_sent or protocol.disconnected:
            return
        if not protocol.writable.is_set():
            self.behind += 1
            if self.behind > self.limit:
                if self.on_overflow is not None:
                    self.on_overflow()
                    self.on_overflow = None
                return
        protocol.transport.write(frame)

    def caught_up(self) -> None:
        self.behind = 0


class ChatProtocol(WebSocketsSansIOProtocol):
    outlet: Outlet | None = None

    def handle_connect(self, event) -> None:
        super().handle_connect(event)
        if not self.close_sent:
            # The app task is created but has not run yet: the scope is still ours to add to.
            self.outlet = Outlet(self)
            self.scope["extensions"][OUTLET] = self.outlet

    def resume_writing(self) -> None:
        super().resume_writing()
        if self.outlet is not None:
            self.outlet.caught_up()

    def keepalive_timeout(self) -> None:
        super().keepalive_timeout()  # a 1011 close frame, for a peer that reads it after all
        self.transport.abort()

    async def send(self, message) -> None:
        if message["type"] == "websocket.close" and self.handshake_complete and not self.writable.is_set():
            # Writing is paused: the peer has stopped reading what it was sent.
            self.transport.abort()
            return
        await super().send(message)
        if message["type"] == "websocket.http.response.body" and not message.get("more_body", False):
            # A refused handshake (an HTTP 400 or 404) is an answered one; uvicorn
            # would log "returned without completing handshake" as a server error.
            self.handshake_complete = True
        if message["type"] == "websocket.accept":
            # Held for the handshake only: a few KiB per open socket otherwise.
            self.request = self.response = None
