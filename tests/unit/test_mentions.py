"""Mentions: who a body names, and how it shows."""

from __future__ import annotations

from tests.support import parse_fragment
from webapp.chat.events import UserView
from webapp.chat.mentions import find
from webapp.linkify import linkify

ADA, ADA_L, BOB = UserView(1, "Ada"), UserView(2, "Ada Lovelace"), UserView(3, "Bob de la Cruz")
PEOPLE = [ADA, ADA_L, BOB]


def test_names_with_spaces_case_aside_and_the_longest_match_wins() -> None:
    assert find("hi @ada lovelace and @BOB DE LA CRUZ", PEOPLE) == [ADA_L, BOB]
    assert find("@Ada, look; @Ada Lovelacey is nobody", PEOPLE) == [ADA]
    assert find("@Ada and @ada again", PEOPLE) == [ADA]  # each once


def test_only_at_a_word_start_and_only_the_rooms_people() -> None:
    assert find("mail ada@Ada or x@Bob de la Cruz", PEOPLE) == []
    assert find("(@Ada) \"@Bob de la Cruz\"", PEOPLE) == [ADA, BOB]
    assert find("@Carol", PEOPLE) == []
    assert find("@Ada", []) == []


def test_two_people_of_one_name_the_first_is_named() -> None:
    twin = UserView(9, "ada")
    assert find("@ADA", [ADA, twin]) == [ADA]


def test_mentions_show_as_spans_and_the_rest_stays_escaped() -> None:
    html = str(linkify("<i> @ada lovelace</i> see https://x.example/@Ada & @Bob de la Cruz", [ADA_L, BOB]))
    [body] = parse_fragment(f"<p>{html}</p>")
    spans = body.findall(".//span[@class='mention']")
    assert [(span.get("data-user"), span.text) for span in spans] == [("2", "@ada lovelace"), ("3", "@Bob de la Cruz")]
    assert body.find(".//i") is None and body.text.startswith("<i>")
    assert body.find(".//a").get("href") == "https://x.example/@Ada"  # not a mention inside an address


def test_a_body_with_a_name_whose_person_is_not_mentioned_is_plain() -> None:
    html = str(linkify("@Ada <b>", []))
    assert html == "@Ada &lt;b&gt;"
