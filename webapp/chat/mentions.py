"""Mentions: `@` then the current name of someone who has been in the room.

Parsed once, as the message is stored, with one pattern over the room's names
(kept compiled while the names stay the same); the longest name wins, case
aside. Each mention is stored with the name as it was, so the body shows the
same mention after the person renames, and a page finds it again with a
pattern over that message's few names."""

from __future__ import annotations

import re
from functools import lru_cache

from sqlalchemy import bindparam, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from webapp.chat.events import UserView
from webapp.db.models import Mention, ReadPosition, User

MENTIONS, READS, USERS = Mention.__table__, ReadPosition.__table__, User.__table__
_NAMES = (
    select(USERS.c.id, USERS.c.name)
    .join(READS, READS.c.user_id == USERS.c.id)
    .where(READS.c.room_id == bindparam("room"))
    .order_by(USERS.c.id)
)
_RECORD = insert(MENTIONS)


@lru_cache(maxsize=1024)
def pattern(names: frozenset[str]) -> re.Pattern[str]:
    """@name for any of these (case-folded) names, the longest first so that it wins:
    after the start, a space or an opening bracket or quote (not inside an address),
    and before anything but a letter or digit."""
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=lambda name: (-len(name), name)))
    return re.compile(rf"(?<![^\s(\[{{\"'“‘])@({alternatives})(?!\w)", re.IGNORECASE)


def find(body: str, people: list[UserView]) -> list[UserView]:
    """Who the body names, each once, in the order first named, with their name as it is now.
    Two people of the same name: the one who came first."""
    if "@" not in body or not people:
        return []
    by_name: dict[str, UserView] = {}
    for person in people:
        by_name.setdefault(person.name.casefold(), person)
    named: dict[int, UserView] = {}
    for match in pattern(frozenset(by_name)).finditer(body):
        person = by_name.get(match.group(1).casefold())
        if person is not None:
            named.setdefault(person.id, person)
    return list(named.values())


async def record(connection: AsyncConnection, room_id: int, message_id: int, body: str) -> list[UserView]:
    """Store who a new message names, in its transaction. A body without an @ costs nothing more."""
    if "@" not in body:
        return []
    people = [UserView(id, name) for id, name in await connection.execute(_NAMES, {"room": room_id})]
    named = find(body, people)
    if named:
        rows = [{"message_id": message_id, "user_id": user.id, "room_id": room_id, "name": user.name} for user in named]
        await connection.execute(_RECORD, rows)
    return named
