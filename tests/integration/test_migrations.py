"""The migrations build the models' schema, on SQLite and on PostgreSQL.

Plain functions: Alembic's env.py runs its own event loop."""

from __future__ import annotations

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
