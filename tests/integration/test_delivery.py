"""Delivery guarantees (docs/delivery.md): reconnect without loss, idempotent sends,
slow readers dropped alone, crash safety, graceful shutdown, SQLite under contention."""

from __future__ import annotations

import asyncio
import re
import signal
import socket
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg
import pytest
import websockets

from tests.integration.test_room_chat import collect_messages, enter, message_ids, new_room
from tests.support import NO_LIMITS, Client, Server, ServerProcess, _dsn, migrate, parse_fragment, postgres_database, run_coroutine
from webapp.settings import Settings

SERVICE_RESTART = 1012  # htmx-ext-ws reconnects after it by itself
TRY_AGAIN_LATER = 1013
MESSAGE_ID = re.compile(r'<article id="message-(\d+)"')


async def reconnect(client: Client, room: int, after: int) -> Client:
    """What the page does when its socket comes back: ?after= the last message it shows."""
    if client.ws is not None:
        await client.ws.close()
    client.frames.clear()
    await client.connect(f"/rooms/{room}", socket_path=f"/rooms/{room}/ws?after={after}")
    await client.expect("users", where=lambda el: el.get("hx-swap-oob") is None)
    return client


async def test_a_reconnect_gets_exactly_the_100_messages_sent_while_away_in_order(clients) -> None:
    host = await clients().connect()
    room = await new_room(host)
    alice, bob = await enter(clients(), room), await enter(clients(), room)
    await alice.send("send_message", body="before")
    [last_seen] = await collect_messages(bob, 1)

    await bob.ws.close()
    for n in range(100):
        await alice.send("send_message", body=f"while bob was away {n}")
    sent = await collect_messages(alice, 101)
    sent = sent[1:]

    await reconnect(bob, room, last_seen)
    got = await collect_messages(bob, 100)
    assert got == sent  # all of them, once each, in stored order
    await alice.send("send_message", body="live again")
    [live] = await collect_messages(bob, 1)
    assert live > sent[-1] and message_ids(await bob.quiet()) == []


async def chatter(client: Client, count: int) -> None:
    for n in range(count):
        await client.send("send_message", body=f"during {n}")
        await asyncio.sleep(0.005)


async def test_a_reconnect_while_messages_are_being_sent_loses_none_and_repeats_none(clients) -> None:
    """The boundary between the replay and the live subscription."""
    host = await clients().connect()
    room = await new_room(host)
    alice, bob = await enter(clients(), room), await enter(clients(), room)
    await alice.send("send_message", body="first")
    [last_seen] = await collect_messages(bob, 1)
    await bob.ws.close()

    sending = asyncio.create_task(chatter(alice, 60))
    await asyncio.sleep(0.05)
    await reconnect(bob, room, last_seen)
    await sending
    sent = (await collect_messages(alice, 61))[1:]
    got = message_ids(bob.frames)
    while len(got) < 60:
        got += await collect_messages(bob, 1)
    assert got == sent
    assert message_ids(await bob.quiet()) == []


def last_seq(client: Client) -> int:
    """The newest room-log sequence number the client was shown, as the page tracks it."""
    seqs = [int(el.get("data-seq")) for frame in client.frames for top in parse_fragment(frame) for el in top.iter() if el.get("data-seq")]
    return max(seqs)


async def test_a_reconnect_with_the_last_sequence_gets_every_change_once_in_order(clients) -> None:
    """?seq= the last change the page holds, with changes committed during the reconnect."""
    host = await clients().connect()
    room = await new_room(host)
    alice, bob = await enter(clients(), room), await enter(clients(), room)
    await alice.send("send_message", body="first")
    await collect_messages(bob, 1)
    seen = last_seq(bob)
    await bob.ws.close()

    sending = asyncio.create_task(chatter(alice, 60))
    await collect_messages(alice, 11)  # some sent while bob is away, the rest while it comes back
    bob.frames.clear()
    await bob.connect(f"/rooms/{room}", socket_path=f"/rooms/{room}/ws?seq={seen}")
    await sending
    await collect_messages(alice, 50)
    sent = message_ids(alice.frames)[1:]
    got = message_ids(bob.frames)
    while len(got) < 60:
        got += await collect_messages(bob, 1)
    assert got == sent
    assert message_ids(await bob.quiet()) == []
    assert last_seq(bob) == seen + 60


