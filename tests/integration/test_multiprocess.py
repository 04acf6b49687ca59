"""Two real server processes on one PostgreSQL: what happens on one reaches the other's clients.

Each test runs twice: the processes fanned out through PostgreSQL LISTEN/NOTIFY,
then through Redis. One client is connected to each process.
"""

from __future__ import annotations

import asyncio
import random
import signal
import statistics
import time
import uuid
from collections.abc import Iterator

import pytest

from tests.conftest import require_postgres, require_redis
from tests.integration.test_room_chat import collect_messages, enter, message_ids
from tests.support import REDIS_URL, Client, ServerProcess, migrate, parse_fragment, postgres_database, text_of
from webapp.db.models import BODY_MAX


@pytest.fixture(scope="module")
def database_url_for_processes() -> Iterator[str]:
    require_postgres()
    with postgres_database() as url:
        migrate(url)
        yield url


@pytest.fixture(params=["postgres", "redis"])
def processes(request, database_url_for_processes) -> Iterator[callable]:
    """Start `python -m webapp` processes sharing the database and the bus; all stopped afterwards."""
    env = {"DATABASE_URL": database_url_for_processes, "CHANNELS_BACKEND": request.param}
    if request.param == "redis":
        require_redis()
        # A database of its own: other test runs on this machine may share the server.
        env["REDIS_URL"] = REDIS_URL.rsplit("/", 1)[0] + f"/{random.randint(1, 15)}"
    started: list[ServerProcess] = []

    def start(**extra: str) -> ServerProcess:
        process = ServerProcess(**env, **extra).start()
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


@pytest.fixture
def two(processes) -> tuple[ServerProcess, ServerProcess]:
    return processes(), processes()


def _room_id(element) -> int:
    return int(element.find("li").get("id").removeprefix("room-"))


async def _create_room(client: Client, name: str) -> int:
    await client.send("create_room", name=name)
    return _room_id(await client.expect("rooms", where=lambda el: name in text_of(el)))


async def test_room_changes_cross_over_in_order(two, clients_of) -> None:
    a, b = two
    alice, bob = await clients_of(a).connect(), await clients_of(b).connect()
    tag = uuid.uuid4().hex[:6]

    names = [f"Room {tag} {n}" for n in range(5)]
    for name in names:
        await alice.send("create_room", name=name)
    ids = []
    for name in names:  # each expect reads on from the last: a later room first would fail here
        ids.append(_room_id(await bob.expect("rooms", where=lambda el, name=name: name in text_of(el))))
    assert ids == sorted(ids)
    room_id = ids[0]

    await alice.send("rename_room", room=str(room_id), name=f"Renamed {tag}")
    renamed = await bob.expect(f"room-{room_id}")
    assert text_of(renamed.find(".//*[@class='room-name']")) == f"Renamed {tag}"

    await bob.send("recolor_room", room=str(room_id), color="#2B347E")
    await alice.expect(f"room-{room_id}", where=lambda el: "#2b347e" in el.get("style"))

    await alice.send("delete_room", room=str(room_id))  # its creator
    deleted = await bob.expect(f"room-{room_id}", where=lambda el: el.get("hx-swap-oob") == "delete")
    assert deleted is not None


async def test_messages_cross_over_in_one_order_for_everyone(two, clients_of) -> None:
    a, b = two
    room_id = await _create_room(await clients_of(a).connect(), f"Talk {uuid.uuid4().hex[:6]}")
    alice = await enter(clients_of(a), room_id)
    bob = await enter(clients_of(b), room_id)

    await asyncio.gather(
        *(alice.send("send_message", body=f"alice {n}") for n in range(5)),
        *(bob.send("send_message", body=f"bob {n}") for n in range(5)),
    )
    seen_by_alice, seen_by_bob = await collect_messages(alice, 10), await collect_messages(bob, 10)
    # Sent at once from two processes: both clients get all ten, in the same order.
    assert seen_by_alice == seen_by_bob
    assert len(set(seen_by_alice)) == 10
    bodies = {int(el.get("id").removeprefix("message-")): text_of(el.find(".//*[@class='body']"))
              for frame in bob.frames for top in parse_fragment(frame) if top.get("id") == "messages"
              for el in top.findall("article")}
    for sender in ("alice", "bob"):
        assert [bodies[i] for i in seen_by_bob if bodies[i].startswith(sender)] == [f"{sender} {n}" for n in range(5)]


async def test_a_message_over_the_notify_limit_crosses_over_whole(two, clients_of) -> None:
    a, b = two
    room_id = await _create_room(await clients_of(a).connect(), f"Long {uuid.uuid4().hex[:6]}")
    alice = await enter(clients_of(a), room_id)
    bob = await enter(clients_of(b), room_id)
    lobby = await clients_of(b).connect()

    body = "€" * BODY_MAX  # 12,000 bytes in UTF-8, more again as JSON and HTML
    await alice.send("send_message", body=body)
    [message_id] = await collect_messages(bob, 1)
    article = next(el for frame in bob.frames for top in parse_fragment(frame) if top.get("id") == "messages"
                   for el in top.findall("article"))
    assert article.get("id") == f"message-{message_id}"
    assert text_of(article.find(".//*[@class='body']")) == body
    await lobby.expect(f"msgcount-{room_id}", where=lambda el: text_of(el) == "1")


async def test_a_room_page_on_one_process_sees_changes_made_on_the_other(two, clients_of) -> None:
    a, b = two
    owner = await clients_of(a).connect()
    room_id = await _create_room(owner, f"Stage {uuid.uuid4().hex[:6]}")
    visitor = await clients_of(b).connect(f"/rooms/{room_id}")

    await owner.send("rename_room", room=str(room_id), name="Main stage")
    title = await visitor.expect("room-title")
    assert text_of(title) == "Main stage"


