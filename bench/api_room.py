"""Scenario 10: the old chat's scenario over /api, as its own clients would run
it: 100 statement-protocol clients in one room, 10 of them sending 10 messages
a second, 50 each. Every client is a program (no Origin): a fresh identity each.

The clients run in this process, in one event loop; each body carries its send
time, so latency is measured on one clock."""

from __future__ import annotations

import asyncio
import json
import resource
import time
from array import array

import websockets

from bench.run import Bench, Row, notes, percentiles

CLIENTS, SENDERS, RATE, COUNT = 100, 10, 10.0, 50


def _call(message: str, **fields) -> str:
    return json.dumps({"type": "call", "payload": {"message": message, **fields}})


async def _open(url: str) -> websockets.ClientConnection:
    ws = await websockets.connect(url, max_size=2**22, compression=None)
    for _ in range(2):  # user_created, rooms_listed
        await ws.recv()
    return ws


async def _until(ws: websockets.ClientConnection, message: str) -> dict:
    while True:
        payload = json.loads(await ws.recv())["payload"]
        if payload["message"] == message:
            return payload


async def _run(base_url: str) -> tuple[int, array, float]:
    url = "ws" + base_url.removeprefix("http") + "/api"
    first = await _open(url)
    await first.send(_call("create_room"))
    room = (await _until(first, "room_created"))["object"]["uuid"]
    clients = [first] + [await _open(url) for _ in range(CLIENTS - 1)]
    for ws in clients:
        await ws.send(_call("enter_room", uuid=room))
        await _until(ws, "drawing_got")
    latencies = array("q")  # µs
    expected = SENDERS * COUNT
    got = [0] * CLIENTS

    async def read(n: int, ws: websockets.ClientConnection) -> None:
        while got[n] < expected:
            payload = json.loads(await ws.recv())["payload"]
            if payload["message"] == "message_created":
                got[n] += 1
                latencies.append((time.perf_counter_ns() - int(payload["object"]["body"].split()[1])) // 1000)

    async def send(sender: int) -> None:
        start = time.monotonic() + sender / (SENDERS * RATE)
        for seq in range(COUNT):
            await asyncio.sleep(max(0, start + seq / RATE - time.monotonic()))
            await clients[sender].send(_call("create_message", body=f"s{sender} {time.perf_counter_ns()} {seq}"))

    started = time.monotonic()
    readers = [asyncio.create_task(read(n, ws)) for n, ws in enumerate(clients)]
    await asyncio.gather(*(send(s) for s in range(SENDERS)))
    try:
        await asyncio.wait_for(asyncio.gather(*readers), timeout=COUNT / RATE + 30)
    except TimeoutError:
        pass
    elapsed = time.monotonic() - started
    for ws in clients:
        await ws.close()
    return sum(got), latencies, elapsed


def api_room() -> Row:
    with Bench().started() as bench:
        cpu = bench.cpu()
        client_before = resource.getrusage(resource.RUSAGE_SELF)
        delivered, latencies, elapsed = asyncio.run(_run(bench.urls[0]))
        client_after = resource.getrusage(resource.RUSAGE_SELF)
        server_cpu = bench.cpu() - cpu
        peak = bench.peak_rss_mib()
    client_cpu = (client_after.ru_utime + client_after.ru_stime) - (client_before.ru_utime + client_before.ru_stime)
    expected = CLIENTS * SENDERS * COUNT
    row = Row(
        "10 old chat's scenario over /api", CLIENTS, SENDERS, f"{RATE:g}/s × {SENDERS}", delivered, expected,
        delivered / elapsed, percentiles(latencies), server_cpu, peak, client_cpu,
        notes("clients in one process (its CPU is in the client column)", "connect and entrances included in the server CPU"),
    )
    row.target_met = delivered == expected and row.latencies_ms is not None and row.latencies_ms[2] <= 100
    return row
