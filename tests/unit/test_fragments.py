"""Lobby fragments, parsed as a browser would: ids, oob swaps, escaped text."""

from __future__ import annotations


import pytest

from tests.support import by_id, parse_fragment, text_of
from webapp.chat.events import PresenceChanged, RoomChanged, RoomCreated, RoomDeleted, RoomView, UserRenamed, UserView
from webapp.realtime.coalesce import Counts
from webapp.realtime.fragments import Fragments
from tests.support import render_event
from webapp.rendering import create_environment

EVIL_NAMES = [
    "<img src=x onerror=alert(1)>",
    '<div id="rooms" hx-swap-oob="true">gone</div>',
    '" hx-get="/steal" hx-trigger="load',
    "x' hx-on:click='alert(1)",
    "<script>alert(1)</script>",
]


@pytest.fixture(scope="module")
def env():
    return create_environment()


def room(name: str = "Tea", room_id: int = 7) -> RoomView:
    return RoomView(room_id, name, "#5da247", 3, 2)


def rendered(env, event) -> dict[str, list]:
    return {channel: parse_fragment(html) for channel, html in render_event(env, event)}


def test_room_created_appends_one_entry_to_the_list(env) -> None:
    [top] = rendered(env, RoomCreated(room()))["lobby"]
    assert (top.tag, top.get("id"), top.get("hx-swap-oob")) == ("ol", "rooms", "beforeend")
    [entry] = top.findall("li")
    assert entry.get("id") == "room-7"
    assert entry.get("hx-swap-oob") is None  # appended as part of the list, not swapped itself
    assert text_of(by_id(entry, "msgcount-7")) == "3"
    assert text_of(by_id(entry, "usercount-7")) == "2"
    assert entry.find(".//a").get("href") == "/rooms/7"


def test_room_changed_replaces_the_entry_and_the_open_room_title(env) -> None:
    fragments = rendered(env, RoomChanged(room("Coffee")))
    [entry] = fragments["lobby"]
    assert (entry.get("id"), entry.get("hx-swap-oob")) == ("room-7", None)
    [title] = fragments["room:7"]
    assert (title.get("id"), title.get("hx-swap-oob"), text_of(title)) == ("room-title", None, "Coffee")


def test_room_deleted_removes_the_entry(env) -> None:
    [entry] = rendered(env, RoomDeleted(7))["lobby"]
    assert (entry.get("id"), entry.get("hx-swap-oob")) == ("room-7", "delete")


def test_user_renamed_form_goes_to_that_user_only(env) -> None:
    fragments = rendered(env, UserRenamed(UserView(5, "Nimble Newt 3")))
    # Everyone else sees the new name where it is shown, coalesced (test_coalesce), never the form.
    assert sorted(fragments) == ["user:5"]
    [me] = fragments["user:5"]
    assert (me.get("id"), me.get("hx-swap-oob")) == ("me", None)
    assert me.find(".//input[@name='name']").get("value") == "Nimble Newt 3"


def test_presence_changes_reach_the_lobby_only_as_coalesced_counts(env) -> None:
    assert rendered(env, PresenceChanged(7, UserView(5, "x"), True)).get("lobby") is None
    html = env.get_template("fragments/counts.html").render(changes=[(7, Counts(messages=4, users=None)), (8, Counts(users=2))])
    swaps = {el.get("id"): (el.get("hx-swap-oob"), text_of(el)) for el in parse_fragment(html)}
    assert swaps == {"msgcount-7": ("true", "4"), "usercount-8": ("true", "2")}


def shape(elements) -> list[tuple[str, tuple[str, ...]]]:
    """Tags and attribute names: what markup a name could inject into."""
    return [(el.tag, tuple(sorted(el.attrib))) for top in elements for el in top.iter()]


@pytest.mark.parametrize("name", EVIL_NAMES)
def test_room_names_are_only_ever_text(env, name: str) -> None:
    for make in (RoomCreated, RoomChanged):
        evil, plain = rendered(env, make(room(name))), rendered(env, make(room("Plain")))
        for channel in plain:
            assert shape(evil[channel]) == shape(plain[channel])
            shown = [text_of(el) for top in evil[channel] for el in top.iter() if "hx-disable" in el.attrib]
            assert name in shown


def test_error_fragment(env) -> None:
    [errors] = parse_fragment(Fragments(env).error("name_too_long", "Names are <b>short</b>"))
    assert (errors.get("id"), errors.get("hx-swap-oob")) == ("errors", "afterbegin")
    [notice] = errors
    assert (notice.get("class"), notice.get("data-code"), text_of(notice)) == ("error", "name_too_long", "Names are <b>short</b>")
