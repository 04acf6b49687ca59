"""Themes: the cookie picks one on the server; text keeps WCAG AA contrast on all eight."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from webapp.chat.palette import DARK_THEMES, THEME_NAMES, THEMES
from webapp.web.theme import DEFAULT, theme_of

CSS = (Path(__file__).resolve().parents[2] / "webapp/static/app.css").read_text()
AA = 4.5


def request_with(cookies: dict[str, str]) -> SimpleNamespace:
    return SimpleNamespace(cookies=cookies)


@pytest.mark.parametrize("value", [str(n) for n in range(len(THEMES))])
def test_a_theme_cookie_picks_that_theme(value) -> None:
    assert theme_of(request_with({"chatboard_theme": value})) == int(value)


@pytest.mark.parametrize("value", ["", "8", "-1", "2.5", "x", "٣", "99999999999999999999"])
def test_a_missing_or_foreign_cookie_gives_the_default(value) -> None:
    assert theme_of(request_with({"chatboard_theme": value})) == DEFAULT
    assert theme_of(request_with({})) == DEFAULT


def test_the_stylesheet_has_each_theme_of_the_palette() -> None:
    for index, (start, end) in enumerate(THEMES):
        rule = re.search(rf'\[data-theme="{index}"\] \{{ --bg-from: (#\w+); --bg-to: (#\w+);', CSS)
        assert rule and rule.groups() == (start, end), f"theme {index} in app.css differs from palette.json"


def test_each_theme_has_a_name_and_its_own_surfaces() -> None:
    assert len(THEME_NAMES) == len(THEMES) == len(set(THEME_NAMES))
    # The panels, messages, accents, header and board frame differ from theme to theme (not only the page's edges).
    shown = ("panel", "surface", "mine", "accent", "bar", "frame", "line")
    surfaces = {name: {tuple(theme(index)[name]) for index in range(len(THEMES))} for name in shown}
    assert all(len(values) == len(THEMES) for values in surfaces.values()), surfaces
    # At least two are dark.
    dark = {index for index in range(len(THEMES)) if luminance(theme(index)["surface"]) < 0.05}
    assert dark == DARK_THEMES and len(dark) >= 2


# --- contrast (WCAG 2.x relative luminance) ------------------------------------


def rgba(value: str) -> tuple[float, float, float, float]:
    value = value.strip()
    if value.startswith("#") and len(value) == 4:
        value = "#" + "".join(c * 2 for c in value[1:])
    if value.startswith("#"):
        return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16), 1.0
    r, g, b, a = (float(part) for part in re.fullmatch(r"rgba\(([^)]*)\)", value).group(1).split(","))
    return r, g, b, a


def over(top: tuple[float, float, float, float], below: tuple[float, float, float]) -> tuple[float, float, float]:
    r, g, b, a = top
    return tuple(a * c + (1 - a) * d for c, d in zip((r, g, b), below))


def luminance(rgb) -> float:
    def linear(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def declarations(block: str) -> dict[str, tuple[float, float, float, float]]:
    return {name: rgba(value) for name, value in re.findall(r"--([\w-]+): (#\w+|rgba\([^)]*\));", block)}


ROOT = declarations("".join(re.findall(r":root \{([^}]*)\}", CSS)))


def theme(index: int) -> dict[str, tuple[float, float, float, float]]:
    """A theme's colours: the :root ones, then its own rule's."""
    return {**ROOT, **declarations(re.search(rf'\[data-theme="{index}"\] \{{([^}}]*)\}}', CSS).group(1))}


def var(name: str) -> tuple[float, float, float, float]:
    return ROOT[name]


# Each surface a theme colours, and the text drawn on it.
SURFACES = {
    "panel": ("ink", "muted", "accent", "danger-ink", "sent", "received"),  # over the page's gradient
    "surface": ("ink", "muted", "accent", "danger-ink"),  # the messages, the theme menu, the log's state lines
    "card": ("ink", "muted", "accent"),  # room rows, users, board tools
    "field": ("ink",),  # inputs, the composer
    "mine": ("ink", "muted", "accent"),  # one's own messages
    "accent": ("on-accent",),  # buttons, the selected tab
    "bar": (),  # the header: white text, over the gradient (below)
}


def gradient(start: str, end: str, steps: int = 20):
    """Points along the theme's gradient: its lightest or darkest point may lie between the ends."""
    a, b = rgba(start)[:3], rgba(end)[:3]
    return [tuple(x + (y - x) * n / steps for x, y in zip(a, b)) for n in range(steps + 1)]


WHITE = (255, 255, 255)


@pytest.mark.parametrize("index", range(len(THEMES)))
def test_text_on_every_surface_of_every_theme_meets_aa(index) -> None:
    start, end = THEMES[index]
    colours = theme(index)
    for backdrop in gradient(start, end):
        bar = over(colours["bar"], backdrop)  # header and phone tab bar: white text
        assert contrast(WHITE, bar) >= AA, f"header text on theme {index}"
        panel = over(colours["panel"], backdrop)
        for surface, texts in SURFACES.items():
            # Opaque surfaces lie on the panel; a hovered row darkens the messages' surface.
            below = [panel] if surface == "panel" else [over(colours[surface], panel)]
            if surface == "surface":
                below.append(over(colours["row-hover"], below[0]))
            for background in below:
                for text in texts:
                    assert contrast(colours[text], background) >= AA, f"{text} on {surface}, theme {index} ({THEME_NAMES[index]})"


def test_text_on_fixed_colours_meets_aa() -> None:
    pairs = [
        (WHITE, var("accent")),  # buttons, the selected tab
        (WHITE, var("danger")),  # danger buttons, the offline badge
        (WHITE, rgba("#1e7d3a")),  # the live badge
        (WHITE, rgba("#7a1a14")),  # the connection banner
        (rgba("#8a1c14"), rgba("#fde8e6")),  # error entries of the event log
        (rgba("#1c4f8f"), WHITE),  # sent arrow
        (rgba("#1b6e33"), WHITE),  # received arrow, "open" state
    ]
    for text, background in pairs:
        assert contrast(text, background) >= AA, (text, background)


def test_white_initials_on_every_avatar_colour_meet_aa() -> None:
    colours = re.findall(r'\.avatar\[data-hue="(\d+)"\] \{ background: (#\w+); \}', CSS)
    from webapp.avatar import AVATAR_HUES

    assert sorted(int(n) for n, _ in colours) == list(range(AVATAR_HUES))
    for n, colour in colours:
        assert contrast(WHITE, rgba(colour)) >= AA, f"avatar colour {n}"
