"""Group commit: the changes that arrive together are stored in one transaction.

Every change a socket asks for is a job (a function of the session that
returns its events). One task takes the jobs queued since the last commit,
runs them in order in one transaction, hands their events to the bus inside
it (the PostgreSQL outbox) and after the commit (memory, Redis), and only
then answers each caller: what anyone sees is stored. A commit costs about
the same for one change as for fifty, so a busy room stores many times more
messages a second than one transaction per message would.

A job that fails (a refused change) must not take the others with it: the
batch is rolled back and its jobs are run again one transaction each.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from webapp.chat.events import Event
from webapp.db.engine import normalize_url

log = logging.getLogger(__name__)

Job = Callable[[AsyncSession], Awaitable[Any]]
MAX_BATCH = 200


def transactions(url: str, sessions: async_sessionmaker[AsyncSession]) -> Callable[[], AbstractAsyncContextManager[AsyncSession]]:
    """`async with transaction() as session:` commits at the end.

    SQLite has one writer at a time, and writers that race for its lock wait in
    its busy handler, which sleeps in steps of up to 100 ms. Queued on one
    asyncio lock, this process's writers take turns without sleeping.
    PostgreSQL needs no queue."""
    turns = asyncio.Lock() if normalize_url(url).startswith("sqlite") else nullcontext()

    @asynccontextmanager
    async def transaction() -> AsyncIterator[AsyncSession]:
        async with turns, sessions.begin() as session:
            yield session

    return transaction


def events_of(outcome: Any) -> list[Event]:
    """A job returns an event, a list of them, or None."""
    if outcome is None:
        return []
    return list(outcome) if isinstance(outcome, list) else [outcome]


class Writer:
    def __init__(self, transaction: Callable[[], AbstractAsyncContextManager[AsyncSession]], bus) -> None:
        self.transaction = transaction
        self.bus = bus
        self._jobs: list[tuple[Job, asyncio.Future]] = []
        self._wake = asyncio.Event()
        # A test hook (tests/integration/test_delivery.py): called between a
        # commit and its delivery, where a crash would lose events without an outbox.
        self.after_commit: Callable[[list[Event]], None] | None = None

    async def run(self, job: Job) -> Any:
        """Run the job in the next transaction; its outcome once that is committed."""
        done = asyncio.get_running_loop().create_future()
        self._jobs.append((job, done))
        self._wake.set()
        return await done

    async def work(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._jobs:
                batch, self._jobs = self._jobs[:MAX_BATCH], self._jobs[MAX_BATCH:]
                await self._commit_batch(batch)

    async def _commit_batch(self, batch: list[tuple[Job, asyncio.Future]]) -> None:
        try:
            outcomes = await self._commit([job for job, _ in batch])
        except Exception as error:
            if len(batch) == 1:
                _settle(batch[0][1], error=error)
                return
            for job, done in batch:
                try:
                    [outcome] = await self._commit([job])
                except Exception as error:
                    _settle(done, error=error)
                else:
                    _settle(done, outcome)
            return
        for (_, done), outcome in zip(batch, outcomes):
            _settle(done, outcome)

    async def _commit(self, jobs: list[Job]) -> list[Any]:
        async with self.transaction() as session:
            outcomes = [await job(session) for job in jobs]
            events = [event for outcome in outcomes for event in events_of(outcome)]
            await self.bus.stage(session, events)
        if self.after_commit is not None:
            self.after_commit(events)
        self.bus.committed(events)
        return outcomes


def _settle(done: asyncio.Future, outcome: Any = None, error: BaseException | None = None) -> None:
    if done.done():
        return  # its caller went away
    if error is not None:
        done.set_exception(error)
    else:
        done.set_result(outcome)
