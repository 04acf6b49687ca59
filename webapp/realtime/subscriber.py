"""A socket's bounded queue of outgoing fragments."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from litestar.channels import Subscriber


class SocketSubscriber(Subscriber):
    """When a reader falls so far behind that its queue is full, the socket is
    dropped rather than the fragment: a gap the reader cannot see would be worse.
    The client reconnects and gets a fresh page state."""

    def __init__(self, *args, max_backlog: int, **kwargs) -> None:
        super().__init__(*args, max_backlog=max_backlog, **kwargs)
        self._queue = FragmentQueue(max_backlog)  # type: ignore[assignment]
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


class FragmentQueue:
    """The part of asyncio.Queue a subscriber uses: bounded, one getter. An
    asyncio.Queue is four deques of 760 bytes each even when empty, a tenth of
    what an idle socket costs; this is one list, which mostly holds nothing
    or a fragment or two."""

    def __init__(self, maxsize: int) -> None:
        self._items: list[bytes | None] = []
        self._maxsize = maxsize
        self._getter: asyncio.Future[None] | None = None

    def qsize(self) -> int:
        return len(self._items)

    def put_nowait(self, item: bytes | None) -> None:
        if len(self._items) >= self._maxsize:
            raise asyncio.QueueFull
        self._items.append(item)
        if self._getter is not None and not self._getter.done():
            self._getter.set_result(None)

    async def get(self) -> bytes | None:
        while not self._items:
            self._getter = asyncio.get_running_loop().create_future()
            try:
                await self._getter
            finally:
                self._getter = None
        return self._items.pop(0)

    def task_done(self) -> None:
        """Nothing joins a socket's queue: its sender is stopped, not drained."""
