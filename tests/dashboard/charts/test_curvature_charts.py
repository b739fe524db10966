"""Curvature on the scenario page's main chart, and the inflection points."""

from __future__ import annotations

import math

import pytest

import scenarios
import scenarios.analysis

# --- curvature on the main scenario chart -----------------------------------------


def test_inflection_table_lists_the_fuel_inflection():
    from dashboard.charts import curvature as curvature_charts

    table = curvature_charts.inflection_table(scenarios.get("fuel_efficiency"))
    # s = √6000 = 77.46 mph, E = √6000 / 8 = 9.682 mpg.
    assert table.to_dict("records") == [
        {
            "Speed (mph)": "77.46 mph",
            "Fuel economy (mpg)": "9.682 mpg",
            "Slope f′ there (mpg per mph)": "−0.0625",
            "Bend": "concave down → concave up",
        }
    ]


def test_inflection_table_is_empty_for_a_parabola():
    from dashboard.charts import curvature as curvature_charts

    sc = scenarios.get("headphone_pricing")
    assert curvature_charts.inflection_table(sc).empty
    sentence = curvature_charts.concavity_sentence(sc)
    assert "concave down everywhere" in sentence


def test_curvature_layers_use_the_host_fields():
    from dashboard.charts import curvature as curvature_charts

    fuel = scenarios.get("fuel_efficiency")
    layers = curvature_charts.curvature_layers(fuel, x_field="speed", y_field="mpg")
    assert len(layers) == 4  # the band, then rule, marker and label at 77.46
    band = layers[0].to_dict()
    assert band["encoding"]["x"]["field"] == "speed"
    assert band["encoding"]["y"]["field"] == "mpg"
    assert "axis" not in band["encoding"]["x"]  # the host's axis must win
    shaded = curvature_charts.curvature_layers(fuel, background=True)
    assert shaded[0].to_dict()["mark"]["type"] == "rect"
    assert len(curvature_charts.curvature_layers(scenarios.get("study_time"))) == 1


def test_with_curvature_wraps_the_main_chart_in_valid_layers():
    import altair as alt

    from dashboard.charts import curvature as curvature_charts
    from dashboard.charts import panels as charts

    sc = scenarios.get("fuel_efficiency")
    solution = scenarios.solve(sc)
    curve = scenarios.analysis.curve(sc)
    reports = scenarios.analysis.evaluate_points(sc, [("Your value", 40.0)])
    main = charts.main_chart(
        sc, curve, solution, reports, "Your value", ([5, 120], [9, 11])
    )
    spec = curvature_charts.with_curvature(main.objective, sc)
    own_layers = main.objective["layer"]
    # One shaded layer beneath the chart's own layers (so it never catches the
    # pointer), then the inflection rule, marker and label on top.
    assert spec["layer"][1 : 1 + len(own_layers)] == own_layers
    assert len(spec["layer"]) == len(own_layers) + 4
    assert spec["layer"][0]["mark"]["type"] == "rect"
    assert set(main.objective["datasets"]) <= set(spec["datasets"])
    # f'' = -2ds(3i - ds^2)/burn^3: concave down, then up past the inflection
    # at sqrt(3 * 2.0 / 0.001) = 77.46 mph; two regions meeting there.
    regions = spec["datasets"][curvature_charts.REGIONS]
    assert [r["concavity"].split()[1] for r in regions] == ["down", "up"]
    assert regions[0]["x_end"] == pytest.approx(math.sqrt(6000), rel=1e-12)
    assert regions[1]["x"] == regions[0]["x_end"]
    # The added layers and their data validate against the Vega-Lite schema (the
    # host's own datasets are DataFrames, which Streamlit serialises itself).
    added = [spec["layer"][0], *spec["layer"][1 + len(own_layers) :]]
    own = {
        k: v for k, v in spec["datasets"].items() if k not in main.objective["datasets"]
    }
    alt.LayerChart.from_dict({"layer": added, "datasets": own})


def test_drawing_pages_leaves_the_shared_curvature_layers_as_compiled():
    # with_curvature hands out the cached layers themselves, not copies, so
    # drawing the page (Streamlit serialising the spec) must not edit them.
    from dashboard.charts import curvature as curvature_charts
    from tests.dashboard.helpers import open_page

    sc = scenarios.get("fuel_efficiency")
    shape = ("x", "f", ("down", "up"), True)
    curvature_charts._compiled_curvature.cache_clear()
    at = open_page("fuel_efficiency")
    at.slider(key="idle_burn").set_value(3.0).run()
    assert not at.exception
    assert curvature_charts._compiled_curvature(sc.id, *shape) == (
        curvature_charts._compile_curvature(sc, *shape)
    )
