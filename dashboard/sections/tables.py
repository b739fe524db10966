"""The page's tables as pandas DataFrames, each in two forms.

``display`` holds formatted text (units, separators, no float tails) for the
screen; ``csv`` holds the same numbers as numbers, with units in the column
names, for the download button. Nothing here calls Streamlit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from dashboard import format as fmt
from scenarios import Scenario
from scenarios.analysis import PointReport, WhatIfRow
from scenarios.checks import DerivativeCheck


@dataclass(frozen=True)
class Table:
    """One table, formatted for reading and raw for downloading."""

    display: pd.DataFrame
    csv: pd.DataFrame

    def csv_bytes(self) -> bytes:
        return self.csv.to_csv(index=False).encode("utf-8")


OUTSIDE = fmt.OUTSIDE


def points_table(scenario: Scenario, reports: Sequence[PointReport]) -> Table:
    """(a) Each point against the optimum: x, f, f', advice, gap, derived values."""
    var, obj = scenario.variable, scenario
    slope_title = fmt.with_unit("Slope f′", fmt.slope_unit(scenario))
    shown, raw = [], []
    for r in reports:
        label = r.label + ("" if r.in_domain else OUTSIDE)
        shown_row = {
            "Point": label,
            var.label: fmt.quantity(r.x, var.unit),
            obj.objective_label: fmt.quantity(r.value, obj.objective_unit),
            slope_title: fmt.signed(r.derivative),
            "Advice": fmt.advice_text(r.advice, scenario),
            "Short of the optimum by": fmt.quantity(r.gap, obj.objective_unit),
        }
        raw_row = {
            "point": label,
            fmt.with_unit(var.label, var.unit): fmt.csv_number(r.x),
            fmt.with_unit(obj.objective_label, obj.objective_unit): fmt.csv_number(
                r.value
            ),
            slope_title: fmt.csv_number(r.derivative),
            "advice": r.advice,
            fmt.with_unit("gap to optimum", obj.objective_unit): fmt.csv_number(r.gap),
        }
        for d in scenario.derived:
            value = r.derived[d.name]
            shown_row[d.label] = fmt.quantity(value, d.unit)
            raw_row[fmt.with_unit(d.label, d.unit)] = fmt.csv_number(value)
        shown.append(shown_row)
        raw.append(raw_row)
    return Table(pd.DataFrame(shown), pd.DataFrame(raw))


NO_RANGE = "no feasible range"


def _what_if_cell(row: WhatIfRow, value: float | str) -> str:
    if row.name == "kind":
        return (
            fmt.kind_text(str(value)) if value in ("maximum", "minimum") else NO_RANGE
        )
    if isinstance(value, str):
        return NO_RANGE
    return fmt.quantity(value, row.unit)


def _what_if_change(row: WhatIfRow) -> str:
    if row.change is None:
        return "same" if row.baseline == row.current else "—"
    if fmt.number(row.change) == "0":
        return "same"
    return fmt.signed_quantity(row.change, row.unit)


def what_if_table(rows: Sequence[WhatIfRow]) -> Table:
    """(b) Current parameters and results beside the defaults, with the change."""
    shown = [
        {
            "Quantity": row.label,
            "Default": _what_if_cell(row, row.baseline),
            "Current": _what_if_cell(row, row.current),
            "Change": _what_if_change(row),
        }
        for row in rows
    ]

    def raw(value: float | str) -> float | str:
        return fmt.csv_number(value) if isinstance(value, float) else value

    csv = [
        {
            "quantity": row.name,
            "label": row.label,
            "unit": row.unit,
            "default": raw(row.baseline),
            "current": raw(row.current),
            "change": "" if row.change is None else fmt.csv_number(row.change),
        }
        for row in rows
    ]
    return Table(pd.DataFrame(shown), pd.DataFrame(csv))


def seek_table(scenario: Scenario, reports: Sequence[PointReport]) -> Table:
    """(c) Every x that reaches the target, with the slope and advice there."""
    var = scenario.variable
    slope_title = fmt.with_unit("Slope f′", fmt.slope_unit(scenario))
    columns = [
        "Solution",
        var.label,
        scenario.objective_label,
        slope_title,
        "Advice",
    ]
    shown = [
        {
            "Solution": r.label,
            var.label: fmt.quantity(r.x, var.unit, sig=5),
            scenario.objective_label: fmt.quantity(
                r.value, scenario.objective_unit, sig=5
            ),
            slope_title: fmt.signed(r.derivative),
            "Advice": fmt.advice_text(r.advice, scenario),
        }
        for r in reports
    ]
    raw = [
        {
            "solution": r.label,
            fmt.with_unit(var.label, var.unit): fmt.csv_number(r.x),
            fmt.with_unit(
                scenario.objective_label, scenario.objective_unit
            ): fmt.csv_number(r.value),
            slope_title: fmt.csv_number(r.derivative),
            "advice": r.advice,
        }
        for r in reports
    ]
    return Table(pd.DataFrame(shown, columns=columns), pd.DataFrame(raw))


def check_table(check: DerivativeCheck) -> pd.DataFrame:
    """The derivative check point by point, formatted."""
    return pd.DataFrame(
        [
            {
                "x": fmt.number(s.x, 6),
                "f′ by hand": fmt.number(s.analytic_first, 6),
                "f′ numerically": fmt.number(s.numeric_first, 6),
                "f″ by hand": fmt.number(s.analytic_second, 6),
                "f″ numerically": fmt.number(s.numeric_second, 6),
                "Agree": "yes" if s.ok else "NO",
            }
            for s in check.samples
        ]
    )
