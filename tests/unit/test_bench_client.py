"""The load benchmark reads real fragments: what it credits each frame to."""

from __future__ import annotations

from bench.client import parse_frame
from bench.load import Phase
from webapp.chat.events import StrokeDrawn, StrokeView
from tests.support import render_event
from webapp.rendering import create_environment

env = create_environment()
STROKE = "0f4c1d2e-0000-4000-8000-000000000001"


def drawn(points: list[float], start: int, total: int, done: bool) -> str:
    view = StrokeView(STROKE, 7, "pen", "#e02d25", 6, points, start, total, done)
    [(_channel, html)] = list(render_event(env, StrokeDrawn(3, view)))
    return html


def test_each_stroke_batch_is_known_by_the_points_drawn_so_far() -> None:
    first = drawn([1, 1, 2, 2], start=0, total=2, done=False)
    middle = drawn([2, 2, 3, 3, 4, 4], start=2, total=4, done=False)
    # The last batch resends the whole stroke from point 0: it is still the batch that made 6 points.
    last = drawn([1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6], start=0, total=6, done=True)

    assert [parse_frame(html).strokes for html in (first, middle, last)] == [[(STROKE, 2)], [(STROKE, 4)], [(STROKE, 6)]]


def test_senders_spread_their_sends_evenly_over_each_period() -> None:
    phase = Phase(1, "messages", rate=10, count=3, start_at=100.0, senders=4)
    times = sorted(phase.send_time(sender, seq) for sender in range(1, 5) for seq in range(3))
    gaps = {round(later - earlier, 6) for earlier, later in zip(times, times[1:])}
    assert times[0] == 100.0 and gaps == {0.025}  # 4 senders at 10/s: one send every 25 ms
