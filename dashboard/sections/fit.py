"""Fitting sections: demand shapes compared, and any formula fitted to data.

:func:`render_demand_fit` (:mod:`.demand_fit_section`) draws the pricing
pages' demand fit; :func:`render_formula_fit` (:mod:`.formula_fit_section`)
fits a formula's parameters to (x, y) rows on a typed model or a catalog
scenario that declares a curve over data. Both only cache, format and draw.
"""

from __future__ import annotations

from dashboard.sections.demand_fit import render_demand_fit
from dashboard.sections.formula_fit import render_formula_fit

__all__ = ["render_demand_fit", "render_formula_fit"]
