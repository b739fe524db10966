"""The sign changes of f' in many cells at once, on an adaptive grid.

The bracketing step of :func:`scenarios.grid.solve_grid`:

1. :func:`plan`: the scalar engine's search of f' at a few cells (the middle
   one and those at each parameter's extremes), or one given, sets the grids.
   The fine grid is never coarser than its resolution nor than ``SAMPLES``
   points; the even first pass has one point per degree of freedom of its
   most demanding piece, at least ``COARSE`` intervals across the range.
2. :func:`sign_changes`: f' at the first pass's points of every cell. An
   interval whose bracketing is clear stays as it is: f' keeps one sign and
   stands further from zero than its nearby bend could carry it, or it moves
   monotonically (more than the bend), so it crosses zero once or not at
   all. Any other interval is halved, for the cells that need it only, down
   to the fine grid; there every sign change is a bracket, as on a plain
   fine grid.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping

import numpy as np

from scenarios.model import Number, Scenario
from scenarios.roots.engine import find_roots_between
from scenarios.roots.result import RootResult
from scenarios.roots.tolerances import BUDGET
from scenarios.solver import domain_of, kink_points

SAMPLES = 129
"""Fewest points of the fine grid: no bracket is left wider than 1/128 of the
range where the first pass cannot tell what f' does inside it."""

COARSE = 9
"""Fewest intervals of the first pass across the range, for an f' of low
degree at every cell planned from: the second differences of f' then see a
bend before an interval is trusted. Odd, so the middle of the range, where a
symmetric problem has its optimum, lies inside an interval: on a sample, f'
would be zero only to rounding, and the intervals either side would need
halving to tell."""

BEND_MARGIN = 2.0
"""An interval is clear when f' stands this many times its bend (width² times
the largest |f'''| the nearby samples suggest) from zero, or moves that far
across a sign change. f' strays from its chord by at most an eighth of the
bend, and its slope from the chord's by at most the bend over the width, so
a no-root verdict has a 16-fold margin on the estimate and a one-root
(monotone) verdict a 2-fold one."""

BLOCK = 1 << 16
"""First-pass samples classified together: 512 kB per array, which stays in a
core's cache (a quarter faster than one block for 10,000 cells)."""

FINEST_SLACK = 1e-9
"""Relative slack on the fine spacing, so rounding in a halved width never
halves an interval once more."""


def call(fn, x: Number, params: Mapping[str, Number]) -> np.ndarray:
    """``fn(x, **params)`` as an array of floats."""
    return np.asarray(fn(x, **params), dtype=float)


def at_cells(flat: Mapping[str, np.ndarray | float], cells: np.ndarray) -> dict:
    """Every parameter at ``cells`` (scalars stay scalars)."""
    return {k: (v[cells] if np.ndim(v) else v) for k, v in flat.items()}


class Intervals:
    """Intervals [a, b] of cells ``cell`` with f' = fa, fb at the ends, flat.

    ``bend`` estimates max |f'''| near the interval (from second divided
    differences of the samples) and ``width`` is b - a, both with x measured
    in shares of the range. The seven fields are the rows of one array
    ``rows`` (the cell numbers as floats), so a selection is one take.
    """

    __slots__ = ("rows",)

    def __init__(self, rows: np.ndarray) -> None:
        self.rows = rows

    @classmethod
    def of(cls, cell, a, b, fa, fb, bend, width) -> Intervals:
        """Intervals from the seven fields (arrays of one length, or numbers)."""
        fields = (cell, a, b, fa, fb, bend, width)
        rows = np.empty((len(fields), np.size(a)))
        for row, values in zip(rows, fields, strict=True):
            row[:] = values
        return cls(rows)

    cell = property(lambda self: self.rows[0].astype(np.intp))
    a = property(lambda self: self.rows[1])
    b = property(lambda self: self.rows[2])
    fa = property(lambda self: self.rows[3])
    fb = property(lambda self: self.rows[4])
    bend = property(lambda self: self.rows[5])
    width = property(lambda self: self.rows[6])

    @property
    def size(self) -> int:
        return self.rows.shape[1]

    def take(self, keep: np.ndarray) -> Intervals:
        """The intervals ``keep`` (a mask) selects."""
        return Intervals(self.rows[:, np.flatnonzero(keep)])


