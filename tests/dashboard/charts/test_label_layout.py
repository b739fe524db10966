"""Point labels never overlap, whatever the points (dashboard.charts.label_layout)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as hst

import scenarios
from dashboard import engine
from dashboard.charts import frames as chart_frames
from dashboard.charts.label_layout import (
    CHAR_WIDTH,
    GAP,
    LINE_HEIGHT,
    NOMINAL_WIDTH,
    TEXT_HEIGHT,
    LabelSpot,
    label_offsets,
)

HEIGHT = 300.0


def _box(spot: LabelSpot, dy: float, x_span, y_span) -> tuple[float, ...]:
    """The label's pixel box, worked out here from the layout's stated rules."""
    px = (spot.x - x_span[0]) / (x_span[1] - x_span[0]) * NOMINAL_WIDTH
    py = (y_span[1] - spot.y) / (y_span[1] - y_span[0]) * HEIGHT + dy
    w = CHAR_WIDTH * len(spot.text)
    left = px - GAP - w if spot.right_side else px + GAP
    return left, py - TEXT_HEIGHT / 2, left + w, py + TEXT_HEIGHT / 2


def _apart(a, b) -> bool:
    return a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


def test_single_neuron_optimum_and_untrained_labels_no_longer_overlap():
    # The reported case: 0.99 apart on a 20-wide axis, the same height.
    x_span, y_span = (-10.0, 10.0), (0.0, 16.0)
    spots = [
        LabelSpot(0.9862, 0.3, "Optimum: 0.9862", right_side=True),
        LabelSpot(0.0, 0.69, "Untrained (w = 0): 0", right_side=False),
    ]
    dy = label_offsets(spots, x_span, y_span, HEIGHT)
    assert dy[0] == -13.0  # the first label keeps its place
    a, b = (_box(s, d, x_span, y_span) for s, d in zip(spots, dy, strict=True))
    assert _apart(a, b)


def test_labels_far_apart_keep_their_preferred_lines():
    spots = [
        LabelSpot(1.0, 5.0, "Left", right_side=False),
        LabelSpot(9.0, 5.0, "Right", right_side=True),
    ]
    preferred = [-13.0, 13.0]
    assert label_offsets(spots, (0.0, 10.0), (0.0, 10.0), HEIGHT, preferred) == [
        -13.0,
        13.0,
    ]


def test_three_labels_on_one_point_take_three_lines():
    spots = [LabelSpot(5.0, 5.0, f"Label {i}", right_side=False) for i in range(3)]
    dy = label_offsets(spots, (0.0, 10.0), (0.0, 10.0), HEIGHT)
    # One line up from the first, then one line down: nearest free lines.
    assert sorted(dy) == [-13.0 - LINE_HEIGHT, -13.0, -13.0 + LINE_HEIGHT]


@settings(max_examples=200, deadline=None)
@given(
    hst.lists(
        hst.tuples(
            hst.floats(0.0, 1.0),
            hst.floats(0.0, 1.0),
            hst.text("abcdefgh :$.0123", min_size=1, max_size=30),
            hst.booleans(),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_no_two_labels_overlap_for_any_points(rows):
    spots = [LabelSpot(x, y, text, side) for x, y, text, side in rows]
    spans = ((0.0, 1.0), (0.0, 1.0))
    dy = label_offsets(spots, *spans, HEIGHT)
    boxes = [_box(s, d, *spans) for s, d in zip(spots, dy, strict=True)]
    for i, a in enumerate(boxes):
        assert 0 <= a[1] and a[3] <= HEIGHT, a  # inside the plot
        for b in boxes[i + 1 :]:
            assert _apart(a, b), (a, b)


def test_single_neuron_chart_stacks_the_colliding_labels():
    scenario = scenarios.get("single_neuron")
    key = engine.freeze(scenario.defaults())
    analysis = engine.analyse(scenario.id, key)
    solution = analysis.solution
    view = engine.points_view(
        scenario.id, key, -5.0, engine.tangent_span(*solution.domain, -5.0)
    )
    frame = chart_frames.point_frame(
        scenario, view.reports, engine.YOUR_VALUE_LABEL, solution.domain
    ).set_index("role")
    optimum = frame.loc["Optimum", "label_dy"]
    untrained = frame[frame["label"].str.startswith("Untrained")]["label_dy"].item()
    assert abs(optimum - untrained) >= LINE_HEIGHT
