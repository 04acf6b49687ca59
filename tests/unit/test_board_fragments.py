"""Board fragments: parsed as a browser would (html5lib), and the board as XML."""

from __future__ import annotations

from xml.etree import ElementTree

from tests.support import parse_fragment
from webapp.chat.drawing import BACKGROUND, HEIGHT, WIDTH
from webapp.chat.events import DrawingReset, StrokeDrawn, StrokeUndone, StrokeView
from tests.support import render_event
from webapp.rendering import create_environment

SVG = "{http://www.w3.org/2000/svg}"
env = create_environment()


def stroke(**fields) -> StrokeView:
    values = {"id": "0f4c1d2e-0000-4000-8000-000000000001", "author_id": 7, "tool": "pen", "color": "#e02d25",
              "width": 12, "points": [10, 20, 30.5, 40], "start": 0, "total": 2, "done": True} | fields
    return StrokeView(**values)


def one_frame(event) -> tuple[str, str]:
    [(channel, html)] = list(render_event(env, event))
    return channel, html


def test_a_drawn_stroke_is_appended_to_the_board_as_svg() -> None:
    channel, html = one_frame(StrokeDrawn(3, stroke()))
    assert channel == "room:3"
    [wrapper] = parse_fragment(html)
    assert (wrapper.tag, wrapper.get("id"), wrapper.get("hx-swap-oob")) == (f"{SVG}svg", "drawing", "beforeend")
    [path] = list(wrapper)
    # In the SVG namespace, as the browser parses it: a bare <path> would not be.
    assert path.tag == f"{SVG}path"
    assert path.get("id") == "stroke-0f4c1d2e-0000-4000-8000-000000000001"
    assert (path.get("stroke"), path.get("stroke-width")) == ("#e02d25", "12")
    assert path.get("d") == "M10 20L30.5 40"
    assert (path.get("data-from"), path.get("data-points"), path.get("data-author")) == ("0", "2", "7")
    assert path.get("data-drawing") is None


def test_a_growing_stroke_sends_only_its_new_part() -> None:
    _, html = one_frame(StrokeDrawn(3, stroke(points=[30.5, 40, 50, 60, 70, 80], start=2, total=4, done=False)))
    [path] = list(parse_fragment(html)[0])
    assert path.get("d") == "M30.5 40L50 60L70 80"
    assert (path.get("data-from"), path.get("data-points"), path.get("data-drawing")) == ("2", "4", "true")


def test_a_lone_point_is_a_dot() -> None:
    _, html = one_frame(StrokeDrawn(3, stroke(points=[5, 6], total=1)))
    assert list(parse_fragment(html)[0])[0].get("d") == "M5 6l0 0"


def test_the_eraser_paints_the_board_background_whatever_the_colour() -> None:
    _, html = one_frame(StrokeDrawn(3, stroke(tool="eraser", color="#000000", width=48)))
    [path] = list(parse_fragment(html)[0])
    assert path.get("stroke") == BACKGROUND
    assert path.get("stroke-width") == "48"
    assert "eraser" in path.get("class").split()


def test_undo_deletes_the_stroke_and_reset_empties_the_board() -> None:
    _, html = one_frame(StrokeUndone(3, "abc"))
    [undone] = parse_fragment(html)
    assert (undone.get("id"), undone.get("hx-swap-oob")) == ("stroke-abc", "delete")

    channel, html = one_frame(DrawingReset(3))
    [board] = parse_fragment(html)
    assert channel == "room:3"
    assert (board.get("id"), board.get("hx-swap-oob")) == ("drawing", "innerHTML")
    assert [child.tag for child in board] == [f"{SVG}rect"]
    assert board.find(f"{SVG}rect").get("fill") == BACKGROUND


def test_the_board_is_well_formed_svg_with_its_strokes_in_order() -> None:
    strokes = [stroke(id="a"), stroke(id="b", tool="eraser", width=24)]
    svg = env.get_template("fragments/drawing.html").render(strokes=strokes, oob=False)
    root = ElementTree.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert (root.get("viewBox"), root.get("width"), root.get("height")) == (f"0 0 {WIDTH} {HEIGHT}", str(WIDTH), str(HEIGHT))
    assert root.get("hx-swap-oob") is None
    assert [el.get("id") for el in root.iter(f"{SVG}path")] == ["stroke-a", "stroke-b"]
    assert [el.get("stroke") for el in root.iter(f"{SVG}path")] == ["#e02d25", BACKGROUND]