def joined(parts: list[Intervals]) -> Intervals:
    """One Intervals of all ``parts``, in order."""
    return Intervals(np.concatenate([i.rows for i in parts], axis=1))


def plan(
    scenario: Scenario, p: Mapping[str, Number], shape: tuple[int, ...]
) -> tuple[int, np.ndarray]:
    """(points of the fine grid, the first pass's points as shares of the range).

    The scalar engine searches f' at the middle cell and at the cells where
    each parameter array is smallest and largest; the most demanding search
    plans the grid. Cells whose domain is empty or whose f' is not finite
    are passed over; with none left, the defaults.
    """
    size = int(np.prod(shape, dtype=np.int64))
    flat = {k: np.broadcast_to(v, shape).ravel() for k, v in p.items()}
    picks = {size // 2}
    for name, values in flat.items():
        if np.ndim(p[name]) and not np.all(np.isnan(values)):
            picks |= {int(np.nanargmin(values)), int(np.nanargmax(values))}
    plans = []
    for index in sorted(picks):
        cell = {k: float(v[index]) for k, v in flat.items()}
        try:
            lo, hi = domain_of(scenario, cell)
            kinks = kink_points(scenario, cell, lo, hi)
            df = functools.partial(_df_at, scenario, cell)
            plans.append(planned(find_roots_between(df, lo, hi, kinks)))
        except (ValueError, FloatingPointError):
            continue
    if not plans:
        return SAMPLES, np.linspace(0.0, 1.0, COARSE + 1)
    return max(plans, key=lambda plan: (plan[1].size, plan[0]))


def _df_at(scenario: Scenario, cell: Mapping[str, float], x):
    return scenario.df(x, **cell)


def planned(search: RootResult) -> tuple[int, np.ndarray]:
    """:func:`plan` from a scalar search already made.

    The first pass is even, at one point per degree of freedom of the most
    demanding piece of ``search`` (every point of the fine grid if a piece
    could not be resolved): a feature that is narrow at the middle cell may
    sit anywhere in another cell. At least ``COARSE`` intervals, an odd
    number of them.
    """
    samples = max(SAMPLES, min(search.uniform_points(), BUDGET))
    edges = np.array((search.lo, *search.breaks, search.hi))
    widths = np.diff(edges) / (search.hi - search.lo)
    density = float(COARSE)
    for width, degree in zip(widths, search.degrees, strict=True):
        if width > 0:
            density = max(density, samples - 1 if degree < 0 else (degree + 1) / width)
    intervals = min(samples - 1, math.ceil(density))
    intervals += 1 - intervals % 2
    return samples, np.linspace(0.0, 1.0, intervals + 1)


def verdicts(
    fa: np.ndarray,
    fb: np.ndarray,
    bend: np.ndarray,
    width: np.ndarray,
    finest: float,
) -> tuple[np.ndarray, np.ndarray]:
    """(is a bracket, must be halved) for intervals with f' = fa, fb at the ends.

    ``bend`` and ``width`` as in :class:`Intervals`. A bracket has a sign
    change or one exact zero at an end; any interval is final once it is as
    narrow as ``finest``.
    """
    return _classify(
        np.sign(fa) != np.sign(fb),
        np.minimum(np.abs(fa), np.abs(fb)),
        np.abs(fb - fa),
        (BEND_MARGIN * np.square(width)) * bend,
        width <= finest * (1.0 + FINEST_SLACK),
    )


def _classify(
    crossing: np.ndarray,
    near: np.ndarray,
    rise: np.ndarray,
    margin: np.ndarray,
    final: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`verdicts` from the parts: whether f' changes sign (or leaves
    zero), its smaller size at the ends, its change across, and the bend.

    Without a crossing f' keeps one strict sign or is zero at both ends; it
    has no root when it stands clear of the bend (so neither end is zero), or
    when it is monotone (it moves more than the bend) with both ends of one
    strict sign. With a crossing, monotone means exactly one root.
    """
    monotone = rise > margin
    none = ~crossing & ((near > margin) | (monotone & (near > 0)))
    one = crossing & (monotone | final)
    return one, ~(none | one | final)


def sign_changes(
    scenario: Scenario,
    flat: Mapping[str, np.ndarray | float],
    lo: np.ndarray,
    hi: np.ndarray,
    feasible: np.ndarray,
    first: np.ndarray,
    samples: int,
) -> tuple[Intervals, int]:
    """Every bracket of f' in every cell, and how many points were added.

    ``flat`` holds each parameter over the cells, [lo, hi] each cell's
    range, ``first`` the first pass's points (shares of the range) and
    ``samples`` the fine grid's. ``feasible`` is narrowed in place to the
    cells where f' is finite at every point sampled; brackets of the others
    are left out.
    """
    finest = 1.0 / (samples - 1)
    clear, todo = _first_pass(scenario, flat, lo, hi, feasible, first, finest)
    parts = [clear]
    added = 0
    while todo.size:
        cell = todo.cell
        mid = 0.5 * (todo.a + todo.b)
        fm = np.broadcast_to(call(scenario.df, mid, at_cells(flat, cell)), mid.shape)
        added += mid.size
        bad = ~np.isfinite(fm)
        if bad.any():
            feasible[cell[bad]] = False
        # A half's bend: the parent's, or the new second difference.
        width = 0.5 * todo.width
        curve = np.abs(todo.fa - 2.0 * fm + todo.fb) / np.square(width)
        bend = np.maximum(todo.bend, curve)
        n = mid.size
        halves = np.empty((7, 2 * n))
        for row, lower, upper in zip(
            halves,
            (todo.rows[0], todo.a, mid, todo.fa, fm, bend, width),
            (todo.rows[0], mid, todo.b, fm, todo.fb, bend, width),
            strict=True,
        ):
            row[:n], row[n:] = lower, upper
        both = Intervals(halves)
        one, split = verdicts(both.fa, both.fb, both.bend, both.width, finest)
        parts.append(both.take(one))
        todo = both.take(split)
    found = joined(parts)
    return found.take(feasible[found.cell]), added


def _first_pass(
    scenario: Scenario,
    flat: Mapping[str, np.ndarray | float],
    lo: np.ndarray,
    hi: np.ndarray,
    feasible: np.ndarray,
    t: np.ndarray,
    finest: float,
) -> tuple[Intervals, Intervals]:
    """f' at the even points ``t`` of every cell: (brackets already clear, to
    halve).

    Block by block of cells; ``feasible`` is narrowed in place.
    """
    size = lo.size
    h = float(t[1] - t[0])  # the first pass is even
    final = np.array(h <= finest * (1.0 + FINEST_SLACK))
    block_cells = max(1, BLOCK // t.size)
    clear, halve = [], []
    for start in range(0, size, block_cells):
        cut = slice(start, min(start + block_cells, size))
        block = {k: (v[cut] if np.ndim(v) else v) for k, v in flat.items()}
        xs = lo[cut] + t[:, None] * (hi[cut] - lo[cut])
        fp = np.broadcast_to(call(scenario.df, xs, block), xs.shape)
        height = np.abs(fp)
        # A NaN or an infinity anywhere in a cell reaches its largest |f'|.
        ok = feasible[cut]
        ok &= np.isfinite(height.max(axis=0))
        step, margin = _margins(fp)
        sign = np.sign(fp)
        one, split = _classify(
            sign[:-1] != sign[1:],
            np.minimum(height[:-1], height[1:]),
            np.abs(step, out=step),
            margin,
            final,
        )
        if not ok.all():
            one &= ok
            split &= ok
        cells = fp.shape[1]
        xs, fp, margin = xs.ravel(), np.ascontiguousarray(fp).ravel(), margin.ravel()
        for out, keep in ((clear, one), (halve, split)):
            at = np.flatnonzero(keep)
            out.append(
                Intervals.of(
                    at % cells + start, xs[at], xs[at + cells], fp[at],
                    fp[at + cells], margin[at] / (BEND_MARGIN * h**2), h,
                )
            )  # fmt: skip
    return joined(clear), joined(halve)


def _margins(fp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(change of f' across, margin) for each first-pass interval.

    The margin is ``BEND_MARGIN`` times the bend: the second difference of f'
    at each inner point spans the point's neighbours, and an interval takes
    the larger of its two ends' (the end points copy their neighbours'), so
    its estimate spans one interval either side of it.
    """
    step = np.diff(fp, axis=0)
    curve = np.diff(step, axis=0)
    np.abs(curve, out=curve)
    margin = np.empty_like(step)
    margin[0], margin[-1] = curve[0], curve[-1]
    np.maximum(curve[:-1], curve[1:], out=margin[1:-1])
    margin *= BEND_MARGIN
    return step, margin
