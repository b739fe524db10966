"""Your own model: type a formula, get the whole scenario page for it.

The model (formula, variable, domain ends, goal) lives in URL-bound inputs
with keys starting ``om_``; the parameter sliders are the shared page's own,
bound to the URL under the parameter names, so a copied link reopens the same
model at the same values. Everything below the model box is drawn by
:mod:`dashboard.sections.scenario_page` for the Scenario that
``scenarios.from_formula`` builds: nothing on it is specific to typed models
except the saved-models section, which takes the place of saved cases.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd
import streamlit as st

import scenarios
from dashboard import engine, state
from dashboard import format as fmt
from dashboard.sections import own_model_state, scenario_page, syntax_help
from dashboard.sections.own_model_state import (
    DEFAULTS,
    FORMULA_KEY,
    GENERATION,
    GOAL_KEY,
    HI_KEY,
    INPUT_KEYS,
    LO_KEY,
    PAGE_ID,
    RANGES,
    TITLE,
    VARIABLE_KEY,
    load_spec,
)
from dashboard.sections.own_model_store import saved_models_section
from scenarios import FormulaError, Scenario, Solution
from scenarios.formula.build import (
    FormulaSpec,
    default_range,
    kink_points,
    parameter_names,
)
from scenarios.formula.examples import LESSON_EXAMPLES, Example, catalog_templates
from scenarios.formula.parse import KNOWN_FUNCTIONS_TEXT
from scenarios.model import SHOWCASE

_ARRIVED = "_own_model.arrived"
_LAST_ID = "_own_model.last_id"

GOALS = ("maximize", "minimize")
_RESERVED_PREFIXES = ("om_", "cmp_", "lab_", "gd_", "whatif_")


# --- model state --------------------------------------------------------------


def start_template() -> Example:
    """The model a first visit opens with: the first showcase scenario's formula."""
    templates = catalog_templates()
    showcase = [e for e in templates if SHOWCASE in scenarios.get(e.key).tags]
    return (showcase or list(templates))[0]


def load_example(item: Example) -> None:
    """Button callback: open a lesson example or a catalog template."""
    load_spec(item.spec())


def _arrive() -> None:
    """First run in this session: open the link's model, or the start model."""
    if st.session_state.get(_ARRIVED):
        return
    st.session_state[_ARRIVED] = True
    if FORMULA_KEY not in st.query_params:
        load_example(start_template())
        return
    # A shared link: its defaults and ranges, then any slider value the link
    # gives for a parameter without a default, so every value fits its range.
    defaults: dict[str, float] = {}
    ranges: dict[str, tuple[float, ...]] = {}
    for query, size, target in (
        (DEFAULTS_QUERY, 1, defaults),
        (RANGES_QUERY, 3, ranges),
    ):
        raw = st.query_params.get(query)
        if not raw:
            continue
        pairs = _read_pairs(raw, size)
        if pairs is None:
            st.session_state["_own_model.notice"] = (
                "The link's parameter defaults or ranges cannot be read, so "
                "the parameters start from their usual defaults."
            )
            continue
        target.update({k: (v[0] if size == 1 else v) for k, v in pairs.items()})
    skip = {*INPUT_KEYS, DEFAULTS_QUERY, RANGES_QUERY, state.YOUR_VALUE_KEY}
    for key, raw in st.query_params.items():
        if key in skip or key in defaults:
            continue
        try:
            value = float(raw)
        except ValueError:
            continue
        if math.isfinite(value):
            defaults[key] = value
    st.session_state[DEFAULTS] = defaults
    st.session_state[RANGES] = ranges
    goal = st.query_params.get(GOAL_KEY)
    if goal is not None and goal.lower() not in GOALS:
        st.session_state["_own_model.notice"] = (
            f"The link asks to “{goal[:40]}”, which is not a goal; the model "
            "maximizes instead."
        )


# --- the model box --------------------------------------------------------------


_PICKERS = {"om_lesson": LESSON_EXAMPLES, "om_template": None}
"""Pill groups of examples: the lesson's, and the catalog as templates."""


def _examples_in(key: str) -> tuple[Example, ...]:
    return _PICKERS[key] or catalog_templates()


def _picked(key: str) -> None:
    """Pill callback: open the chosen example, then clear the pill."""
    choice = st.session_state.get(key)
    st.session_state[key] = None
    for item in _examples_in(key):
        if item.key == choice:
            load_example(item)


def _examples() -> None:
    with st.expander("Start from an example", icon=":material/lightbulb:"):
        for key, label in (
            ("om_lesson", "The lesson's worked examples"),
            ("om_template", "A catalog scenario as a formula you can edit"),
        ):
            items = {item.key: item.label for item in _examples_in(key)}
            st.pills(
                label, list(items), format_func=items.__getitem__, key=key,
                on_change=_picked, args=(key,),
            )  # fmt: skip


_BLANK = {VARIABLE_KEY: "x", LO_KEY: "0", HI_KEY: "1", GOAL_KEY: "maximize"}


