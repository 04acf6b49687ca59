"""Room and pen colours, themes: one JSON file shared with the design."""

from __future__ import annotations

import json
import re
import secrets
from pathlib import Path

_PALETTE = json.loads((Path(__file__).parent.parent / "palette.json").read_text())

ROOM_COLORS: tuple[str, ...] = tuple(_PALETTE["room_colors"])
PEN_COLORS: tuple[str, ...] = tuple(_PALETTE["pen_colors"])
THEMES: tuple[tuple[str, str], ...] = tuple((a, b) for a, b in _PALETTE["themes"])
THEME_NAMES: tuple[str, ...] = tuple(_PALETTE["theme_names"])
# Their panels are dark (the board's paper stays white).
DARK_THEMES: frozenset[int] = frozenset(_PALETTE["dark_themes"])

_COLOR = re.compile(r"#(?:[0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})")


def is_color(value: str) -> bool:
    return _COLOR.fullmatch(value.lower()) is not None


def random_room_color() -> str:
    return secrets.choice(ROOM_COLORS)
