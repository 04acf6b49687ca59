"""The lobby: each room with its latest message and how long ago, in the order the reader picked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.support import parse_fragment, text_of
from webapp.chat import message_actions, messages, rooms, users
from webapp.chat.events import LatestView, RoomView, UserView
from webapp.days import time_ago
from webapp.db.engine import create_engine, session_factory
from webapp.rendering import create_environment

env = create_environment()


@pytest.fixture
async def sessions(database_url):
    engine = create_engine(database_url)
    yield session_factory(engine)
    await engine.dispose()


async def test_each_room_lists_its_latest_shown_message_in_either_order(sessions) -> None:
    async with sessions.begin() as session:
        ada = await users.create_user(session)
        first = (await rooms.create_room(session, creator_id=ada.id, name="First")).room
        second = (await rooms.create_room(session, creator_id=ada.id, name="Second")).room
        await rooms.create_room(session, creator_id=ada.id, name="Empty")
    for body in ("older", "newest\n  of   all " + "x" * 100):
        async with sessions.begin() as session:
            await messages.send_message(session, room_id=first.id, author_id=ada.id, body=body)
    async with sessions.begin() as session:
        kept = (await messages.send_message(session, room_id=second.id, author_id=ada.id, body="kept")).message
        gone = (await messages.send_message(session, room_id=second.id, author_id=ada.id, body="secret")).message
        await messages.room_line(session, room_id=second.id, author_id=ada.id, body="renamed the room")
    async with sessions.begin() as session:
        await message_actions.delete_message(session, room_id=second.id, user_id=ada.id, message_id=gone.id)

    async with sessions() as session:
        active, _ = await rooms.list_rooms(session)
        created, _ = await rooms.list_rooms(session, order="created")
    # Recent activity: the last written in first; creation: the order they were made.
    assert [room.name for room in created] == ["First", "Second", "Empty"]
    assert [room.name for room in active] == ["Second", "First", "Empty"]
    by_name = {room.name: room.latest for room in active}
    assert by_name["Empty"] is None
    # A deleted message and the room's own lines are never what the lobby shows.
    assert (by_name["Second"].excerpt, by_name["Second"].author.id) == (kept.body, ada.id)
    latest = by_name["First"].excerpt
    assert latest.startswith("newest of all xxx") and len(latest) == messages.PREVIEW_MAX and latest.endswith("…")


def test_a_rooms_entry_shows_who_said_what_and_how_long_ago() -> None:
    when = datetime.now(UTC) - timedelta(minutes=7)
    room = RoomView(4, "Design crit", "#2b347e", 3, 1, latest=LatestView(UserView(9, "Ada"), "<b>look</b> at this", when))
    [entry] = parse_fragment(env.get_template("fragments/room.html").render(room=room))
    latest = entry.find(".//p[@id='latest-4']")
    assert text_of(latest) == "Ada: <b>look</b> at this 7 min ago" and latest.find(".//b") is None
    assert latest.get("hx-disable") is not None and latest.get("hx-swap-oob") is None
    assert latest.find("bdi").get("class") == "latest-author name-of-9"
    assert latest.find("time").get("datetime") == when.isoformat() and latest.find("time").get("data-ago") is not None
    # The Edit controls are in the row's menu.
    menu = entry.find(".//details[@class='room-edit']")
    assert menu.find("summary").get("aria-label") == "Edit room Design crit"
    assert [form.get("class") for form in menu.find("div").findall("form")] == ["rename-room", "recolor-room", "delete-room"]
    [empty] = parse_fragment(env.get_template("fragments/room.html").render(room=RoomView(5, "New", "#2b347e")))
    assert text_of(empty.find(".//p[@id='latest-5']")) == "No messages yet"


def test_how_long_ago() -> None:
    now = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
    assert [time_ago(now - delta, now) for delta in (timedelta(seconds=30), timedelta(minutes=5), timedelta(hours=3), timedelta(days=2))] == [
        "just now", "5 min ago", "3 h ago", "2 d ago",
    ]