def _fill_blanks() -> None:
    """Inputs neither the session nor the link has set start from plain values."""
    for key, value in _BLANK.items():
        if key not in st.session_state and key not in st.query_params:
            st.session_state[key] = value


def _inputs() -> tuple[str, str, str, str, str]:
    _fill_blanks()
    formula = st.text_input(
        "Formula",
        key=FORMULA_KEY,
        max_chars=None,
        placeholder="e.g. (p - c)(a - b p)",
        help="+ - * / and ^ (or **) for powers; 2x and b p multiply. Functions: "
        f"{KNOWN_FUNCTIONS_TEXT}; constants pi and e. Every "
        "other name is a parameter and gets a slider.",
        bind="query-params",
    )
    left, lo_col, hi_col, goal_col = st.columns([1, 1, 1, 1.3])
    variable = left.text_input(
        "Variable", key=VARIABLE_KEY, bind="query-params",
        help="The name you choose the value of, such as p for a price.",
    )  # fmt: skip
    lo = lo_col.text_input(
        "Lower end", key=LO_KEY, bind="query-params",
        help="A number or a formula of the parameters, such as c.",
    )  # fmt: skip
    hi = hi_col.text_input(
        "Upper end", key=HI_KEY, bind="query-params",
        help="A number or a formula of the parameters, such as a/b.",
    )  # fmt: skip
    goal = goal_col.segmented_control(
        "Goal", GOALS, key=GOAL_KEY, bind="query-params",
        format_func=str.capitalize,
    )  # fmt: skip
    return (
        formula or "",
        (variable or "").strip(),
        lo or "",
        hi or "",
        goal or "maximize",
    )


def _show_refusal(exc: FormulaError, text: str | None) -> None:
    """The engine's sentence, with a caret under the position when there is one."""
    from dashboard.format import plain

    st.error(plain(str(exc)), icon=":material/error:")
    if text is not None and exc.position is not None and len(text) <= 500:
        shown = text.replace("\t", " ")
        st.code(f"{shown}\n{' ' * exc.position}^", language=None)


def _reserved(names: tuple[str, ...]) -> str | None:
    for name in names:
        if name in state.RESERVED_KEYS or name.startswith(_RESERVED_PREFIXES):
            return (
                f"The name {name} is used by the page itself; call that "
                "parameter something else."
            )
    return None


def _current_values(names: tuple[str, ...]) -> tuple[dict, dict]:
    """Each parameter's default and (min, max, step), as the session holds them."""
    defaults: Mapping[str, float] = st.session_state.get(DEFAULTS, {})
    ranges: Mapping[str, tuple] = st.session_state.get(RANGES, {})
    out_defaults, out_ranges = {}, {}
    for name in names:
        out_defaults[name] = float(defaults.get(name, 1.0))
        if name in ranges:
            out_ranges[name] = tuple(ranges[name])
    return out_defaults, out_ranges


def _ranges_editor(names: tuple[str, ...]) -> None:
    """Defaults and (min, max, step) per parameter, editable in one table.

    Drawn only while its toggle is on; edits go into the session, so the model
    keeps them with the table closed.
    """
    if not names or not st.toggle(
        "Edit parameter defaults and ranges", key="om_edit_ranges"
    ):
        return
    defaults, ranges = _current_values(names)
    rows = []
    for name in names:
        lo, hi, step = ranges.get(name) or default_range(defaults[name])
        rows.append(
            {"Parameter": name, "Default": defaults[name], "Min": lo, "Max": hi,
             "Step": step}
        )  # fmt: skip
    st.caption(
        "Each slider runs from Min to Max in steps of Step, and Reset returns it "
        "to Default. Without your own, a range runs from a tenth to ten times "
        "the default (−10 to 10 around 0)."
    )
    key = f"om_ranges_{st.session_state.get(GENERATION, 0)}_{'_'.join(names)}"
    edited = st.data_editor(
        pd.DataFrame(rows),
        key=key,
        hide_index=True,
        num_rows="fixed",
        disabled=["Parameter"],
        width="stretch",
        column_config={
            c: st.column_config.NumberColumn(c, format="%g")
            for c in ("Default", "Min", "Max", "Step")
        },
    )
    new_defaults = dict(st.session_state.get(DEFAULTS, {}))
    new_ranges = dict(st.session_state.get(RANGES, {}))
    for row in edited.to_dict("records"):
        name = row["Parameter"]
        new_defaults[name] = row["Default"]
        if (row["Min"], row["Max"], row["Step"]) != default_range(row["Default"]):
            new_ranges[name] = (row["Min"], row["Max"], row["Step"])
        else:
            new_ranges.pop(name, None)
    st.session_state[DEFAULTS] = new_defaults
    st.session_state[RANGES] = new_ranges


# --- the model in the URL, beside the bound inputs ---------------------------------

DEFAULTS_QUERY = "om_defaults"
RANGES_QUERY = "om_ranges"


def _number_text(value: float) -> str:
    return f"{float(value):.15g}"


