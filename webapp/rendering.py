"""The one Jinja environment: pages and socket fragments render through it."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from webapp.avatar import hue, initials
from webapp.chat import drawing, reads, users
from webapp.collapse import is_long
from webapp.chat.message_actions import EMOJI
from webapp.chat.palette import PEN_COLORS, ROOM_COLORS, THEME_NAMES, THEMES
from webapp.days import day_label, time_ago
from webapp.linkify import linkify
from webapp.web.theme import theme_of

TEMPLATES = Path(__file__).parent / "templates"


def create_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        enable_async=False,
        # Templates ship with the code: checking their files' times on every
        # render cost 1-2% of the server's CPU under load (bench/RESULTS.md).
        auto_reload=False,
    )
    env.globals.update(room_colors=ROOM_COLORS, pen_colors=PEN_COLORS, themes=THEMES, theme_names=THEME_NAMES, theme_of=theme_of)
    env.filters["linkify"] = linkify
    env.globals.update(board_width=drawing.WIDTH, board_height=drawing.HEIGHT, board_background=drawing.BACKGROUND, pen_widths=drawing.WIDTHS)
    env.globals.update(read_only_notice=users.READ_ONLY)
    env.filters["svg_path"] = svg_path
    env.globals.update(emoji_set=EMOJI, count_max=reads.COUNT_MAX)
    env.globals.update(initials=initials, avatar_hue=hue, day_label=day_label, time_ago=time_ago)
    env.tests["long_body"] = is_long
    return env


def svg_path(points: list[float]) -> str:
    """[x1, y1, x2, y2, ...] → an SVG path; a lone point becomes a dot."""
    pairs = [f"{points[i]:g} {points[i + 1]:g}" for i in range(0, len(points) - 1, 2)]
    if len(pairs) == 1:
        return f"M{pairs[0]}l0 0"
    return "M" + "L".join(pairs)
