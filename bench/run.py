"""Start the server, spread the clients over load processes, run phases, add up."""

from __future__ import annotations

import asyncio
import math
import multiprocessing
import re
import statistics
import tempfile
import time
from array import array
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench import load
from bench.client import action, connect, fetch_cookie, page_client
from bench.server import ServerProcess, migrate

READY_SECONDS = 300
PHASE_GRACE = 60
ROOM_ID = re.compile(r'id="room-(\d+)"')


@dataclass
class Row:
    """One line of the results table."""

    scenario: str
    clients: int = 0
    senders: int = 0
    rate: str = ""
    delivered: int = 0
    expected: int = 0
    deliveries_per_s: float = 0
    latencies_ms: tuple[float, float, float, float] | None = None  # p50, p95, p99, max
    server_cpu: float = 0
    peak_rss_mib: float = 0
    client_cpu: float = 0
    note: str = ""
    target_met: bool | None = None


def percentiles(values: array) -> tuple[float, float, float, float] | None:
    if not values:
        return None
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)] / 1000  # noqa: E731
    return pick(0.50), pick(0.95), pick(0.99), ordered[-1] / 1000


def merge(results: list[load.PhaseResult]) -> load.PhaseResult:
    total = load.PhaseResult()
    for r in results:
        total.sent += r.sent
        total.delivered += r.delivered
        total.expected += r.expected
        total.latencies_us.extend(r.latencies_us)
        total.acks_us.extend(r.acks_us)
        total.errors.update(r.errors)
        total.closes.update(r.closes)
        total.duplicates += r.duplicates
        total.unparsed += r.unparsed
        total.frames += r.frames
        total.client_cpu += r.client_cpu
        total.seconds = max(total.seconds, r.seconds)
        total.stalled_dropped += r.stalled_dropped
    return total


@dataclass
class Bench:
    """Servers and databases for one scenario; everything is stopped on exit."""

    database_url: str | None = None  # default: a fresh SQLite file
    servers: int = 1
    server_env: dict[str, str] = field(default_factory=dict)
    workdir: Path | None = None
    running: list[ServerProcess] = field(default_factory=list)

    @contextmanager
    def started(self, prepare=None):
        with tempfile.TemporaryDirectory(prefix="chatboard-bench-") as tmp:
            self.workdir = Path(tmp)
            url = self.database_url or f"sqlite+aiosqlite:///{self.workdir / 'bench.db'}"
            migrate(url)
            if prepare is not None:
                prepare(url)
            try:
                for _ in range(self.servers):
                    self.running.append(ServerProcess(url, self.server_env).start())
                yield self
            finally:
                for server in self.running:
                    server.stop()

    @property
    def urls(self) -> tuple[str, ...]:
        return tuple(server.url for server in self.running)

    def cpu(self) -> float:
        return sum(server.cpu_seconds() for server in self.running)

    def system_cpu(self) -> float:
        """The kernel's part of `cpu`: on loopback, the sockets' TCP work is mostly here."""
        return sum(server.system_seconds() for server in self.running)

    def peak_rss_mib(self) -> float:
        return sum(server.peak_rss_kib() for server in self.running) / 1024

    def settle(self, limit: float = 180, busy: float = 0.1) -> float:
        """Wait until the servers are idle (below `busy` of a core), at most `limit`
        seconds: a thousand clients entering a room leave the server a backlog of
        presence fragments, and a phase measures messages, not that backlog."""
        started = time.monotonic()
        while time.monotonic() - started < limit:
            before = self.cpu()
            time.sleep(0.5)
            if (self.cpu() - before) / 0.5 < busy:
                break
        return time.monotonic() - started

    def rss_kib(self) -> int:
        return sum(server.rss_kib() for server in self.running)


async def create_room(base_url: str, name: str = "Bench") -> int:
    """Create a room the way a browser does: from the lobby socket."""
    async with page_client(base_url) as http:
        cookie = await fetch_cookie(http, "/")
    ws = await connect(base_url, "/ws", cookie)
    try:
        await ws.send(action("create_room", name=name))
        async with asyncio.timeout(10):
            while True:
                frame = await ws.recv()
                if name in frame and (found := ROOM_ID.search(frame)):
                    return int(found.group(1))
    finally:
        await ws.close()


