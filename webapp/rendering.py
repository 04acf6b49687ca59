"""The one Jinja environment: pages and socket fragments render through it."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from webapp.chat.palette import PEN_COLORS, ROOM_COLORS, THEMES
from webapp.linkify import linkify

TEMPLATES = Path(__file__).parent / "templates"


def create_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        enable_async=False,
    )
    env.globals.update(room_colors=ROOM_COLORS, pen_colors=PEN_COLORS, themes=THEMES)
    env.filters["linkify"] = linkify
    return env
