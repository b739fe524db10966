"""Command-line interface: ``python -m scenarios COMMAND ...``.

Each module in COMMAND_MODULES adds its subcommands with ``register(subparsers)``;
a subcommand's handler takes the parsed arguments and returns an exit status.
Bad input (any ScenarioError) exits with status 2 and one line on stderr;
any other exception is a bug and shows its traceback.
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import sys
from collections.abc import Sequence

from scenarios.cli.common import CliError
from scenarios.errors import ScenarioError

COMMAND_MODULES = ("core", "whatif", "learning", "fitting", "formula", "uncertain")


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line, not a usage dump."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise CliError(f"{self.prog}: {message}")


def _value_options(parser: argparse.ArgumentParser) -> tuple[set[str], set[str]]:
    """(options that take one value, every option string) of one parser."""
    takes_value = {
        option
        for action in parser._actions  # argparse keeps no public list of them
        if action.option_strings and action.nargs is None
        for option in action.option_strings
    }
    every = {o for action in parser._actions for o in action.option_strings}
    return takes_value, every


def join_negative_values(
    parser: argparse.ArgumentParser, argv: Sequence[str]
) -> list[str]:
    """``--formula -x^2`` as ``--formula=-x^2``, so a value may start with ``-``.

    argparse takes any token that starts with ``-`` for an option, so a formula
    or a domain such as ``-3,3`` after its option would be refused. A token
    that is itself an option of the command is left alone.
    """
    argv = list(argv)
    subparsers = next(
        (a for a in parser._actions if isinstance(a, argparse._SubParsersAction)),
        None,
    )
    command = next((t for t in argv if not t.startswith("-")), None)
    if subparsers is None or command not in subparsers.choices:
        return argv
    takes_value, every = _value_options(subparsers.choices[command])
    joined: list[str] = []
    i = 0
    while i < len(argv):
        token = argv[i]
        following = argv[i + 1] if i + 1 < len(argv) else None
        if (
            token in takes_value
            and following is not None
            and following.startswith("-")
            and following.split("=", 1)[0] not in every
        ):
            joined.append(f"{token}={following}")
            i += 2
            continue
        joined.append(token)
        i += 1
    return joined


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m scenarios",
        description="Solve the lesson's optimisation scenarios from the shell.",
    )
    subparsers = parser.add_subparsers(
        dest="command", required=True, parser_class=_Parser, metavar="COMMAND"
    )
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        module.register(subparsers)
    return parser


_SHOWN_SYMBOLS = "−×⁻⁰¹²³⁴⁵⁶⁷⁸⁹—∞′″²÷"
"""Characters the shared formatter writes beyond ASCII."""


def _print_what_it_can(stream: object) -> None:
    """Let a stream whose code page lacks ``−`` or ``×10⁻⁵`` print ``?`` instead.

    A redirected stdout on a legacy Windows code page would otherwise raise
    UnicodeEncodeError halfway through a table.
    """
    try:
        _SHOWN_SYMBOLS.encode(getattr(stream, "encoding", None) or "ascii")
    except (UnicodeEncodeError, LookupError):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")


def _discard_stdout() -> None:
    """Send what stdout still buffers nowhere once the pipe's reader has left.

    Otherwise the interpreter's final flush fails with a traceback (``| head``).
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit status (2 on any bad input).

    Bad input is any :class:`~scenarios.errors.ScenarioError`: it prints as
    one line on stderr. Any other exception is a bug and propagates.
    """
    _print_what_it_can(sys.stdout)
    _print_what_it_can(sys.stderr)
    try:
        parser = build_parser()
        given = sys.argv[1:] if argv is None else argv
        args = parser.parse_args(join_negative_values(parser, given))
        status = int(args.handler(args) or 0)
        sys.stdout.flush()
        return status
    except BrokenPipeError:
        _discard_stdout()
        return 1
    except ScenarioError as exc:
        # The package's own refusals are one sentence; anything else is a bug
        # and keeps its traceback.
        print(f"error: {exc}", file=sys.stderr)
        return 2