async def test_presence_counts_add_up_across_processes(two, clients_of) -> None:
    a, b = two
    lobby_a, lobby_b = await clients_of(a).connect(), await clients_of(b).connect()
    room_id = await _create_room(lobby_a, f"Crowd {uuid.uuid4().hex[:6]}")
    counted = lambda n: lambda el: text_of(el) == str(n)  # noqa: E731

    first = await clients_of(a).connect(f"/rooms/{room_id}")
    await lobby_b.expect(f"usercount-{room_id}", where=counted(1))
    second = await clients_of(b).connect(f"/rooms/{room_id}")
    for lobby in (lobby_a, lobby_b):
        await lobby.expect(f"usercount-{room_id}", where=counted(2))

    await first.ws.close()
    for lobby in (lobby_a, lobby_b):
        await lobby.expect(f"usercount-{room_id}", where=counted(1))
    page = await clients_of(a).get("/")
    assert f'id="usercount-{room_id}">1<' in page.text
    await second.ws.close()
    await lobby_a.expect(f"usercount-{room_id}", where=counted(0))


async def test_a_process_that_stops_takes_its_people_out_of_the_counts(processes, clients_of) -> None:
    a, b = processes(), processes()
    lobby = await clients_of(a).connect()
    room_id = await _create_room(lobby, f"Leaving {uuid.uuid4().hex[:6]}")
    await clients_of(b).connect(f"/rooms/{room_id}")
    await lobby.expect(f"usercount-{room_id}", where=lambda el: text_of(el) == "1")

    b.stop()
    await lobby.expect(f"usercount-{room_id}", where=lambda el: text_of(el) == "0")


async def test_a_user_rename_reaches_their_tab_on_the_other_process(two, clients_of) -> None:
    a, b = two
    here = await clients_of(a).connect()
    there = clients_of(b)
    there.http.cookies = here.http.cookies  # the same browser; processes share SECRET_KEY
    await there.connect()
    assert here.user_id == there.user_id

    name = f"Otter Everywhere {uuid.uuid4().hex[:6]}"  # names are one person's each, and the database is shared
    await here.send("rename_user", name=name)
    me = await there.expect("me")
    assert me.find(".//input[@name='name']").get("value") == name


async def test_several_workers_in_one_process_group(processes, clients_of) -> None:
    """WEB_CONCURRENCY workers share the port; whichever serves a client, it sees every change."""
    group = processes(WEB_CONCURRENCY="2")
    watchers = [await clients_of(group).connect() for _ in range(6)]
    name = f"Workers {uuid.uuid4().hex[:6]}"
    await watchers[0].send("create_room", name=name)
    for watcher in watchers:
        await watcher.expect("rooms", where=lambda el: name in text_of(el))


async def test_fan_out_latency_between_processes(two, clients_of, request) -> None:
    """A measurement, not a limit: from a client of A sending a message to a client of B receiving it."""
    a, b = two
    room_id = await _create_room(await clients_of(a).connect(), f"Latency {uuid.uuid4().hex[:6]}")
    sender = await enter(clients_of(a), room_id)
    receiver = await enter(clients_of(b), room_id)
    samples = []
    for n in range(50):
        started = time.perf_counter()
        await sender.send("send_message", body=f"ping {n}")
        await receiver.expect("messages", where=lambda el, n=n: f"ping {n}" in text_of(el))
        samples.append((time.perf_counter() - started) * 1000)
        # Read the sender's own copy too: a client that leaves frames unread is slow to close.
        await sender.expect("messages", where=lambda el, n=n: f"ping {n}" in text_of(el))
    backend = request.node.callspec.params["processes"]
    samples.sort()
    report = (
        f"fan-out {backend}: send_message on A → shown on B, n={len(samples)}: "
        f"median {statistics.median(samples):.1f} ms, p90 {samples[int(len(samples) * 0.9) - 1]:.1f} ms, "
        f"max {samples[-1]:.1f} ms"
    )
    with request.config.pluginmanager.get_plugin("capturemanager").global_and_fixture_disabled():
        print("\n" + report)


async def test_a_process_killed_right_after_a_commit_loses_no_live_event(database_url_for_processes, clients_of) -> None:
    """The PostgreSQL outbox: the event row commits with the message, so the
    other process delivers it though its sender died before publishing anything."""
    env = {"DATABASE_URL": database_url_for_processes, "CHANNELS_BACKEND": "postgres"}
    doomed = ServerProcess(**env, TEST_CRASH_AFTER_COMMIT="1").start()
    survivor = ServerProcess(**env).start()
    try:
        room_id = await _create_room(await clients_of(survivor).connect(), f"Crash {uuid.uuid4().hex[:6]}")
        alice = await enter(clients_of(doomed), room_id)
        bob = await enter(clients_of(survivor), room_id)

        await alice.send("send_message", body="the last words")
        assert doomed.process.wait(timeout=15) == -signal.SIGKILL  # killed between its commit and anything after
        [last_words] = await collect_messages(bob, 1)
        await bob.send("send_message", body="heard you")
        [reply] = await collect_messages(bob, 1)
        assert last_words < reply and message_ids(await bob.quiet()) == []  # once each, in order
        bodies = [text_of(el.find(".//*[@class='body']")) for frame in bob.frames for top in parse_fragment(frame)
                  if top.get("id") == "messages" for el in top.findall("article")]
        assert bodies == ["the last words", "heard you"]
    finally:
        doomed.stop()
        survivor.stop()
