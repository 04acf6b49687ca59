"""The costs of issue 15: server CPU per message, per delivery, per entrance,
memory per idle socket, and what a full board costs a room page. Rates vary
from run to run on a shared machine; these costs hold still, so each figure is
the server process's CPU time (from /proc) over one phase, divided by what the
phase did. The load processes' CPU is printed beside it: when it nears the
cores left over, the load generator is the limit, not the server."""

from __future__ import annotations

import asyncio
import json
import random
import sqlite3
import time
from dataclasses import dataclass

import httpx

from bench import scenarios
from bench.run import Bench, Crowds, create_room, percentiles


@dataclass
class Cost:
    """One line of the costs table."""

    figure: str
    measured: str
    target: str
    met: bool | None
    server_cpu: float = 0
    client_cpu: float = 0
    note: str = ""


@dataclass(frozen=True)
class Sizes:
    big_room: int = 1000
    messages: int = 500
    idle_sockets: int = 10_000
    board_strokes: int = 1000
    board_points: int = 1000


FULL = Sizes()
QUICK = Sizes(big_room=200, messages=200, idle_sockets=2000, board_strokes=200, board_points=500)


def per_message(sizes: Sizes, database_url: str | None = None) -> Cost:
    """C1: 2 clients in a room, 2 senders at 50 msg/s each (100 msg/s)."""
    where = "PostgreSQL" if database_url else "SQLite"
    with Bench(database_url=database_url).started() as bench:
        room = asyncio.run(create_room(bench.urls[0]))
        crowds = Crowds(bench.urls, room, clients=2, senders=2, processes=1)
        bench.settle()
        try:
            cpu, kernel = bench.cpu(), bench.system_cpu()
            result = crowds.phase(1, "messages", rate=50, count=sizes.messages // 2, drain=10)
            cpu, kernel = bench.cpu() - cpu, bench.system_cpu() - kernel
        finally:
            crowds.stop()
    ms = cpu / max(result.sent, 1) * 1000
    lost = result.expected - result.delivered
    return Cost(f"C1 server CPU per message, {where}", f"{ms:.2f} ms", "≤ 1 ms", ms <= 1 and not lost, cpu, result.client_cpu,
                f"{result.sent} messages at 100/s, {result.delivered}/{result.expected} delivered; {kernel / max(cpu, 1e-9):.0%} of it in the kernel")


def throughput(sizes: Sizes) -> Cost:
    """C2: one room, 20 senders (and readers); the total rate raised until p99 send→ack passes 250 ms."""
    best = 0.0
    steps = []
    with Bench().started() as bench:
        room = asyncio.run(create_room(bench.urls[0]))
        crowds = Crowds(bench.urls, room, clients=20, senders=20, processes=2)
        bench.settle()
        cpu_total = client_total = 0.0
        try:
            for per_sender in (10, 25, 50, 75, 100, 125, 150):
                cpu = bench.cpu()
                result = crowds.phase(per_sender, "messages", rate=per_sender, count=per_sender * 3, drain=5)
                cpu = bench.cpu() - cpu
                cpu_total += cpu
                client_total += result.client_cpu
                ack = percentiles(result.acks_us)
                p99 = ack[2] if ack else float("inf")
                stored = result.sent / max(result.seconds, 1e-9)
                steps.append(f"{20 * per_sender}/s: p99 ack {p99:.0f} ms, {cpu / max(result.sent, 1) * 1000:.2f} ms CPU/msg")
                if p99 > 250 or len(result.acks_us) < result.sent:
                    break
                best = max(best, stored)
        finally:
            crowds.stop()
    return Cost("C2 messages stored per second, 20 senders", f"{best:,.0f}/s", "≥ 1,500/s", best >= 1500, cpu_total, client_total,
                "; ".join(steps))


def per_delivery_and_entrance(sizes: Sizes, c1_ms: float | None) -> list[Cost]:
    """C3 and C4: a crowd enters one room, then 2 senders at 5 msg/s each."""
    n = sizes.big_room
    with Bench().started() as bench:
        room = asyncio.run(create_room(bench.urls[0]))
        marks = {"cpu": bench.cpu()}

        def pages_fetched() -> None:
            marks["pages"] = bench.cpu() - marks["cpu"]
            marks["cpu"], marks["started"] = bench.cpu(), time.monotonic()

        crowds = Crowds(bench.urls, room, clients=n, senders=2, pages_fetched=pages_fetched)
        opened = time.monotonic() - marks["started"]
        settled = bench.settle(busy=0.05)
        entering = bench.cpu() - marks["cpu"]
        try:
            cpu, kernel = bench.cpu(), bench.system_cpu()
            result = crowds.phase(1, "messages", rate=5, count=50, drain=10)
            cpu, kernel = bench.cpu() - cpu, bench.system_cpu() - kernel
        finally:
            crowds.stop()
    messages_cost = (c1_ms or 0) / 1000 * result.sent
    us = (cpu - messages_cost) / max(result.delivered, 1) * 1e6
    entrance_ms = entering / n * 1000
    settle_s = opened + settled
    return [
        Cost(f"C3 server CPU per delivery, {n:,} clients", f"{us:.1f} µs", "≤ 10 µs", us <= 10 and result.delivered == result.expected,
             cpu, result.client_cpu,
             f"{result.delivered:,}/{result.expected:,} delivered; {cpu:.2f} s less {result.sent} messages × C1; "
             f"{kernel / max(cpu, 1e-9):.0%} of it in the kernel"),
        Cost(f"C4 server CPU per entrance, room of {n:,}", f"{entrance_ms:.2f} ms", "≤ 2 ms; settles ≤ 5 s",
             entrance_ms <= 2 and settle_s <= 5, entering, 0,
             f"sockets opened in {opened:.1f} s, the server idle {settled:.1f} s later; "
             f"the room pages before them: {marks['pages'] / n * 1000:.2f} ms CPU each"),
    ]


def idle_memory(sizes: Sizes) -> Cost:
    """C5: scenario 4's figure, memory per idle socket."""
    row = scenarios.idle_sockets(scenarios.Scale(idle_sockets=sizes.idle_sockets))
    kib = row.per_socket_kib  # type: ignore[attr-defined]
    return Cost(f"C5 memory per idle socket, {sizes.idle_sockets:,} open", f"{kib:.1f} KiB", "≤ 24 KiB", kib <= 24, row.server_cpu, row.client_cpu, row.note)


def old_chat_load(runs: int = 3) -> Cost:
    """C6: the old chat's own load test (scenario 2), several runs: p99 in every one."""
    worst = 0.0
    lost = 0
    figures = []
    cpu = client = 0.0
    for _ in range(runs):
        row = scenarios.busy_room(scenarios.FULL)
        p99 = scenarios.p99(row)
        worst = max(worst, p99)
        lost += row.expected - row.delivered
        cpu += row.server_cpu
        client += row.client_cpu
        figures.append(f"{p99:.1f}")
    return Cost("C6 old chat's load (100 in a room, 10 × 10 msg/s)", f"p99 {worst:.1f} ms worst of {runs}", "p99 ≤ 50 ms, nothing lost",
                worst <= 50 and not lost, cpu, client, f"p99 per run (ms): {', '.join(figures)}; lost {lost}")


def seed_board(database_url: str, strokes: int, points: int) -> None:
    """A room whose board holds `strokes` pens of `points` points, straight into SQLite."""
    db = sqlite3.connect(database_url.split(":///", 1)[1])
    now = "2026-01-01 00:00:00.000000"
    db.execute("INSERT INTO users (id, name, created_at) VALUES (1, 'Seed Artist', ?)", (now,))
    db.execute("INSERT INTO rooms (id, name, search_name, color, created_by, created_at, message_count) VALUES (1, 'board', 'board', '#5da247', 1, ?, 0)", (now,))
    rng = random.Random(7)

    def line() -> str:
        x, y = rng.uniform(0, 1600), rng.uniform(0, 1000)
        coords = []
        for _ in range(points):
            x, y = min(1600, max(0, x + rng.uniform(-5, 5))), min(1000, max(0, y + rng.uniform(-5, 5)))
            coords += [round(x, 1), round(y, 1)]
        return json.dumps(coords)

    rows = ((f"seed-{i:08d}", 1, 1, "pen", "#1f6feb", 4, line(), points, 1, now) for i in range(strokes))
    db.executemany("INSERT INTO strokes (client_id, room_id, author_id, tool, color, width, points, point_count, done, created_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.commit()
    db.close()


def full_board_page(sizes: Sizes, requests: int = 30) -> Cost:
    """C7: GET the room page of a room whose board is full; its board comes over the socket."""
    with Bench().started(prepare=lambda url: seed_board(url, sizes.board_strokes, sizes.board_points)) as bench:
        with httpx.Client(base_url=bench.urls[0], timeout=60) as http:
            http.get("/")
            size = len(http.get("/rooms/1").content)
            cpu = bench.cpu()
            samples = []
            for _ in range(requests):
                started = time.perf_counter()
                http.get("/rooms/1").raise_for_status()
                samples.append(time.perf_counter() - started)
            page_cpu = bench.cpu() - cpu
            board = http.get("/rooms/1/board.svg")
            cpu = bench.cpu()
            started = time.perf_counter()
            again = http.get("/rooms/1/board.svg")
            board_s = time.perf_counter() - started
            board_cpu = bench.cpu() - cpu
    ms = sorted(samples)[len(samples) // 2] * 1000
    return Cost(f"C7 room page, board of {sizes.board_strokes:,} × {sizes.board_points:,} points", f"{size / 1e6:.3f} MB, {ms:.1f} ms per GET",
                "≤ 1 MB, ≤ 50 ms", size <= 1_000_000 and ms <= 50, page_cpu, 0,
                f"{page_cpu / requests * 1000:.1f} ms server CPU per GET; the board apart: {len(board.content) / 1e6:.1f} MB, "
                f"{board_s * 1000:.0f} ms ({board_cpu * 1000:.0f} ms CPU) once cached, status {again.status_code}")


COLUMNS = ("figure", "measured", "target", "met", "server CPU s", "client CPU s", "notes")


def table(costs: list[Cost]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for c in costs:
        met = {True: "met", False: "NOT met", None: ""}[c.met]
        lines.append(f"| {c.figure} | {c.measured} | {c.target} | {met} | {c.server_cpu:.1f} | {c.client_cpu:.1f} | {c.note} |")
    return "\n".join(lines)


def run(chosen: set[int], quick: bool, postgres: str | None, show) -> None:
    sizes = QUICK if quick else FULL
    c1 = None
    if chosen & {1, 3, 4}:  # C3 is what a delivery adds to C1
        cost = per_message(sizes)
        c1 = float(cost.measured.split()[0])
        show(cost)
        if 1 in chosen and postgres:
            show(per_message(sizes, database_url=postgres))
    if 2 in chosen:
        show(throughput(sizes))
    if chosen & {3, 4}:
        for cost in per_delivery_and_entrance(sizes, c1):
            show(cost)
    if 5 in chosen:
        show(idle_memory(sizes))
    if 6 in chosen:
        show(old_chat_load(1 if quick else 3))
    if 7 in chosen:
        show(full_board_page(sizes))
