"""Random statements at a real server's /api: random JSON, wrong types, huge
values, unknown calls, unicode, NUL bytes, deep nesting. Whatever comes, the
server logs no error, the connection stays open, and a refused statement
changes nothing stored. (The page sockets' fuzz test: test_fuzz_socket.py.)"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest
import websockets.sync.client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.test_fuzz_socket import MAX_FRAME, Database, ErrorLog, characters, deep, fuzzed_server, json_values
from webapp.api.calls import AnyCall

CALLS = sorted(call.__struct_config__.tag for call in AnyCall.__args__)
FIELDS = ["uuid", "name", "color", "body", "before", "points", "tool"]

payloads = st.fixed_dictionaries(
    {"message": st.sampled_from(CALLS) | st.text(characters, max_size=20) | json_values},
    optional={field: json_values for field in FIELDS},
)
statements = st.fixed_dictionaries(
    {"type": st.sampled_from(["call", "result", "error"]) | json_values, "payload": payloads | json_values}
).map(lambda statement: json.dumps(statement, ensure_ascii=False))
frames = st.one_of(statements, json_values.map(json.dumps), st.text(characters, max_size=100), st.binary(max_size=100), deep).filter(
    lambda frame: len(frame if isinstance(frame, bytes) else frame.encode()) < MAX_FRAME
)


def _call(message: str, **fields) -> str:
    return json.dumps({"type": "call", "payload": {"message": message, **fields}})


def read_until(socket, marker: str) -> list[dict]:
    got = []
    while True:
        statement = json.loads(socket.recv(timeout=10))
        got.append(statement)
        if marker in json.dumps(statement):
            return got


@pytest.fixture(scope="module")
def fuzzed(database_url: str) -> Iterator[tuple[websockets.sync.client.ClientConnection, Database, ErrorLog]]:
    with fuzzed_server(database_url) as (server, database, errors):
        with websockets.sync.client.connect(server.url.replace("http", "ws") + "/api", max_size=2**22, compression=None) as socket:
            # In a room: the room calls reach the services, not only no_selected_room.
            socket.send(_call("create_room", name="Fuzzed"))
            room = next(s for s in iter(lambda: json.loads(socket.recv(timeout=10)), None) if s["payload"]["message"] == "room_created")
            socket.send(_call("enter_room", uuid=room["payload"]["object"]["uuid"]))
            yield socket, database, errors


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(frame=frames)
def test_random_statements_never_break_the_server_or_change_what_a_refusal_should_not(fuzzed, frame: str | bytes) -> None:
    socket, database, errors = fuzzed
    before = database.rows()
    socket.send(frame)
    # An unknown call after it, whose error quotes its name: statements are handled in order.
    marker = f"marker-{uuid.uuid4().hex}"
    socket.send(_call(marker))
    answers = read_until(socket, marker)
    if any(answer["type"] == "error" for answer in answers[:-1]):
        assert database.rows() == before, f"a refused statement changed stored data: {frame!r:.200}"
    assert errors.records == [], [record.getMessage()[:300] for record in errors.records]
