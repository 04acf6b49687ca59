"""Readable generated names: two words and a number, like "Brave Otter 42"."""

from __future__ import annotations

import secrets
import unicodedata

from webapp.chat.errors import ChatError
from webapp.db.models import NAME_MAX

ADJECTIVES = (
    "Amber Bold Brave Bright Calm Clever Cosmic Curious Dapper Eager Fancy Gentle Happy Jolly Keen "
    "Lively Lucky Merry Mighty Nimble Noble Plucky Quiet Quick Rapid Royal Shiny Silent Sunny Swift "
    "Tidy Witty Zesty Cheerful Daring Breezy Cozy Frosty Golden Velvet"
).split()
ANIMALS = (
    "Otter Falcon Badger Panda Fox Heron Lynx Koala Walrus Puffin Beaver Marten Gecko Ibis Yak Bison "
    "Dolphin Raven Tapir Wombat Llama Moose Owl Seal Stoat Newt Crane Hare Mole Orca Quokka Robin "
    "Squid Toucan Viper Wren Zebra Lemur Ocelot Narwhal"
).split()


def generate_name() -> str:
    return f"{secrets.choice(ADJECTIVES)} {secrets.choice(ANIMALS)} {secrets.randbelow(100)}"

PLACES = "Corner Lounge Garden Studio Harbor Attic Terrace Library Workshop Cafe Deck Den".split()


def generate_room_name() -> str:
    return f"{secrets.choice(ADJECTIVES)} {secrets.choice(PLACES)}"


# Joiners are format characters too, but emoji sequences and some scripts need them.
JOINERS = {"\u200c", "\u200d"}


def _visible(char: str) -> str:
    # Control characters, and format characters (Cf) that reorder or hide text:
    # bidirectional overrides and isolates, zero-width spaces, invisible tags.
    if unicodedata.category(char) in {"Cc", "Cf"} and char not in JOINERS:
        return " "
    return char


def visible_line(value: str, what: str) -> str:
    """Text as one line of what shows: NFKC-normalised, trimmed, inner whitespace
    folded, control and format characters gone; a NUL refused."""
    if "\x00" in value:
        raise ChatError("bad_data", f"{what} cannot hold a NUL character.")
    return " ".join("".join(map(_visible, unicodedata.normalize("NFKC", value))).split())


def clean_name(value: str) -> str:
    """A name as the user meant it: NFKC-normalised (so look-alike forms are one
    name), trimmed, inner whitespace folded, no control or format characters, bounded."""
    name = visible_line(value, "A name")
    if not name:
        raise ChatError("not_sufficient_data", "A name cannot be empty.")
    if len(name) > NAME_MAX:
        raise ChatError("name_too_long")
    return name
