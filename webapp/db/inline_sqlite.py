"""SQLite called from the event loop's own thread, for a process that is the
database's only writer.

aiosqlite runs every call (a cursor, an execute, a fetch, a commit) on a thread
of its own and wakes the loop with the result: on this machine each of those
hops costs 40–70 µs of CPU, ten times the statement, and storing a message
takes a dozen of them. This app's statements touch a few rows by index and
take microseconds, and in WAL mode readers never wait for the writer, so the
calls are made where they are awaited. SQLAlchemy's aiosqlite dialect drives
these connections unchanged, through `create_async_engine(async_creator=…)`.

What a blocking call would cost here: a writer in another process holding the
lock (a busy wait), and WAL checkpoints (an fsync). So db/engine.py uses this
only when the process is alone with its database, and checkpoints run on a
thread of their own (`checkpoint`).
"""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any


class Cursor:
    """An aiosqlite-shaped cursor whose awaitables complete at once."""

    __slots__ = ("_cursor",)

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._cursor.close()

    @property
    def description(self):
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Any = ()) -> Cursor:
        self._cursor.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Any) -> Cursor:
        self._cursor.executemany(sql, parameters)
        return self

    async def fetchone(self):
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None):
        return self._cursor.fetchmany(size or self._cursor.arraysize)

    async def fetchall(self):
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


class Connection:
    """An aiosqlite-shaped connection over a plain sqlite3 one."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        # SQLAlchemy's aiosqlite adapter reads `_connection` to tell an open
        # connection from a closed one before it commits or rolls back.
        self._connection: sqlite3.Connection | None = connection

    @property
    def isolation_level(self) -> str | None:
        return self._open().isolation_level

    def cursor(self) -> Cursor:
        return Cursor(self._open().cursor())

    async def execute(self, sql: str, parameters: Any = ()) -> Cursor:
        return Cursor(self._open().execute(sql, parameters))

    async def create_function(self, *args: Any, **kw: Any) -> None:
        self._open().create_function(*args, **kw)

    async def commit(self) -> None:
        self._open().commit()

    async def rollback(self) -> None:
        self._open().rollback()

    async def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def stop(self) -> None:
        """What SQLAlchemy calls to terminate a connection it gave up on."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _open(self) -> sqlite3.Connection:
        if self._connection is None:
            raise ValueError("Connection closed")
        return self._connection


def connector(path: str, timeout: float):
    """The `async_creator` for a database file."""

    async def connect() -> Connection:
        # No automatic checkpoints in the loop's thread: `checkpoint` does them.
        connection = sqlite3.connect(path, timeout=timeout, check_same_thread=False)
        connection.execute("PRAGMA wal_autocheckpoint=0")
        return Connection(connection)

    return connect


def checkpoint(path: str) -> None:
    """Copy the write-ahead log back into the database, on the caller's thread
    (a worker thread: it may fsync). PASSIVE: it never waits for readers or the writer."""
    connection = sqlite3.connect(path, timeout=1)
    try:
        connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
    finally:
        connection.close()


async def checkpoints(path: str, every: float = 2.0) -> None:
    """Checkpoint the log every few seconds, off the loop, for as long as the app runs."""
    while True:
        await asyncio.sleep(every)
        await asyncio.to_thread(checkpoint, path)
