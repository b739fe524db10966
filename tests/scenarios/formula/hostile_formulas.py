"""Hostile input for the formula parser, kept as data.

Each row is (id, formula, variable, domain). ``MARKER`` in a text stands for
the path of a file that would appear if any of it were ever run as code; the
tests substitute a temporary path and check that the file never appears.
"""

MARKER = "MARKER"

HOSTILE_KEYS = ("id", "formula", "variable", "domain")

HOSTILE = [  # fmt: skip
    ("import_call", "__import__('os').system('touch MARKER')", "x", ("0", "1")),
    ("import_bare", "__import__", "x", ("0", "1")),
    ("open_call", "open('MARKER', 'w').write('x')", "x", ("0", "1")),
    ("open_name", "open(x)", "x", ("0", "1")),
    ("attribute", "x.__class__", "x", ("0", "1")),
    ("attribute_chain", "().__class__.__bases__[0].__subclasses__()", "x", ("0", "1")),
    ("dunder_name", "__builtins__", "x", ("0", "1")),
    ("dunder_param", "x * __name__", "x", ("0", "1")),
    ("lambda", "(lambda: __import__('os').system('touch MARKER'))()", "x", ("0", "1")),
    ("lambda_bare", "lambda x: x", "x", ("0", "1")),
    ("list_comprehension", "[open('MARKER','w') for _ in (1,)]", "x", ("0", "1")),
    ("generator", "sum(x for x in (1, 2))", "x", ("0", "1")),
    ("subscript", "x[0]", "x", ("0", "1")),
    (
        "statement_after_semicolon",
        "x; import os; os.system('touch MARKER')",
        "x",
        ("0", "1"),
    ),
    ("assignment", "x := 1", "x", ("0", "1")),
    ("eval_call", "eval(\"open('MARKER','w')\")", "x", ("0", "1")),
    ("eval_name", "eval", "x", ("0", "1")),
    ("eval_product", "eval x", "x", ("0", "1")),
    ("exec_call", "exec(x)", "x", ("0", "1")),
    ("exec_name", "2 exec", "x", ("0", "1")),
    ("string", "'x' * 2", "x", ("0", "1")),
    ("huge_power", "9**9**9**9", "x", ("0", "1")),
    ("huge_power_caret", "9^9^9^9", "x", ("0", "1")),
    ("huge_base", "(10^100)^100 x", "x", ("0", "1")),
    ("huge_literal", "1e999999999 x", "x", ("0", "1")),
    ("growing_powers", "((((2x)^99)^99)^99)^99", "x", ("0", "1")),
    ("nesting_3000", "(" * 3000 + "x" + ")" * 3000, "x", ("0", "1")),
    ("nesting_45", "(" * 45 + "x" + ")" * 45, "x", ("0", "1")),
    ("unary_chain", "-" * 450 + "x", "x", ("0", "1")),
    ("size_100kb", "x+" * 50_000 + "x", "x", ("0", "1")),
    ("nul_byte", "x\x00+1", "x", ("0", "1")),
    ("cyrillic_a", "\u0430 x", "x", ("0", "1")),
    ("greek_omicron", "x + \u03bf", "x", ("0", "1")),
    ("fullwidth_x", "\uff58^2", "x", ("0", "1")),
    ("zero_width", "x\u200b+1", "x", ("0", "1")),
    ("keyword_name", "x if x else 1", "x", ("0", "1")),
    ("comparison", "x < 1", "x", ("0", "1")),
    ("keyword_args", "max(x, key=abs)", "x", ("0", "1")),
    ("unknown_function", "system(x)", "x", ("0", "1")),
    ("exploding_derivative", "sin(x " * 29 + "sin(x)" + ")" * 29, "x", ("0", "1")),
    ("exploding_power_tower", "^".join(["x"] * 16), "x", ("0", "1")),
    ("exploding_exp_chain", "exp(" * 30 + "x" + ")" * 30 + "^2", "x", ("0", "1")),
    ("exploding_tower", "^".join(f"(x+{k})" for k in range(1, 17)), "x", ("0", "1")),
    ("variable_dunder", "x", "__class__", ("0", "1")),
    ("variable_code", "x", "os.system('touch MARKER')", ("0", "1")),
    ("domain_import", "x", "x", ("__import__('os').system('touch MARKER')", "1")),
    ("domain_uses_variable", "x", "x", ("0", "x + 1")),
    ("domain_huge", "x", "x", ("0", "9^9^9^9")),
]
"""(id, formula, variable, domain): every row must be refused with a sentence."""
