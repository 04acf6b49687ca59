"""Group commit: jobs queued together share one transaction; a refused one
is answered alone and takes nothing else with it; events go out after commit."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager, suppress

import pytest

from webapp.chat.errors import ChatError
from webapp.chat.events import RoomDeleted
from webapp.db.writer import Writer


class Ledger:
    """Transactions as a list: each commit is the jobs' writes it held."""

    def __init__(self) -> None:
        self.commits: list[list[int]] = []
        self.log: list[str] = []

    @asynccontextmanager
    async def transaction(self):
        writes: list[int] = []
        yield writes  # the "session" a job writes to
        self.commits.append(writes)  # reached only if nothing raised: a commit
        self.log.append("commit")

    async def stage(self, session, events) -> None:
        self.log.append(f"stage {len(events)}")

    def committed(self, events) -> None:
        self.log.append(f"deliver {[event.room_id for event in events]}")


def job(n: int, refuse: bool = False):
    async def run(writes: list[int]):
        writes.append(n)
        if refuse:
            raise ChatError("bad_data")
        return RoomDeleted(n)

    return run


@pytest.fixture
async def writer():
    ledger = Ledger()
    writer = Writer(ledger.transaction, ledger)
    task = asyncio.create_task(writer.work())
    yield writer, ledger
    task.cancel()
    with suppress(asyncio.CancelledError):
        await task


async def test_jobs_queued_together_are_one_commit_answered_after_it(writer) -> None:
    writer, ledger = writer
    outcomes = await asyncio.gather(*(writer.run(job(n)) for n in range(50)))
    assert outcomes == [RoomDeleted(n) for n in range(50)]
    assert ledger.commits == [list(range(50))]
    assert ledger.log == ["stage 50", "commit", f"deliver {list(range(50))}"]  # staged inside, delivered after


async def test_a_refused_job_is_answered_alone_and_the_others_are_stored(writer) -> None:
    writer, ledger = writer
    runs = [writer.run(job(n, refuse=(n == 2))) for n in range(5)]
    outcomes = await asyncio.gather(*runs, return_exceptions=True)
    assert isinstance(outcomes[2], ChatError) and outcomes[2].code == "bad_data"
    assert [o for i, o in enumerate(outcomes) if i != 2] == [RoomDeleted(n) for n in (0, 1, 3, 4)]
    # The batch is rolled back and run again one job per transaction, in order.
    assert ledger.commits == [[0], [1], [3], [4]]
