"""How messages read: runs of one author, avatars, day separators, as a browser parses them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tests.support import parse_fragment, text_of
from webapp.avatar import AVATAR_HUES, hue, initials
from webapp.chat.events import MessageCreated, MessageView, UserView
from webapp.days import day_label
from tests.support import render_event
from webapp.rendering import create_environment

env = create_environment()
NOW = datetime.now(UTC)


def message(message_id: int, author: UserView, *, continues=False, new_day=False, when=NOW, body="hi") -> MessageView:
    return MessageView(message_id, 3, author, body, when, seq=message_id, continues=continues, new_day=new_day)


ADA, BOB = UserView(4, "Ada Lovelace"), UserView(5, "bob")


def history(*views: MessageView) -> list:
    return parse_fragment(env.get_template("fragments/history.html").render(room_id=3, messages=list(views), more=False))


def test_a_run_shows_its_authors_name_once_and_each_time_for_readers() -> None:
    tops = history(message(1, ADA, new_day=True), message(2, ADA, continues=True), message(3, BOB))
    separator, *articles = tops
    assert separator.tag == "h2" and "day-separator" in separator.get("class")
    assert [a.get("id") for a in articles] == ["message-1", "message-2", "message-3"]
    assert [a.get("data-continues") for a in articles] == [None, "true", None]
    # The continued one keeps its author and time in the markup: screen readers and hover read them.
    continued = articles[1]
    assert text_of(continued.find(".//bdi")) == "Ada Lovelace"
    assert continued.find(".//time").get("datetime") == NOW.isoformat()


def test_an_avatar_is_initials_on_a_colour_of_the_users_id() -> None:
    [article] = history(message(1, ADA))
    avatar = article[0]
    assert avatar.get("class") == "avatar" and avatar.get("aria-hidden") == "true"
    assert avatar.get("data-hue") == str(hue(4))
    assert text_of(avatar) == "AL" and avatar.find("span").get("class") == "initials-of-4"
    # Users one after another get different colours, all of those app.css has.
    assert len({hue(n) for n in range(1, AVATAR_HUES + 1)}) == AVATAR_HUES
    assert (initials("bob"), initials("  \u202eévé  x"), initials("!!! ...")) == ("B", "ÉX", "?")


def test_a_new_day_is_marked_today_yesterday_or_by_its_date() -> None:
    today = date(2026, 12, 5)
    at = lambda d: datetime(d.year, d.month, d.day, 23, 59, tzinfo=UTC)  # noqa: E731
    assert day_label(at(today), today) == "Today"
    assert day_label(at(today - timedelta(days=1)), today) == "Yesterday"
    assert day_label(at(date(2026, 11, 30)), today) == "Monday 30 November"
    assert day_label(at(date(2025, 11, 30)), today) == "Sunday 30 November 2025"
    separator, _ = history(message(1, BOB, new_day=True, when=NOW - timedelta(days=1)))
    assert text_of(separator) == "Yesterday"
    assert separator.find("time").get("datetime") == (NOW - timedelta(days=1)).date().isoformat()


def test_a_live_message_brings_its_separator_but_an_edit_does_not() -> None:
    [(_, html)] = render_event(env, MessageCreated(message(9, BOB, new_day=True), message_count=1))
    [top] = parse_fragment(html)
    assert [child.tag for child in top] == ["h2", "article"]
    replaced = parse_fragment(env.get_template("fragments/message_changed.html").render(message=message(9, BOB, new_day=True)))
    assert [(el.tag, el.get("hx-swap-oob")) for el in replaced] == [("article", "true")]


def test_a_bare_www_address_becomes_an_https_link_and_only_that() -> None:
    [article] = history(message(1, BOB, body="see www.example.com/a?b=1. or awww.no, me@www.mail.com"))
    body = article.find(".//p")
    [link] = body.findall("a")
    assert (link.get("href"), link.text, link.get("rel")) == ("https://www.example.com/a?b=1", "www.example.com/a?b=1", "noopener noreferrer nofollow")
    assert "".join(body.itertext()) == "see www.example.com/a?b=1. or awww.no, me@www.mail.com"
    [escaped] = history(message(2, BOB, body='www."><img src=x>'))
    assert escaped.find(".//p").findall("a") == [] and escaped.find(".//img") is None


def test_bidi_controls_cannot_reorder_what_follows_a_body_or_a_name() -> None:
    rlo = "\u202e"
    [article] = history(message(1, UserView(6, f"{rlo}evil"), body=f"{rlo}gnp.exe \u2067x"))
    # The name in a <bdi>, the body a block of its own with dir=auto: each isolated from the time and actions after it.
    name = article.find(".//bdi")
    assert name.text == f"{rlo}evil" and "name-of-6" in name.get("class")
    body = article.find(".//p")
    assert body.get("dir") == "auto" and body.text == f"{rlo}gnp.exe \u2067x"
    assert [child.tag for child in article.find("header")][:2] == ["bdi", "time"]  # the time after the name, not inside it


def test_a_body_of_many_lines_shows_collapsed_with_show_more() -> None:
    blank = "top" + "\n" * 101 + "bottom"
    long_one, short_one, wide_one = history(message(1, BOB, body=blank), message(2, BOB, body="a\nb"), message(3, BOB, body="x" * 2000))
    for article in (long_one, wide_one):
        assert article.find(".//p").get("data-long") == "true"
        [button] = article.findall(".//button[@data-action='expand']")
        assert (button.get("aria-expanded"), text_of(button)) == ("false", "Show more")
    assert short_one.find(".//p").get("data-long") is None and short_one.find(".//button[@data-action='expand']") is None
    # Nothing of the body is lost: collapsing is the page's, the text is whole.
    assert "".join(long_one.find(".//p").itertext()) == blank
