"""Every number the root engine judges by, each named once with why that value.

Tolerances on g are fractions of a scale (max |g| on the interval or piece);
tolerances on x are multiples of EPS relative to |x|, or fractions of a
width; "unit" values are in the [-1, 1] variable of a Chebyshev piece. Sample
counts, depths and iteration limits come last.
"""

from __future__ import annotations

import numpy as np

EPS = float(np.finfo(float).eps)
"""Unit roundoff of a double (2**-52): the grain of every tolerance in x."""

# --- Resolving g on a piece -------------------------------------------------

CHOP_TOL = 1e-12
"""Coefficients below this fraction of the piece's scale are rounding noise."""
CHECK_TOL = 1e-10
"""Largest disagreement (fraction of scale) between g and an accepted piece."""
SCALE_FLOOR = 1e-20
"""Pieces whose values stay below this fraction of max |g| count as zero."""
FAR = 1e-2
"""A coefficient tail above this fraction of the scale is far from resolved."""
FINE_MARGIN = 4 * CHOP_TOL
"""Rounding margin (fraction of scale) on an interpolant's fine-grid values:
a few chop tolerances, since the dropped coefficients add up there."""


def chop_tail(n: int) -> int:
    """How many trailing coefficients of n must all be negligible to chop.

    A quarter of them, at least 4: one coefficient small by chance (an odd g
    has zero even coefficients) does not pass for convergence.
    """
    return max(4, n // 4)


# --- Roots of a piece's interpolant -----------------------------------------

IMAG_TOL = 1e-3
"""Eigenvalues further than this from the real axis (unit units) are not roots."""
UNIT_SLACK = 1e-8
"""A root this far (unit units) outside [-1, 1] is rounding of one at the end:
it is clipped onto the end rather than dropped."""
CROWD_IMAG = 1e-7
"""An eigenvalue this far off the real axis (unit units) is a near-double root,
ill-conditioned: it is re-solved on a zoomed window (or the quick path yields)."""
CROWD_GAP = 1e-3
"""Roots closer than this (unit units) crowd: close eigenvalues lose accuracy,
so the cluster is re-solved on a zoomed window (or the quick path yields)."""
ZOOM_WIDEN = 4
"""A zoom window reaches this many cluster spreads either side of its centre,
so the cluster sits well inside it."""
ZOOM_MIN_RADIUS = 1e-9
"""Smallest zoom radius (unit units), for a cluster of coinciding roots."""
ROUNDING_WIDTH = 64 * EPS
"""A piece or zoom window no wider than this relative to its |x| is at rounding
level: halving or zooming further cannot resolve anything more."""
X_FLOOR = 1e-300
"""Positive floor on |x| in the rounding width, so it is not zero at x = 0."""

# --- Polishing on the true g ------------------------------------------------

ROOT_XTOL = 2 * EPS
"""Tolerance in x of a polished root, relative to max(1, |lo|, |hi|): two
rounding units, so a root is confirmed to the last bit or so."""


def xtol_for(lo: float, hi: float) -> float:
    """The absolute xtol every root on [lo, hi] is polished and confirmed to."""
    return ROOT_XTOL * max(1.0, abs(lo), abs(hi))


ROUNDING_GAP = 4 * EPS
"""A few rounding units, relative to max(1, |x|): closer candidates are one
root, and no tight bracket is made narrower than this (it would be noise)."""
RTOL = 4 * EPS
"""Relative tolerance of the bracketing polishers: scipy's brentq accepts no
smaller, and Illinois regula falsi stops at the same width."""
TIGHT = 1e-9
"""Half-width of the tight bracket around a candidate, as a fraction of the
interval (of its neighbourhood, for a touching root): far wider than an
interpolant's error in a root, yet so narrow that one secant step inside it
is exact to rounding for a smooth g."""
BREAK_GAP = 32 * EPS
"""How far, relative to max(1, |x|, width), each stretch of a search between
declared breaks stops short of a break: more than the rounding of x itself,
so g is never sampled on the wrong side of its jump."""
NEWTON_SETTLED = 1e-6
"""A Newton step under this fraction of its bracket is the last: convergence
is quadratic, so the next one would be below rounding."""
TOUCH_TOL = 1e-13
"""|g| at a touching root, as a fraction of the piece's scale."""
TOUCH_PLAUSIBLE = 1e-8
"""A candidate without a sign change is tried as a touching root only when |g|
beside it is below this fraction of the scale (else it is no root at all)."""
TOUCH_STEPS = (1e-7, 1e-5, 1e-3, 0.5)
"""Half-widths (fractions of a candidate's neighbourhood) at which g' is tried
for a sign change around a touching root, nearest first."""
TOUCH_RECHECK = 4
"""A touching root is re-tested for a crossing this many xtol either side (at
least): beyond where polishing may have left it."""
JUMP_TOL = 1e-6
"""A sampled sign change whose polished point leaves |g| above this fraction
of the scale is a jump of g across zero, not a root."""

# --- Which polisher ---------------------------------------------------------

FEW_BRACKETS = 3
"""Up to this many grid brackets are polished one by one by brentq; more go to
a vectorised polisher (one call of g per step for all of them)."""
FEW_CELLS = 6
"""Without g', up to this many certified cells go to brentq, more to Illinois."""
FEW_UNCLEAR = 2
"""Up to this many fine-grid cells of a piece that its p'' bound cannot settle
are zoomed on one by one; more leave the piece to the colleague matrix."""

# --- Sample counts, depths and iteration limits -----------------------------

SIZES = (17, 33, 65)
"""Chebyshev sample counts tried on a piece before it is split."""
CHECK_POINTS = 1025
"""Evenly spaced points at which every interpolant is checked against g."""
FINE_DENSITY = 4
"""Fine-grid cells per Chebyshev point on which a piece's roots are bracketed:
fine enough that the p'' bound certifies most cells."""
BUDGET = 2**16
"""Most Chebyshev samples spent before g counts as unresolved."""
LEVELS = 5
"""Deepest halving of the dyadic path (32 pieces of 32 check cells each)."""
ZOOM_DEPTH = 4
"""Deepest nesting of zoomed windows; below it, roots are kept as found."""
NEWTON_STEPS = 12
"""Safeguarded Newton steps before a bracket is left to brentq."""
LEAN_NEWTON_STEPS = 6
"""Plain Newton steps from certified cells before the safeguarded one takes over."""
ILLINOIS_STEPS = 200
"""Regula falsi steps at most: far more than any bracket of a double needs."""
BRENTQ_MAXITER = 200
"""brentq iterations at most: far more than any bracket of a double needs."""