async def test_a_reconnect_after_a_long_absence_resyncs_the_history(server_with, clients_of) -> None:
    server = server_with(replay_limit=5, **NO_LIMITS)
    host = await clients_of(server).connect()
    room = await new_room(host)
    alice, bob = await enter(clients_of(server), room), await enter(clients_of(server), room)
    await alice.send("send_message", body="seen")
    [last_seen] = await collect_messages(bob, 1)
    await bob.ws.close()
    for n in range(6):
        await alice.send("send_message", body=f"missed {n}")
    sent = (await collect_messages(alice, 7))[1:]

    await reconnect(bob, room, last_seen)
    history = await bob.expect("messages")
    # The whole panel anew (its children), not 6 appended: the newest page, marked as a resync.
    assert history.get("hx-swap-oob") == "innerHTML"
    assert history.find(".//*[@id='messages-resynced']") is not None
    shown = [int(el.get("id").removeprefix("message-")) for el in history.findall("article")]
    assert shown[-6:] == sent and last_seen in shown
    assert message_ids(await bob.quiet()) == []


async def test_a_client_id_resent_after_a_reconnect_is_stored_and_shown_once(clients) -> None:
    host = await clients().connect()
    room = await new_room(host)
    alice, bob = await enter(clients(), room), await enter(clients(), room)
    client_id = str(uuid.uuid4())
    await alice.send("send_message", body="only once", client_id=client_id)
    await alice.send("send_message", body="only once", client_id=client_id)
    [stored] = await collect_messages(bob, 1)
    # Alice's socket drops before she sees her message; the page resends it.
    await reconnect(alice, room, stored - 1)
    assert await collect_messages(alice, 1) == [stored]
    await alice.send("send_message", body="only once", client_id=client_id)
    await alice.send("send_message", body="next")
    [following] = await collect_messages(bob, 1)
    assert following > stored and message_ids(await bob.quiet()) == []
    assert (await alice.get(f"/rooms/{room}")).text.count("only once") == 1


async def read_ids(client: Client, count: int) -> list[int]:
    """Message ids off the socket without parsing the HTML: a reader that keeps up."""
    ids: list[int] = []
    while len(ids) < count:
        frame = await asyncio.wait_for(client.ws.recv(), 10)
        client.frames.append(frame)
        if 'id="messages"' in frame:
            ids += [int(found) for found in MESSAGE_ID.findall(frame)]
    return ids