class Crowds:
    """Load processes holding `clients` sockets between them."""

    def __init__(self, urls: tuple[str, ...], room_id: int | None, clients: int, senders: int = 0, stalled: int = 0,
                 processes: int | None = None, pages_fetched=None) -> None:
        """`pages_fetched`: called once every client has its page and before any
        opens its socket (the clients then fetch their pages first)."""
        page, socket_path = (f"/rooms/{room_id}", f"/rooms/{room_id}/ws") if room_id else ("/", "/ws")
        processes = processes or max(1, min(4, math.ceil(clients / 500)))
        context = multiprocessing.get_context("spawn")
        self.links = []
        self.processes = []
        given_senders = given_stalled = 0
        for p in range(processes):
            share = clients // processes + (1 if p < clients % processes else 0)
            my_senders = min(share, senders // processes + (1 if p < senders % processes else 0))
            my_stalled = stalled // processes + (1 if p < stalled % processes else 0)
            crowd = load.Crowd(urls, page, socket_path, share, first_sender=given_senders + 1, senders=my_senders, stalled=my_stalled,
                               pages_first=pages_fetched is not None)
            given_senders += my_senders
            given_stalled += my_stalled
            parent, child = context.Pipe()
            process = context.Process(target=load.main, args=(child, crowd), daemon=True)
            process.start()
            self.links.append(parent)
            self.processes.append(process)
        self.clients, self.senders, self.stalled = clients, given_senders, given_stalled
        if pages_fetched is not None:
            self._collect("pages", READY_SECONDS)
            pages_fetched()
            for link in self.links:
                link.send(("go", None))
        self._collect("ready", READY_SECONDS)

    def _collect(self, kind: str, timeout: float) -> list:
        answers = []
        deadline = time.monotonic() + timeout
        for link in self.links:
            if not link.poll(max(0.0, deadline - time.monotonic())):
                self.stop()
                raise RuntimeError(f"a load process sent no {kind!r} in {timeout:.0f}s")
            got, payload = link.recv()
            if got == "error":
                self.stop()
                raise RuntimeError(f"a load process failed: {payload}")
            answers.append(payload)
        return answers

    def phase(self, number: int, kind: str, rate: float = 0, count: int = 0, drain: float = 10, lead: float = 0.5) -> load.PhaseResult:
        phase = load.Phase(number, kind, rate, count, time.monotonic() + lead, expected=self.senders * count, drain=drain, senders=max(1, self.senders))
        for link in self.links:
            link.send(("phase", phase))
        seconds = lead + (count / rate if rate else 0) + drain + PHASE_GRACE
        return merge(self._collect("result", seconds))

    def stop(self) -> load.PhaseResult:
        closing = []
        for link in self.links:
            try:
                link.send(("stop", None))
                closing.append(link)
            except (BrokenPipeError, OSError):
                pass
        results = []
        for link in closing:
            if link.poll(30):
                got, payload = link.recv()
                if got == "closed":
                    results.append(payload)
        for process in self.processes:
            process.join(10)
            if process.is_alive():
                process.kill()
        self.links = []
        return merge(results)


def notes(*parts: str) -> str:
    """A row's notes, the empty ones left out."""
    return "; ".join(part for part in parts if part)


def row_from(scenario: str, crowds: Crowds, bench: Bench, result: load.PhaseResult, cpu_before: float, rate: str, latencies=None, note: str = "") -> Row:
    seconds = max(result.seconds, 1e-9)
    problems = []
    if result.duplicates:
        problems.append(f"{result.duplicates} duplicates")
    if result.unparsed:
        problems.append(f"{result.unparsed} unparsed")
    if result.errors:
        problems.append("errors " + ", ".join(f"{code}×{n}" for code, n in result.errors.most_common()))
    closes = {code: n for code, n in result.closes.items() if code not in (None, 1000)}
    if closes:
        problems.append("closed " + ", ".join(f"{code}×{n}" for code, n in closes.items()))
    return Row(
        scenario=scenario,
        clients=crowds.clients,
        senders=crowds.senders,
        rate=rate,
        delivered=result.delivered,
        expected=result.expected,
        deliveries_per_s=result.delivered / seconds,
        latencies_ms=percentiles(result.latencies_us if latencies is None else latencies),
        server_cpu=bench.cpu() - cpu_before,
        peak_rss_mib=bench.peak_rss_mib(),
        client_cpu=result.client_cpu,
        note=notes(note, *problems),
    )


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000
