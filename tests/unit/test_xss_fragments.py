"""Every place user text lands, with each hostile payload: the markup around it
is exactly what a plain string gets, and the payload shows as text."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.etree.ElementTree import Element

import pytest

from tests.support import parse_fragment
from tests.xss_corpus import PAYLOADS
from webapp.chat.events import (
    MessageCreated,
    MessageView,
    RoomChanged,
    RoomCreated,
    RoomView,
    UserRenamed,
    UserView,
)
from webapp.chat.names import NAME_MAX, clean_name
from webapp.realtime.fragments import Fragments
from tests.support import render_event
from webapp.rendering import create_environment

PLAIN = "Plain Text"


def room(name: str) -> RoomView:
    return RoomView(7, name, "#5da247", 3, 2)


def message(body: str, author: str) -> MessageView:
    return MessageView(5, 7, UserView(2, author), body, datetime(2026, 1, 1, tzinfo=UTC), seq=5)


def events_html(env, event) -> str:
    return "".join(html for _, html in render_event(env, event))


# Where user text lands in fragments. A new kind of text (a message body) is one
# more line here. Whole pages are checked in Chromium (browser/test_security_browser.py).
PLACES = {
    "room created": lambda env, text: events_html(env, RoomCreated(room(text))),
    "room changed": lambda env, text: events_html(env, RoomChanged(room(text))),
    "user renamed": lambda env, text: events_html(env, UserRenamed(UserView(1, text))),
    "search echo": lambda env, text: env.get_template("fragments/rooms.html").render(rooms=[], total=0, search=text),
    "error detail": lambda env, text: Fragments(env).error("bad_data", text),
    "message body": lambda env, text: events_html(env, MessageCreated(message(text, "Author"), 1)),
    "message author": lambda env, text: events_html(env, MessageCreated(message("hello", text), 1)),
    "user joined": lambda env, text: Fragments(env).presence([(UserView(1, text), True)]),
}


@pytest.fixture(scope="module")
def env():
    return create_environment()


def shape(elements: list[Element], text: str) -> list:
    """The markup as a comparable value, with the user's text replaced by a placeholder."""
    swap = lambda value: (value or "").replace(text, "\0USER\0")  # noqa: E731
    # An avatar's initials are taken from the name: text too, compared as a placeholder.
    initials = lambda el: "\0INITIALS\0" if el.get("class", "").startswith("initials-of-") else swap(el.text)  # noqa: E731
    return [
        (el.tag, sorted((name, swap(value)) for name, value in el.attrib.items()), initials(el), swap(el.tail), shape(list(el), text))
        for el in elements
    ]


def parse(html: str) -> list[Element]:
    return parse_fragment(html)


def test_the_corpus_is_big_enough_and_fits_in_a_name() -> None:
    assert len(PAYLOADS) >= 20
    assert all(len(payload) <= NAME_MAX for payload in PAYLOADS)


@pytest.mark.parametrize("place", sorted(PLACES))
@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_changes_no_markup_and_shows_as_text(env, place: str, payload: str) -> None:
    hostile, plain = PLACES[place](env, payload), PLACES[place](env, PLAIN)
    assert shape(parse(hostile), payload) == shape(parse(plain), PLAIN)
    # And it is there, as the characters that were sent.
    assert payload in "".join(text for el in parse(hostile) for node in el.iter() for text in (node.text, node.tail, *node.attrib.values()) if text)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_text_shown_as_markup_is_inside_hx_disable(env, payload: str) -> None:
    # Defence in depth: were escaping ever lost, htmx would still not process it.
    for place in ("room created", "room changed", "search echo", "error detail", "message body", "message author", "user joined"):
        for top in parse(PLACES[place](env, payload)):
            for parent in top.iter():
                holds_text = any(payload in (child or "") for child in (parent.text,))
                if holds_text:
                    assert _disabled(top, parent), f"{place}: {parent.tag} holds user text outside hx-disable"


def _disabled(top: Element, target: Element) -> bool:
    def walk(node: Element, disabled: bool) -> bool | None:
        disabled = disabled or "hx-disable" in node.attrib
        if node is target:
            return disabled
        for child in node:
            found = walk(child, disabled)
            if found is not None:
                return found
        return None

    return bool(walk(top, False))


def test_names_lose_control_and_bidi_characters() -> None:
    assert clean_name("a\x01b\u202ec\u2066d\x7f e") == "a b c d e"
    assert clean_name("\u200dfamily 👨\u200d👩\u200d👧") == "\u200dfamily 👨\u200d👩\u200d👧"  # joiners stay: emoji need them
