"""Each root of f' as a maximum, minimum or inflection: step 2 of the solver.

By f'' where it is large enough to trust, else by the sign of f' just either
side; a root where f' touches zero without changing sign is an inflection.
"""

from __future__ import annotations

from collections.abc import Callable

from scenarios.roots.result import RootResult

CURVATURE_TRUST = 1e-9
"""|f''| * width below this fraction of max|f'| is too flat to classify by."""
PROBE_STEP = 1e-6
"""Where f'' is too flat, f' is probed this fraction of the width either side:
far enough for f' to show its sign, near enough to stay by the root."""
PROBE_GAP = 0.25
"""... and at most this fraction of the gap to the nearest other root."""


def classify(
    slope: Callable[[float], float],
    search: RootResult,
    curv: list[float],
    lo: float,
    hi: float,
) -> tuple[list[int], int]:
    """(code of each root of ``search``, evaluations of f' the probes took).

    Codes: 1 maximum, -1 minimum, 0 inflection. ``curv`` is f'' at the roots,
    ``slope(x)`` is f' at one point of [lo, hi].
    """
    width = hi - lo
    roots = search.roots
    trust = CURVATURE_TRUST * search.scale
    codes: list[int] = []
    probes = 0
    for i, root in enumerate(roots):
        curvature = curv[i]
        if search.touching[i]:
            code = 0
        elif abs(curvature) * width > trust:
            code = 1 if curvature < 0 else -1
        else:
            # Probe closer than any neighbouring root, so the signs belong
            # to this root alone.
            gaps = [abs(root - r) for r in roots if r != root]
            delta = min([PROBE_STEP * width, *(PROBE_GAP * g for g in gaps)])
            left = slope(max(root - delta, lo))
            right = slope(min(root + delta, hi))
            code = 1 if left > 0 > right else -1 if left < 0 < right else 0
            probes += 2
        codes.append(code)
    return codes, probes
