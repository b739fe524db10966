"""Fitting models to data: any typed formula, and the three demand shapes.

- ``least_squares``: the bounded least-squares fit with standard errors;
- ``data``: rows and CSV files read into checked observations;
- ``demand``: linear, constant-elasticity and exponential demand fitted to
  sales, and the best price of each.
"""

from scenarios.fitting.data import DemandDataError
from scenarios.fitting.formulas import DataFit, data_fit_of, fit_formula
from scenarios.fitting.least_squares import FitError, ParameterFit, least_squares_fit

__all__ = [
    "DataFit",
    "DemandDataError",
    "FitError",
    "ParameterFit",
    "data_fit_of",
    "fit_formula",
    "least_squares_fit",
]
