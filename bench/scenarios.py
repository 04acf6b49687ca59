"""The scenarios of issue 7 and their targets. Each returns rows for the table."""

from __future__ import annotations

import asyncio
import random
import sqlite3
import time
from dataclasses import dataclass

import httpx

from bench.run import Bench, Crowds, Row, create_room, median_ms, notes, row_from


@dataclass(frozen=True)
class Scale:
    """How big the scenarios are: the issue's figures, or a quick look."""

    big_room: int = 1000
    big_seconds: float = 30
    idle_sockets: int = 10_000
    history: int = 1_000_000
    ramp_clients: int = 500
    ramp_step_seconds: float = 5


FULL = Scale()
QUICK = Scale(big_room=100, big_seconds=5, idle_sockets=2000, history=20_000, ramp_clients=100, ramp_step_seconds=3)


def p99(row: Row) -> float:
    return row.latencies_ms[2] if row.latencies_ms else float("inf")


def _room_load(name: str, bench: Bench, clients: int, senders: int, rate: float, count: int, stalled: int = 0, note: str = "") -> Row:
    room = asyncio.run(create_room(bench.urls[0]))
    cpu = bench.cpu()
    crowds = Crowds(bench.urls, room, clients, senders, stalled)
    settled = bench.settle()
    note = notes(f"entering took {bench.cpu() - cpu:.0f} server CPU s, settled {settled:.0f} s after", note)
    try:
        cpu = bench.cpu()
        result = crowds.phase(1, "messages", rate, count)
        closing = crowds.stop()
    except BaseException:
        crowds.stop()
        raise
    if stalled:
        note = notes(f"{stalled} stalled, {closing.stalled_dropped} dropped by the server", note)
    row = row_from(name, crowds, bench, result, cpu, f"{rate:g}/s × {senders}", note=note)
    row.ack = result.acks_us  # type: ignore[attr-defined]
    return row


def one_big_room(scale: Scale) -> Row:
    """1: 1,000 clients in one room, 2 senders at 5 msg/s each, for 30 s."""
    with Bench().started() as bench:
        row = _room_load("1 big room", bench, scale.big_room, 2, 5, int(5 * scale.big_seconds))
    row.target_met = row.delivered == row.expected and p99(row) <= 100
    return row


def busy_room(scale: Scale, database_url: str | None = None, name: str = "2 busy room") -> Row:
    """2: 100 clients in one room, 10 senders at 10 msg/s each, 50 messages each."""
    with Bench(database_url=database_url).started() as bench:
        row = _room_load(name, bench, 100, 10, 10, 50)
    row.target_met = row.delivered == row.expected and p99(row) <= 100
    return row


def ramp(scale: Scale, servers: int = 1, database_url: str | None = None, env: dict | None = None, name: str = "3 ramp") -> list[Row]:
    """3 (and 9): raise the send rate step by step until p99 passes 250 ms."""
    rows = []
    with Bench(database_url=database_url, servers=servers, server_env=env or {}).started() as bench:
        room = asyncio.run(create_room(bench.urls[0]))
        senders = 10
        crowds = Crowds(bench.urls, room, scale.ramp_clients, senders)
        bench.settle()
        try:
            for step, rate in enumerate([1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30], start=1):
                cpu = bench.cpu()
                result = crowds.phase(step, "messages", rate, int(rate * scale.ramp_step_seconds), drain=5)
                row = row_from(f"{name} step {step}", crowds, bench, result, cpu, f"{rate:g}/s × {senders}")
                rows.append(row)
                if p99(row) > 250 or row.delivered < row.expected:
                    break
        finally:
            crowds.stop()
    sustained = [r for r in rows if p99(r) <= 250 and r.delivered == r.expected]
    best = max(sustained, key=lambda r: r.deliveries_per_s, default=None)
    for r in rows:
        r.note = notes("best sustained" if r is best else "", r.note)
    if best is not None:
        best.target_met = best.deliveries_per_s >= 20_000
    return rows


def idle_sockets(scale: Scale) -> Row:
    """4: 10,000 idle open sockets; server memory per connection. Lobby sockets:
    room sockets cost the same to hold, but 10,000 entering one room is a
    different measure (each entrance is sent the room's whole users list)."""
    with Bench().started() as bench:
        room = None
        # A few sockets first, so the baseline holds the code paths a socket warms up.
        warm = Crowds(bench.urls, room, 10)
        warm.stop()
        time.sleep(1)
        before = bench.rss_kib()
        crowds = Crowds(bench.urls, room, scale.idle_sockets)
        try:
            cpu = bench.cpu()
            result = crowds.phase(1, "idle", drain=3)
            after = bench.rss_kib()
        finally:
            crowds.stop()
        per_socket = (after - before) / scale.idle_sockets
        row = row_from("4 idle sockets", crowds, bench, result, cpu, "idle",
                       note=f"RSS {before / 1024:.0f} → {after / 1024:.0f} MiB: {per_socket:.1f} KiB per socket")
    row.per_socket_kib = per_socket  # type: ignore[attr-defined]
    row.target_met = per_socket <= 40
    return row


