"""Random frames at a real server's socket: random JSON, wrong types, huge values,
unknown actions, unicode, NUL bytes, deep nesting. Whatever comes, the server
logs no error, the socket stays open (every frame here is under 64 KiB), and a
refused frame changes nothing stored."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
import websockets.sync.client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from webapp.realtime.commands import AnyCommand
from tests.support import NO_LIMITS, Server
from webapp.db.engine import create_engine
from webapp.settings import Settings

ACTIONS = {command.__struct_config__.tag for command in AnyCommand.__args__}

MAX_FRAME = 65536
FIELDS = ["name", "color", "room", "body", "client_id", "stroke", "points", "tool", "width", "done", "HEADERS"]

characters = st.characters(blacklist_categories=("Cs",))  # lone surrogates cannot be sent as text
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(characters, max_size=40)
    | st.sampled_from(["", "\x00", "#fff", "#12345678", "1", "-1", "9" * 30, "\u202e", "<b>"])
    | st.integers(0, 60_000).map(lambda n: "x" * n)
)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(characters, max_size=8), children, max_size=4),
    max_leaves=12,
)
commands = st.fixed_dictionaries(
    {"action": st.sampled_from(sorted(ACTIONS)) | st.text(characters, max_size=20) | json_values},
    optional={field: json_values for field in FIELDS},
).map(lambda frame: json.dumps(frame, ensure_ascii=False))
deep = st.integers(1, 30_000).flatmap(
    lambda n: st.sampled_from(["[" * n + "]" * n, '{"a":' * n + "1" + "}" * n, '{"action":"create_room","name":' + "[" * n + "]" * n + "}"])
)
frames = st.one_of(
    commands,
    json_values.map(json.dumps),
    st.text(characters, max_size=100),
    st.binary(max_size=100),
    deep,
).filter(lambda frame: len(frame if isinstance(frame, bytes) else frame.encode()) < MAX_FRAME)


class Database:
    """Reads the stored rows from a thread of its own (the test itself is synchronous)."""

    def __init__(self, url: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.engine = create_engine(url)

    def rows(self) -> dict[str, list]:
        async def read() -> dict[str, list]:
            async with self.engine.connect() as connection:
                return {
                    "rooms": (await connection.execute(text("SELECT id, name, search_name, color FROM rooms ORDER BY id"))).all(),
                    "users": (await connection.execute(text("SELECT id, name FROM users ORDER BY id"))).all(),
                }

        return asyncio.run_coroutine_threadsafe(read(), self.loop).result(30)

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self.engine.dispose(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


class ErrorLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def fuzzed_server(database_url: str) -> Iterator[tuple[Server, Database, ErrorLog]]:
    """A server with its limits out of the way (every frame should reach parsing and
    the services), its stored rows, and the errors it logs."""
    server = Server(Settings(database_url=database_url, secret_key="test-secret", env="test", **NO_LIMITS)).start()
    errors = ErrorLog()
    watched = [logging.getLogger(), logging.getLogger("uvicorn"), logging.getLogger("litestar")]
    for logger in watched:
        logger.addHandler(errors)
    database = Database(database_url)
    try:
        yield server, database, errors
    finally:
        database.close()
        for logger in watched:
            logger.removeHandler(errors)
        server.stop()


@pytest.fixture(scope="module")
def fuzzed(database_url: str) -> Iterator[tuple[websockets.sync.client.ClientConnection, Database, ErrorLog]]:
    with fuzzed_server(database_url) as (server, database, errors):
        with httpx.Client(base_url=server.url) as http:
            http.get("/")
            cookie = "; ".join(f"{name}={value}" for name, value in http.cookies.items())
        with websockets.sync.client.connect(
            server.url.replace("http", "ws") + "/ws",
            additional_headers={"Cookie": cookie, "Origin": server.url},
            max_size=2**22,
            compression=None,
        ) as socket:
            yield socket, database, errors


def read_until(socket, marker: str) -> list[str]:
    got = []
    while True:
        frame = socket.recv(timeout=10)
        got.append(frame)
        if marker in frame:
            return got


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(frame=frames)
def test_random_frames_never_break_the_server_or_change_what_a_refusal_should_not(fuzzed, frame: str | bytes) -> None:
    socket, database, errors = fuzzed
    before = database.rows()
    socket.send(frame)
    # A marker frame after it: the socket handles frames in order, so when the
    # marker's answer is back, the fuzzed frame has been handled (and committed).
    marker = f"marker-{uuid.uuid4().hex}"
    socket.send(json.dumps({"action": marker}))
    answers = read_until(socket, marker)
    if any("data-code=" in answer for answer in answers[:-1]):
        assert database.rows() == before, f"a refused frame changed stored data: {frame!r:.200}"
    assert errors.records == [], [record.getMessage()[:300] for record in errors.records]
