"""The async engine and session factory, tuned per database."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine, AsyncSession

from webapp.db import inline_sqlite

SQLITE_TIMEOUT = 30


def normalize_url(url: str) -> str:
    """Accept the `postgres://` URLs that PaaS hand out and pick the async drivers."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+asyncpg")
    elif parsed.drivername == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    return parsed.render_as_string(hide_password=False)


def sqlite_path(url: str) -> str | None:
    """The file of a SQLite URL (None for another database, or one in memory)."""
    parsed = make_url(normalize_url(url))
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return parsed.database


def create_engine(url: str, alone: bool = False) -> AsyncEngine:
    """`alone`: this process is its SQLite file's only writer, so statements run
    in the event loop's thread (db/inline_sqlite.py) rather than on aiosqlite's."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if alone and path is not None:
            # Sessions held across awaits (a socket catching up) each hold a
            # connection; a pool big enough never opens and closes them under load.
            engine = create_async_engine(url, async_creator=inline_sqlite.connector(path, SQLITE_TIMEOUT), pool_size=20, max_overflow=80)
        else:
            engine = create_async_engine(url, connect_args={"timeout": SQLITE_TIMEOUT})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers run beside the one writer; the busy timeout makes
    # concurrent writers wait for the lock instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
