"""Frames → typed commands, and the error code for each kind of bad frame."""

from __future__ import annotations

import json

import pytest

from webapp.chat.errors import ChatError
from webapp.realtime.commands import CreateRoom, RecolorRoom, RenameRoom, parse


def test_htmx_form_frames_become_commands() -> None:
    frame = json.dumps({"action": "rename_room", "room": "12", "name": "Den", "HEADERS": {"HX-Request": "true"}})
    assert parse(frame) == RenameRoom(room=12, name="Den")
    assert parse('{"action": "create_room"}') == CreateRoom()
    assert parse(b'{"action": "recolor_room", "room": 3, "color": "#fff"}') == RecolorRoom(room=3, color="#fff")


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("", "bad_data"),
        ("{", "bad_data"),
        ("null", "bad_data"),
        ('"create_room"', "bad_data"),
        ('{"action": "nope"}', "bad_data"),
        ('{"action": 5}', "bad_data"),
        ("{}", "not_sufficient_data"),
        ('{"action": "delete_room"}', "not_sufficient_data"),
        ('{"action": "delete_room", "room": [1]}', "bad_data"),
        ('{"action": "delete_room", "room": "1e400"}', "bad_data"),
        (json.dumps({"action": "rename_user", "name": "x" * 1025}), "data_too_long"),
    ],
)
def test_bad_frames_map_to_codes(frame: str, code: str) -> None:
    with pytest.raises(ChatError) as refused:
        parse(frame)
    assert refused.value.code == code
