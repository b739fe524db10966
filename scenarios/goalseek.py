"""Goal seek: which x, or which parameter value, makes f reach a target.

Both are root searches of g = f - target with :func:`scenarios.roots.find_roots`,
in x on the scenario's domain or in the parameter across its slider range.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from scenarios.errors import ScenarioError
from scenarios.model import Scenario
from scenarios.roots.engine import NotFiniteError, RootResult, find_roots
from scenarios.singular import roots_where_finite
from scenarios.solver import domain_of, not_finite


class SeekError(ScenarioError, ValueError):
    """No value in the allowed range reaches the target."""


def seek_roots(
    scenario: Scenario, target: float, params: Mapping[str, object] | None = None
) -> RootResult:
    """The full root search behind :func:`seek` (pieces, evaluations, resolved)."""
    target = float(target)
    p = scenario.resolve(params)
    lo, hi = domain_of(scenario, p)
    f, df = scenario.f, scenario.df
    try:
        return find_roots(
            lambda x: np.asarray(f(x, **p), dtype=float) - target,
            lo,
            hi,
            dg=lambda x: df(x, **p),
        )
    except NotFiniteError:
        pass
    try:  # a hole, pole or overflow: the stretches where f is finite
        return roots_where_finite(
            lambda x: np.asarray(f(x, **p), dtype=float) - target, lo, hi
        )
    except NotFiniteError:
        raise not_finite(scenario, "objective") from None


def seek(
    scenario: Scenario, target: float, params: Mapping[str, object] | None = None
) -> list[float]:
    """Every x in the domain with f(x) = ``target``, in increasing order.

    A target equal to a peak or a trough, where f touches it without crossing,
    is found too. An empty list means the target is never reached on the
    domain. Raises ParamError or DomainError as :func:`scenarios.solve` does.
    """
    return list(seek_roots(scenario, target, params).roots)


def seek_param(
    scenario: Scenario,
    name: str,
    target: float,
    at: float,
    params: Mapping[str, object] | None = None,
) -> float:
    """The value of parameter ``name`` (within its range) that makes f(at) = target.

    Other parameters come from ``params`` or their defaults. When several values
    work, the one nearest the parameter's current value is returned; when none
    does, SeekError says so.
    """
    target, at = float(target), float(at)
    spec = scenario.param(name)
    p = scenario.resolve(params)
    current = p[name]

    def gap(theta):
        return np.asarray(scenario.f(at, **{**p, name: theta}), dtype=float) - target

    if spec.min == spec.max:
        roots: tuple[float, ...] = (spec.min,) if float(gap(spec.min)) == 0 else ()
    else:
        try:
            roots = find_roots(gap, spec.min, spec.max).roots
        except NotFiniteError:
            roots = ()
    if not roots:
        raise SeekError(
            f"No {spec.label.lower()} between {spec.min:g} and {spec.max:g} makes "
            f"{scenario.objective_label.lower()} reach {target:g} at "
            f"{scenario.variable.name} = {at:g}."
        )
    return min(roots, key=lambda r: abs(r - current))
