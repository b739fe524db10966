"""The walker: differentiates a SymPy tree one rule at a time.

Each node gets its rule (see :mod:`scenarios.formula.rulebook`) and, in a
recording walk, a :class:`Step` written in the typed order of the formula:
the rule's own form first (``(1)(a − b p) + (p − c)(−b)``), then below the top
the result the parent uses. Steps come parent first, each child one level
deeper; leaves already shown (``d/dx x = 1``) are not repeated.

The same walk can make one *slip* at one node, as a learner might: drop the
chain rule's inner factor, flip a sign, multiply the derivatives of a
product, leave a power's exponent where it was. :func:`slipped` gives the
derivative so obtained, reusing the recording walk's results for every node
the slip does not reach.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy

from scenarios.formula.notation import Notation
from scenarios.formula.parse import FormulaError
from scenarios.formula.rulebook import (
    ABSOLUTE,
    CHAIN,
    CONSTANT,
    CONSTANT_DROPPED,
    CONSTANT_KEPT,
    CONSTANT_MULTIPLE,
    DIFFERENCE,
    EXPONENT_NOT_LOWERED,
    EXPONENTIAL,
    GENERAL_POWER,
    IDENTITY,
    MAX_MIN,
    MAX_RECORDED_STEPS,
    MAX_SHOWN_CHARS,
    MISSING_CHAIN,
    OUTER,
    PARTIAL_CHAIN,
    POWER,
    PRODUCT,
    PRODUCT_MINUS,
    PRODUCT_OF_DERIVATIVES,
    QUOTIENT,
    QUOTIENT_AS_RATIO,
    QUOTIENT_NOT_SQUARED,
    QUOTIENT_PLUS,
    SIGN,
    SUM,
    SUM_AND_DIFFERENCE,
    Site,
    Step,
    shorter,
)

MAX_STEP_OPS = 3000
"""Largest derivative the walk accepts, in SymPy operations (as derive does)."""


@dataclass(frozen=True)
class _Form:
    """A rule's result and how it is written: LaTeX and text."""

    tex: str
    text: str


