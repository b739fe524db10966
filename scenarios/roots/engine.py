"""Every root of a smooth function on an interval: one engine for the package.

:func:`find_roots` serves the optimum (g = f'), goal seek (g = f - target),
the parameter seek and the inflection points (g = f''). The method follows
Chebfun's ideas, written here from scratch with numpy:

1. sample g at 17, 33, 65 Chebyshev points of a piece until its Chebyshev
   coefficients fall to rounding level relative to g's size on that piece;
   a piece that needs more than about 50 coefficients is split in half;
2. check every piece against g at ``CHECK_POINTS`` evenly spaced points of the
   whole interval, so a feature narrower than the Chebyshev samples (a narrow
   well or spike) forces a split instead of slipping through; most smooth g
   are settled on dyadic pieces (halves, quarters, ...) whose check points,
   already sampled, certify every cell, all pieces of a level sampled in one
   call of g; the rest go to the adaptive splitting below;
3. the roots of each piece's interpolant are bracketed on a fine grid, each
   cell certified by a bound on p'' (global, or cell by cell where that is
   loose) to hold none or one; otherwise they are the eigenvalues of its
   colleague matrix, and close clusters are re-solved on a zoomed window;
4. every candidate is polished on the true g to full double precision:
   ``brentq`` for a few, safeguarded vectorised Newton steps (with g') or
   Illinois regula falsi for many, each kept only with a sign change one
   tolerance either side; a candidate where g touches zero without crossing
   (a double root) is polished as a root of g' and kept when g vanishes there;
5. any sign change between neighbouring samples that still holds no root is
   bracketed and refined too, so no sampled crossing is ever dropped.

When g cannot be resolved within ``BUDGET`` samples, or a piece shrinks to
rounding level (a jump, noise), the result says so with ``resolved=False``.

This module runs the steps; the fast paths live in
:mod:`~scenarios.roots.quick` (the whole interval as one piece) and
:mod:`~scenarios.roots.dyadic` (dyadic pieces), the adaptive
splitting of steps 1 to 3 in :mod:`~scenarios.roots.adaptive`, steps 4 and 5
in :mod:`~scenarios.roots.refine`, and every threshold in
:mod:`~scenarios.roots.tolerances`.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from scenarios.errors import InputError
from scenarios.roots.adaptive import AdaptiveSearch
from scenarios.roots.chebyshev import Fn, first_unit, largest
from scenarios.roots.dyadic import dyadic_path
from scenarios.roots.polish import Unrepeatable
from scenarios.roots.quick import quick_path
from scenarios.roots.refine import (
    all_samples,
    exact_at_samples,
    polish_brackets,
    polish_estimates,
    sampled_crossings,
)
from scenarios.roots.result import (
    Candidate,
    NotFiniteError,
    Refinement,
    RootResult,
    candidates_of,
    root_fields,
)
from scenarios.roots.tolerances import (
    BREAK_GAP,
    BUDGET,
    CHECK_POINTS,
    EPS,
    SIZES,
    xtol_for,
)

__all__ = [
    "EPS",  # for scenarios.curvature
    "NotFiniteError",
    "RootResult",
    "find_roots",
    "find_roots_between",
    "find_roots_on",
]


def find_roots(
    g: Fn,
    lo: float,
    hi: float,
    *,
    dg: Fn | None = None,
    budget: int = BUDGET,
) -> RootResult:
    """Every root of ``g`` on the closed interval [lo, hi], in increasing order.

    ``g`` must accept a numpy array of x and return values of the same shape;
    ``dg`` (g', optional) polishes roots where g touches zero without crossing,
    and many sign-change brackets at once by safeguarded Newton steps.
    Requires lo < hi, both finite. Raises NotFiniteError when g is NaN or
    infinite at a sample point. A g that gives different values at the same x
    comes back unresolved with no roots.
    """
    try:
        return _with_exact_ends(_find_roots(g, lo, hi, dg, budget))
    except Unrepeatable:
        return RootResult(
            lo=float(lo),
            hi=float(hi),
            roots=(),
            refined_by=(),
            touching=(),
            brackets=(),
            function_calls=0,
            resolved=False,
            flag="g gave different values at the same x",
            pieces=0,
            degrees=(),
            points=0,
            check_points=CHECK_POINTS,
            scale=math.nan,
        )


def _with_exact_ends(result: RootResult) -> RootResult:
    """``result`` with an end of the interval where g is exactly zero as a root.

    The search paths look for sign changes and touching points inside the
    interval; an end where g(x) == 0 holds is a root all the same (g = f - target
    at a domain end that meets the target, f' = 0 at an end).
    """
    if result.ends is None:
        return result
    roots = list(result.roots)
    extra = [
        x
        for x, v in zip((result.lo, result.hi), result.ends, strict=True)
        if v == 0.0 and x not in roots and not any(a <= x <= b for a, b in result.flat)
    ]
    if not extra:
        return result
    rows = candidates_of(result)
    values = list(result.values)
    keep_values = len(values) == len(roots)
    for x in extra:
        rows.append(Candidate(x, Refinement.EXACT_AT_END))
        values.append(0.0)
    order = sorted(range(len(rows)), key=lambda i: rows[i].x)
    return replace(
        result,
        **root_fields(rows[i] for i in order),
        values=tuple(values[i] for i in order) if keep_values else result.values,
    )


def _find_roots(g: Fn, lo: float, hi: float, dg: Fn | None, budget: int) -> RootResult:
    """Steps 1 to 5 of the module docstring: the fast paths, else the full search."""
    lo, hi = float(lo), float(hi)
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise InputError(f"need finite lo < hi, got [{lo}, {hi}]")
    xs, ys, scale = _first_samples(g, lo, hi)
    seen: list = []
    quick = quick_path(g, lo, hi, xs, ys, scale, dg, seen)
    if quick is not None:
        return quick
    if len(seen) == len(SIZES) - 1 or (seen and seen[-1] is None):
        pieces = dyadic_path(g, lo, hi, xs, ys, scale, dg, seen)
        if pieces is not None:
            return pieces
    search = _adaptive(g, lo, hi, dg, budget, xs, ys, scale, seen)
    return _refined(search, ends=(float(ys[0]), float(ys[SIZES[0] - 1])))


def _first_samples(g: Fn, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray, float]:
    """g at 17 Chebyshev points then the check grid of [lo, hi], and max |g|."""
    half, mid = 0.5 * (hi - lo), 0.5 * (lo + hi)
    n0 = SIZES[0]
    xs = first_unit() * half
    xs += mid
    xs[0] = xs[n0] = lo
    xs[n0 - 1] = xs[-1] = hi
    ys = np.asarray(g(xs), dtype=float)
    if ys.shape != xs.shape:
        ys = np.broadcast_to(ys, xs.shape)
    scale = float(largest(np.abs(ys)))
    if not math.isfinite(scale):
        raise NotFiniteError("g is not finite at some sample point")
    return xs, ys, scale


def _adaptive(
    g: Fn,
    lo: float,
    hi: float,
    dg: Fn | None,
    budget: int,
    xs: np.ndarray,
    ys: np.ndarray,
    scale: float,
    seen: list,
) -> AdaptiveSearch:
    """Steps 1 to 3 by adaptive splitting, from the samples already taken."""
    n0 = SIZES[0]
    search = AdaptiveSearch(g, lo, hi, budget, dg, scale)
    search.calls = xs.size
    search.points = n0
    v, check_g = ys[:n0], ys[n0:]
    search.keep(xs[:n0], v)
    search.keep(xs[n0:], check_g)
    # The whole interval starts from the samples the quick path already took.
    for x_new, g_new, v_all in filter(None, seen):
        search.calls += x_new.size
        search.points += x_new.size
        search.keep(x_new, g_new)
        v = v_all
    search.piece(lo, hi, v, xs[n0:], check_g, 0)
    return search


def _refined(search: AdaptiveSearch, ends: tuple[float, float]) -> RootResult:
    """Steps 4 and 5 on the true g, merged into one result.

    Of roots closer than xtol only the first is kept, unless a later one is
    an exact zero and the first is not.
    """
    xtol = xtol_for(search.lo, search.hi)

    def g1(x: float) -> float:
        return float(search.g(np.float64(x)))

    samples = all_samples(search)
    roots = exact_at_samples(search, samples[0], samples[1])
    if search.brackets:
        roots += polish_brackets(search, g1, xtol)
    if search.estimates:
        roots += polish_estimates(search, g1, xtol)
    found, jumps = sampled_crossings(search, g1, samples, roots, xtol)
    roots += found
    roots.sort()
    merged: list[Candidate] = []
    for r in roots:
        if merged and r.x - merged[-1].x <= xtol:
            if r.refinement.exact and not merged[-1].refinement.exact:
                merged[-1] = r  # an exact zero beats a polished root beside it
            continue
        merged.append(r)
    flag = "resolved"
    if jumps:
        flag = f"g jumps across zero near x = {jumps[0]:.6g}"
    if search.unresolved:
        flag = search.unresolved
    pieces = sorted(search.pieces)
    return RootResult(
        lo=search.lo,
        hi=search.hi,
        **root_fields(merged),
        function_calls=search.calls,
        resolved=not search.unresolved and not jumps,
        flag=flag,
        pieces=len(pieces),
        degrees=tuple(p[2] for p in pieces),
        points=search.points,
        check_points=CHECK_POINTS,
        scale=search.scale,
        breaks=tuple(p[0] for p in pieces[1:]),
        jumps=tuple(jumps),
        flat=_merge(search.flat),
        ends=ends,
    )


def _merge(spans: list[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    """Overlapping or touching spans joined, in order."""
    out: list[tuple[float, float]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return tuple(out)


def find_roots_between(
    g: Fn,
    lo: float,
    hi: float,
    breaks: list[float] | tuple[float, ...] = (),
    *,
    dg: Fn | None = None,
    budget: int = BUDGET,
) -> RootResult:
    """:func:`find_roots` searched separately between declared break points.

    ``breaks`` are points where g may jump (the kinks of abs, min or max in f
    make f' jump): each smooth stretch between them is resolved on its own,
    stopping a few rounding units short of every break so g is never sampled
    on the wrong side of its jump. The break points themselves are not roots;
    the caller judges them as candidates. With no break inside (lo, hi) this is
    exactly :func:`find_roots`.
    """
    lo, hi = float(lo), float(hi)
    width = hi - lo
    inner = sorted({float(b) for b in breaks if lo < b < hi}) if breaks else ()
    if not inner:
        return find_roots(g, lo, hi, dg=dg, budget=budget)
    edges = [lo, *inner, hi]
    parts = []
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        if a != lo:
            a += BREAK_GAP * max(1.0, abs(a), width)
        if b != hi:
            b -= BREAK_GAP * max(1.0, abs(b), width)
        if b > a:
            parts.append(find_roots(g, a, b, dg=dg, budget=budget))
    return _join(lo, hi, parts)


def find_roots_on(
    g: Fn,
    lo: float,
    hi: float,
    intervals: list[tuple[float, float]],
    breaks: list[float] | tuple[float, ...] = (),
    *,
    dg: Fn | None = None,
    budget: int = BUDGET,
) -> RootResult:
    """:func:`find_roots_between` on each of some disjoint parts of [lo, hi].

    For a g that cannot be evaluated everywhere on [lo, hi] (f' beside a pole
    or a hole of f): ``intervals`` are the closed parts to search, in order,
    and the gaps between them are never sampled. No parts: no roots.
    """
    parts = [
        find_roots_between(g, a, b, breaks, dg=dg, budget=budget) for a, b in intervals
    ]
    if not parts:
        return RootResult(
            lo=float(lo),
            hi=float(hi),
            roots=(),
            refined_by=(),
            touching=(),
            brackets=(),
            function_calls=0,
            resolved=True,
            flag="resolved",
            pieces=0,
            degrees=(),
            points=0,
            check_points=0,
            scale=0.0,
        )
    return _join(float(lo), float(hi), parts)


def _join(lo: float, hi: float, parts: list[RootResult]) -> RootResult:
    """One :class:`RootResult` for consecutive searches covering [lo, hi]."""
    unresolved = [p for p in parts if not p.resolved]
    starts: list[float] = []
    for p in parts:
        starts += [p.lo, *p.breaks]
    return RootResult(
        lo=lo,
        hi=hi,
        roots=tuple(r for p in parts for r in p.roots),
        refined_by=tuple(r for p in parts for r in p.refined_by),
        touching=tuple(r for p in parts for r in p.touching),
        brackets=tuple(r for p in parts for r in p.brackets),
        function_calls=sum(p.function_calls for p in parts),
        resolved=not unresolved,
        flag=unresolved[0].flag if unresolved else "resolved",
        pieces=sum(p.pieces for p in parts),
        degrees=tuple(d for p in parts for d in p.degrees),
        points=sum(p.points for p in parts),
        check_points=sum(p.check_points for p in parts),
        scale=max(p.scale for p in parts),
        breaks=tuple(starts[1:]),
        jumps=tuple(j for p in parts for j in p.jumps),
        flat=_merge_touching([s for p in parts for s in p.flat], parts),
        values=tuple(v for p in parts for v in p.values)
        if all(len(p.values) == len(p.roots) for p in parts)
        else (),
        ends=(parts[0].ends[0], parts[-1].ends[1])
        if parts[0].ends and parts[-1].ends and parts[0].lo == lo and parts[-1].hi == hi
        else None,
    )


def _merge_touching(
    spans: list[tuple[float, float]], parts: list[RootResult]
) -> tuple[tuple[float, float], ...]:
    """Flat spans, joined across the rounding gaps left at the break points."""
    gaps = {p.hi: q.lo for p, q in zip(parts[:-1], parts[1:], strict=True)}
    out: list[tuple[float, float]] = []
    for a, b in sorted(spans):
        if out and (a <= out[-1][1] or gaps.get(out[-1][1]) == a):
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return tuple(out)