def _write_link(scenario: Scenario) -> None:
    """Parameter defaults and edited ranges into the URL, so a link has them all.

    (The sliders' own values are in the URL already, where they differ from
    the defaults.)
    """
    spec: FormulaSpec = scenario.extras["formula"]
    defaults = ";".join(f"{k}={_number_text(v)}" for k, v in spec.params)
    edited = [
        f"{k}={':'.join(_number_text(x) for x in v)}"
        for k, v in spec.ranges
        if tuple(v) != default_range(dict(spec.params)[k])
    ]
    for key, text in ((DEFAULTS_QUERY, defaults), (RANGES_QUERY, ";".join(edited))):
        if text and st.query_params.get(key) != text:
            st.query_params[key] = text
        elif not text and key in st.query_params:
            del st.query_params[key]


def _read_pairs(text: str, size: int) -> dict[str, tuple[float, ...]] | None:
    """``"a=1;b=2"`` (or ``"a=1:2:3"`` with ``size`` 3) to numbers; None if bad."""
    out: dict[str, tuple[float, ...]] = {}
    for item in text.split(";"):
        name, sep, rest = item.partition("=")
        parts = rest.split(":")
        if not sep or not name or len(parts) != size or len(name) > 40:
            return None
        try:
            numbers = tuple(float(p) for p in parts)
        except ValueError:
            return None
        if not all(math.isfinite(n) for n in numbers):
            return None
        out[name] = numbers
    return out


def build_model() -> Scenario | None:
    """The model box; the Scenario it describes, or None after a refusal."""
    formula, variable, lo, hi, goal = _inputs()
    notice = st.session_state.pop("_own_model.notice", None)
    if notice:
        st.warning(notice, icon=":material/link_off:")
    try:
        names = parameter_names(formula, variable, (lo, hi))
    except FormulaError as exc:
        _show_refusal(exc, formula if "domain" not in str(exc) else None)
        return None
    problem = _reserved(names)
    if problem:
        st.error(problem, icon=":material/error:")
        return None
    _ranges_editor(names)
    defaults, ranges = _current_values(names)
    try:
        return scenarios.from_formula(
            formula, variable=variable, domain=(lo, hi), goal=goal,
            params=defaults, ranges=ranges,
        )  # fmt: skip
    except FormulaError as exc:
        _show_refusal(exc, formula)
        return None


# --- the shared page below it ---------------------------------------------------------


def _keep_slider_positions(scenario: Scenario) -> None:
    """A rebuilt model keeps slider values that still fit its ranges."""
    last = st.session_state.get(_LAST_ID)
    if last is not None and last != scenario.id:
        keys = (*scenario.param_names, state.YOUR_VALUE_KEY)
        state.hand_over(scenario.id, keys)
        for p in scenario.params:
            value = st.session_state.get(p.name)
            if value is not None and not (p.min <= float(value) <= p.max):
                del st.session_state[p.name]
        st.session_state.pop(state.YOUR_VALUE_KEY, None)
    st.session_state[_LAST_ID] = scenario.id


def kinks_section(
    scenario: Scenario, params: dict[str, float], solution: Solution | None
) -> None:
    """Where f' jumps (abs, min, max), said once: those points are candidates."""
    if solution is None or scenario.kinks is None:
        return
    try:
        points = kink_points(scenario, params)
    except (ValueError, ArithmeticError):
        return
    if not points:
        return
    var = scenario.variable.name
    shown = ", ".join(fmt.number(x) for x in points)
    st.info(
        f"f′ jumps at {var} = {shown}, where abs, min or max switch branch. "
        "The slope has no value there, so such a kink is checked as a candidate "
        "for the optimum beside the points where f′ = 0 and the two ends.",
        icon=":material/change_history:",
    )


def _sections() -> list:
    """The scenario page's sections and tabs, with this page's own saving."""
    page = scenario_page
    out = []
    for section in page.SECTIONS:
        if section is page.header:
            continue
        if isinstance(section, page.Tab):
            section = section.replaced(
                page.save_case_section, saved_models_section, "Saved models"
            )
        out.append(section)
        if section is page.headline:
            out.append(kinks_section)
    return out


def render() -> None:
    """The "Your own model" page."""
    _arrive()
    # One element for the title and the lead, as on the scenario pages.
    st.markdown(
        f"# {TITLE}\n\n**Type any formula with named parameters: its exact "
        "derivatives, optimum and every table below follow from it.**"
    )
    _examples()
    syntax_help.syntax_help_section()
    scenario = build_model()
    own_model_state.remember(scenario)
    if scenario is None:
        return
    _write_link(scenario)
    _keep_slider_positions(scenario)
    params = scenario_page.controls(scenario)
    solution = engine.analyse(scenario.id, engine.freeze(params)).solution
    scenario_page.your_value_control(scenario, solution)
    scenario_page.render_sections(scenario, params, solution, _sections(), PAGE_ID)
    state.mark_rendered(scenario.id)
