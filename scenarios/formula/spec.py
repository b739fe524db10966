"""A typed model as plain data: the saved-model format and default ranges."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scenarios.formula.parse import FormulaError
from scenarios.model import Goal


def _nice_step(width: float) -> float:
    """A power of ten near width / 100, so a slider has about 100–1000 stops."""
    return 10.0 ** math.floor(math.log10(width / 100.0))


def default_range(default: float) -> tuple[float, float, float]:
    """(min, max, step): a tenth to ten times ``default``, or -10 to 10 at zero."""
    if default == 0:
        return -10.0, 10.0, 0.1
    ends = sorted((default / 10.0, default * 10.0))
    step = 10.0 ** (math.floor(math.log10(abs(default))) - 2)
    return _round(ends[0], step), _round(ends[1], step), step


def _round(value: float, step: float) -> float:
    """``value`` without a binary tail at the precision of ``step``."""
    decimals = max(0, -math.floor(math.log10(step)) + 1)
    return round(value, decimals)


@dataclass(frozen=True)
class FormulaSpec:
    """Everything that defines a typed model, as plain data.

    ``domain`` holds each end as text (a number or a formula of the
    parameters); ``ranges`` maps a parameter to ``(min, max, step)``.
    :meth:`to_dict` gives the saved-model format.
    """

    formula: str
    variable: str
    domain: tuple[str, str]
    goal: Goal
    params: tuple[tuple[str, float], ...]
    ranges: tuple[tuple[str, tuple[float, float, float]], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "formula": self.formula,
            "variable": self.variable,
            "domain": list(self.domain),
            "goal": self.goal,
            "params": dict(self.params),
            "ranges": {k: list(v) for k, v in self.ranges},
        }

    @classmethod
    def from_dict(cls, spec: Mapping[str, Any]) -> FormulaSpec:
        """A spec from saved data; FormulaError names a missing or bad field."""
        try:
            domain = spec["domain"]
            lo, hi = (str(v) for v in domain)
            return cls(
                formula=str(spec["formula"]),
                variable=str(spec.get("variable", "x")),
                domain=(lo, hi),
                goal=spec.get("goal", "maximize"),
                params=tuple(
                    (str(k), finite(v, k))
                    for k, v in dict(spec.get("params", {})).items()
                ),
                ranges=tuple(
                    (str(k), tuple(finite(x, k) for x in v))  # type: ignore[misc]
                    for k, v in dict(spec.get("ranges", {})).items()
                ),
            )
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, FormulaError):
                raise
            raise FormulaError(
                "The saved model is incomplete or damaged and cannot be opened."
            ) from None

    @property
    def id(self) -> str:
        """A content hash: the same model always gets the same scenario id."""
        text = json.dumps(self.to_dict(), sort_keys=True)
        return "formula-" + hashlib.sha256(text.encode()).hexdigest()[:16]


def finite(value: object, name: str) -> float:
    """``value`` as a finite float, or FormulaError naming ``name``."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise FormulaError(
            f"The value for {name} must be a number, not {value!r}."
        ) from None
    if not math.isfinite(number):
        raise FormulaError(f"The value for {name} must be a finite number.")
    return number
