"""Issues 20, 24.3 and 24.4: what a typed formula may say, and how refusals read.

Function aliases (arcsin), the role a refused name was meant for, Greek letter
names (lambda is a Python keyword), pasted mathematical characters (x², √x,
3−x) and the help text generated from the whitelist.
"""

import builtins
import keyword
import re

import numpy as np
import pytest
import sympy
from sympy.printing.numpy import NumPyPrinter

import scenarios
from scenarios.formula.build import (
    fit_functions,
    formula_texts,
    numpy_function,
    parameter_names,
    parse_formula,
)
from scenarios.formula.derive import formula_text
from scenarios.formula.parse import FormulaError, parse_expression
from scenarios.formula.syntax import (
    SYNTAX_EXAMPLE_VARIABLES,
    SYNTAX_EXAMPLES,
    SYNTAX_HELP,
    syntax_help_markdown,
    syntax_help_text,
)
from scenarios.formula.vocabulary import (
    CONSTANTS,
    FUNCTION_ALIASES,
    FUNCTIONS,
    GREEK_KEYWORDS,
    MAX_DIGITS,
    MAX_EXPONENT,
    MAX_LENGTH,
    MAX_NAME_LENGTH,
    MAX_NESTING,
    MAX_NODES,
    PASTED_NAMES,
    PASTED_OPERATORS,
    ROOT,
    SUPERSCRIPTS,
)

X = sympy.Symbol("x", real=True)


def refusal(text, variable="x"):
    with pytest.raises(FormulaError) as info:
        parse_expression(text, variable)
    return info.value


def one_sentence(message):
    """Ends with a full stop, and no full stop ends a sentence before it."""
    return message.endswith(".") and "\n" not in message and ". " not in message


# --- 24.3: arcsin, arccos, arctan ------------------------------------------------

ALIASES = [
    # (typed, SymPy function, numpy function, f' by hand)
    ("arcsin", sympy.asin, "numpy.arcsin", 1 / sympy.sqrt(1 - X**2)),
    ("arccos", sympy.acos, "numpy.arccos", -1 / sympy.sqrt(1 - X**2)),
    ("arctan", sympy.atan, "numpy.arctan", 1 / (1 + X**2)),
]


@pytest.mark.parametrize(("name", "function", "code", "df"), ALIASES)
def test_numpy_names_of_the_inverse_functions_are_aliases(name, function, code, df):
    expr = parse_expression(f"{name}(x)", "x")
    assert expr == function(X)
    assert expr == parse_expression(f"{FUNCTION_ALIASES[name]}(x)", "x")
    assert code in NumPyPrinter().doprint(expr)
    fn = numpy_function(expr, "x", [])
    assert fn(0.5) == pytest.approx(getattr(np, name)(0.5), rel=1e-15)
    d = parse_formula(f"{name}(x/2)").derivatives()
    assert sympy.simplify(d.df - df.subs(X, X / 2) / 2) == 0
    sc = scenarios.from_formula(f"{name}(x)", domain=(-0.5, 0.5))
    assert sc.df(0.3) == pytest.approx(float(df.subs(X, 0.3)), rel=1e-12)


def test_every_alias_names_a_function_with_the_same_sympy_constructor():
    for alias, name in FUNCTION_ALIASES.items():
        assert FUNCTIONS[alias] == FUNCTIONS[name]


@pytest.mark.parametrize(
    ("text", "says", "multiply"),
    [
        ("arcsinh(x)", "write log(u + sqrt(u^2 + 1)) instead", False),
        ("sine(x)", "(did you mean sin?)", False),
        ("Sin(x)", "(did you mean sin?)", False),
        ("sqr(x)", "(did you mean sqrt?)", False),
        ("log10(x)", "write log(u)/log(10) instead", False),
        ("floor(x)", "known functions: sin, cos", False),
        ("print(x)", "known functions: sin, cos", False),
        ("rate(x + 1)", "to multiply, write rate*(…)", True),
        ("gamma(x + 1)", "to multiply, write gamma*(…)", True),
        ("lambda(x + 1)", "to multiply, write lambda*(…)", True),
    ],
)
def test_the_multiply_hint_is_only_for_a_name_that_is_a_parameter(text, says, multiply):
    error = refusal(text)
    message = str(error)
    assert error.position == 0
    assert message.startswith(f"“{text.split('(')[0]}” at position 1 is not a known")
    assert says in message
    assert ("multiply" in message) is multiply
    assert one_sentence(message)


