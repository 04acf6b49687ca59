"""Rate limits and caps, so that one client cannot crowd out the others.

Two layers of token buckets: every frame a socket sends spends from that
socket's bucket (garbage too: parsing and answering it is work), and each
limited action spends from its identity's bucket of that kind, shared by all
the identity's sockets. Over a limit the client gets `rate_limited`; nobody
else's buckets are touched.

New identities are counted per client address over an hour (`IdentityWindows`):
the free identities would otherwise turn every per-identity limit into none.

The buckets and the open-socket counts live in this process's memory: with
several processes, a client spread over all of them gets up to that many
times the rate. The cap that must hold across processes, rooms created per
hour, is counted in the database (chat/rooms.py).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable

from webapp.chat.errors import ChatError
from webapp.realtime.commands import Command
from webapp.settings import Rate, Settings

# Identity buckets that have refilled are forgotten once there are this many.
PRUNE_AT = 10_000
# Tries at MODERATOR_KEY per client address: a few typos, never a guessing run.
KEY_ATTEMPTS = Rate(5, 900)
IDENTITY_WINDOW_SECONDS = 3600


class Bucket:
    """A token bucket: `rate.count` at once, refilled evenly over `rate.seconds`."""

    __slots__ = ("rate", "tokens", "updated", "clock")

    def __init__(self, rate: Rate, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.tokens = float(rate.count)
        self.clock = clock
        self.updated = clock()

    def _refill(self) -> None:
        now = self.clock()
        self.tokens = min(self.rate.count, self.tokens + (now - self.updated) * self.rate.count / self.rate.seconds)
        self.updated = now

    def take(self) -> bool:
        self._refill()
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    @property
    def full(self) -> bool:
        self._refill()
        return self.tokens >= self.rate.count


class IdentityWindows:
    """New identities per client address: at most `per_window` in a window that
    opens with an address's first. An address is forgotten when its window
    closes: it is kept for the limit, never longer."""

    def __init__(self, per_window: int, clock: Callable[[], float], seconds: float = IDENTITY_WINDOW_SECONDS) -> None:
        self.per_window = per_window
        self.clock = clock
        self.seconds = seconds
        # address -> (window start, identities made); in order of window start,
        # as a dict keeps insertion order and a key's update keeps its place.
        self._windows: dict[str, tuple[float, int]] = {}

    def admit(self, address: str) -> bool:
        now = self.clock()
        self._forget(now)
        start, made = self._windows.get(address, (now, 0))
        if made >= self.per_window:
            return False
        self._windows[address] = (start, made + 1)
        return True

    def _forget(self, now: float) -> None:
        while self._windows:
            address, (start, _) = next(iter(self._windows.items()))
            if start > now - self.seconds:
                return
            del self._windows[address]

    def __len__(self) -> int:
        return len(self._windows)


class Limiter:
    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self.clock = clock
        self.rates = {
            "messages": settings.rate_messages,
            "rooms": settings.rate_rooms,
            "edits": settings.rate_edits,
            "draws": settings.rate_draws,
            "cursors": settings.rate_cursors,
            "reactions": settings.rate_reactions,
            "reads": settings.rate_reads,
        }
        self._buckets: dict[tuple[int | str, str], Bucket] = {}
        self._prune_at = PRUNE_AT
        self.identities = IdentityWindows(settings.identities_per_hour, clock)
        # By identity, or by address for the sockets of read-only visitors.
        self._open: Counter[int | str] = Counter()
        self.sockets = 0  # open in this process, all identities

    def socket_bucket(self) -> Bucket:
        """The bucket every frame of one socket spends from; it goes with the socket."""
        return Bucket(self.settings.rate_frames, self.clock)

    def admit(self, user_id: int, command: Command) -> None:
        """Spend one of the identity's tokens of the command's budget, or refuse it."""
        if command.budget is not None:
            self.spend(user_id, command.budget)

    def spend(self, user_id: int, kind: str) -> None:
        """One token of the identity's budget of this kind, or rate_limited."""
        if not self._take(user_id, kind, self.rates[kind]):
            raise ChatError("rate_limited")

    def try_key(self, address: str) -> bool:
        """Spend one of the address's tries at MODERATOR_KEY; False when it has none left."""
        return self._take(address, "key", KEY_ATTEMPTS)

    def _take(self, who: int | str, kind: str, rate: Rate) -> bool:
        bucket = self._buckets.get((who, kind))
        if bucket is None:
            self._prune()
            bucket = self._buckets[(who, kind)] = Bucket(rate, self.clock)
        return bucket.take()

    def full(self) -> bool:
        """Whether this process holds MAX_SOCKETS open sockets: the file descriptors
        left are for pages, /healthz and the database."""
        return self.sockets >= self.settings.max_sockets

    def open_socket(self, user_id: int | str) -> bool:
        """Count one more open socket for this identity (or a read-only visitor's
        address), unless it is at its cap."""
        if self._open[user_id] >= self.settings.sockets_per_identity:
            return False
        self._open[user_id] += 1
        self.sockets += 1
        return True

    def close_socket(self, user_id: int | str) -> None:
        self.sockets -= 1
        self._open[user_id] -= 1
        if self._open[user_id] <= 0:
            del self._open[user_id]

    def _prune(self) -> None:
        # A full bucket is the same as none: dropping it keeps memory bounded by
        # the identities that were active within the last refill period.
        if len(self._buckets) < self._prune_at:
            return
        self._buckets = {key: bucket for key, bucket in self._buckets.items() if not bucket.full}
        self._prune_at = max(PRUNE_AT, 2 * len(self._buckets))
