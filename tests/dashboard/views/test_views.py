"""Everything a page builds, for any parameters the sliders can reach."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as hst

import scenarios
from dashboard import engine, state
from dashboard.charts import panels as charts
from dashboard.sections import tables


@hst.composite
def scenario_and_params(draw):
    scenario = draw(hst.sampled_from(list(scenarios.REGISTRY.values())))
    params = {
        p.name: draw(hst.floats(min_value=p.min, max_value=p.max))
        for p in scenario.params
    }
    return scenario, params


@settings(max_examples=150, deadline=None)
@given(scenario_and_params(), hst.floats(0.0, 1.0))
def test_analysis_tables_and_chart_never_raise(case, fraction):
    scenario, params = case
    key = engine.freeze(params)
    analysis = engine.analyse(scenario.id, key)
    tables.what_if_table(analysis.what_if)
    if analysis.solution is None:
        assert analysis.error and "\n" not in analysis.error
        return
    solution = analysis.solution
    grid = state.value_grid(*solution.domain, fraction=fraction)
    x = grid.default
    view = engine.points_view(
        scenario.id, key, x, engine.tangent_span(*solution.domain, x)
    )
    assert view is not None
    tables.points_table(scenario, view.reports).csv_bytes()
    chart = charts.main_chart(
        scenario,
        analysis.curve,
        solution,
        view.reports,
        engine.YOUR_VALUE_LABEL,
        (view.tangent_x, view.tangent_y),
    )
    assert set(chart.objective["datasets"]) >= {"curve", "points", "tangent"}
    assert len(chart.objective["datasets"]["curve"]) <= engine.CURVE_SAMPLES
    seek = engine.goal_seek(scenario.id, key, float(view.reports[-2].value))
    assert seek.error is None and seek.reports
    tables.seek_table(scenario, seek.reports)
    tables.check_table(analysis.check)


def test_chart_accepts_extra_layers_on_the_objective_panel():
    import altair as alt
    import pandas as pd

    scenario = scenarios.get("headphone_pricing")
    key = engine.freeze(scenario.defaults())
    analysis = engine.analyse(scenario.id, key)
    view = engine.points_view(scenario.id, key, 50.0, (40.0, 60.0))
    band = (
        alt.Chart(pd.DataFrame({"x": [60.0], "x2": [90.0]}))
        .mark_rect(opacity=0.1)
        .encode(x="x:Q", x2="x2:Q")
    )
    chart = charts.main_chart(
        scenario,
        analysis.curve,
        analysis.solution,
        view.reports,
        engine.YOUR_VALUE_LABEL,
        (view.tangent_x, view.tangent_y),
        extra_layers=[band],
    )
    assert "rect" in str(chart.objective)
    assert "curve" in chart.objective["datasets"]


def test_every_scenarios_chart_is_valid_vega_lite():
    # The app skips schema validation at run time to start faster; this is
    # where an invalid chart would be caught.
    for scenario in scenarios.REGISTRY.values():
        objective, slope = charts.compile_panels(scenario, validate=True)
        assert {"layer", "config"} <= set(objective) and "layer" in slope


def test_each_panel_is_sent_exactly_the_datasets_it_reads():
    # Streamlit redraws a chart in place by swapping its named datasets. A
    # dataset the compiled view does not read makes that swap fail, and the
    # chart keeps showing the data of the run that first drew it.
    from dashboard.charts import curvature as curvature_charts
    from tests.dashboard.helpers import named_data

    for scenario in scenarios.REGISTRY.values():
        params = scenario.defaults()
        key = engine.freeze(params)
        analysis = engine.analyse(scenario.id, key)
        solution = analysis.solution
        x = state.value_grid(*solution.domain).default
        view = engine.points_view(
            scenario.id, key, x, engine.tangent_span(*solution.domain, x)
        )
        chart = charts.main_chart(
            scenario,
            analysis.curve,
            solution,
            view.reports,
            engine.YOUR_VALUE_LABEL,
            (view.tangent_x, view.tangent_y),
        )
        objective = curvature_charts.with_curvature(chart.objective, scenario, params)
        for spec in (chart.objective, objective, chart.slope):
            assert set(spec["datasets"]) == named_data(spec), scenario.id


def test_sensitivity_charts_are_valid_vega_lite():
    # Compiled once without validation at run time, like the main chart.
    import altair as alt

    from dashboard import format as fmt
    from dashboard.charts import sensitivity as sensitivity_charts

    for scenario in scenarios.REGISTRY.values():
        names = scenario.param_names
        order = tuple(fmt.slider_label(p) for p in scenario.params)
        specs = [
            sensitivity_charts.tornado_spec(scenario.id, measure, order)
            for measure in ("objective", "optimum")
        ]
        specs.extend(sensitivity_charts.one_way_specs(scenario.id, names[0]))
        if len(names) > 1:
            specs.extend(
                sensitivity_charts.heatmap_spec(scenario.id, names[0], names[1], show)
                for show in ("optimum", "objective")
            )
        for spec in specs:
            alt.LayerChart.from_dict(spec)