def stalled_readers(scale: Scale, baseline: Row | None) -> Row:
    """5: scenario 1 with 1% of clients that never read."""
    stalled = max(1, scale.big_room // 100)
    with Bench().started() as bench:
        row = _room_load("5 stalled readers", bench, scale.big_room, 2, 5, int(5 * scale.big_seconds), stalled=stalled)
    if baseline is not None:
        row.note = notes(row.note, f"p99 vs scenario 1: {p99(row) / p99(baseline):.2f}×")
        row.target_met = row.delivered == row.expected and p99(row) <= 1.2 * max(p99(baseline), 1.0)
    return row


def drawing(scale: Scale) -> Row:
    """6: 20 clients in a room, 5 of them drawing at 20 batches/s; stroke-to-peer latency."""
    with Bench().started() as bench:
        room = asyncio.run(create_room(bench.urls[0]))
        crowds = Crowds(bench.urls, room, 20, 5, processes=1)
        bench.settle()
        try:
            cpu = bench.cpu()
            result = crowds.phase(1, "draw", 20, int(20 * min(10, scale.big_seconds)), drain=2)
        finally:
            crowds.stop()
        row = row_from("6 drawing", crowds, bench, result, cpu, "20 batches/s × 5")
    row.target_met = row.delivered == row.expected and p99(row) <= 50
    return row


def seed_history(database_url: str, big: int, small: int) -> None:
    """Two rooms straight into SQLite: one with `big` messages, one with `small`."""
    path = database_url.split(":///", 1)[1]
    db = sqlite3.connect(path)
    now = "2026-01-01 00:00:00.000000"
    db.execute("INSERT INTO users (id, name, created_at) VALUES (1, 'Seed Author 1', ?)", (now,))
    for room_id, name in ((1, "history"), (2, "small")):
        db.execute(
            "INSERT INTO rooms (id, name, search_name, color, created_by, created_at, message_count) VALUES (?, ?, ?, '#5da247', 1, ?, 0)",
            (room_id, name, name, now),
        )
    for room_id, count in ((1, big), (2, small)):
        rows = ((room_id, 1, f"history message {i} of room {room_id}", now, i + 1) for i in range(count))
        db.executemany("INSERT INTO messages (room_id, author_id, body, created_at, seq) VALUES (?, ?, ?, ?, ?)", rows)
        db.execute("UPDATE rooms SET message_count = ?, last_seq = ? WHERE id = ?", (count, count, room_id))
    db.commit()
    db.close()


def _time_gets(base_url: str, paths: list[str]) -> list[float]:
    samples = []
    with httpx.Client(base_url=base_url, timeout=30) as http:
        http.get("/")  # an identity, as a returning visitor has
        for path in paths:
            started = time.perf_counter()
            response = http.get(path)
            samples.append(time.perf_counter() - started)
            response.raise_for_status()
    return samples


def history(scale: Scale, requests: int = 60) -> list[Row]:
    """7: a room holding 1,000,000 messages: room page and scroll-back page, beside a small room."""
    small = 1000
    rows = []
    with Bench().started(prepare=lambda url: seed_history(url, scale.history, small)) as bench:
        url = bench.urls[0]
        for room_id, size in ((1, scale.history), (2, small)):
            _time_gets(url, [f"/rooms/{room_id}"] * 5)  # warm up
            cpu = bench.cpu()
            page = _time_gets(url, [f"/rooms/{room_id}"] * requests)
            first = 1 if room_id == 1 else scale.history + 1
            befores = [random.randint(first + 100, first + size - 1) for _ in range(requests)]
            scroll = _time_gets(url, [f"/rooms/{room_id}/messages?before={b}" for b in befores])
            note = f"room page median {median_ms(page):.1f} ms, p95 {sorted(page)[int(0.95 * len(page))] * 1000:.1f}; scroll-back median {median_ms(scroll):.1f} ms"
            row = Row(f"7 history {size:,}", rate=f"{requests}+{requests} GETs", server_cpu=bench.cpu() - cpu, peak_rss_mib=bench.peak_rss_mib(), note=note)
            row.page_ms, row.scroll_ms = median_ms(page), median_ms(scroll)  # type: ignore[attr-defined]
            rows.append(row)
    big, little = rows
    ok = big.page_ms <= 50 and big.scroll_ms <= 30 and big.page_ms <= 1.5 * little.page_ms + 2 and big.scroll_ms <= 1.5 * little.scroll_ms + 2
    big.target_met = ok
    return rows


def acknowledged(row: Row, name: str) -> Row:
    """8: from a sender's side: its message stored, committed and back on its own socket."""
    from bench.run import percentiles

    ack = Row(name, row.clients, row.senders, row.rate, server_cpu=row.server_cpu, peak_rss_mib=row.peak_rss_mib,
              latencies_ms=percentiles(row.ack), note="latency = send → the sender's own copy")  # type: ignore[attr-defined]
    ack.delivered = len(row.ack)  # type: ignore[attr-defined]
    ack.expected = row.senders * 50
    ack.target_met = ack.delivered == ack.expected and p99(ack) <= 50
    return ack
