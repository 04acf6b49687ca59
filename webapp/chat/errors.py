"""The one error the services raise; its code is the wire's error code."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

ErrorCode = Literal[
    "bad_data",
    "data_too_long",
    "not_sufficient_data",
    "no_such_room",
    "not_valid_color",
    "room_not_empty",
    "name_too_long",
    "name_taken",
    "rate_limited",
    "not_allowed",
    "no_such_message",
    "no_selected_room",
    "no_such_user",
]

MESSAGES: dict[str, str] = {
    "bad_data": "That request could not be understood.",
    "data_too_long": "That is longer than allowed.",
    "not_sufficient_data": "Something required is missing.",
    "no_such_room": "That room does not exist (any more).",
    "not_valid_color": "That is not a colour.",
    "room_not_empty": "Only an empty room can be deleted; people are in it.",
    "name_too_long": "Names are at most 64 characters.",
    "name_taken": "Someone here already goes by that name: pick another.",
    "rate_limited": "Slow down a little and try again.",
    "not_allowed": "Only its author can do that to a message.",
    "no_such_message": "That message does not exist in this room.",
    "no_selected_room": "That happens in a room: enter one first.",
    "no_such_user": "There is no such user.",
}


class ChatError(Exception):
    def __init__(self, code: ErrorCode, detail: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail or MESSAGES[code]


def muted(until: datetime) -> ChatError:
    """The refusal of whatever a muted identity sends (chat/moderation.py)."""
    return ChatError("rate_limited", f"A moderator muted you until {until:%Y-%m-%d %H:%M} UTC: you can read, not write.")
