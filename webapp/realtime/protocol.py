"""uvicorn's websockets-sansio protocol with Chatboard's closing rules.

- On SIGTERM sockets close with 1001 (going away), not uvicorn's 1012 (service
  restart): the server is stopping, and the page reconnects by itself (app.js).
- A peer that stops reading is cut off, not waited for: whatever is buffered
  for it would never drain, and a graceful close would wait behind it forever.
  It is found by the keepalive ping it does not answer (PING_SECONDS), or by
  its queue filling up (socket.py), whichever comes first. The page, once it
  reads again, reconnects and catches up.
"""

from __future__ import annotations

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

GOING_AWAY = 1001


class ChatProtocol(WebSocketsSansIOProtocol):
    def shutdown(self) -> None:
        if self.close_sent or not self.handshake_complete:
            super().shutdown()
            return
        self.stop_keepalive()
        # The handler hears the disconnect at its next read: a frame being
        # handled finishes its transaction first (uvicorn waits for it).
        self.queue.put_nowait({"type": "websocket.disconnect", "code": GOING_AWAY})
        self.conn.send_close(GOING_AWAY, "server shutting down")
        self.transport.write(b"".join(self.conn.data_to_send()))
        self.transport.close()

    def keepalive_timeout(self) -> None:
        super().keepalive_timeout()  # a 1011 close frame, for a peer that reads it after all
        self.transport.abort()

    async def send(self, message) -> None:
        if message["type"] == "websocket.close" and self.handshake_complete and not self.writable.is_set():
            # Writing is paused: the peer has stopped reading what it was sent.
            self.transport.abort()
            return
        await super().send(message)
        if message["type"] == "websocket.accept":
            # Held for the handshake only: a few KiB per open socket otherwise.
            self.request = self.response = None
