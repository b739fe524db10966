"""The README's "How sure is the optimum" example runs and shows true numbers."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest

README = Path(__file__).resolve().parents[3] / "README.md"


@pytest.fixture(scope="module")
def names() -> dict[str, object]:
    text = README.read_text(encoding="utf-8")
    section = text.split("### How sure is the optimum", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    found: dict[str, object] = {}
    exec(compile(block, str(README), "exec"), found)  # our own README text
    return found


def test_the_fitted_best_price_and_its_delta_interval_are_the_closed_forms(names):
    p = np.array(names["prices"], dtype=float)
    q = np.array(names["units"], dtype=float)
    # Ordinary least squares by hand: slope Sxy/Sxx, intercept q̄ − slope p̄.
    dp, dq = p - p.mean(), q - q.mean()
    slope = (dp @ dq) / (dp @ dp)
    a, b = q.mean() - slope * p.mean(), -slope
    iv = names["iv"]
    assert iv.x == pytest.approx((a / b + 20) / 2, rel=1e-12)
    assert round(iv.x, 2) == 75.27
    # Var(a) = s²(1/n + p̄²/Sxx), Var(b) = s²/Sxx, Cov(a, b) = s² p̄/Sxx
    # (the slope is −b, so its covariance with a changes sign).
    s2 = ((q - (a - b * p)) ** 2).sum() / (p.size - 2)
    sxx = dp @ dp
    var_a, var_b = s2 * (1 / p.size + p.mean() ** 2 / sxx), s2 / sxx
    cov_ab = s2 * p.mean() / sxx
    var_x = var_a / (4 * b**2) - a * cov_ab / (2 * b**3) + a**2 * var_b / (4 * b**4)
    assert iv.x_delta.sd == pytest.approx(math.sqrt(var_x), rel=1e-9)
    assert (round(iv.x_delta.low, 2), round(iv.x_delta.high, 2)) == (74.11, 76.43)
    boot = iv.x_bootstrap
    assert (round(boot.low, 2), round(boot.high, 2)) == (73.84, 76.3)


def test_the_monte_carlo_figures_are_the_ones_shown(names):
    r = names["r"]
    # At the mean values (c = 20, b = 10): p* = (130 + 20)/2, profit 55 × 550.
    assert r.at_mean == (75.0, 30250.0)
    x, f = r.best_on_average
    assert (round(x, 2), round(f, 2)) == (75.07, 30281.25)
    assert (round(r.quantiles[0.05], 2), round(r.quantiles[0.95], 2)) == (69.38, 81.63)
    assert r.risk.p_worse == 0.3924
    assert round(r.risk.expected_regret, 2) == 395.92
