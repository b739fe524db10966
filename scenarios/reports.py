"""Saved cases read against today's declarations: loading, and the summary report.

The store (``scenarios.store.cases``) only persists; what here solves or validates
a case lives beside the engine. Nothing here formats numbers for display.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scenarios.errors import InputError, UnknownNameError
from scenarios.model import Scenario
from scenarios.solver import solve
from scenarios.store.cases import Case


@dataclass(frozen=True)
class LoadedCase:
    """A case made usable for today's scenario declaration.

    ``params`` holds every current parameter, validated; ``notices`` says in
    plain sentences what had to change (unknown names dropped, values clipped
    into range, missing ones set to their default).
    """

    case: Case
    params: dict[str, float]
    notices: tuple[str, ...]


# Loading a case into today's declaration.


def usable_params(
    scenario: Scenario, stored: Mapping[str, object]
) -> tuple[dict[str, float], list[str]]:
    """Stored values made valid for ``scenario``, and a notice for each change.

    Unknown names are dropped, values out of range are clipped to the nearest
    end, values that are not finite numbers and missing parameters take the
    default. Never raises for bad stored values.
    """
    params = scenario.defaults()
    notices: list[str] = []
    known = set(scenario.param_names)
    for name, value in stored.items():
        if name not in known:
            notices.append(
                f"The saved parameter {name!r} no longer exists in "
                f"{scenario.title}; it was ignored."
            )
            continue
        spec = scenario.param(name)
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            number = math.nan
        if not math.isfinite(number):
            notices.append(
                f"{spec.label} was saved as {value!r}, which is not a number; "
                f"the default {spec.default:g} is used."
            )
            continue
        clipped = min(max(number, spec.min), spec.max)
        if clipped != number:
            notices.append(
                f"{spec.label} was saved as {number:g}, outside today's range "
                f"{spec.min:g} to {spec.max:g}; {clipped:g} is used."
            )
        params[name] = clipped
    for name in scenario.param_names:
        if name not in stored:
            spec = scenario.param(name)
            notices.append(
                f"{spec.label} was not saved with this case; "
                f"the default {spec.default:g} is used."
            )
    return params, notices


def load_case(scenario: Scenario, case: Case) -> LoadedCase:
    """``case`` with parameters usable for ``scenario``; never raises on bad values."""
    notices: list[str] = []
    if case.scenario_id != scenario.id:
        notices.append(
            f"This case was saved for {case.scenario_id!r}, not {scenario.id!r}."
        )
    if case.unreadable:
        notices.append(
            "The saved parameters of this case could not be read; "
            "the defaults are used."
        )
    params, more = usable_params(scenario, case.params)
    if case.unreadable:
        more = [m for m in more if "was not saved" not in m]
    return LoadedCase(case, params, tuple(notices + more))


# The summary report: cases as columns, like a spreadsheet scenario manager.


@dataclass(frozen=True)
class ReportRow:
    """One line of the summary report.

    ``values`` holds one entry per case, in the report's case order: a float,
    a word (the kind), or None where the case is infeasible. ``changes`` holds
    each value minus the base case's, None where that is not a number.
    """

    key: str
    section: str  # "parameter" or "result"
    label: str
    unit: str
    values: tuple[float | str | None, ...]
    changes: tuple[float | None, ...]


@dataclass(frozen=True)
class SummaryReport:
    """Cases side by side for one scenario, with changes against ``base``."""

    scenario_id: str
    case_names: tuple[str, ...]
    base: str
    rows: tuple[ReportRow, ...]
    notices: tuple[str, ...]

    def row(self, key: str) -> ReportRow:
        """The row for a parameter name or a result key (optimum, value, kind)."""
        for r in self.rows:
            if r.key == key:
                return r
        raise UnknownNameError(f"no report row {key!r}")


INFEASIBLE = "infeasible"


def summary_report(
    scenario: Scenario, cases: Sequence[Case], base: str | None = None
) -> SummaryReport:
    """Parameters and results of ``cases`` side by side, against a base case.

    ``base`` names one of the cases (default: the first). Result rows are the
    optimum x*, the objective there, the kind (or ``"infeasible"``), whether
    x* sits at an end of its range, and the scenario's derived quantities at
    x*. A case whose parameters no longer fit is used as it would load, and
    the reason is in ``notices``.
    """
    if not cases:
        raise InputError("There are no saved cases to report on.")
    names = tuple(c.name for c in cases)
    if base is None:
        base = names[0]
    if base not in names:
        raise InputError(
            f"The base case {base!r} is not among the cases; "
            f"choose one of: {', '.join(names)}."
        )
    b = names.index(base)
    notices: list[str] = []
    loaded = []
    for case in cases:
        item = load_case(scenario, case)
        notices += [f"{case.name}: {n}" for n in item.notices]
        loaded.append(item.params)

    results: list[dict[str, float | str | None]] = []
    for case, params in zip(cases, loaded, strict=True):
        try:
            sol = solve(scenario, params)
        except ValueError as exc:
            notices.append(f"{case.name}: {exc}")
            results.append({"kind": INFEASIBLE})
            continue
        entry: dict[str, float | str | None] = {
            "optimum": sol.x,
            "value": sol.value,
            "kind": sol.kind,
            "on_boundary": "yes" if sol.on_boundary else "no",
        }
        for d in scenario.derived:
            entry[d.name] = float(d.fn(sol.x, **sol.params))
        results.append(entry)

    def row(key, section, label, unit, values) -> ReportRow:
        values = tuple(values)
        changes: list[float | None] = []
        for v in values:
            if isinstance(v, float) and isinstance(values[b], float):
                changes.append(v - values[b])  # type: ignore[operator]
            else:
                changes.append(None)
        return ReportRow(key, section, label, unit, values, tuple(changes))

    rows = [
        row(p.name, "parameter", p.label, p.unit, (lp[p.name] for lp in loaded))
        for p in scenario.params
    ]
    var = scenario.variable
    result_specs = [
        ("optimum", f"Best {var.label.lower()}", var.unit),
        ("value", scenario.objective_label, scenario.objective_unit),
        ("kind", "Kind", ""),
        ("on_boundary", "At an end of the range", ""),
    ] + [(d.name, f"{d.label} at the optimum", d.unit) for d in scenario.derived]
    for key, label, unit in result_specs:
        rows.append(row(key, "result", label, unit, (r.get(key) for r in results)))
    return SummaryReport(scenario.id, names, base, tuple(rows), tuple(notices))


def _unique(label: str, taken: set[str]) -> str:
    while label in taken:
        label += " "
    taken.add(label)
    return label


def change_label(name: str, base: str) -> str:
    """The heading of a change column: ``"Pessimistic − Base"``."""
    return f"{name} − {base}"


def summary_frame(report: SummaryReport) -> pd.DataFrame:
    """The report as a table: quantity, unit, one column per case, then changes.

    Column headings are the case names verbatim (made unique with trailing
    spaces in the unlikely event that a case is called "Quantity"). Change
    columns are left out for the base case itself.
    """
    taken: set[str] = set()
    data: dict[str, list[object]] = {
        _unique("Quantity", taken): [r.label for r in report.rows],
        _unique("Unit", taken): [r.unit for r in report.rows],
    }
    for i, name in enumerate(report.case_names):
        data[_unique(name, taken)] = [r.values[i] for r in report.rows]
    for i, name in enumerate(report.case_names):
        if name == report.base:
            continue
        data[_unique(change_label(name, report.base), taken)] = [
            r.changes[i] for r in report.rows
        ]
    frame = pd.DataFrame(data, index=pd.Index([r.key for r in report.rows]))
    frame.index.name = "key"
    return frame


def summary_csv(report: SummaryReport) -> str:
    """The report as CSV text: a header line, then one line per quantity.

    Numbers are written with Python's shortest round-trip form; an infeasible
    case leaves its cells empty.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    frame = summary_frame(report)
    writer.writerow(["key", *frame.columns])
    for key, values in zip(frame.index, frame.itertuples(index=False), strict=True):
        cells = []
        for v in values:
            if v is None or (isinstance(v, float) and not np.isfinite(v)):
                cells.append("")
            elif isinstance(v, float):
                cells.append(repr(v))
            else:
                cells.append(str(v))
        writer.writerow([key, *cells])
    return buffer.getvalue()
