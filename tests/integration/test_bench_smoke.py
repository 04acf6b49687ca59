"""A small run of the load benchmark's own code (bench/): a few real clients in
a load process, a few messages, nothing lost. Speed targets live in bench/, not here."""

from __future__ import annotations

import asyncio

from bench.run import Crowds, create_room


def test_bench_delivers_every_message_to_every_client(server) -> None:
    room = asyncio.run(create_room(server.url, name="Bench smoke"))
    crowds = Crowds((server.url,), room, clients=6, senders=2, processes=1)
    try:
        result = crowds.phase(1, "messages", rate=20, count=5, drain=10)
    finally:
        crowds.stop()

    assert result.sent == 2 * 5
    assert result.expected == 6 * 2 * 5
    assert result.delivered == result.expected
    assert len(result.latencies_us) == result.delivered
    assert len(result.acks_us) == result.sent  # each sender got its own message back
    assert result.duplicates == 0
    assert result.unparsed == 0
    assert not result.errors
