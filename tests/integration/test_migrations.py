"""The migrations build the models' schema, on SQLite and on PostgreSQL.

Plain functions: Alembic's env.py runs its own event loop."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from tests.conftest import require_postgres
from tests.support import ROOT, migrate, postgres_database, run_coroutine
from webapp.db.engine import create_engine
from webapp.db.models import Base


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database_url(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
        return
    require_postgres()
    with postgres_database() as url:
        yield url


def _inspect(url: str, look):
    async def run():
        engine = create_engine(url)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(look)
        finally:
            await engine.dispose()

    return run_coroutine(run())


def _differences(connection) -> list:
    return compare_metadata(MigrationContext.configure(connection), Base.metadata)


def _tables(connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


def test_upgrade_head_on_an_empty_database_gives_the_models_schema(empty_database_url: str) -> None:
    migrate(empty_database_url)
    assert _inspect(empty_database_url, _tables) == set(Base.metadata.tables)
    assert _inspect(empty_database_url, _differences) == []


def test_migrations_go_down_to_nothing_and_up_again(empty_database_url: str) -> None:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", empty_database_url)
    config.attributes["configure_logger"] = False
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    assert _inspect(empty_database_url, _tables) == set()
    command.upgrade(config, "head")
    assert _inspect(empty_database_url, _differences) == []


_ROWS_AT_0006 = [
    "INSERT INTO users (id, name, created_at) VALUES (1, 'Ada', '2026-01-01 00:00:00')",
    "INSERT INTO rooms (id, name, search_name, color, created_by, created_at, message_count, last_seq)"
    " VALUES (1, 'Plans', 'plans', '#336699', 1, '2026-01-01 00:00:00', 2, 2)",
    "INSERT INTO messages (id, room_id, author_id, body, created_at, seq) VALUES (1, 1, 1, 'hello', '2026-01-01 00:00:00', 1)",
    "INSERT INTO messages (id, room_id, author_id, body, created_at, seq) VALUES (2, 1, 1, 'again', '2026-01-01 00:00:01', 2)",
    "INSERT INTO reactions (message_id, user_id, emoji, created_at) VALUES (1, 1, 'x', '2026-01-01 00:00:02')",
    "INSERT INTO strokes (id, client_id, room_id, author_id, tool, color, width, points, point_count, done, created_at)"
    " VALUES (1, 'c1', 1, 1, 'pen', '#000000', 4, '[1, 2, 3, 4]', 2, true, '2026-01-01 00:00:03')",
]


def test_upgrading_a_database_in_use_keeps_every_row(empty_database_url: str) -> None:
    """Rebuilding a table on SQLite (batch mode) must not cascade into the rows
    that refer to it: an upgrade once erased every message this way."""
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", empty_database_url)
    config.attributes["configure_logger"] = False
    command.upgrade(config, "0006")

    async def fill():
        engine = create_engine(empty_database_url)
        try:
            async with engine.begin() as connection:
                for statement in _ROWS_AT_0006:
                    await connection.exec_driver_sql(statement)
        finally:
            await engine.dispose()

    run_coroutine(fill())
    command.upgrade(config, "head")

    def counts(connection) -> list[int]:
        tables = ["users", "rooms", "messages", "reactions", "strokes"]
        return [connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() for table in tables]

    assert _inspect(empty_database_url, counts) == [1, 1, 2, 1, 1]

    def uuids(connection) -> list[str]:
        return [row[0] for table in ("users", "rooms", "messages") for row in connection.exec_driver_sql(f"SELECT uuid FROM {table}")]

    # Rows from before 0014 got a public uuid each, a different one.
    given = _inspect(empty_database_url, uuids)
    assert len(set(given)) == 4 and all(uuid.UUID(value).version == 4 and str(uuid.UUID(value)) == value for value in given)