def test_a_one_letter_name_before_a_parenthesis_still_multiplies():
    a = sympy.Symbol("a", real=True)
    assert parse_expression("a(x+1)", "x") == a * (X + 1)
    assert parse_expression("rate (x+1)", "x") == sympy.Symbol("rate", real=True) * (
        X + 1
    )


# --- 24.4: a refused name says whether it was the variable or a parameter ---------

REFUSED_NAMES = sorted(
    (set(keyword.kwlist) | set(keyword.softkwlist) | set(dir(builtins)))
    - set(FUNCTIONS)
    - GREEK_KEYWORDS
)


@pytest.mark.parametrize("name", REFUSED_NAMES)
def test_a_reserved_name_is_refused_in_the_role_it_was_given(name):
    as_variable = str(refusal("2", variable=name))
    assert "cannot be the variable" in as_variable
    assert "parameter" not in as_variable
    assert one_sentence(as_variable)
    with pytest.raises(FormulaError) as info:
        scenarios.from_formula("x", variable=name, domain=(0, 1))
    assert "cannot be the variable" in str(info.value)
    if name.isidentifier() and not name.startswith("_"):
        as_parameter = str(refusal(f"x + 2 {name}"))
        assert "cannot be a parameter" in as_parameter
        assert "variable" not in as_parameter
        assert one_sentence(as_parameter)


@pytest.mark.parametrize(
    ("variable", "says"),
    [
        ("sin", "“sin” is a function, so it cannot be the variable."),
        ("pi", "“pi” is the constant pi, so it cannot be the variable."),
        ("e", "“e” is the constant e, so it cannot be the variable."),
        ("_x", "“_x” starts with an underscore, so it cannot be the variable."),
        ("2x", "“2x” cannot be the variable: a name is a letter followed by letters"),
        ("v" * 40, f"longer than {MAX_NAME_LENGTH} characters, so it cannot be the"),
    ],
)
def test_other_refused_variables_say_variable(variable, says):
    for build in (
        lambda: parse_expression("1", variable),
        lambda: parameter_names("1", variable, (0, 1)),
        lambda: scenarios.from_formula("1", variable=variable, domain=(0, 1)),
    ):
        with pytest.raises(FormulaError) as info:
            build()
        assert says in str(info.value)


def test_a_long_refused_name_is_shortened_in_the_message():
    message = str(refusal("1", variable="os.system('" + "x" * 400 + "')"))
    assert len(message) < 200 and "…" in message


# --- 20: Greek letter names and SymPy's special names -------------------------------

NAMES = ["lambda", "gamma", "beta", "theta", "sigma", "mu", "omega", "alpha",
         "E", "I", "N", "S", "O", "Q"]  # fmt: skip


@pytest.mark.parametrize("name", NAMES)
def test_a_greek_or_sympy_name_is_an_ordinary_parameter(name):
    parsed = parse_formula(f"{name} x - x^2")
    theta = sympy.Symbol(name, real=True)
    assert parsed.param_names == (name,)
    assert parsed.expr == theta * X - X**2
    assert formula_text(parsed.derivatives().df) == f"{name} - 2*x"
    sc = scenarios.from_formula(f"{name} x - x^2", domain=(0, name), params={name: 4})
    assert [p.name for p in sc.params] == [name]
    assert scenarios.solve(sc).x == pytest.approx(2.0, rel=1e-12)
    assert formula_texts(sc) == {"f": f"{name}*x - x**2", "df": f"{name} - 2*x",
                                 "d2f": "-2"}  # fmt: skip
    with pytest.raises(FormulaError) as info:
        scenarios.from_formula(f"{name} x", domain=(0, 1), params={"zeta": 1})
    assert f"(its parameters: {name})" in str(info.value)


