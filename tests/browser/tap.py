"""A page's socket routed through the test, which can lose its frames and drop it."""

from __future__ import annotations

import re

from playwright.sync_api import Page, WebSocketRoute

SOCKETS = re.compile(r".*/ws(\?.*)?$")


class SocketTap:
    def __init__(self, page: Page) -> None:
        self.routes: list[WebSocketRoute] = []
        self.asleep = False
        page.route_web_socket(SOCKETS, self._through)

    def _through(self, route: WebSocketRoute) -> None:
        server = route.connect_to_server()
        server.on_message(lambda message: None if self.asleep else route.send(message))
        self.routes.append(route)

    def drop(self) -> None:
        """Wake up and close the socket as a server drops a reader that fell behind."""
        self.asleep = False
        self.routes[-1].close(code=1013, reason="too far behind")
