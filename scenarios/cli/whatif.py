"""What-if commands (sweep, fit-demand, cases): filled in by the what-if toolkit."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this module's subcommands."""
