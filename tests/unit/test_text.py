"""Text as people see it: names cannot hide or reorder characters or pass for
another by a look-alike form, and a body cannot push the history off screen or
reorder what is around it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.support import parse_fragment, render_event
from webapp.chat import messages, rooms, users
from webapp.chat.errors import ChatError
from webapp.chat.events import MessageCreated, MessageView, UserView
from webapp.chat.messages import BLANK_LINES_MAX, clean_body
from webapp.chat.names import clean_name
from webapp.db.models import Message
from webapp.rendering import create_environment


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Ｂｏｂ", "Bob"),  # full-width letters
        ("ﬁle ﬆore", "file store"),  # ligatures
        ("Ⓐlice", "Alice"),
        ("Bob\u200b", "Bob"),  # a zero-width space after a name that is taken
        ("a\u200bb", "a b"),
        ("\u2067evil\u2069 twin", "evil twin"),  # isolates
        ("\u202eenilno\u202c", "enilno"),  # an override
        ("ad\u00admin", "ad min"),  # a soft hyphen
        ("Tag\U000e0041\U000e0042s", "Tag s"),  # invisible tag characters
        ("\ufeffBOM", "BOM"),
        ("left\u200fright", "left right"),
    ],
)
def test_names_are_nfkc_normalised_and_lose_format_characters(typed: str, kept: str) -> None:
    assert clean_name(typed) == kept


def test_a_name_of_nothing_visible_is_empty() -> None:
    with pytest.raises(ChatError) as refused:
        clean_name("\u200b\u2066\u2069\u00ad")
    assert refused.value.code == "not_sufficient_data"


def test_the_length_bound_holds_after_normalising() -> None:
    with pytest.raises(ChatError) as refused:
        clean_name("\ufdfa" * 4)  # one character that NFKC spells out in 18
    assert refused.value.code == "name_too_long"


def blank_runs(body: str) -> list[int]:
    runs, run = [], 0
    for line in body.split("\n"):
        if line.strip():
            if run:
                runs.append(run)
            run = 0
        else:
            run += 1
    return runs


def test_a_body_keeps_at_most_100_blank_lines_in_a_row() -> None:
    assert blank_runs(clean_body("a" + "\n" * 1500 + "b" + "\n \t\n" * 300 + "c")) == [BLANK_LINES_MAX, BLANK_LINES_MAX]
    exactly = "a" + "\n" * (BLANK_LINES_MAX + 1) + "b"
    assert clean_body(exactly) == exactly
    assert clean_body("a\n\nb\n\n\nc") == "a\n\nb\n\n\nc"


async def test_a_stored_body_keeps_at_most_100_blank_lines(sessions) -> None:
    async with sessions.begin() as session:
        author = await users.create_user(session)
        room = (await rooms.create_room(session, creator_id=author.id)).room
        sent = await messages.send_message(session, room_id=room.id, author_id=author.id, body="top" + "\n" * 3000 + "bottom")
    async with sessions() as session:
        stored = await session.scalar(select(Message.body).where(Message.id == sent.message.id))
    assert blank_runs(stored) == [BLANK_LINES_MAX] and stored == sent.message.body


def test_a_body_is_isolated_from_what_is_around_it() -> None:
    # An override in a body reorders that body only: the element is a bidi
    # isolate (dir="auto"), so the author's name and the time stay as they are.
    body = "\u202eevil\u2066 still open"
    event = MessageCreated(MessageView(5, 7, UserView(2, "Ann"), body, datetime(2026, 1, 1, tzinfo=UTC), seq=5), 1)
    [(_, html)] = render_event(create_environment(), event)
    [top] = parse_fragment(html)
    [paragraph] = [el for el in top.iter("p") if "body" in el.get("class", "").split()]
    assert paragraph.get("dir") == "auto"
    assert "".join(paragraph.itertext()) == body
