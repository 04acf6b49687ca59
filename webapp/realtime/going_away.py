"""uvicorn's websocket protocol, closing with 1001 (going away) when the server shuts down.

uvicorn closes open sockets with 1012 (service restart) on SIGTERM; a server that
stops is going away, and the page reconnects by itself after 1001 (app.js)."""

from __future__ import annotations

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

GOING_AWAY = 1001


class GoingAwayProtocol(WebSocketsSansIOProtocol):
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
