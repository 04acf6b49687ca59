"""One hub per process: each event rendered once per format, framed once, and
written to every subscribed socket of this process.

    bus ─▶ Hub.deliver(event) ─▶ fragments.deliveries(event): (channel, seq, render)
                                   └─▶ rendered and framed only if someone here listens
                                        └─▶ Connection.send(frame) ─▶ Outlet (protocol.py)

There is no queue or task per socket on the way: a frame goes into the
socket's transport at once, and a socket too far behind is cut off by its
outlet. What changes often and is shown to everyone (counters, entrances) is
gathered by the coalescer and sent a few times a second (coalesce.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from webapp.chat.events import Event
from webapp.realtime.protocol import Outlet, text_frame

# What one format makes of an event: the channel, the room sequence number of
# a room-log change (None for state), and how to render it (called only if needed).
Delivery = tuple[str, int | None, Callable[[], str]]
Format = Callable[[Event], Iterable[Delivery]]


class Connection:
    """A subscribed socket. Until it has caught up, live frames are held (with
    their sequence number), then those its catch-up already held are dropped."""

    __slots__ = ("outlet", "held")

    def __init__(self, outlet: Outlet) -> None:
        self.outlet = outlet
        self.held: list[tuple[int | None, bytes]] | None = []

    def send(self, frame: bytes, seq: int | None = None) -> None:
        held = self.held
        if held is None:
            self.outlet.write(frame)
            return
        held.append((seq, frame))
        if len(held) > self.outlet.limit and self.outlet.on_overflow is not None:
            self.outlet.on_overflow()
            self.outlet.on_overflow = None

    def caught_up(self, through_seq: int) -> None:
        """Send what was held, less the room changes up to `through_seq`."""
        held, self.held = self.held or [], None
        for seq, frame in held:
            if seq is None or seq > through_seq:
                self.outlet.write(frame)


class Hub:
    def __init__(self, formats: list[Format]) -> None:
        self._formats = formats
        self.observers: list[Callable[[Event], None]] = []  # told of every event first (the coalescer)
        self._channels: dict[str, set[Connection]] = {}

    def subscribe(self, connection: Connection, channels: Iterable[str]) -> None:
        for channel in channels:
            self._channels.setdefault(channel, set()).add(connection)

    def unsubscribe(self, connection: Connection, channels: Iterable[str]) -> None:
        for channel in channels:
            subscribers = self._channels.get(channel)
            if subscribers is not None:
                subscribers.discard(connection)
                if not subscribers:
                    del self._channels[channel]

    def listening(self, channel: str) -> bool:
        return channel in self._channels

    def deliver(self, event: Event) -> None:
        """An event from the bus, for this process's sockets."""
        for observe in self.observers:
            observe(event)
        for deliveries in self._formats:
            for channel, seq, render in deliveries(event):
                if channel in self._channels:
                    self.send(channel, render(), seq)

    def send(self, channel: str, html: str, seq: int | None = None) -> None:
        subscribers = self._channels.get(channel)
        if not subscribers:
            return
        frame = text_frame(html.encode())
        for connection in subscribers:
            connection.send(frame, seq)
