"""The one Jinja environment: pages and socket fragments render through it."""

from __future__ import annotations

import math
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
    env.globals.update(board_tools=BOARD_TOOLS, board_shapes=drawing.SHAPES, shape_element=SHAPE_ELEMENTS, shape_geometry=shape_geometry)
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


# The board's tools as the toolbar shows them: (tool, label, the key that picks it).
BOARD_TOOLS = (
    ("pen", "Pen", "P"), ("eraser", "Eraser", "E"), ("line", "Line", "L"), ("rect", "Rectangle", "R"),
    ("ellipse", "Ellipse", "O"), ("arrow", "Arrow", "A"), ("text", "Text", "T"),
)

# The SVG element each shape is; an arrow is a path: its shaft and its head.
SHAPE_ELEMENTS = {"line": "line", "rect": "rect", "ellipse": "ellipse", "arrow": "path"}


def shape_geometry(tool: str, points: list[float], width: int) -> dict[str, str]:
    """A shape's or label's geometry attributes, from its points (start, end; a label's one)."""
    if tool == "text":
        # Labels grow with the width chosen: 18 units at the thinnest, 110 at the widest.
        return {"x": f"{points[0]:g}", "y": f"{points[1]:g}", "font-size": f"{14 + 2 * width}"}
    x1, y1, x2, y2 = points
    match tool:
        case "line":
            return {"x1": f"{x1:g}", "y1": f"{y1:g}", "x2": f"{x2:g}", "y2": f"{y2:g}"}
        case "rect":
            return {"x": f"{min(x1, x2):g}", "y": f"{min(y1, y2):g}", "width": f"{abs(x2 - x1):g}", "height": f"{abs(y2 - y1):g}"}
        case "ellipse":
            return {
                "cx": f"{(x1 + x2) / 2:g}", "cy": f"{(y1 + y2) / 2:g}",
                "rx": f"{abs(x2 - x1) / 2:g}", "ry": f"{abs(y2 - y1) / 2:g}",
            }
    return {"d": arrow_path(x1, y1, x2, y2, width)}


def arrow_path(x1: float, y1: float, x2: float, y2: float, width: int) -> str:
    """The shaft from start to end, and a head of two barbs at the end: a path
    rather than a marker, so the board needs no <defs> and exports as it shows."""
    angle = math.atan2(y2 - y1, x2 - x1)
    head = max(12.0, 3.0 * width)
    barbs = [
        (x2 - head * math.cos(angle - side * math.pi / 6), y2 - head * math.sin(angle - side * math.pi / 6)) for side in (1, -1)
    ]
    (ax, ay), (bx, by) = barbs
    return f"M{x1:g} {y1:g}L{x2:g} {y2:g}M{ax:.1f} {ay:.1f}L{x2:g} {y2:g}L{bx:.1f} {by:.1f}"