@pytest.mark.parametrize("name", NAMES)
def test_a_greek_or_sympy_name_is_an_ordinary_variable(name):
    parsed = parse_formula(f"({name} - 3)^2 + 1", name)
    v = sympy.Symbol(name, real=True)
    assert parsed.param_names == ()
    assert parsed.derivatives().df == 2 * v - 6
    sc = scenarios.from_formula(
        f"({name} - 3)^2 + 1", variable=name, domain=(0, 5), goal="minimize"
    )
    assert sc.variable.name == name
    assert sc.question == f"Which {name} gives the lowest f({name})?"
    assert scenarios.solve(sc).x == pytest.approx(3.0, rel=1e-12)


def test_lambda_is_mapped_by_token_never_inside_another_name():
    names = parse_formula("lambdax + xlambda + lambda_1 + lambda").param_names
    assert names == ("lambdax", "xlambda", "lambda_1", "lambda")
    assert "_kw_" not in sympy.sstr(parse_formula("lambda x").expr)


def test_the_internal_name_for_lambda_cannot_be_typed():
    assert "underscore" in str(refusal("_kw_lambda x"))


def test_lambda_in_physics_formulas_keeps_its_name_everywhere():
    parsed = parse_formula("A e^(-lambda t)", "t")
    assert parsed.param_names == ("A", "lambda")
    d = parsed.derivatives()
    assert formula_text(d.df) == "-A*lambda*exp(-lambda*t)"
    assert "\\lambda" in d.df_tex
    f, grads = fit_functions(parsed)
    t = np.array([0.0, 1.0, 2.0])
    assert f(t, A=2.0, **{"lambda": 0.5}) == pytest.approx(2 * np.exp(-0.5 * t))
    assert set(grads) == {"A", "lambda"}
    assert grads["lambda"](t, A=2.0, **{"lambda": 0.5}) == pytest.approx(
        -2 * t * np.exp(-0.5 * t)
    )
    # Planck's law in a wavelength: the maximum of Wien's displacement law
    planck = scenarios.from_formula(
        "1/(lambda^5 (e^(1/lambda) - 1))", variable="lambda", domain=(0.05, 2)
    )
    assert scenarios.solve(planck).x == pytest.approx(1 / 4.965114231744276, rel=1e-9)


def test_pi_stays_the_constant_and_e_prints_as_e():
    assert parse_expression("pi x", "x") == sympy.pi * X
    assert parse_expression("2πx", "x") == 2 * sympy.pi * X
    parsed = parse_formula("E x + e")
    assert parsed.param_names == ("E",)
    assert formula_text(parsed.expr) == "E*x + e"
    assert formula_text(sympy.exp(X)) == "exp(x)"
    # the text reads back as the same formula
    again = parse_expression(formula_text(parsed.expr), "x")
    assert again == parsed.expr


# --- 20: pasted mathematical characters ------------------------------------------

PASTED = [
    ("x²", X**2),
    ("√x", sympy.sqrt(X)),
    ("2×x", 2 * X),
    ("3−x", 3 - X),
    ("2πx", 2 * sympy.pi * X),
    ("x³ − 2x", X**3 - 2 * X),
    ("x⁻¹", 1 / X),
    ("2x⁻²", 2 / X**2),
    ("x¹⁰ + x⁰", X**10 + 1),
    ("√(x+1)", sympy.sqrt(X + 1)),
    ("2√x", 2 * sympy.sqrt(X)),
    ("√2 x", sympy.sqrt(2) * X),
    ("√x²", X),  # (√x)², x > 0 taken as real: √ takes the name right after it
    ("√√x", X ** sympy.Rational(1, 4)),
    ("√sin(x)", sympy.sqrt(sympy.sin(X))),
    ("(x+1)²", (X + 1) ** 2),
    ("e^x²", sympy.exp(X**2)),
    ("2·x", 2 * X),
    ("2⋅x", 2 * X),
    ("6÷x", 6 / X),
    ("3 – x", 3 - X),
    ("x\u00a0+\u20091\u202f", X + 1),
]


@pytest.mark.parametrize(("text", "expected"), PASTED)
def test_pasted_characters_mean_their_ascii(text, expected):
    assert sympy.simplify(parse_expression(text, "x") - expected) == 0


def test_the_lesson_examples_typed_with_pasted_characters():
    sc = scenarios.from_formula("x³ − 3x", domain=(0, 2), goal="minimize")
    assert scenarios.solve(sc).x == pytest.approx(1.0, rel=1e-12)
    parsed = parse_formula("√x")
    assert sympy.simplify(parsed.derivatives().df - 1 / (2 * sympy.sqrt(X))) == 0


