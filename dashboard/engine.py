"""Cached calls into ``scenarios``, keyed on plain values only.

Each function takes a scenario id and the parameters as a tuple of
``(name, value)`` pairs, never a Scenario or a function object, so
``st.cache_data`` hashes a few strings and floats. Engine errors
(``ParamError``, ``DomainError``, ``SeekError``: all ``ValueError``) come back
as a plain message in the result instead of being raised, so a page never has
to show a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import streamlit as st

import scenarios
import scenarios.analysis
import scenarios.checks
from scenarios import Solution
from scenarios.analysis import (
    Curve,
    GrowthFigures,
    PointReport,
    WhatIfRow,
    growth_figures,
)
from scenarios.checks import DerivativeCheck

ParamItems = tuple[tuple[str, float], ...]
"""Parameters as hashable ``(name, value)`` pairs in declaration order."""

CURVE_SAMPLES = 400
"""Points per plotted curve: smooth at any screen width, cheap to send."""

TANGENT_SHARE = 0.18
"""Half a drawn tangent's length, as a share of the domain's width."""

_ENGINE_ERRORS = (ValueError, ArithmeticError)


def freeze(params: Mapping[str, float]) -> ParamItems:
    """``{"a": 1.0}`` -> ``(("a", 1.0),)``, the cache key for a parameter set."""
    return tuple((name, float(value)) for name, value in params.items())


@dataclass(frozen=True)
class Analysis:
    """Everything on a scenario page that depends only on the parameters.

    ``error`` is the engine's one-sentence reason when the parameters give no
    feasible x; then ``solution`` and ``curve`` are None. ``what_if`` is
    available either way, ``check`` only when the domain is feasible.
    """

    solution: Solution | None
    error: str | None
    curve: Curve | None
    what_if: tuple[WhatIfRow, ...]
    check: DerivativeCheck | None


@st.cache_data(max_entries=2048, show_spinner=False)
def analyse(scenario_id: str, params: ParamItems) -> Analysis:
    """Optimum, curve, what-if rows and derivative check for one parameter set."""
    scenario = scenarios.get(scenario_id)
    values = dict(params)
    try:
        what_if = tuple(scenarios.analysis.what_if(scenario, values))
    except _ENGINE_ERRORS:
        what_if = ()
    try:
        solution = scenarios.solve(scenario, values)
        curve = scenarios.analysis.curve(scenario, values, samples=CURVE_SAMPLES)
        check = scenarios.checks.check_derivatives(scenario, values)
    except _ENGINE_ERRORS as exc:
        return Analysis(None, str(exc), None, what_if, None)
    return Analysis(solution, None, curve, what_if, check)


@dataclass(frozen=True)
class PointsView:
    """Reference points, the user's value and the optimum, with a tangent.

    ``reports`` ends with the user's value, then the optimum. ``tangent_x`` and
    ``tangent_y`` trace the tangent at the user's value across ``tangent_x``.
    """

    reports: tuple[PointReport, ...]
    tangent_x: np.ndarray
    tangent_y: np.ndarray


YOUR_VALUE_LABEL = "Your value"


def tangent_span(lo: float, hi: float, at: float) -> tuple[float, float]:
    """Where to draw the tangent at ``at``: a short stretch, clipped to the domain.

    Here rather than in ``charts`` so the headline can ask for the points
    without importing the chart stack (Altair, pandas) on a cold start.
    """
    half = TANGENT_SHARE * (hi - lo)
    return max(lo, at - half), min(hi, at + half)


@st.cache_data(max_entries=4096, show_spinner=False)
def points_view(
    scenario_id: str,
    params: ParamItems,
    your_x: float,
    tangent_span: tuple[float, float],
) -> PointsView | None:
    """Reports for the references, ``your_x`` and the optimum; None if infeasible."""
    scenario = scenarios.get(scenario_id)
    values = dict(params)
    points = [
        *scenarios.analysis.reference_points(scenario),
        (YOUR_VALUE_LABEL, your_x),
    ]
    try:
        reports = scenarios.analysis.evaluate_points(scenario, points, values)
        xs = np.linspace(tangent_span[0], tangent_span[1], 2)
        ys = scenarios.analysis.tangent_line(scenario, your_x, xs, values)
    except _ENGINE_ERRORS:
        return None
    return PointsView(tuple(reports), xs, ys)


@dataclass(frozen=True)
class SeekResult:
    """Every x that reaches a target, each with its report, or why none could."""

    target: float
    reports: tuple[PointReport, ...]
    error: str | None


@st.cache_data(max_entries=1024, show_spinner=False)
def goal_seek(scenario_id: str, params: ParamItems, target: float) -> SeekResult:
    """All x in the domain where f(x) equals ``target``."""
    scenario = scenarios.get(scenario_id)
    values = dict(params)
    try:
        xs = scenarios.seek(scenario, target, values)
        reports = scenarios.analysis.evaluate_points(
            scenario,
            [(f"Solution {i}", x) for i, x in enumerate(xs, start=1)],
            values,
            include_optimum=False,
        )
    except _ENGINE_ERRORS as exc:
        return SeekResult(target, (), str(exc))
    return SeekResult(target, tuple(reports), None)


@st.cache_data(max_entries=1024, show_spinner=False)
def growth(
    scenario_id: str, params: ParamItems, at: float, within: float, rate_param: str
) -> GrowthFigures | str:
    """Growth figures (see ``scenarios.analysis.growth_figures``) or an error text."""
    scenario = scenarios.get(scenario_id)
    try:
        return growth_figures(
            scenario, dict(params), at=at, within=within, rate_param=rate_param
        )
    except _ENGINE_ERRORS as exc:
        return str(exc)


@st.cache_data(max_entries=64, show_spinner=False)
def default_solution(scenario_id: str) -> Solution | str:
    """The optimum at the declared defaults, or the error text if there is none."""
    try:
        return scenarios.solve(scenarios.get(scenario_id))
    except _ENGINE_ERRORS as exc:
        return str(exc)
