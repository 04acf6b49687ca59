from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.support import migrate, postgres_database
from webapp.db.engine import create_engine, session_factory


@pytest.fixture(params=["sqlite", "postgres"])
def unit_database_url(request, tmp_path) -> Iterator[str]:
    """A fresh, migrated database per test, on each database."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'unit.db'}"
        migrate(url)
        yield url
        return
    with postgres_database(template=request.getfixturevalue("postgres_template")) as url:
        yield url


@pytest.fixture
async def session(unit_database_url: str) -> AsyncIterator[AsyncSession]:
    """A session on a fresh, migrated database."""
    engine = create_engine(unit_database_url)
    async with session_factory(engine)() as session:
        yield session
    await engine.dispose()


@pytest.fixture
async def sessions(unit_database_url: str) -> AsyncIterator:
    """The session factory of a fresh, migrated database, for code that opens its own."""
    engine = create_engine(unit_database_url)
    yield session_factory(engine)
    await engine.dispose()
