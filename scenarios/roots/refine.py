"""Steps 4 and 5 of the adaptive search: the roots of the true g.

What an :class:`~scenarios.roots.adaptive.AdaptiveSearch` found on the
interpolants becomes :class:`Candidate` roots of g, polished to full double
precision: the fine-grid brackets (:func:`polish_brackets`), the other roots
of the interpolants (:func:`polish_estimates`, with :func:`touching_root` for
a g that touches zero without crossing), exact zeros at the samples, and any
sampled sign change still without a root (:func:`sampled_crossings`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from scipy.optimize import minimize_scalar

from scenarios.roots.adaptive import AdaptiveSearch, Estimate
from scenarios.roots.polish import polish_many, polish_newton, polish_root
from scenarios.roots.result import Candidate, Refinement
from scenarios.roots.tolerances import (
    FEW_BRACKETS,
    JUMP_TOL,
    ROUNDING_GAP,
    SIZES,
    TIGHT,
    TOUCH_PLAUSIBLE,
    TOUCH_RECHECK,
    TOUCH_STEPS,
    TOUCH_TOL,
)

Scalar = Callable[[float], float]
"""g of one float, as a float (for brentq and the probes)."""


class Probe(NamedTuple):
    """An estimate's tight bracket [a, b] and g at both ends.

    [left, right] is its neighbourhood: halfway to the estimates either side
    (or the end of the interval). ``scale`` is g's size on its piece.
    """

    x: float
    scale: float
    left: float
    right: float
    a: float
    b: float
    ga: float
    gb: float


def all_samples(search: AdaptiveSearch) -> tuple[np.ndarray, np.ndarray, int]:
    """Every sample of g sorted by x, and the index where two sorted runs meet.

    With no samples past the first pass, the 17 Chebyshev points and the check
    grid are each sorted already: they stay two runs, and the pair (hi, lo)
    where they meet (index ``SIZES[0] - 1``) is no neighbouring pair.
    Otherwise everything is one sorted run (-1).
    """
    xs = np.concatenate(search.sample_x)
    ys = np.concatenate(search.sample_g)
    if len(search.sample_x) == 2:
        return xs, ys, SIZES[0] - 1
    order = np.argsort(xs, kind="stable")
    return xs[order], ys[order], -1


def exact_at_samples(
    search: AdaptiveSearch, xs: np.ndarray, ys: np.ndarray
) -> list[Candidate]:
    """Samples where g is exactly zero, outside the spans where g is zero."""
    if ys.all():
        return []
    return [
        Candidate(x, Refinement.EXACT_AT_SAMPLE)
        for x in np.unique(xs[ys == 0]).tolist()
        if not any(a <= x <= b for a, b in search.flat)
    ]


def polish_brackets(search: AdaptiveSearch, g1: Scalar, xtol: float) -> list[Candidate]:
    """Refine the grid brackets on the true g; unconfirmed ones become estimates.

    brentq for a few, safeguarded Newton (with g') or Illinois for many.
    """
    xa = np.concatenate([br.left for br in search.brackets])
    xb = np.concatenate([br.right for br in search.brackets])
    scales = np.concatenate([np.full(br.left.size, br.scale) for br in search.brackets])
    k = xa.size
    ends = search.eval(np.concatenate([xa, xb]))
    ga, gb = ends[:k], ends[k:]
    sign_change = ((ga < 0) != (gb < 0)) & (ga != 0) & (gb != 0)
    for i in np.flatnonzero(~sign_change).tolist():
        # No strict sign change on the true g (or an exact zero at an end,
        # which may be a touching root): the estimate path decides.
        x = xa[i] if ga[i] == 0 else xb[i] if gb[i] == 0 else 0.5 * (xa[i] + xb[i])
        search.estimates.append(Estimate(float(x), float(scales[i]), 0.0))
    idx = np.flatnonzero(sign_change)
    if idx.size == 0:
        return []

    def brentq_at(i: int) -> Candidate:
        root, calls, bracket = polish_root(
            g1, float(xa[i]), float(xb[i]), float(ga[i]), float(gb[i]), xtol
        )
        search.calls += calls
        return Candidate(root, Refinement.BRENTQ, bracket)

    if idx.size <= FEW_BRACKETS:
        return [brentq_at(i) for i in idx.tolist()]
    if search.dg is not None:
        root, a, b, ok, calls = polish_newton(
            search.g, search.dg, xa[idx], xb[idx], ga[idx], gb[idx], xtol
        )
        search.calls += calls
        out = [
            Candidate(r, Refinement.NEWTON, (p, q))
            for r, p, q, good in zip(
                root.tolist(), a.tolist(), b.tolist(), ok.tolist(), strict=True
            )
            if good
        ]
        return out + [brentq_at(i) for i in idx[~ok].tolist()]
    root, a, b, calls = polish_many(search.g, xa[idx], xb[idx], ga[idx], gb[idx], xtol)
    search.calls += calls
    return [
        Candidate(float(r), Refinement.ILLINOIS, (float(p), float(q)))
        for r, p, q in zip(root, a, b, strict=True)
    ]


def polish_estimates(
    search: AdaptiveSearch, g1: Scalar, xtol: float
) -> list[Candidate]:
    """Polish the interpolants' roots on the true g; drop those that are not.

    1. one estimate per root (closer than a few rounding units: the same);
    2. a tight bracket around each, g at both ends in one call;
    3. where g changes sign there, a secant step, kept when g changes sign
       one xtol either side of it (all confirmed in one call);
    4. the rest: brentq in the bracket, or a root where g touches zero, or a
       crossing the interpolant misplaced, nearby.
    """
    probes = _probes(search, _distinct(search.estimates))
    roots_of, confirmed, touched = _secants(search, probes, xtol)
    lo, hi = search.lo, search.hi
    out: list[Candidate] = []
    for i, probe in enumerate(probes):
        if i in confirmed:
            x = roots_of[i]
            bracket = (max(x - xtol, lo), min(x + xtol, hi))
            out.append(Candidate(x, Refinement.SECANT, bracket))
        elif i in touched:
            out.append(Candidate(roots_of[i], Refinement.EXACT_TOUCH))
        else:
            found = _unconfirmed(search, g1, probe, i in roots_of, xtol)
            if found is not None:
                out.append(found)
    return out


def _distinct(estimates: list[Estimate]) -> list[Estimate]:
    """Sorted estimates, one of each group closer than ``ROUNDING_GAP``."""
    kept: list[Estimate] = []
    for e in sorted(estimates):
        if kept and e.x - kept[-1].x <= ROUNDING_GAP * max(1.0, abs(e.x)):
            continue
        kept.append(e)
    return kept


def _probes(search: AdaptiveSearch, estimates: list[Estimate]) -> list[Probe]:
    """A tight bracket around each estimate, g at every end in one call."""
    lo, hi = search.lo, search.hi
    cx = [e.x for e in estimates]
    mids = [0.5 * (a + b) for a, b in zip(cx[:-1], cx[1:], strict=True)]
    left, right = [lo, *mids], [*mids, hi]
    tight = TIGHT * (hi - lo)
    lo_d, hi_d = [], []
    for x, a, b in zip(cx, left, right, strict=True):
        d = min(tight, 0.5 * (x - a), 0.5 * (b - x))
        d = max(d, ROUNDING_GAP * max(1.0, abs(x)))
        lo_d.append(max(x - d, lo))
        hi_d.append(min(x + d, hi))
    k = len(cx)
    probe = search.eval(np.array(lo_d + hi_d)).tolist()
    return [
        Probe(e.x, e.scale, *rest)
        for e, *rest in zip(
            estimates, left, right, lo_d, hi_d, probe[:k], probe[k:], strict=True
        )
    ]


def _secants(
    search: AdaptiveSearch, probes: list[Probe], xtol: float
) -> tuple[dict[int, float], set[int], set[int]]:
    """Secant roots of the brackets with a sign change, confirmed on g.

    Returns the secant root of each such bracket, those confirmed by a sign
    change one xtol either side, and those where g is exactly zero at an end
    with one sign either side (it touches zero there). A secant step inside
    the tight bracket is exact to rounding for a smooth g.
    """
    lo, hi = search.lo, search.hi
    x1: list[float] = []
    crossing: list[int] = []
    for i, p in enumerate(probes):
        a, b, ga, gb = p.a, p.b, p.ga, p.gb
        if (ga <= 0 <= gb) or (gb <= 0 <= ga):
            crossing.append(i)
            if ga == 0:
                x1.append(a)
            elif gb == 0:
                x1.append(b)
            else:
                x1.append(min(max(a - ga * (b - a) / (gb - ga), a), b))
    confirmed: set[int] = set()
    touched: set[int] = set()
    if crossing:
        xa = [max(x - xtol, lo) for x in x1]
        xb = [min(x + xtol, hi) for x in x1]
        conf = search.eval(np.array(xa + xb)).tolist()
        n = len(crossing)
        for j, i in enumerate(crossing):
            ca, cb = conf[j], conf[n + j]
            if (ca <= 0 <= cb) or (cb <= 0 <= ca):
                confirmed.add(i)
            elif probes[i].ga == 0 or probes[i].gb == 0:
                touched.add(i)  # an exact zero with one sign either side
    return dict(zip(crossing, x1, strict=True)), confirmed, touched


def _unconfirmed(
    search: AdaptiveSearch, g1: Scalar, p: Probe, crossing: bool, xtol: float
) -> Candidate | None:
    """Step 4 for an estimate whose secant step was not confirmed."""
    if crossing:
        found = polish_root(g1, p.a, p.b, p.ga, p.gb, xtol)
    else:
        # Same sign either side: first ask whether g touches zero here (only
        # plausible where g is already tiny), then look for a crossing the
        # interpolant misplaced.
        if min(abs(p.ga), abs(p.gb)) <= TOUCH_PLAUSIBLE * p.scale:
            touch = touching_root(search, g1, p.x, p.left, p.right, xtol, p.scale)
            if touch is not None:
                return touch
        found = _misplaced(search, g1, p, xtol)
        if found is None:
            return None
    search.calls += found[1]
    return Candidate(found[0], Refinement.BRENTQ, found[2])


def _misplaced(
    search: AdaptiveSearch, g1: Scalar, p: Probe, xtol: float
) -> tuple[float, int, tuple[float, float] | None] | None:
    """brentq on a sign change between the tight bracket and its neighbourhood."""
    ends = search.eval(np.array([p.left, p.right])).tolist()
    for a, b, ga, gb in (
        (p.left, p.a, ends[0], p.ga),
        (p.b, p.right, p.gb, ends[1]),
    ):
        if ((ga <= 0 <= gb) or (gb <= 0 <= ga)) and a < b:
            return polish_root(g1, a, b, ga, gb, xtol)
    return None


def touching_root(
    search: AdaptiveSearch,
    g1: Scalar,
    x: float,
    left: float,
    right: float,
    xtol: float,
    scale: float,
) -> Candidate | None:
    """Polish an estimate where g does not cross zero as a root of g'.

    Without g', the minimum of |g| on [left, right] instead. Kept only when
    g vanishes there (``TOUCH_TOL``); when g crosses zero after all, it is
    polished as a crossing.
    """
    if search.dg is not None:
        root = _slope_root(search, x, left, right, xtol)
        if root is None:
            return None
        how = Refinement.TOUCH_BRENTQ
    else:
        res = minimize_scalar(
            lambda t: abs(g1(t)),
            bounds=(left, right),
            method="bounded",
            options={"xatol": xtol},
        )
        search.calls += res.nfev
        root = float(res.x)
        how = Refinement.TOUCH_MINIMUM
    value = g1(root)
    search.calls += 1
    if abs(value) > TOUCH_TOL * scale:
        return None
    step = max(TIGHT * (right - left), TOUCH_RECHECK * xtol)
    a, b = max(root - step, left), min(root + step, right)
    below, above = g1(a), g1(b)
    search.calls += 2
    if (below < 0) != (above < 0) and below != 0 and above != 0:
        # A crossing after all: polish it as one, to full precision.
        x, calls, bracket = polish_root(g1, a, b, below, above, xtol)
        search.calls += calls
        return Candidate(x, Refinement.BRENTQ, bracket)
    return Candidate(root, how)


def _slope_root(
    search: AdaptiveSearch, x: float, left: float, right: float, xtol: float
) -> float | None:
    """A root of g' near x, by brentq in the nearest ``TOUCH_STEPS`` bracket."""
    dg = search.dg

    def slope(t: float) -> float:
        with np.errstate(all="ignore"):
            return float(dg(np.float64(t)))

    steps = np.array(TOUCH_STEPS) * (right - left)
    ends = np.concatenate([np.maximum(left, x - steps), np.minimum(right, x + steps)])
    with np.errstate(all="ignore"):
        values = np.broadcast_to(np.asarray(dg(ends), dtype=float), ends.shape)
    search.calls += ends.size
    for k in range(steps.size):
        a, b = float(ends[k]), float(ends[steps.size + k])
        sa, sb = float(values[k]), float(values[steps.size + k])
        if (sa <= 0 <= sb) or (sb <= 0 <= sa):
            root, calls, _ = polish_root(slope, a, b, sa, sb, xtol)
            search.calls += calls
            return root
    return None


def sampled_crossings(
    search: AdaptiveSearch,
    g1: Scalar,
    samples: tuple[np.ndarray, np.ndarray, int],
    roots: list[Candidate],
    xtol: float,
) -> tuple[list[Candidate], list[float]]:
    """Step 5: every sampled sign change must hold a root.

    ``samples`` are from :func:`all_samples`. A sign change between
    neighbouring samples that holds none of ``roots`` is refined by brentq:
    a new root, or a jump of g across zero when g is not small there.
    Returns (new roots, jumps).
    """
    xs, ys, skip = samples
    found: list[Candidate] = []
    jumps: list[float] = []
    neg = ys < 0
    change = np.flatnonzero(neg[1:] != neg[:-1])
    if change.size:
        change = change[(change != skip) & (ys[change] != 0) & (ys[change + 1] != 0)]
    if not change.size:
        return found, jumps
    rx = np.array(sorted(r.x for r in roots))
    a_all = np.minimum(xs[change], xs[change + 1])
    b_all = np.maximum(xs[change], xs[change + 1])
    held = np.searchsorted(rx, b_all, "right") - np.searchsorted(rx, a_all, "left")
    for i in change[held == 0].tolist():
        a, b = float(xs[i]), float(xs[i + 1])
        if a == b:
            continue
        root, calls, _ = polish_root(g1, a, b, float(ys[i]), float(ys[i + 1]), xtol)
        value = g1(root)
        search.calls += calls + 1
        if abs(value) > JUMP_TOL * search.scale:
            jumps.append(root)
        else:
            found.append(Candidate(root, Refinement.BRENTQ_SAMPLED, (a, b)))
    return found, jumps
