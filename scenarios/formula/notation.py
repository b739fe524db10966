"""Expressions as a learner reads them: LaTeX and one-line text, in typed order.

SymPy sorts the terms of a sum and the factors of a product its own way, so
``(p - c)(a - b p)`` would print as ``(a - b p)(-c + p)``. :class:`Notation`
puts them back in the order of the text the user typed: names rank by where
they first appear, parameters stand before the variable in a product, and a
number keeps the place SymPy gives it (``x^2 + 5``, ``1 - e^(-x)``). The
expression is only rearranged for printing, never changed.

The text form is plain Unicode (``−`` for minus, ``^`` for powers, ``e^(…)``,
``|u|``, ``sgn``, ``ln``), for the command line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import sympy
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

MINUS = "\u2212"
"""The minus sign in text output."""


class _Tex(LatexPrinter):
    """LaTeX with sgn, H(·) for the step function and ln for the logarithm."""

    def __init__(self) -> None:
        super().__init__({"order": "none", "ln_notation": True})

    def _print_sign(self, expr, exp=None):
        tex = rf"\operatorname{{sgn}}\left({self._print(expr.args[0])}\right)"
        return tex if exp is None else rf"{tex}^{{{exp}}}"

    def _print_Heaviside(self, expr, exp=None):
        tex = rf"H\left({self._print(expr.args[0])}\right)"
        return tex if exp is None else rf"{tex}^{{{exp}}}"


class _Text(StrPrinter):
    """SymPy's one-line form with |u|, sgn, H, ln and e^(…) for exp."""

    def __init__(self) -> None:
        super().__init__({"order": "none"})

    def _print_Abs(self, expr):
        return f"|{self._print(expr.args[0])}|"

    def _print_sign(self, expr):
        return f"sgn({self._print(expr.args[0])})"

    def _print_Heaviside(self, expr):
        return f"H({self._print(expr.args[0])})"

    def _print_log(self, expr):
        return f"ln({self._print(expr.args[0])})"

    def _print_Max(self, expr):
        return f"max({', '.join(self._print(a) for a in expr.args)})"

    def _print_Min(self, expr):
        return f"min({', '.join(self._print(a) for a in expr.args)})"

    def _print_exp(self, expr):
        arg = expr.args[0]
        shown = self._print(arg)
        return f"e^{shown}" if arg.is_Symbol or arg == 1 else f"e^({shown})"


_TIGHT = re.compile(r"(?<![\w^./])(\d+)\*(?=[A-Za-z](?![\w(])|\()|\*(?=\()")


def _tidy(text: str) -> str:
    """``2*x**3*(x - 1)`` -> ``2x^3(x − 1)``: implicit products, ^ and −."""
    text = text.replace("**", "^")
    text = _TIGHT.sub(lambda m: m.group(1) or "", text)
    return text.replace("*", " ").replace("-", MINUS)


class Notation:
    """Prints expressions of one formula in its variable and its names' order."""

    def __init__(self, variable: str, names: Sequence[str] = ()) -> None:
        self.variable = variable
        self.x = sympy.Symbol(variable, real=True)
        self._rank = {name: i for i, name in enumerate(dict.fromkeys(names))}

    # --- order ---------------------------------------------------------------

    def _last_name(self, expr: sympy.Expr) -> int:
        """The rank of the last-typed name in ``expr`` (-1 for a number)."""
        late = len(self._rank)
        ranks = [self._rank.get(s.name, late) for s in expr.free_symbols]
        return max(ranks, default=-1)

    def terms(self, expr: sympy.Expr) -> list[sympy.Expr]:
        """The terms of a sum, in typed order."""
        terms = expr.as_ordered_terms()
        keys, previous = [], -1
        for term in terms:
            key = previous if term.is_number else self._last_name(term)
            keys.append(key)
            previous = key
        order = sorted(range(len(terms)), key=keys.__getitem__)
        return [terms[i] for i in order]

    def factors(self, expr: sympy.Expr) -> list[sympy.Expr]:
        """The factors of a product, in typed order (the number first)."""

        def key(factor: sympy.Expr) -> tuple[int, int]:
            # Constants keep SymPy's order (b c, S k); what holds the variable
            # follows them, in the order it was typed: (p − c)(a − b p).
            if not factor.has(self.x):
                return (0, 0)
            return (1, self._last_name(factor))

        coeff, factors = expr.as_coeff_mul()
        ordered = sorted(sympy.Mul(*factors).as_ordered_factors(), key=key)
        return ordered if coeff == 1 else [coeff, *ordered]

    def arranged_args(self, expr: sympy.Expr) -> list[sympy.Expr]:
        """The arguments of min or max, in typed order."""
        return sorted(expr.args, key=self._last_name)

    def arranged(self, expr: sympy.Expr) -> sympy.Expr:
        """``expr`` rebuilt unevaluated, its sums and products in typed order."""
        if not expr.args or expr.is_Number:
            return expr
        if expr.is_Add:
            args = [self.arranged(t) for t in self.terms(expr)]
        elif expr.is_Mul:
            args = [self.arranged(f) for f in self.factors(expr)]
        else:
            args = [self.arranged(a) for a in expr.args]
        try:
            return expr.func(*args, evaluate=False)
        except TypeError:
            return expr.func(*args)

    # --- printing ------------------------------------------------------------

    def tex(self, expr: sympy.Expr) -> str:
        """LaTeX of ``expr`` in typed order."""
        return _Tex().doprint(self.arranged(sympy.sympify(expr)))

    def text(self, expr: sympy.Expr) -> str:
        """One line of Unicode text for ``expr`` in typed order."""
        return _tidy(_Text().doprint(self.arranged(sympy.sympify(expr))))

    @staticmethod
    def needs_brackets(expr: sympy.Expr) -> bool:
        """True for a sum or a negative term, which a product must bracket."""
        expr = sympy.sympify(expr)
        return bool(expr.is_Add or expr.could_extract_minus_sign())

    def tex_factor(self, expr: sympy.Expr, always: bool = False) -> str:
        """LaTeX of ``expr`` as a factor: bracketed if needed (or ``always``)."""
        tex = self.tex(expr)
        if always or self.needs_brackets(expr):
            return rf"\left({tex}\right)"
        return tex

    def text_factor(self, expr: sympy.Expr, always: bool = False) -> str:
        """Text of ``expr`` as a factor: bracketed if needed (or ``always``)."""
        text = self.text(expr)
        return f"({text})" if always or self.needs_brackets(expr) else text

    def d_tex(self, expr: sympy.Expr) -> str:
        """``d/dx [expr]`` in LaTeX."""
        return rf"\frac{{d}}{{d{self.tex(self.x)}}}\left[{self.tex(expr)}\right]"

    def d_text(self, expr: sympy.Expr) -> str:
        """``d/dx[expr]``, or ``d/dx e^(…)`` for one function or power."""
        expr = sympy.sympify(expr)
        shown = self.text(expr)
        if expr.is_Add or expr.is_Mul:
            return f"d/d{self.variable}[{shown}]"
        return f"d/d{self.variable} {shown}"