@pytest.fixture
def small_queue_server(tmp_path) -> Iterator[Server]:
    """Per-socket queues do not depend on the database, and 8 MB through one
    is enough: this server runs once, on a SQLite database of its own."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'slow-reader.db'}"
    migrate(url)
    server = Server(Settings(database_url=url, secret_key="test-secret", env="test", socket_queue_size=32, **NO_LIMITS)).start()
    yield server
    server.stop()


def left_in(frames: list[str], user_id: int) -> bool:
    return any(el.get("id") == f"user-{user_id}" and el.get("hx-swap-oob") == "delete" for f in frames for el in parse_fragment(f))


async def enter_and_stop_reading(stalled: Client, server: Server, room: int) -> Client:
    """A client in the room that reads nothing once it is in. Small buffers (its own:
    one frame; the kernel's: a few KiB) so that what backs up is the server's side."""
    await stalled.get(f"/rooms/{room}")
    tcp = socket.create_connection(("127.0.0.1", server.port))
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.ws = await websockets.connect(
        "ws" + server.url.removeprefix("http") + f"/rooms/{room}/ws",
        sock=tcp,
        additional_headers={"Cookie": stalled.cookie_header, "Origin": server.url},
        max_queue=1,
        compression=None,
        ping_interval=None,  # its pings would wait behind what it does not read
    )
    return stalled


async def test_a_reader_that_stops_reading_is_cut_off_when_it_leaves_a_ping_unanswered(server_with, clients_of) -> None:
    server = server_with(ping_seconds=0.5)
    host = await clients_of(server).connect()
    room = await new_room(host)
    alice = await enter(clients_of(server), room)
    stalled = await enter_and_stop_reading(clients_of(server), server, room)
    await alice.send("send_message", body="a few words: every buffer holds them, no queue fills")

    # Only the unanswered ping gives it away; the server lets it go (its presence ends).
    await alice.expect(f"user-{stalled.user_id}", timeout=10, where=lambda el: el.get("hx-swap-oob") == "delete")
    with pytest.raises(websockets.ConnectionClosed):
        while True:
            await asyncio.wait_for(stalled.ws.recv(), 5)
    # A reader that answers its pings stays: alice has been open since before the
    # stalled one, so through at least the interval and timeout that cut it off.
    await alice.send("send_message", body="still served")
    message = await alice.expect("messages", where=lambda el: "still served" in "".join(el.itertext()))
    assert message.get("hx-swap-oob") == "beforeend"


async def test_a_reader_that_stalls_is_dropped_and_the_others_get_everything(small_queue_server, clients_of) -> None:
    server = small_queue_server
    host = await clients_of(server).connect()
    room = await new_room(host)
    alice, bob = await enter(clients_of(server), room), await enter(clients_of(server), room)
    stalled = await enter_and_stop_reading(clients_of(server), server, room)
    body = "<" * 3900  # 15 KiB escaped, per frame
    count, batch = 560, 16  # 8 MB: more than the kernel's buffers (4 MiB each way at most) hold for the stalled one
    reading = asyncio.create_task(read_ids(bob, count))
    sent = []
    for n in range(0, count, batch):  # at the pace the room's readers keep up with
        for k in range(n, n + batch):
            await alice.send("send_message", body=f"{k} {body}")
        sent += await read_ids(alice, batch)
    assert await reading == sent

    # The server let the stalled socket go (its presence ended with it, perhaps
    # while bob was still reading), having sent it only part of what was said.
    if not left_in(bob.frames, stalled.user_id):
        await bob.expect(f"user-{stalled.user_id}", timeout=30, where=lambda el: el.get("hx-swap-oob") == "delete")
    seen: list[str] = []
    with pytest.raises(websockets.ConnectionClosed):
        while True:
            seen.append(await asyncio.wait_for(stalled.ws.recv(), 10))
    assert len(message_ids(seen)) < count
    # Reconnected, it catches up (in one frame of several MB: as a browser takes it).
    last = message_ids(seen)[-1] if message_ids(seen) else sent[0] - 1
    stalled.ws = await websockets.connect(
        "ws" + server.url.removeprefix("http") + f"/rooms/{room}/ws?after={last}",
        additional_headers={"Cookie": stalled.cookie_header, "Origin": server.url},
        max_size=None,
        compression=None,
    )
    missed = [i for i in sent if i > last]
    assert await read_ids(stalled, len(missed)) == missed


# --- Real server processes ---------------------------------------------------------------


@contextmanager
def database(kind: str, tmp_path, request) -> Iterator[str]:
    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'chatboard.db'}"
        migrate(url)
        yield url
        return
    template = request.getfixturevalue("postgres_template")
    with postgres_database(template) as url:
        yield url


def stored_ids(url: str) -> list[int]:
    if url.startswith("sqlite"):
        with sqlite3.connect(url.split("///", 1)[1]) as db:
            return [row[0] for row in db.execute("SELECT id FROM messages WHERE body IS NOT NULL AND author_id IS NOT NULL ORDER BY id")]

    async def query() -> list[int]:
        connection = await asyncpg.connect(_dsn(url))
        try:
            rows = await connection.fetch("SELECT id FROM messages WHERE body IS NOT NULL AND author_id IS NOT NULL ORDER BY id")
            return [row["id"] for row in rows]
        finally:
            await connection.close()

    return run_coroutine(query())


def restarted(process: ServerProcess) -> ServerProcess:
    """The same server again, on the same port: the pages' sockets come back to it."""
    again = ServerProcess(**{name: value for name, value in process.env.items() if name in {"DATABASE_URL", "CHANNELS_BACKEND"}})
    again.port, again.url, again.env["PORT"] = process.port, process.url, str(process.port)
    return again.start()


async def keep_sending(client: Client, label: str, seen: list[int]) -> None:
    """Send and read until the connection breaks; what was seen is recorded."""
    n = 0
    try:
        while True:
            await client.send("send_message", body=f"{label} {n}", client_id=f"{label}-{n}")
            n += 1
            while True:
                frame = await client.ws.recv()
                seen += message_ids([frame])
                if f"{label} {n - 1}" in frame:
                    break
    except (websockets.ConnectionClosed, OSError):
        return


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
async def test_kill_9_mid_traffic_loses_nothing_anyone_saw(kind, tmp_path, request) -> None:
    with database(kind, tmp_path, request) as url:
        process = ServerProcess(DATABASE_URL=url, CHANNELS_BACKEND="postgres" if kind == "postgres" else "memory").start()
        clients = [Client(process.url) for _ in range(4)]
        try:
            room = await new_room(await clients[0].connect())
            for client in clients:
                await enter(client, room)
            seen: list[list[int]] = [[] for _ in clients]
            senders = [asyncio.create_task(keep_sending(c, f"c{i}", seen[i])) for i, c in enumerate(clients)]
            while sum(map(len, seen)) < 200:
                await asyncio.sleep(0.01)
            process.process.send_signal(signal.SIGKILL)
            process.process.wait()
            await asyncio.gather(*senders)

            stored = stored_ids(url)
            assert set().union(*map(set, seen)) <= set(stored)
            if kind == "sqlite":
                with sqlite3.connect(url.split("///", 1)[1]) as db:
                    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]

            process = restarted(process)
            for client, theirs in zip(clients, seen):
                await reconnect(client, room, max(theirs))
                missed = [i for i in stored if i > max(theirs)]
                got = message_ids(client.frames)
                while len(got) < len(missed):
                    got += await collect_messages(client, 1)
                assert got == missed
        finally:
            for client in clients:
                await client.close()
            process.stop()


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
async def test_sigterm_closes_sockets_with_1012_commits_and_exits(kind, tmp_path, request) -> None:
    with database(kind, tmp_path, request) as url:
        process = ServerProcess(DATABASE_URL=url, CHANNELS_BACKEND="postgres" if kind == "postgres" else "memory").start()
        alice, bob = Client(process.url), Client(process.url)
        try:
            room = await new_room(await alice.connect())
            await enter(alice, room)
            await enter(bob, room)
            for n in range(50):
                await alice.send("send_message", body=f"in flight {n}")
            await collect_messages(bob, 1)
            process.process.send_signal(signal.SIGTERM)
            seen: list[int] = []
            with pytest.raises(websockets.ConnectionClosed) as closed:
                while True:
                    seen += message_ids([await asyncio.wait_for(bob.ws.recv(), 10)])
            assert closed.value.rcvd is not None and closed.value.rcvd.code == SERVICE_RESTART
            # uvicorn finishes its shutdown, then exits by the signal it got (as the platform expects).
            assert process.process.wait(timeout=15) in {0, -signal.SIGTERM}
            assert "timeout graceful shutdown exceeded" not in process.output()
            assert set(seen) <= set(stored_ids(url))
            assert "Traceback" not in process.output()
        finally:
            await alice.close()
            await bob.close()
            process.stop()


async def test_50_concurrent_senders_on_sqlite_never_see_a_locked_database(tmp_path, request) -> None:
    with database("sqlite", tmp_path, request) as url:
        process = ServerProcess(DATABASE_URL=url).start()
        senders = [Client(process.url) for _ in range(50)]
        try:
            room = await new_room(await senders[0].connect())
            await asyncio.gather(*(enter(client, room) for client in senders))

            async def send_five(client: Client, n: int) -> list[str]:
                for k in range(5):
                    await client.send("send_message", body=f"sender {n} message {k}")
                frames = []
                while sum(f"sender {n} message" in frame for frame in frames) < 5:
                    frames.append(await asyncio.wait_for(client.ws.recv(), 30))
                return frames

            frames = sum(await asyncio.gather(*(send_five(c, n) for n, c in enumerate(senders))), [])
            assert not any(el.get("id") == "errors" for frame in frames for el in parse_fragment(frame))
            assert len(stored_ids(url)) == 250
            assert "locked" not in process.output()
        finally:
            for client in senders:
                await client.close()
            process.stop()
