"""Distributions of a scenario's parameters: fixed, normal, uniform, triangular.

A :class:`Distribution` is plain data (its kind and numbers), checked when it
is made, so a bad one is refused with one sentence before anything is drawn.
:func:`parse_distribution` reads the command line's ``normal:20,2``;
:func:`draw` turns a distribution into seeded samples inside the parameter's
declared range (a normal's tails are cut there, which hardly moves it when
its mean sits several standard deviations inside the range).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

from scenarios.errors import InputError
from scenarios.model import Param, Scenario

Kind = Literal["fixed", "normal", "uniform", "triangular"]

KINDS: tuple[Kind, ...] = ("fixed", "normal", "uniform", "triangular")
"""Every distribution a parameter may take, in the order pages list them."""

NUMBERS: dict[Kind, tuple[str, ...]] = {
    "fixed": ("value",),
    "normal": ("mean", "sd"),
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
}
"""The numbers each kind takes, by name, in the order they are written."""


NARROW = 1e-12
"""A spread below this share of the value's size draws the value itself: the
engine's optima agree only to about this share, so narrower cannot show."""


class DistributionError(InputError):
    """A distribution that cannot be drawn from; the message is one sentence."""


@dataclass(frozen=True)
class Distribution:
    """One parameter's uncertainty: ``kind`` and its numbers (see :data:`NUMBERS`).

    Build one with :func:`fixed`, :func:`normal`, :func:`uniform`,
    :func:`triangular` or :func:`parse_distribution`; each checks its numbers.
    """

    kind: Kind
    values: tuple[float, ...]

    def __post_init__(self) -> None:
        if self.kind not in NUMBERS:
            raise DistributionError(
                f"{self.kind!r} is not a distribution; use one of {', '.join(KINDS)}."
            )
        names = NUMBERS[self.kind]
        if len(self.values) != len(names):
            raise DistributionError(
                f"A {self.kind} distribution takes {len(names)} "
                f"number{'s' if len(names) != 1 else ''} ({', '.join(names)}), "
                f"not {len(self.values)}."
            )
        for name, value in zip(names, self.values, strict=True):
            if not math.isfinite(value):
                raise DistributionError(
                    f"The {name} of a {self.kind} distribution must be a finite "
                    f"number, not {value!r}."
                )
        _check_order(self.kind, self.values)

    @property
    def mean(self) -> float:
        """The mean before any cut to a parameter's range."""
        if self.kind == "triangular":
            return sum(self.values) / 3
        if self.kind == "uniform":
            return (self.values[0] + self.values[1]) / 2
        return self.values[0]

    @property
    def spread(self) -> float:
        """The standard deviation before any cut (0 for a fixed value)."""
        if self.kind == "normal":
            return self.values[1]
        if self.kind == "uniform":
            return (self.values[1] - self.values[0]) / math.sqrt(12)
        if self.kind == "triangular":
            a, c, b = self.values
            return math.sqrt((a * a + b * b + c * c - a * b - a * c - b * c) / 18)
        return 0.0

    @property
    def is_fixed(self) -> bool:
        """True when every draw is the same number."""
        return self.spread == 0

    def text(self) -> str:
        """The command line's form: ``normal:20,2``."""
        return f"{self.kind}:" + ",".join(f"{v:.12g}" for v in self.values)


def _check_order(kind: Kind, values: tuple[float, ...]) -> None:
    if kind == "normal" and values[1] < 0:
        raise DistributionError(
            f"A normal distribution's standard deviation cannot be negative "
            f"(it is {values[1]:g})."
        )
    if kind == "uniform" and values[0] > values[1]:
        raise DistributionError(
            f"A uniform distribution's low end ({values[0]:g}) must not be above "
            f"its high end ({values[1]:g})."
        )
    if kind == "triangular" and not values[0] <= values[1] <= values[2]:
        raise DistributionError(
            "A triangular distribution needs low ≤ most likely ≤ high; got "
            f"{values[0]:g}, {values[1]:g}, {values[2]:g}."
        )


def fixed(value: float) -> Distribution:
    """Always ``value``."""
    return Distribution("fixed", (float(value),))


def normal(mean: float, sd: float) -> Distribution:
    """Normal with ``mean`` and standard deviation ``sd`` (cut to the range)."""
    return Distribution("normal", (float(mean), float(sd)))


def uniform(low: float, high: float) -> Distribution:
    """Every value from ``low`` to ``high`` equally likely."""
    return Distribution("uniform", (float(low), float(high)))


def triangular(low: float, mode: float, high: float) -> Distribution:
    """From ``low`` to ``high``, most likely at ``mode``."""
    return Distribution("triangular", (float(low), float(mode), float(high)))


