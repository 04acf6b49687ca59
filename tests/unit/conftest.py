from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.support import migrate
from webapp.db.engine import create_engine, session_factory


@pytest.fixture
async def session(tmp_path) -> AsyncIterator[AsyncSession]:
    """A session on a fresh, migrated database."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'unit.db'}"
    migrate(url)
    engine = create_engine(url)
    async with session_factory(engine)() as session:
        yield session
    await engine.dispose()
