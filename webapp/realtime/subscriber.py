"""A socket's bounded queue of outgoing fragments."""

from __future__ import annotations

from collections.abc import Callable

from litestar.channels import Subscriber


class SocketSubscriber(Subscriber):
    """When a reader falls so far behind that its queue is full, the socket is
    dropped rather than the fragment: a gap the reader cannot see would be worse.
    The client reconnects and gets a fresh page state."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.overflowed = False
        self.on_overflow: Callable[[], None] | None = None  # called once, at the first refused fragment

    def put_nowait(self, item: bytes | None) -> bool:
        if super().put_nowait(item):
            return True
        if not self.overflowed:
            self.overflowed = True
            if self.on_overflow is not None:
                self.on_overflow()
        return False

    async def put(self, item: bytes | None) -> None:
        # The plugin puts a stop marker here when unsubscribing; on a full queue
        # waiting for room would wait on a reader that is already gone.
        self.put_nowait(item)
