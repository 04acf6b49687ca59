"""A name is one person's: another active identity's name, whatever its case or
invisible characters, is refused with name_taken, and nothing changes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from tests.integration.test_room_chat import enter, new_room
from tests.support import by_id, parse_page
from webapp.chat import users
from webapp.db.engine import create_engine, session_factory
from webapp.db.models import User, utcnow


async def name_shown(client) -> str:
    return by_id(parse_page((await client.get("/info")).text), "my-name").get("value")


async def test_a_taken_name_is_refused_in_any_case_or_disguise(clients) -> None:
    host = await clients().connect()
    room = await new_room(host)
    ada, bob = await enter(clients(), room), await enter(clients(), room)
    await ada.send("rename_user", name="Ada Lovelace")
    await ada.expect("me")
    before = await name_shown(bob)
    for disguise in ("ada lovelace", "ADA  LOVELACE", "Ada\u200b Lovelace", "Ａｄａ Lovelace"):
        await bob.send("rename_user", name=disguise)
        notice = await bob.expect_error("name_taken")
        assert "already goes by" in notice.text
    assert await name_shown(bob) == before
    # One's own name in other capitals is one's own.
    await ada.send("rename_user", name="ADA LOVELACE")
    assert (await ada.expect("me")).find(".//input[@id='my-name']").get("value") == "ADA LOVELACE"


async def test_a_name_is_free_again_after_thirty_quiet_days(clients, database_url) -> None:
    old, new = await clients().connect(), await clients().connect()
    await old.send("rename_user", name="Grace Hopper")
    await old.expect("me")
    await new.send("rename_user", name="grace hopper")
    await new.expect_error("name_taken")
    engine = create_engine(database_url)
    try:
        async with session_factory(engine).begin() as session:
            await session.execute(update(User).where(User.id == old.user_id).values(created_at=utcnow() - timedelta(days=31)))
    finally:
        await engine.dispose()
    await new.send("rename_user", name="grace hopper")
    await new.expect("me")
    assert users.name_key("Grace Hopper") == users.name_key("GRACE HOPPER")
