"""Test problems for the root engine and the global optimum, kept as data rows.

Every expected value is a closed form worked out by hand (noted per row), never
a number read back from the code under test.

``ROOT_CASES`` rows: g, g' (or None), interval, every root of g there, and
whether g is smooth (a non-smooth g may come back unresolved, never wrong).

``OPTIMUM_CASES`` rows: f, f', f'', domain, goal, the set of global optimisers,
the known roots of f' (a subset when some have no closed form) and how many
roots f' has in all (None when not counted).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.polynomial import Chebyshev

PI = math.pi
ROOT_KEYS = ["id", "g", "dg", "interval", "roots", "smooth"]
OPTIMUM_KEYS = [
    "id",
    "f",
    "df",
    "d2f",
    "domain",
    "goal",
    "optima",
    "stationary",
    "count",
    "smooth",
]


def _row(keys, *values):
    return dict(zip(keys, values, strict=True))


def _product(roots):
    def g(x):
        x = np.asarray(x, dtype=float)
        out = np.ones_like(x)
        for r in roots:
            out = out * (x - r)
        return out

    return g


# --- roots of g -----------------------------------------------------------

TWENTY = [float(k) for k in range(1, 21)]
D = 1e-6  # two minima this far apart
A = 0.3

ROOT_CASES = [
    # (x - 1)(x - 2)...(x - 20), evaluated as a product so it stays accurate.
    _row(ROOT_KEYS, "twenty_roots", _product(TWENTY), None, (0.0, 21.0), TWENTY, True),
    # (x - 1/3)^2 (x + 2): a double root that touches zero and a simple root.
    _row(
        ROOT_KEYS,
        "double_root",
        lambda x: (x - 1 / 3) ** 2 * (x + 2),
        lambda x: 2 * (x - 1 / 3) * (x + 2) + (x - 1 / 3) ** 2,
        (-3.0, 3.0),
        [-2.0, 1 / 3],
        True,
    ),
    _row(
        ROOT_KEYS, "root_at_lower_end", lambda x: x - 1.0, None, (1.0, 3.0), [1.0], True
    ),
    _row(
        ROOT_KEYS, "root_at_upper_end", lambda x: 3.0 - x, None, (1.0, 3.0), [3.0], True
    ),
    # 1 - e^(-x) is exactly 0 at x = 0, the lower end, and positive after it.
    _row(
        ROOT_KEYS,
        "curved_root_at_lower_end",
        lambda x: 1.0 - np.exp(-x),
        None,
        (0.0, 24.0),
        [0.0],
        True,
    ),
    # sin x on [0, 10]: 0 (the lower end, exactly), pi, 2 pi and 3 pi.
    _row(
        ROOT_KEYS,
        "sine_from_zero",
        np.sin,
        np.cos,
        (0.0, 10.0),
        [0.0, PI, 2 * PI, 3 * PI],
        True,
    ),
    # e^x - 10^10 = 0 at x = 10 ln 10; g spans 22 orders of magnitude.
    _row(
        ROOT_KEYS,
        "exp_large_range",
        lambda x: np.exp(x) - 1e10,
        np.exp,
        (0.0, 50.0),
        [10 * math.log(10)],
        True,
    ),
    # sin(200 x) = 0 at x = j pi / 200.
    _row(
        ROOT_KEYS,
        "sin_200x",
        lambda x: np.sin(200 * x),
        lambda x: 200 * np.cos(200 * x),
        (0.1, 10.0),
        [j * PI / 200 for j in range(7, 637)],
        True,
    ),
    # 2u (u - d)(2u - d) with u = x - a: three roots within 1e-6.
    _row(
        ROOT_KEYS,
        "three_roots_in_1e-6",
        lambda x: 2 * (x - A) * (x - A - D) * (2 * (x - A) - D),
        None,
        (0.0, 1.0),
        [A, A + D / 2, A + D],
        True,
    ),
    _row(ROOT_KEYS, "identically_zero", lambda x: 0.0 * x, None, (0.0, 1.0), [], True),
    # A jump from -1 to +1 at pi/3 with no zero: no root, and not smooth.
    _row(
        ROOT_KEYS,
        "sign_jump",
        lambda x: np.where(x < PI / 3, -1.0, 1.0),
        None,
        (0.0, 2.0),
        [],
        False,
    ),
]


# --- global optima of f ---------------------------------------------------


def _sine(k):
    # sin(kx): f' = k cos(kx) = 0 at (pi/2 + j pi)/k; maxima where j is even.
    stationary = [(PI / 2 + j * PI) / k for j in range(int(10 * k / PI) + 2)]
    stationary = [x for x in stationary if x <= 10]
    return _row(
        OPTIMUM_KEYS,
        f"sin_{k}x",
        lambda x: np.sin(k * x),
        lambda x: k * np.cos(k * x),
        lambda x: -(k**2) * np.sin(k * x),
        (0.0, 10.0),
        "maximize",
        stationary[0::2],
        stationary,
        len(stationary),
        True,
    )


def _sum_of_sines(s, hi):
    # f = sin(sx) + sin(2sx)/2 + sin(3sx)/3; f' = s [cos y + cos 2y + cos 3y]
    # = s cos 2y (1 + 2 cos y), y = sx: zero at y = pi/4 + j pi/2 and at
    # y = 2pi/3, 4pi/3 (+ 2 pi j). The maximum 1/2 + 2 sqrt2 / 3 sits at
    # y = pi/4 + 2 pi j.
    ys = [PI / 4 + j * PI / 2 for j in range(200)]
    ys += [2 * PI / 3 + 2 * PI * j for j in range(60)]
    ys += [4 * PI / 3 + 2 * PI * j for j in range(60)]
    stationary = sorted(y / s for y in ys if y / s <= hi)
    optima = [(PI / 4 + 2 * PI * j) / s for j in range(60)]
    return _row(
        OPTIMUM_KEYS,
        f"sum_of_sines_{s}",
        lambda x: np.sin(s * x) + np.sin(2 * s * x) / 2 + np.sin(3 * s * x) / 3,
        lambda x: s * (np.cos(s * x) + np.cos(2 * s * x) + np.cos(3 * s * x)),
        lambda x: (
            -(s**2) * (np.sin(s * x) + 2 * np.sin(2 * s * x) + 3 * np.sin(3 * s * x))
        ),
        (0.0, hi),
        "maximize",
        [x for x in optima if x <= hi],
        stationary,
        len(stationary),
        True,
    )


# Gaussian well of width 1e-3 at C on a double-well background b(u) =
# 0.001 (u^2 - 2)^2, u = x - C. f' = u [0.004 (u^2 - 2) + 2e6 e^{-u^2/w^2}]:
# zero at u = 0 (the well, f = 0.004 - 1) and at u = +-sqrt2 (the background's
# minima, f = 0 because e^{-2e6} underflows), plus two maxima at the well's rim.
C, W = 3.7, 1e-3


def _well(x):
    u = x - C
    return 0.001 * (u * u - 2) ** 2 - np.exp(-((u / W) ** 2))


def _well_slope(x):
    u = x - C
    return u * (0.004 * (u * u - 2) + (2 / W**2) * np.exp(-((u / W) ** 2)))


def _well_bend(x):
    u = x - C
    e = np.exp(-((u / W) ** 2))
    return 0.004 * (3 * u * u - 2) + (2 / W**2) * e * (1 - 2 * u * u / W**2)


T20 = Chebyshev.basis(20)
T20_ROOTS = sorted(math.cos((2 * k - 1) * PI / 40) for k in range(1, 21))
T20_F = T20.integ()


def _cheb_optimum():
    # f = integral of T20; f' = T20 vanishes at cos((2k - 1) pi / 40). The
    # maximum is at one of those roots or an end: compare f there.
    xs = [*T20_ROOTS, -1.0, 1.0]
    values = [float(T20_F(x)) for x in xs]
    best = max(values)
    return [x for x, v in zip(xs, values, strict=True) if v == best]


def _e_rate(x):
    return -np.exp(-x) * np.sin(2 * PI * x)


OPTIMUM_CASES = [
    # (x - a)^2 (x - a - d)^2: minima at a and a + d, 1e-6 apart, both f = 0;
    # f' = 2u (u - d)(2u - d) also vanishes at the maximum a + d/2 between.
    _row(
        OPTIMUM_KEYS,
        "two_minima_1e-6_apart",
        lambda x: (x - A) ** 2 * (x - A - D) ** 2,
        lambda x: 2 * (x - A) * (x - A - D) * (2 * (x - A) - D),
        lambda x: 12 * (x - A) ** 2 - 12 * D * (x - A) + 2 * D * D,
        (0.0, 1.0),
        "minimize",
        [A, A + D],
        [A, A + D / 2, A + D],
        3,
        True,
    ),
    *(_sine(k) for k in (1, 10, 60, 200)),
    _sum_of_sines(1, 20.0),
    _sum_of_sines(20, 10.0),
    _row(
        OPTIMUM_KEYS,
        "gaussian_well_1e-3",
        _well,
        _well_slope,
        _well_bend,
        (0.0, 10.0),
        "minimize",
        [C],
        [C - math.sqrt(2), C, C + math.sqrt(2)],
        5,
        True,
    ),
    # (x - 0.6)^3: f' = 3 (x - 0.6)^2 touches zero at 0.6 (an inflection);
    # the maximum is the upper end.
    _row(
        OPTIMUM_KEYS,
        "double_root_of_slope",
        lambda x: (x - 0.6) ** 3,
        lambda x: 3 * (x - 0.6) ** 2,
        lambda x: 6 * (x - 0.6),
        (0.0, 1.0),
        "maximize",
        [1.0],
        [0.6],
        1,
        True,
    ),
    # (x - 2)^2 on [2, 5]: f' = 2 (x - 2) is zero exactly at the lower end.
    _row(
        OPTIMUM_KEYS,
        "root_at_the_end",
        lambda x: (x - 2.0) ** 2,
        lambda x: 2 * (x - 2.0),
        lambda x: 2.0 + 0 * x,
        (2.0, 5.0),
        "minimize",
        [2.0],
        [2.0],
        1,
        True,
    ),
    _row(
        OPTIMUM_KEYS,
        "chebyshev_20_roots",
        T20_F,
        T20,
        T20.deriv(),
        (-1.0, 1.0),
        "maximize",
        _cheb_optimum(),
        T20_ROOTS,
        20,
        True,
    ),
    # e^x on [0, 50]: f' = e^x never vanishes; the maximum is the upper end.
    _row(
        OPTIMUM_KEYS,
        "exp_on_0_50",
        np.exp,
        np.exp,
        np.exp,
        (0.0, 50.0),
        "maximize",
        [50.0],
        [],
        0,
        True,
    ),
    # Gavana's problem 11: 2 cos x + cos 2x; f' = -2 sin x (1 + 2 cos x).
    # Minima -3/2 at 2pi/3 and 4pi/3.
    _row(
        OPTIMUM_KEYS,
        "gavana_11",
        lambda x: 2 * np.cos(x) + np.cos(2 * x),
        lambda x: -2 * np.sin(x) - 2 * np.sin(2 * x),
        lambda x: -2 * np.cos(x) - 4 * np.cos(2 * x),
        (-PI / 2, 2 * PI),
        "minimize",
        [2 * PI / 3, 4 * PI / 3],
        # sin x also vanishes at 2 pi, but the float 2 pi falls 2e-16 short
        # of it, so that root lies just outside the domain.
        [0.0, 2 * PI / 3, PI, 4 * PI / 3],
        4,
        True,
    ),
    # Gavana's problem 13: -x^(2/3) - (1 - x^2)^(1/3); f' = 0 at x^2 = 1/2.
    _row(
        OPTIMUM_KEYS,
        "gavana_13",
        lambda x: -(x ** (2 / 3)) - (1 - x**2) ** (1 / 3),
        lambda x: -(2 / 3) * x ** (-1 / 3) + (2 * x / 3) * (1 - x**2) ** (-2 / 3),
        lambda x: (
            (2 / 9) * x ** (-4 / 3)
            + (2 / 3) * (1 - x**2) ** (-2 / 3)
            + (8 * x**2 / 9) * (1 - x**2) ** (-5 / 3)
        ),
        (0.001, 0.99),
        "minimize",
        [1 / math.sqrt(2)],
        [1 / math.sqrt(2)],
        1,
        True,
    ),
    # Gavana's problem 14: -e^-x sin(2 pi x); f' = e^-x (s - 2 pi c) with
    # s, c = sin, cos(2 pi x): zero where tan(2 pi x) = 2 pi.
    _row(
        OPTIMUM_KEYS,
        "gavana_14",
        _e_rate,
        lambda x: np.exp(-x) * (np.sin(2 * PI * x) - 2 * PI * np.cos(2 * PI * x)),
        lambda x: (
            np.exp(-x)
            * ((4 * PI**2 - 1) * np.sin(2 * PI * x) + 4 * PI * np.cos(2 * PI * x))
        ),
        (0.0, 4.0),
        "minimize",
        [math.atan(2 * PI) / (2 * PI)],
        [(math.atan(2 * PI) + j * PI) / (2 * PI) for j in range(8)],
        8,
        True,
    ),
    # Gavana's problem 15: (x^2 - 5x + 6) / (x^2 + 1); f' = (5x^2 - 10x - 5) /
    # (x^2 + 1)^2 = 0 at 1 +- sqrt2; the minimum is 1 + sqrt2.
    _row(
        OPTIMUM_KEYS,
        "gavana_15",
        lambda x: (x**2 - 5 * x + 6) / (x**2 + 1),
        lambda x: (5 * x**2 - 10 * x - 5) / (x**2 + 1) ** 2,
        lambda x: (-10 * x**3 + 30 * x**2 + 30 * x - 10) / (x**2 + 1) ** 3,
        (-5.0, 5.0),
        "minimize",
        [1 + math.sqrt(2)],
        [1 - math.sqrt(2), 1 + math.sqrt(2)],
        2,
        True,
    ),
    # x + 1/x: f' = 1 - 1/x^2, minimum 2 at x = 1.
    _row(
        OPTIMUM_KEYS,
        "x_plus_inverse",
        lambda x: x + 1 / x,
        lambda x: 1 - 1 / x**2,
        lambda x: 2 / x**3,
        (0.1, 5.0),
        "minimize",
        [1.0],
        [1.0],
        1,
        True,
    ),
    # -x e^-x: f' = (x - 1) e^-x, minimum at x = 1.
    _row(
        OPTIMUM_KEYS,
        "x_exp_minus_x",
        lambda x: -x * np.exp(-x),
        lambda x: (x - 1) * np.exp(-x),
        lambda x: (2 - x) * np.exp(-x),
        (0.0, 10.0),
        "minimize",
        [1.0],
        [1.0],
        1,
        True,
    ),
    # |x - pi/3|: f' jumps from -1 to +1 with no zero. The minimum is pi/3;
    # the solver must find it or say the slope was not resolved.
    _row(
        OPTIMUM_KEYS,
        "kink_abs",
        lambda x: np.abs(x - PI / 3),
        lambda x: np.where(x < PI / 3, -1.0, 1.0),
        lambda x: 0.0 * x,
        (0.0, 2.0),
        "minimize",
        [PI / 3],
        [],
        0,
        False,
    ),
]

CONSTANT_CASE = _row(
    OPTIMUM_KEYS,
    "constant",
    lambda x: 3.0 + 0 * x,
    lambda x: 0.0 * x,
    lambda x: 0.0 * x,
    (-1.0, 4.0),
    "maximize",
    None,
    [],
    0,
    True,
)
