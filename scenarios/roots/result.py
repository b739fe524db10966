"""The result of a root search, and a fast builder for frozen dataclasses."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TypeVar

from scenarios.errors import ScenarioError

T = TypeVar("T")


class NotFiniteError(ScenarioError, ValueError):
    """g returned NaN or an infinity at a sample point."""


@dataclass(frozen=True)
class RootResult:
    """Every root of g on [lo, hi] and how it was found (like scipy's RootResults).

    ``roots`` are sorted; ``refined_by[i]`` says how root i was polished and
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
    refined_by: tuple[str, ...]
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
