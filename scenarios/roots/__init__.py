"""Every root of a function on an interval: the one root engine.

The optimum (g = f'), goal seek (g = f - target) and inflection points
(g = f'') all call :func:`find_roots`. The modules behind it:

- ``chebyshev``: Chebyshev interpolation, chopping and colleague-matrix roots;
- ``fast``: the vectorised paths for many parameter sets at once;
- ``polish``: refining a bracketed root to the last bit;
- ``engine``: sampling, splitting and merging into one :class:`RootResult`;
- ``result``: the result type and :class:`NotFiniteError`;
- ``problems``: the corpus of test problems, shared by tests and benchmarks.
"""

from scenarios.roots.engine import find_roots, find_roots_between
from scenarios.roots.result import NotFiniteError, RootResult

__all__ = ["NotFiniteError", "RootResult", "find_roots", "find_roots_between"]
