"""The result of a root search, each root's record, and a fast dataclass builder.

Every path of the engine produces :class:`Candidate` rows (a root of the true
g and how it was refined, a :class:`Refinement`); they are merged into one
:class:`RootResult` (:func:`fast_result` for the two fast paths).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple, TypeVar

from scenarios.errors import ScenarioError
from scenarios.roots.tolerances import CHECK_POINTS

T = TypeVar("T")


class NotFiniteError(ScenarioError, ValueError):
    """g returned NaN or an infinity at a sample point."""


class Refinement(enum.StrEnum):
    """How a root was refined on the true g.

    A str: its value is the text ``RootResult.refined_by`` shows.
    """

    EXACT_AT_SAMPLE = "exact at a sample"
    EXACT_AT_END = "exact"
    EXACT_TOUCH = "exact zero where g touches zero"
    CLOSED_FORM = "closed form, sign change confirmed"
    SECANT = "secant in a tight bracket"
    BRENTQ = "brentq on g"
    BRENTQ_SAMPLED = "brentq on a sampled sign change"
    NEWTON = "Newton on g, sign change confirmed"
    ILLINOIS = "Illinois regula falsi on g"
    TOUCH_BRENTQ = "touches zero: brentq on g'"
    TOUCH_MINIMUM = "touches zero: minimum of |g|"

    @property
    def exact(self) -> bool:
        """g is exactly zero there: it beats a polished root beside it."""
        return self in _EXACT

    @property
    def touching(self) -> bool:
        """g touches zero there without changing sign."""
        return self in _TOUCHING


_EXACT = frozenset(
    {Refinement.EXACT_AT_SAMPLE, Refinement.EXACT_AT_END, Refinement.EXACT_TOUCH}
)
_TOUCHING = frozenset(
    {Refinement.EXACT_TOUCH, Refinement.TOUCH_BRENTQ, Refinement.TOUCH_MINIMUM}
)


class Candidate(NamedTuple):
    """One root of the true g before the merge: where, how, and its bracket.

    ``bracket`` is the sign-change interval it was refined in (None for an
    exact zero or a touching root). A tuple, so candidates sort by x first.
    """

    x: float
    refinement: Refinement
    bracket: tuple[float, float] | None = None

    @property
    def touching(self) -> bool:
        """g touches zero here without changing sign."""
        return self.refinement.touching


def root_fields(candidates: Iterable[Candidate]) -> dict[str, tuple]:
    """The per-root fields of a :class:`RootResult`, from its sorted candidates."""
    rows = tuple(candidates)
    if not rows:
        return {"roots": (), "refined_by": (), "touching": (), "brackets": ()}
    roots, refined_by, brackets = zip(*rows, strict=True)
    return {
        "roots": roots,
        "refined_by": refined_by,
        "touching": tuple([how in _TOUCHING for how in refined_by]),
        "brackets": brackets,
    }


def candidates_of(result: RootResult) -> list[Candidate]:
    """The roots of ``result`` as candidates again, in order."""
    return [
        Candidate(x, Refinement(how), bracket)
        for x, how, bracket in zip(
            result.roots, result.refined_by, result.brackets, strict=True
        )
    ]


@dataclass(frozen=True)
class RootResult:
    """Every root of g on [lo, hi] and how it was found (like scipy's RootResults).

    ``roots`` are sorted; ``refined_by[i]`` says how root i was polished (a
    :class:`Refinement`, which is its text) and
    ``touching[i]`` is True where g touches zero without changing sign, and
    ``brackets[i]`` is the sign-change interval it was refined in (None for
    an exact zero or a touching root).
    ``jumps`` are sign changes where g does not vanish (a discontinuity);
    ``flat`` are intervals on which g is zero at every sample. ``resolved`` is
    False when some piece could not be resolved within the budget; ``flag``
    then says why. ``points`` counts Chebyshev samples, ``check_points`` the
    evenly spaced check samples, ``function_calls`` every evaluation of g.
    ``values[i]`` is g at root i where the engine evaluated it there (empty
    when it did not) and ``ends`` is (g(lo), g(hi)), so a caller needs no
    second evaluation for a residual.
    """

    lo: float
    hi: float
    roots: tuple[float, ...]
    refined_by: tuple[Refinement, ...]
    touching: tuple[bool, ...]
    brackets: tuple[tuple[float, float] | None, ...]
    function_calls: int
    resolved: bool
    flag: str
    pieces: int
    degrees: tuple[int, ...]
    points: int
    check_points: int
    scale: float
    breaks: tuple[float, ...] = ()
    jumps: tuple[float, ...] = ()
    flat: tuple[tuple[float, float], ...] = field(default=())
    values: tuple[float, ...] = ()
    ends: tuple[float, float] | None = None

    @property
    def identically_zero(self) -> bool:
        """True when g was zero at every sample of the whole interval."""
        return len(self.flat) == 1 and self.flat[0] == (self.lo, self.hi)

    @property
    def max_degree(self) -> int:
        """The highest degree of any piece (-1 marks an unresolved one)."""
        return max(self.degrees, default=0)

    def uniform_points(self) -> int:
        """Evenly spaced points at least as fine as the finest piece needed.

        Two points per degree of freedom of the piece, spread over the whole
        interval at that piece's density.
        """
        edges = (self.lo, *self.breaks, self.hi)
        density = max(
            (
                2 * (max(d, 0) + 1) / (b - a)
                for a, b, d in zip(edges[:-1], edges[1:], self.degrees, strict=True)
                if b > a
            ),
            default=0.0,
        )
        return int(math.ceil(density * (self.hi - self.lo))) + 1


def build(cls: type[T], **fields: object) -> T:
    """A frozen dataclass from all its fields, without its generated __init__.

    The generated __init__ of a frozen class sets each field through
    ``object.__setattr__``, which costs more than the rest of a low-degree
    solve; the object built here is the same (equal, hashable, immutable).
    Every field must be given.
    """
    obj = object.__new__(cls)
    obj.__dict__.update(fields)
    return obj


def fast_result(
    lo: float,
    hi: float,
    roots: list[Candidate],
    values: list[float] | None,
    calls: int,
    **shape: object,
) -> RootResult:
    """The result of a fast path that found every root in simple cells.

    ``values`` are g at each root (or None), ``shape`` the pieces, degrees,
    points, scale, breaks and ends of the interpolant the path used.
    """
    k = len(roots)
    return build(
        RootResult,
        lo=lo,
        hi=hi,
        **root_fields(roots),
        function_calls=calls,
        resolved=True,
        flag="resolved",
        check_points=CHECK_POINTS,
        jumps=(),
        flat=(),
        values=tuple(values) if values is not None and len(values) == k else (),
        **shape,
    )
