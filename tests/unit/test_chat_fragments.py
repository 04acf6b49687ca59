"""Chat fragments as a browser parses them: ids, oob swaps, and user text kept inert."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.support import parse_fragment, text_of
from webapp.chat.events import MessageCreated, MessageView, PresenceChanged, UserRenamed, UserView
from webapp.realtime.fragments import Fragments
from tests.support import render_event
from webapp.rendering import create_environment

env = create_environment()
WHEN = datetime(2026, 11, 28, 9, 5, tzinfo=UTC)


def message(body: str, name: str = "Brave Otter 1", message_id: int = 7) -> MessageView:
    return MessageView(message_id, 3, UserView(11, name), body, WHEN, seq=message_id)


def only(event) -> tuple[str, list]:
    [(channel, html)] = list(render_event(env, event))
    return channel, parse_fragment(html)


def all_attributes(elements) -> list[tuple[str, str]]:
    return [(name, value) for top in elements for el in top.iter() for name, value in el.attrib.items()]


def test_a_new_message_is_appended_to_its_room_only() -> None:
    channel, [top] = only(MessageCreated(message("hi\nthere"), message_count=5))
    assert channel == "room:3"
    assert (top.get("id"), top.get("hx-swap-oob")) == ("messages", "beforeend")
    [article] = list(top)
    assert article.get("id") == "message-7" and article.get("data-author") == "11"
    assert article.get("hx-disable") is not None
    assert text_of(article.find(".//*[@class='author name-of-11']")) == "Brave Otter 1"
    assert article.find(".//time").get("datetime") == "2026-11-28T09:05:00+00:00"
    # Line breaks are kept as text (shown with white-space: pre-wrap).
    assert "".join(article.find(".//p").itertext()) == "hi\nthere"


def test_a_repeated_send_shows_nothing() -> None:
    assert list(render_event(env, MessageCreated(message("hi"), message_count=5, repeat=True))) == []


ATTACKS = [
    '<div id="messages" hx-swap-oob="true">gone</div>',
    '<img src=x onerror="alert(1)">',
    '<button hx-get="/" hx-trigger="load" hx-on:click="alert(1)" hx-on::after-request="x">b</button>',
    '<span hx-swap-oob="innerHTML:body">x</span>',
    '"><script>alert(1)</script>',
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_bodies_and_names_stay_text(attack: str) -> None:
    _, [top] = only(MessageCreated(message(attack, name=attack[:64]), message_count=1))
    article = top.find("article")
    # Nothing but the fragment's own markup: no element or attribute came from the text.
    _, [plain] = only(MessageCreated(message("plain", name="plain"), message_count=1))
    assert [el.tag for el in article.iter()] == [el.tag for el in plain.find("article").iter()]
    assert [el.tag for el in article.iter()][:7] == ["article", "span", "span", "header", "bdi", "time", "p"]
    assert not any(name.startswith(("hx-on", "on")) or name in {"hx-get", "hx-trigger"} for name, _ in all_attributes([top]))
    assert [el.get("hx-swap-oob") for el in top.iter() if el.get("hx-swap-oob")] == ["beforeend"]
    assert "".join(article.find(".//p").itertext()) == attack
    assert text_of(article.find(".//bdi")) == " ".join(attack[:64].split())


def test_links_are_http_only_and_safe() -> None:
    body = "see https://example.com/a?b=1&c=<2> and (http://x.org/wiki/A_(b)). javascript:alert(1) data:text/html,x"
    _, [top] = only(MessageCreated(message(body), message_count=1))
    links = top.findall(".//p[@class='body']/a")
    assert [a.get("href") for a in links] == ["https://example.com/a?b=1&c=", "http://x.org/wiki/A_(b)"]
    for a in links:
        assert a.get("rel") == "noopener noreferrer nofollow" and a.get("target") == "_blank"
    assert "".join(top.find(".//p").itertext()) == body


def test_presence_adds_and_removes_the_users_list_entry() -> None:
    user = UserView(11, '<b hx-on:click="x">Eve</b>')
    assert list(render_event(env, PresenceChanged(3, user, True))) == []  # coalesced by the fan-out
    [top] = parse_fragment(Fragments(env).presence([(user, True)]))
    assert (top.get("id"), top.get("hx-swap-oob")) == ("users", "beforeend")
    entry = top.find("li")
    assert entry.get("id") == "user-11" and text_of(entry) == user.name and len(list(entry.iter())) == 2
    [gone] = parse_fragment(Fragments(env).presence([(user, False)]))
    assert (gone.get("id"), gone.get("hx-swap-oob")) == ("user-11", "delete")


def test_a_crowd_entering_and_leaving_is_one_fragment_of_each_users_latest_state() -> None:
    ann, bob, cy, dee = UserView(1, "Ann"), UserView(2, "Bob"), UserView(3, "Cy"), UserView(4, "Dee")
    changes = [(ann, True), (bob, True), (cy, False), (bob, False), (dee, False), (dee, True), (cy, True), (cy, False)]
    top = parse_fragment(Fragments(env).presence(changes))
    appended = [el for el in top if el.get("id") == "users"]
    assert len(appended) == 1 and appended[0].get("hx-swap-oob") == "beforeend"
    assert [li.get("id") for li in appended[0].findall("li")] == ["user-1", "user-4"]
    deleted = [(el.get("id"), el.get("hx-swap-oob")) for el in top if el.get("id") != "users"]
    assert deleted == [("user-2", "delete"), ("user-3", "delete")]


def test_a_rename_updates_every_shown_name_of_that_user() -> None:
    user = UserView(11, '<i>New</i> name')
    # What the coalescer sends everyone (realtime/coalesce.py); the user's own tabs get the form.
    [top, avatar] = parse_fragment(Fragments(env).render("user_renamed.html", user=user))
    assert top.get("id") == "renamed-11"
    assert top.get("hx-swap-oob") == "innerHTML:.name-of-11"
    assert list(top) == [] and top.text == "<i>New</i> name"
    # Their avatars' initials too, from the new name.
    assert (avatar.get("hx-swap-oob"), avatar.text, list(avatar)) == ("innerHTML:.initials-of-11", "IN", [])
    assert list(dict(render_event(env, UserRenamed(user)))) == ["user:11"]


def test_the_users_list_replaces_the_whole_list() -> None:
    [top] = parse_fragment(Fragments(env).users([UserView(1, "Ann"), UserView(2, "Bo")]))
    assert (top.get("id"), top.get("hx-swap-oob")) == ("users", None)
    assert [li.get("id") for li in top.findall("li")] == ["user-1", "user-2"]