@pytest.mark.parametrize(
    ("text", "position", "words"),
    [
        ("\u0430 x", 0, "“а” (U+0430 CYRILLIC SMALL LETTER A) at position 1"),
        ("x + \u03bf", 4, "GREEK SMALL LETTER OMICRON) at position 5; write a Greek"),
        ("λ x", 0, "by its name, such as lambda"),
        ("x — 1", 2, "(U+2014 EM DASH) at position 3"),
        ("\uff58^2", 0, "FULLWIDTH LATIN SMALL LETTER X"),
        ("x\u200b+1", 1, "ZERO WIDTH SPACE"),
        ("x ⁺ 1", 2, "SUPERSCRIPT PLUS SIGN"),
        ("x²⁻¹", 2, "can only start an exponent"),
        ("x⁻ + 1", 1, "needs superscript digits"),
        ("²x", 0, "cannot start with “²”"),
        ("x + ²", 4, "“²” at position 5 follows “+”"),
        ("√", 0, "needs a number, name or parenthesis"),
        ("√ + x", 0, "needs a number, name or parenthesis"),
        ("x² + * 2", 5, "“*” at position 6 follows “+”"),
        ("2^ * x", 3, "“*” at position 4 follows “^”"),
        ("√(x + 1", 1, "never closed"),
        ("√sin(x", 4, "never closed"),
        ("x¹⁰¹", 1, f"constant exponents run to ±{MAX_EXPONENT}"),
        ("x" + "⁹" * (MAX_DIGITS + 1), 1, f"more than {MAX_DIGITS} digits"),
        (ROOT * (MAX_NESTING + 1) + "x", MAX_NESTING, "Roots and parentheses nest"),
    ],
)
def test_refusals_point_at_what_was_typed(text, position, words):
    error = refusal(text)
    assert words in str(error)
    assert error.position == position
    assert one_sentence(str(error))


@pytest.mark.parametrize(
    "text",
    [
        "√x+" * (MAX_LENGTH // 3) + "1",  # within the typed length, too many parts
        "x²+" * (MAX_LENGTH // 3) + "1",
        "π" * MAX_LENGTH,
        "(" * MAX_NESTING + "√x" + ")" * MAX_NESTING,
    ],
)
def test_limits_still_apply_to_what_the_characters_become(text):
    assert len(text) <= MAX_LENGTH
    message = str(refusal(text))
    assert f"more than {MAX_NODES} parts" in message or "nest" in message


def test_the_typed_length_limit_counts_pasted_characters_once():
    text = "x²" * (MAX_LENGTH // 2) + "x"
    assert len(text) == MAX_LENGTH + 1
    assert f"{MAX_LENGTH + 1} characters long" in str(refusal(text))


# --- 20: the help text -------------------------------------------------------------


def test_the_help_is_generated_from_the_whitelist():
    text = syntax_help_text()
    markdown = syntax_help_markdown()
    for name in FUNCTIONS:
        assert f"`{name}`" in markdown
        assert re.search(rf"\b{name}\b", text)
    for name in CONSTANTS:
        assert f"`{name}`" in markdown
    for char in [*PASTED_OPERATORS, *SUPERSCRIPTS, *PASTED_NAMES, ROOT]:
        if PASTED_OPERATORS.get(char) != " ":
            assert char in markdown and char in text
    for limit in (MAX_LENGTH, MAX_NESTING, MAX_NODES, MAX_EXPONENT, MAX_NAME_LENGTH):
        assert str(limit) in text
    assert "`" not in text
    assert max(len(line) for line in text.splitlines()) <= 79
    assert len(SYNTAX_HELP) == len(markdown.splitlines())


def test_the_help_examples_parse_and_differentiate():
    assert len(SYNTAX_EXAMPLES) == 3
    pairs = zip(SYNTAX_EXAMPLES, SYNTAX_EXAMPLE_VARIABLES, strict=True)
    for example, variable in pairs:
        parsed = parse_formula(example, variable)
        assert sympy.Symbol(variable, real=True) in parsed.expr.free_symbols
        assert parsed.derivatives().df != 0
