from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import pytest

from tests.support import NO_LIMITS, Client, Server, migrate
from webapp.settings import Settings


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'chatboard.db'}"
    migrate(url)
    return url


@pytest.fixture(scope="session")
def server(database_url: str) -> Iterator[Server]:
    settings = Settings(database_url=database_url, secret_key="test-secret", env="test", **NO_LIMITS)
    server = Server(settings).start()
    yield server
    server.stop()


@pytest.fixture
def server_with(database_url: str) -> Iterator[callable]:
    """Start servers on the same database with some settings changed (limits, cookies)."""
    started: list[Server] = []

    def start(**changes) -> Server:
        settings = Settings(database_url=database_url, secret_key="test-secret", env="test", **changes)
        started.append(Server(settings).start())
        return started[-1]

    yield start
    for server in started:
        server.stop()


@pytest.fixture
async def clients(server: Server) -> AsyncIterator[callable]:
    """Make browser-like clients; all are closed after the test."""
    made: list[Client] = []

    def make() -> Client:
        client = Client(server.url)
        made.append(client)
        return client

    yield make
    for client in made:
        await client.close()
