"""One load process: opens a crowd of clients, then runs the phases it is sent.

The parent (bench.run) starts several of these so that the load generator is
not the bottleneck, and talks to each over a pipe:
  worker → ("ready", info)          after every client is connected
  parent → ("phase", Phase)         send and read one phase; worker → ("result", PhaseResult)
  parent → ("stop", None)           close everything and exit
"""

from __future__ import annotations

import asyncio
import json
import resource
import time
import uuid
from array import array
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

import websockets

from bench.client import action, body_for, connect, fetch_cookie, page_client, parse_frame
from bench.server import ROOT, raise_open_files

CONNECT_CONCURRENCY = 50
STROKE_BATCHES = 20  # batches per stroke; a new stroke starts after that
POINTS_PER_BATCH = 4


@dataclass(frozen=True)
class Crowd:
    """The clients one process holds. Senders are its first clients, stalled ones its last."""

    base_urls: tuple[str, ...]
    page: str
    socket_path: str
    clients: int
    first_sender: int = 0
    senders: int = 0
    stalled: int = 0
    setup_seconds: float = 300
    # Fetch every page (and its cookie) first, then wait for the parent's go to
    # open the sockets: the cost of an entrance is measured without the page's.
    pages_first: bool = False


@dataclass(frozen=True)
class Phase:
    number: int
    kind: str  # "messages", "draw" or "idle"
    rate: float = 0  # messages (or stroke batches) per sender per second
    count: int = 0  # per sender
    start_at: float = 0  # time.monotonic() of the first send
    expected: int = 0  # messages each reader should receive in this phase, from all processes
    drain: float = 10  # how long after the last send to wait for stragglers
    senders: int = 1  # in all processes: their sends are spread evenly over each period

    def send_time(self, sender: int, seq: int) -> float:
        """When a sender (numbered from 1) sends its seq-th. People do not press
        send in the same millisecond: senders in lockstep would measure how fast
        a burst of one message per sender drains, not a steady rate."""
        return self.start_at + (seq + (sender - 1) % self.senders / self.senders) / self.rate


@dataclass
class PhaseResult:
    sent: int = 0
    delivered: int = 0
    expected: int = 0
    latencies_us: array = field(default_factory=lambda: array("q"))
    acks_us: array = field(default_factory=lambda: array("q"))
    errors: Counter = field(default_factory=Counter)
    closes: Counter = field(default_factory=Counter)
    duplicates: int = 0
    unparsed: int = 0
    frames: int = 0
    client_cpu: float = 0
    seconds: float = 0
    stalled_dropped: int = 0


class Reader:
    """One client's socket and what it has received in the current phase."""

    def __init__(self, ws: websockets.ClientConnection, number: int, sender: int | None, stalled: bool) -> None:
        self.ws = ws
        self.number = number
        self.sender = sender
        self.stalled = stalled
        self.seen: set[int] = set()
        self.received = 0
        self.close_code: int | None = None


