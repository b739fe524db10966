"""Every root of a function on an interval: the one root engine.

The optimum (g = f'), goal seek (g = f - target) and inflection points
(g = f'') all call :func:`find_roots`. The modules behind it, in the order a
search runs through them:

- ``engine``: :func:`find_roots` and :func:`find_roots_between`, the steps
  from first samples to one :class:`RootResult`;
- ``quick``: the fast path that settles a smooth, low-degree g as one piece;
- ``dyadic``: the vectorised path of dyadic pieces that settles most other
  smooth g from samples already taken;
- ``adaptive``: the adaptive search that halves pieces until each is resolved;
- ``refine``: its brackets and estimates turned into roots of the true g;
- ``polish``: refining a bracketed root to the last bit;
- ``chebyshev``: Chebyshev interpolation, chopping and colleague-matrix roots;
- ``tolerances``: every threshold, sample count and limit, each with its why;
- ``result``: the result type, each root's :class:`Candidate` and
  :class:`Refinement`, and :class:`NotFiniteError`;
- ``problems``: the corpus of test problems, shared by tests and benchmarks.
"""

from scenarios.roots.engine import find_roots, find_roots_between
from scenarios.roots.result import NotFiniteError, Refinement, RootResult

__all__ = [
    "NotFiniteError",
    "Refinement",
    "RootResult",
    "find_roots",
    "find_roots_between",
]
