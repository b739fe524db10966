"""Every root-engine threshold is named once with its why; each root says how."""

import ast
import math
from pathlib import Path

import numpy as np

from scenarios.roots import tolerances
from scenarios.roots.engine import find_roots
from scenarios.roots.result import Candidate, Refinement

SOURCE = Path(tolerances.__file__).read_text(encoding="utf-8")


def test_every_constant_in_tolerances_says_why():
    body = ast.parse(SOURCE).body
    undocumented = [
        target.id
        for node, after in zip(body, body[1:] + [None], strict=True)
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
        and not (
            isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        )
    ]
    assert undocumented == []


def test_the_xtol_is_two_rounding_units_of_the_largest_end():
    assert tolerances.xtol_for(-3.0, 2.0) == 2 * tolerances.EPS * 3.0
    assert tolerances.xtol_for(0.0, 0.5) == 2 * tolerances.EPS


def test_refinements_keep_the_text_results_have_always_shown():
    assert Refinement.BRENTQ == "brentq on g"
    assert Refinement.EXACT_AT_SAMPLE.exact and Refinement.EXACT_AT_END.exact
    assert Refinement.EXACT_TOUCH.exact and Refinement.EXACT_TOUCH.touching
    assert not Refinement.NEWTON.exact and not Refinement.NEWTON.touching
    assert Candidate(1.0, Refinement.TOUCH_BRENTQ).touching


def test_a_result_says_how_each_root_was_refined():
    result = find_roots(lambda x: np.cos(10 * x), 0.0, 10.0)
    assert len(result.refined_by) == len(result.roots) > 1
    assert all(isinstance(how, Refinement) for how in result.refined_by)
    assert result.touching == tuple(how.touching for how in result.refined_by)
    # A double root without g' is polished as the minimum of |g|.
    touch = find_roots(lambda x: (x - 0.3) ** 2 * (x + 2), -1.0, 1.0)
    assert all(how is Refinement.TOUCH_MINIMUM for how in touch.refined_by)
    assert all(math.isclose(r, 0.3, abs_tol=1e-7) for r in touch.roots)
