"""Readable generated names: two words and a number, like "Brave Otter 42"."""

from __future__ import annotations

import secrets

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


# Control characters (NUL among them: PostgreSQL refuses it in text) and the
# bidirectional overrides that make a name display as something else.
INVISIBLE = dict.fromkeys([*range(0x00, 0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)], " ")


def clean_name(value: str) -> str:
    """A name as the user meant it: trimmed, inner whitespace folded, no control characters, bounded."""
    name = " ".join(value.translate(INVISIBLE).split())
    if not name:
        raise ChatError("not_sufficient_data", "A name cannot be empty.")
    if len(name) > NAME_MAX:
        raise ChatError("name_too_long")
    return name
