from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import pytest
import redis

from tests.support import NO_LIMITS, REDIS_URL, Client, Server, migrate, postgres_available, postgres_database
from webapp.settings import Settings

IN_CI = os.environ.get("CI") == "true"


def require_postgres() -> None:
    """Skip without PostgreSQL; in CI its absence is a failure (make test starts it)."""
    if not postgres_available():
        if IN_CI:
            pytest.fail("PostgreSQL is not reachable (scripts/test-services starts it)")
        pytest.skip("PostgreSQL is not reachable; run scripts/test-services")


def require_redis() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=5).ping()
    except redis.RedisError:
        if IN_CI:
            pytest.fail(f"Redis is not reachable at {REDIS_URL} (scripts/test-services starts it)")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}; run scripts/test-services")


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def database_url(request, tmp_path_factory) -> Iterator[str]:
    """The whole suite runs once per database, each time on a fresh, migrated one."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'chatboard.db'}"
        migrate(url)
        yield url
        return
    require_postgres()
    with postgres_database() as url:
        migrate(url)
        yield url


def _bus(database_url: str) -> str:
    # On PostgreSQL the events cross its LISTEN/NOTIFY bus too, as in production.
    return "postgres" if database_url.startswith("postgresql") else "memory"


@pytest.fixture(scope="session")
def server(database_url: str) -> Iterator[Server]:
    settings = Settings(
        database_url=database_url, secret_key="test-secret", env="test", channels_backend=_bus(database_url), **NO_LIMITS
    )
    server = Server(settings).start()
    yield server
    server.stop()


@pytest.fixture
def server_with(database_url: str) -> Iterator[callable]:
    """Start servers on the same database with some settings changed (limits, cookies)."""
    started: list[Server] = []

    def start(**changes) -> Server:
        changes = {"channels_backend": _bus(database_url), **changes}
        settings = Settings(database_url=database_url, secret_key="test-secret", env="test", **changes)
        started.append(Server(settings).start())
        return started[-1]

    yield start
    for server in started:
        server.stop()


@pytest.fixture
async def clients_of() -> AsyncIterator[callable]:
    """Make browser-like clients of a given server; all are closed after the test."""
    made: list[Client] = []

    def make(server: Server) -> Client:
        client = Client(server.url)
        made.append(client)
        return client

    yield make
    for client in made:
        await client.close()


@pytest.fixture
def clients(server: Server, clients_of) -> callable:
    """Make browser-like clients of the session's server."""
    return lambda: clients_of(server)


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A migrated database to copy: a fresh one per test costs a CREATE DATABASE, not a migration."""
    require_postgres()
    with postgres_database() as url:
        migrate(url)
        yield url