class Walker:
    """Differentiates a tree node by node; records steps, or makes one slip."""

    def __init__(
        self,
        notation: Notation,
        slip: tuple[int, str] | None = None,
        known: dict[int, tuple[sympy.Expr, int]] | None = None,
    ) -> None:
        self.n = notation
        self.x = notation.x
        self.slip = slip
        self.known = known
        self.record = slip is None
        self.count = 0
        self.steps: list[Step | None] = []
        self.sites: list[Site] = []
        self.omitted = 0
        self.results: dict[int, tuple[sympy.Expr, int]] = {}
        self._leaves: dict[tuple[str, sympy.Expr], int] = {}

    # --- bookkeeping ---------------------------------------------------------

    def d(self, e: sympy.Expr, depth: int = 0, in_sum: bool = False) -> sympy.Expr:
        """The derivative of node ``e`` (numbered in walk order)."""
        node = self.count
        self.count += 1
        if self.known is not None and self.slip is not None:
            result, end = self.known[node]
            if not node <= self.slip[0] < end:  # the slip is elsewhere
                self.count = end
                return result
        result = self._dispatch(e, depth, node, in_sum)
        if sympy.count_ops(result) > MAX_STEP_OPS:
            raise FormulaError(
                "The derivative of this formula grows too large to work with; "
                "try a simpler formula."
            )
        self.results[node] = (result, self.count)
        return result

    def _open(self) -> int:
        """Reserve the next step's place (-1 once enough are written out)."""
        if not self.record:
            return -1
        if len(self.steps) >= MAX_RECORDED_STEPS:
            self.omitted += 1
            return -1
        self.steps.append(None)
        return len(self.steps) - 1

    def _close(
        self,
        slot: int,
        node: int,
        rule: str,
        e: sympy.Expr,
        result: sympy.Expr,
        form: Callable[[], _Form],
        depth: int,
        slips: dict[str, Callable[[], sympy.Expr]],
        note: str = "",
    ) -> sympy.Expr:
        """Write the step into its place; return the result, or the slip's."""
        if self.record:
            self.sites.extend(Site(node, kind, slot) for kind in slips if slot >= 0)
            if slot >= 0:
                self.steps[slot] = self._step(rule, e, result, form(), depth, note)
        if self.slip is not None and self.slip[0] == node and self.slip[1] in slips:
            return slips[self.slip[1]]()
        return result

    def _step(
        self,
        rule: str,
        e: sympy.Expr,
        result: sympy.Expr,
        form: _Form,
        depth: int,
        note: str,
    ) -> Step:
        tex, text = form.tex, form.text
        shown = self.n.text(result)
        if len(shown) > MAX_SHOWN_CHARS:
            tex, text = (tex, text) if len(text) <= MAX_SHOWN_CHARS else shorter(None)
        elif len(text) > MAX_SHOWN_CHARS:
            tex, text = self.n.tex(result), shown
        elif depth > 0 and shown != text:
            tex, text = f"{tex} = {self.n.tex(result)}", f"{text} = {shown}"
        return Step(
            rule, e, result, depth, self.n.d_tex(e), tex, self.n.d_text(e), text, note
        )

    def _leaf(
        self,
        rule: str,
        e: sympy.Expr,
        result: sympy.Expr,
        depth: int,
        node: int,
        in_sum: bool = False,
    ) -> sympy.Expr:
        slips = {CONSTANT_KEPT: lambda: e} if in_sum else {}
        key = (rule, e)
        if self.record and key in self._leaves:
            slot = self._leaves[key]
            self.sites.extend(Site(node, kind, slot) for kind in slips if slot >= 0)
            return result
        slot = self._open()
        if self.record:
            self._leaves[key] = slot
        shown = self.n.tex(result), self.n.text(result)
        return self._close(
            slot, node, rule, e, result, lambda: _Form(*shown), depth, slips
        )

    # --- the rules -------------------------------------------------------------

    def _dispatch(
        self, e: sympy.Expr, depth: int, node: int, in_sum: bool
    ) -> sympy.Expr:
        if self.x not in e.free_symbols:
            return self._leaf(CONSTANT, e, sympy.S.Zero, depth, node, in_sum)
        if e == self.x:
            return self._leaf(IDENTITY, e, sympy.S.One, depth, node)
        if e.is_Add:
            return self._sum(e, depth, node)
        if e.is_Mul:
            return self._product_like(e, depth, node)
        if e.is_Pow:
            return self._power(e, depth, node)
        if isinstance(e, sympy.Min | sympy.Max):
            return self._extreme(e, depth, node)
        if type(e) in OUTER:
            return self._function(e, depth, node)
        raise FormulaError(f"No rule here differentiates {type(e).__name__}.")

    def _sum(self, e: sympy.Expr, depth: int, node: int) -> sympy.Expr:
        slot = self._open()
        parts = []
        for term in self.n.terms(e):
            minus = bool(term.could_extract_minus_sign())
            child = -term if minus else term
            parts.append((minus, self.d(child, depth + 1, in_sum=True)))
        result = sympy.Add(*[-d if minus else d for minus, d in parts])
        subtracted = sum(minus for minus, _ in parts)
        rule = SUM if not subtracted else DIFFERENCE if len(parts) == 2 else None
        rule = rule or SUM_AND_DIFFERENCE

        def form() -> _Form:
            tex, text = [], []
            for i, (minus, d) in enumerate(parts):
                if minus:
                    tex.append(("-" if i == 0 else " - ") + self.n.tex_factor(d))
                    text.append(("−" if i == 0 else " − ") + self.n.text_factor(d))
                elif i == 0:
                    tex.append(self.n.tex(d))
                    text.append(self.n.text(d))
                else:
                    tex.append(" + " + self.n.tex_factor(d))
                    text.append(" + " + self.n.text_factor(d))
            return _Form("".join(tex), "".join(text))

        slips = {SIGN: lambda: -result}
        return self._close(slot, node, rule, e, result, form, depth, slips)

    def _product_like(self, e: sympy.Expr, depth: int, node: int) -> sympy.Expr:
        factors = self.n.factors(e)
        constant = [f for f in factors if self.x not in f.free_symbols]
        varying = [f for f in factors if self.x in f.free_symbols]
        if constant:
            return self._multiple(e, sympy.Mul(*constant), varying, depth, node)
        below = [f.is_Pow and f.exp.could_extract_minus_sign() for f in varying]
        if any(below) and not all(below):
            num = sympy.Mul(*[f for f, b in zip(varying, below, strict=True) if not b])
            den = sympy.Mul(*[1 / f for f, b in zip(varying, below, strict=True) if b])
            return self._quotient(e, num, den, depth, node)
        return self._product(e, varying, depth, node)

    def _multiple(
        self, e: sympy.Expr, c: sympy.Expr, varying: list, depth: int, node: int
    ) -> sympy.Expr:
        slot = self._open()
        g = sympy.Mul(*varying)
        gd = self.d(g, depth + 1)
        result = c * gd

        def form() -> _Form:
            c_tex = self.n.tex_factor(c) if c.is_Add else self.n.tex(c)
            c_text = self.n.text_factor(c) if c.is_Add else self.n.text(c)
            return _Form(
                rf"{c_tex} \cdot {self.n.tex_factor(gd)}",
                f"{c_text} · {self.n.text_factor(gd)}",
            )

        slips: dict[str, Callable[[], sympy.Expr]] = {SIGN: lambda: -result}
        if c not in (1, -1):
            slips[CONSTANT_DROPPED] = lambda: gd
        return self._close(slot, node, CONSTANT_MULTIPLE, e, result, form, depth, slips)

    def _product(
        self, e: sympy.Expr, factors: list, depth: int, node: int
    ) -> sympy.Expr:
        slot = self._open()
        ds = [self.d(f, depth + 1) for f in factors]
        terms = [
            [ds[i] if j == i else f for j, f in enumerate(factors)]
            for i in range(len(factors))
        ]
        products = [sympy.Mul(*t) for t in terms]
        result = sympy.Add(*products)

        def form() -> _Form:
            tex = " + ".join(
                " ".join(self.n.tex_factor(p, always=True) for p in t) for t in terms
            )
            text = " + ".join(
                "".join(self.n.text_factor(p, always=True) for p in t) for t in terms
            )
            return _Form(tex, text)

        slips = {
            SIGN: lambda: -result,
            PRODUCT_MINUS: lambda: products[0] - sympy.Add(*products[1:]),
            PRODUCT_OF_DERIVATIVES: lambda: sympy.Mul(*ds),
        }
        return self._close(slot, node, PRODUCT, e, result, form, depth, slips)

    def _quotient(
        self, e: sympy.Expr, num: sympy.Expr, den: sympy.Expr, depth: int, node: int
    ) -> sympy.Expr:
        slot = self._open()
        nd = self.d(num, depth + 1)
        dd = self.d(den, depth + 1)
        top = nd * den - num * dd
        result = top / den**2

        def form() -> _Form:
            t, s = self.n.tex_factor, self.n.text_factor
            tex_top = rf"{t(nd, True)} {t(den, True)} - {t(num, True)} {t(dd, True)}"
            text_top = f"{s(nd, True)}{s(den, True)} − {s(num, True)}{s(dd, True)}"
            return _Form(
                rf"\frac{{{tex_top}}}{{{t(den, True)}^{{2}}}}",
                f"({text_top})/{s(den, True)}^2",
            )

        slips = {
            SIGN: lambda: -result,
            QUOTIENT_NOT_SQUARED: lambda: top / den,
            QUOTIENT_PLUS: lambda: (nd * den + num * dd) / den**2,
        }
        if dd != 0:
            slips[QUOTIENT_AS_RATIO] = lambda: nd / dd
        return self._close(slot, node, QUOTIENT, e, result, form, depth, slips)

    def _power(self, e: sympy.Expr, depth: int, node: int) -> sympy.Expr:
        base, n = e.args
        if self.x in n.free_symbols:
            if self.x in base.free_symbols:
                return self._general_power(e, depth, node)
            return self._exponential(e, depth, node)
        slot = self._open()
        t, s = self.n.tex_factor, self.n.text_factor
        lowered_tex = rf"^{{{self.n.tex(n)} - 1}}"
        lowered_text = f"^({self.n.text(n)} − 1)"
        if base == self.x:
            result = n * base ** (n - 1)

            def form() -> _Form:
                return _Form(
                    f"{t(n)} {self.n.tex(base)}{lowered_tex}",
                    f"{s(n)} {self.n.text(base)}{lowered_text}",
                )

            slips = {SIGN: lambda: -result, EXPONENT_NOT_LOWERED: lambda: n * e}
            return self._close(slot, node, POWER, e, result, form, depth, slips)
        ud = self.d(base, depth + 1)
        result = n * base ** (n - 1) * ud

        def chain_form() -> _Form:
            return _Form(
                rf"{t(n)} {t(base, True)}{lowered_tex} \cdot {t(ud, True)}",
                f"{s(n)} {s(base, True)}{lowered_text} · {s(ud, True)}",
            )

        slips = {SIGN: lambda: -result, EXPONENT_NOT_LOWERED: lambda: n * e * ud}
        if ud != 1:
            slips[MISSING_CHAIN] = lambda: n * base ** (n - 1)
        if ud != -1 and ud.could_extract_minus_sign():
            slips[PARTIAL_CHAIN] = lambda: -n * base ** (n - 1)
        note = f"outside: the power rule; inside: {self.n.text(base)}"
        return self._close(slot, node, CHAIN, e, result, chain_form, depth, slips, note)

    def _exponential(self, e: sympy.Expr, depth: int, node: int) -> sympy.Expr:
        """a^u for a constant base a: a^u ln(a) u′."""
        base, u = e.args
        slot = self._open()
        outer = e * sympy.log(base)
        if u == self.x:
            shown = self.n.tex(outer), self.n.text(outer)
            slips = {SIGN: lambda: -outer}
            return self._close(
                slot, node, EXPONENTIAL, e, outer, lambda: _Form(*shown), depth, slips
            )
        ud = self.d(u, depth + 1)
        note = f"outside: the exponential rule; inside: {self.n.text(u)}"
        return self._chain(slot, node, e, outer, ud, depth, note)

    def _general_power(self, e: sympy.Expr, depth: int, node: int) -> sympy.Expr:
        """u^v with x in both: u^v (v′ ln u + v u′ / u)."""
        base, n = e.args
        slot = self._open()
        ud = self.d(base, depth + 1)
        nd = self.d(n, depth + 1)
        result = e * (nd * sympy.log(base) + n * ud / base)

        def form() -> _Form:
            t, s = self.n.tex_factor, self.n.text_factor
            tex_u, text_u = self.n.tex(base), self.n.text(base)
            return _Form(
                rf"{self.n.tex(e)} \left({t(nd, True)} \ln\left({tex_u}\right) + "
                rf"\frac{{{t(n, True)} {t(ud, True)}}}{{{t(base, True)}}}\right)",
                f"{self.n.text(e)} ({s(nd, True)} ln({text_u}) + "
                f"{s(n, True)}{s(ud, True)}/{s(base, True)})",
            )

        slips = {SIGN: lambda: -result}
        return self._close(slot, node, GENERAL_POWER, e, result, form, depth, slips)

    def _function(self, e: sympy.Expr, depth: int, node: int) -> sympy.Expr:
        rule, outer_of = OUTER[type(e)]
        u = e.args[0]
        slot = self._open()
        outer = outer_of(u)
        kink = (
            f"undefined where {self.n.text(u)} = 0: a kink" if rule == ABSOLUTE else ""
        )
        if u == self.x:
            shown = self.n.tex(outer), self.n.text(outer)
            slips = {SIGN: lambda: -outer}
            return self._close(
                slot, node, rule, e, outer, lambda: _Form(*shown), depth, slips, kink
            )
        ud = self.d(u, depth + 1)
        note = f"outside: the {rule[0].lower()}{rule[1:]}; inside: {self.n.text(u)}"
        note = "; ".join(filter(None, (note, kink)))
        return self._chain(slot, node, e, outer, ud, depth, note)

    def _chain(
        self,
        slot: int,
        node: int,
        e: sympy.Expr,
        outer: sympy.Expr,
        ud: sympy.Expr,
        depth: int,
        note: str,
    ) -> sympy.Expr:
        result = outer * ud

        def form() -> _Form:
            lead_tex = self.n.tex_factor(outer) if outer.is_Add else self.n.tex(outer)
            lead_text = (
                self.n.text_factor(outer) if outer.is_Add else self.n.text(outer)
            )
            return _Form(
                rf"{lead_tex} \cdot {self.n.tex_factor(ud, always=True)}",
                f"{lead_text} · {self.n.text_factor(ud, always=True)}",
            )

        slips = {SIGN: lambda: -result}
        if ud != 1:
            slips[MISSING_CHAIN] = lambda: outer
        if ud != -1 and ud.could_extract_minus_sign():
            slips[PARTIAL_CHAIN] = lambda: -outer
        return self._close(slot, node, CHAIN, e, result, form, depth, slips, note)

    def _extreme(self, e: sympy.Expr, depth: int, node: int) -> sympy.Expr:
        """max(a, b) = H(a − b)·a′ + H(b − a)·b′ (min the other way round)."""
        first, *others = self.n.arranged_args(e)
        rest = others[0] if len(others) == 1 else type(e)(*others)
        slot = self._open()
        da = self.d(first, depth + 1)
        dr = self.d(rest, depth + 1)
        gap = first - rest if isinstance(e, sympy.Max) else rest - first
        step = sympy.Heaviside
        result = step(gap) * da + step(-gap) * dr

        def form() -> _Form:
            t, s = self.n.tex_factor, self.n.text_factor
            h1, h2 = step(gap), step(-gap)
            return _Form(
                rf"{self.n.tex(h1)} \cdot {t(da, True)} + "
                rf"{self.n.tex(h2)} \cdot {t(dr, True)}",
                f"{self.n.text(h1)} · {s(da, True)} + "
                f"{self.n.text(h2)} · {s(dr, True)}",
            )

        note = (
            f"f′ jumps where {self.n.text(first)} = {self.n.text(rest)}: a kink; "
            "H is the step function, 1 where its argument is positive"
        )
        slips = {SIGN: lambda: -result}
        return self._close(slot, node, MAX_MIN, e, result, form, depth, slips, note)


def walk(f: sympy.Expr, notation: Notation) -> Walker:
    """The recording walk of ``f``: its steps, sites and node results."""
    walker = Walker(notation)
    walker.d(f)
    return walker


def slipped(
    f: sympy.Expr, notation: Notation, recorded: Walker, site: Site
) -> sympy.Expr:
    """f′ as a walk gives it with ``site``'s slip made at its node only."""
    walker = Walker(notation, slip=(site.node, site.slip), known=recorded.results)
    return walker.d(f)