def parse_distribution(text: str) -> Distribution:
    """``"normal:20,2"``, ``"uniform:9,11"``, ``"triangular:9,10,12"``, ``"fixed:20"``.

    A bare number is a fixed value. Raises DistributionError (one sentence).
    """
    kind, sep, rest = text.strip().partition(":")
    if not sep:
        try:
            return fixed(float(kind))
        except ValueError:
            raise DistributionError(
                f"{text!r} is not a distribution; write it like normal:20,2, "
                "uniform:9,11, triangular:9,10,12 or fixed:20."
            ) from None
    kind = kind.strip().lower()
    if kind not in NUMBERS:
        raise DistributionError(
            f"{kind!r} is not a distribution; use one of {', '.join(KINDS)}."
        )
    numbers = []
    for item in rest.split(","):
        try:
            numbers.append(float(item))
        except ValueError:
            raise DistributionError(
                f"{item.strip()!r} in {text!r} is not a number."
            ) from None
    return Distribution(kind, tuple(numbers))  # type: ignore[arg-type]


def check_for(scenario: Scenario, name: str, dist: Distribution) -> Param:
    """The parameter ``name`` of ``scenario``, once ``dist`` fits its range.

    A distribution on a parameter the scenario lacks, or one whose ends (or
    normal mean) lie outside the parameter's range, is one sentence.
    """
    if name not in scenario.param_names:
        known = ", ".join(scenario.param_names) or "none"
        raise DistributionError(
            f"{scenario.title} has no parameter {name!r} to give a distribution; "
            f"its parameters are {known}."
        )
    spec = scenario.param(name)
    # A normal's tails are cut to the range, so only its mean must lie inside.
    ends = dist.values[:1] if dist.kind == "normal" else dist.values
    for value in ends:
        if not spec.min <= value <= spec.max:
            raise DistributionError(
                f"The {dist.kind} distribution of {name} reaches {value:g}, outside "
                f"its range {spec.min:g} to {spec.max:g}."
            )
    return spec


def draw(
    dist: Distribution, size: int, rng: np.random.Generator, lo: float, hi: float
) -> np.ndarray:
    """``size`` samples of ``dist`` from ``rng``, all within ``[lo, hi]``.

    A normal is cut to the range (sampled by the inverse of its cut CDF) and
    its mean must lie inside it; the other kinds must already lie inside it
    (see :func:`check_for`). A spread narrower than :data:`NARROW` of the
    value draws the value itself.
    """
    if dist.kind == "normal" and not lo <= dist.mean <= hi:
        raise DistributionError(
            f"A normal distribution's mean ({dist.mean:g}) must lie in the range "
            f"it is cut to, {lo:g} to {hi:g}."
        )
    if dist.is_fixed or dist.spread <= NARROW * max(1.0, abs(dist.mean), hi - lo):
        return np.full(size, dist.mean)
    if dist.kind == "uniform":
        return rng.uniform(dist.values[0], dist.values[1], size)
    if dist.kind == "triangular":
        return rng.triangular(*dist.values, size)
    from scipy.stats import truncnorm

    mean, sd = dist.values
    a, b = (lo - mean) / sd, (hi - mean) / sd
    return truncnorm.rvs(a, b, loc=mean, scale=sd, size=size, random_state=rng)


@functools.lru_cache(maxsize=256)
def cut_mean(dist: Distribution, lo: float, hi: float) -> float:
    """The mean of ``dist`` once cut to ``[lo, hi]`` (only a normal is cut).

    Remembered: scipy takes half a millisecond, and a page asks again at
    every rerun.
    """
    if dist.kind != "normal" or dist.is_fixed:
        return dist.mean
    from scipy.stats import truncnorm

    mean, sd = dist.values
    return float(truncnorm.mean((lo - mean) / sd, (hi - mean) / sd, mean, sd))


@functools.lru_cache(maxsize=256)
def cut_share(dist: Distribution, lo: float, hi: float) -> float:
    """The share of an uncut normal that lies outside ``[lo, hi]`` (else 0).

    Remembered, as :func:`cut_mean` is."""
    if dist.kind != "normal" or dist.is_fixed:
        return 0.0
    from scipy.stats import norm

    mean, sd = dist.values
    return float(norm.cdf((lo - mean) / sd) + norm.sf((hi - mean) / sd))


def as_distributions(
    given: Mapping[str, Distribution | str],
) -> dict[str, Distribution]:
    """Distributions by name, each given as one or as its text (``normal:20,2``)."""
    return {
        name: d if isinstance(d, Distribution) else parse_distribution(d)
        for name, d in given.items()
    }