class Worker:
    def __init__(self, crowd: Crowd) -> None:
        self.crowd = crowd
        self.readers: list[Reader] = []
        self.tasks: list[asyncio.Task] = []
        self.phase: Phase | None = None
        self.result = PhaseResult()
        self.stroke_sent: dict[tuple[str, int], int] = {}
        self.pen = _pen_color()

    async def open(self, pages_fetched) -> None:
        """Open every client; `pages_fetched` is awaited between pages and sockets
        when the crowd fetches its pages first."""
        crowd = self.crowd
        gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
        https = {url: page_client(url) for url in crowd.base_urls}

        async def cookie_of(i: int) -> str:
            async with gate:
                return await fetch_cookie(https[crowd.base_urls[i % len(crowd.base_urls)]], crowd.page)

        async def open_one(i: int, cookie: str | None = None) -> Reader:
            base_url = crowd.base_urls[i % len(crowd.base_urls)]
            cookie = cookie or await cookie_of(i)
            async with gate:
                stalled = i >= crowd.clients - crowd.stalled
                ws = await connect(base_url, crowd.socket_path, cookie, stalled=stalled)
            sender = crowd.first_sender + i if i < crowd.senders else None
            return Reader(ws, i, sender, stalled)

        async def open_all() -> list[Reader]:
            if not crowd.pages_first:
                return await asyncio.gather(*(open_one(i) for i in range(crowd.clients)))
            cookies = await asyncio.gather(*(cookie_of(i) for i in range(crowd.clients)))
            await pages_fetched()
            return await asyncio.gather(*(open_one(i, cookie) for i, cookie in enumerate(cookies)))

        try:
            self.readers = list(await asyncio.wait_for(open_all(), crowd.setup_seconds))
        finally:
            for http in https.values():
                await http.aclose()
        self.tasks = [asyncio.create_task(self.read(reader)) for reader in self.readers if not reader.stalled]

    async def read(self, reader: Reader) -> None:
        try:
            async for frame in reader.ws:
                now = time.monotonic_ns()
                self.on_frame(reader, frame if isinstance(frame, str) else frame.decode(), now)
        except websockets.ConnectionClosed:
            pass
        finally:
            reader.close_code = reader.ws.close_code
            self.result.closes[reader.ws.close_code] += 1

    def on_frame(self, reader: Reader, frame: str, now: int) -> None:
        phase, result = self.phase, self.result
        result.frames += 1
        found = parse_frame(frame)
        for code in found.errors:
            result.errors[code] += 1
        for message_id, marker in found.messages:
            if marker is None:
                result.unparsed += 1
                continue
            number, sender, _seq, sent_ns = marker
            if phase is None or number != phase.number:
                continue
            if message_id in reader.seen:
                result.duplicates += 1
                continue
            reader.seen.add(message_id)
            reader.received += 1
            latency = (now - sent_ns) // 1000
            result.latencies_us.append(latency)
            if sender == reader.sender:
                result.acks_us.append(latency)
        for stroke_id, points in found.strokes:
            sent_ns = self.stroke_sent.get((stroke_id, points))
            if sent_ns is None:
                continue  # another process's stroke, or an old one
            if reader.sender is not None and stroke_id.startswith(f"{reader.sender:08x}-"):
                continue  # the drawer's own echo: stroke-to-peer only
            reader.received += 1
            result.latencies_us.append((now - sent_ns) // 1000)

    async def run_phase(self, phase: Phase) -> PhaseResult:
        self.phase, self.result = phase, PhaseResult(expected=phase.expected)
        for reader in self.readers:
            reader.seen.clear()
            reader.received = 0
        cpu_before = _cpu()
        senders = [r for r in self.readers if r.sender is not None]
        if phase.kind == "messages":
            await asyncio.gather(*(self.send_messages(r, phase) for r in senders))
        elif phase.kind == "draw":
            await asyncio.gather(*(self.draw(r, phase) for r in senders))
        elif phase.kind == "idle":
            await asyncio.sleep(max(0.0, phase.start_at - time.monotonic()) + phase.drain)
        await self.wait_for_deliveries(phase)
        result = self.result
        result.seconds = time.monotonic() - phase.start_at
        result.delivered = sum(r.received for r in self.readers if not r.stalled)
        result.expected = phase.expected * sum(1 for r in self.readers if not r.stalled)
        if phase.kind == "draw":
            # Each batch should reach every reader except its drawer.
            result.expected = result.sent * (sum(1 for r in self.readers if not r.stalled) - 1)
        result.client_cpu = _cpu() - cpu_before
        self.phase = None
        return result

    async def wait_for_deliveries(self, phase: Phase) -> None:
        deadline = time.monotonic() + phase.drain
        live = [r for r in self.readers if not r.stalled]
        while time.monotonic() < deadline and phase.kind == "messages":
            if all(r.received >= phase.expected or r.close_code is not None for r in live):
                return
            await asyncio.sleep(0.02)
        if phase.kind == "draw":
            await asyncio.sleep(min(1.0, phase.drain))

    async def send_messages(self, reader: Reader, phase: Phase) -> None:
        for seq in range(phase.count):
            await _until(phase.send_time(reader.sender, seq))
            body = body_for(phase.number, reader.sender, seq)
            try:
                await reader.ws.send(action("send_message", body=body, client_id=f"b{phase.number}-{reader.sender}-{seq}"))
            except websockets.ConnectionClosed:
                return
            self.result.sent += 1

    async def draw(self, reader: Reader, phase: Phase) -> None:
        """Strokes of STROKE_BATCHES batches; each batch is a few points on the board."""
        stroke = ""
        for seq in range(phase.count):
            batch = seq % STROKE_BATCHES
            if batch == 0:
                # The stroke id names its drawer, so a drawer's own echo is told apart.
                stroke = str(uuid.UUID(f"{reader.sender:08x}" + uuid.uuid4().hex[8:]))
            points = [float(x) for i in range(POINTS_PER_BATCH) for x in (100 + (batch * POINTS_PER_BATCH + i) % 1400, 100 + (seq % 800))]
            await _until(phase.send_time(reader.sender, seq))
            self.stroke_sent[(stroke, (batch + 1) * POINTS_PER_BATCH)] = time.monotonic_ns()
            frame = action("draw", stroke=stroke, points=points, color=self.pen, tool="pen", width=6, done=batch == STROKE_BATCHES - 1)
            try:
                await reader.ws.send(frame)
            except websockets.ConnectionClosed:
                return
            self.result.sent += 1

    async def close(self) -> PhaseResult:
        """Close every socket; a stalled one first reads what it was sent, to learn
        whether the server has dropped it (the connection ends before ours does)."""
        result = PhaseResult()
        for reader in self.readers:
            if reader.stalled:
                try:
                    async with asyncio.timeout(5):
                        async for _ in reader.ws:
                            pass
                    result.stalled_dropped += 1
                except websockets.ConnectionClosed:
                    result.stalled_dropped += 1
                except TimeoutError:
                    pass
        await asyncio.gather(*(r.ws.close() for r in self.readers), return_exceptions=True)
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        return result


async def _until(when: float) -> None:
    delay = when - time.monotonic()
    if delay > 0:
        await asyncio.sleep(delay)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _pen_color() -> str:
    try:
        return json.loads((ROOT / "webapp" / "palette.json").read_text())["pen_colors"][0]
    except (OSError, KeyError, IndexError, ValueError):
        return "#000000"


async def _serve(conn: Connection, crowd: Crowd) -> None:
    loop = asyncio.get_running_loop()
    worker = Worker(crowd)

    async def pages_fetched() -> None:
        conn.send(("pages", crowd.clients))
        await loop.run_in_executor(None, conn.recv)  # the parent's go

    try:
        await worker.open(pages_fetched)
        conn.send(("ready", len(worker.readers)))
        while True:
            kind, payload = await loop.run_in_executor(None, conn.recv)
            if kind == "phase":
                conn.send(("result", await worker.run_phase(payload)))
            else:
                conn.send(("closed", await worker.close()))
                return
    except Exception as error:  # reported to the parent, which stops the run
        conn.send(("error", f"{type(error).__name__}: {error}"))


def main(conn: Connection, crowd: Crowd) -> None:
    """Entry point of a load process."""
    raise_open_files()
    try:
        import uvloop
    except ImportError:
        asyncio.run(_serve(conn, crowd))
    else:
        uvloop.run(_serve(conn, crowd))
