"""``scenarios-dashboard [streamlit options]``: the dashboard, from any folder.

The command runs ``streamlit run`` on this package's ``app.py``, so it works from
any folder, in a checkout or an installed wheel. Streamlit reads the theme,
server and runner settings from ``.streamlit/config.toml`` beside the script it
runs; that file ships inside this package. Options given on the command line, such as
``--server.port 8600``, override it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

APP = Path(__file__).resolve().with_name("app.py")
"""The Streamlit script the command serves."""

CONFIG = APP.with_name(".streamlit") / "config.toml"
"""The dashboard's theme, server and runner settings, read beside ``APP``."""


def streamlit_argv(options: Sequence[str]) -> list[str]:
    """The ``streamlit`` command line that serves the dashboard with ``options``."""
    return ["streamlit", "run", str(APP), *options]


def main(argv: Sequence[str] | None = None) -> int:
    """Serve the dashboard until interrupted; ``argv`` are Streamlit's options."""
    from streamlit.web import cli as streamlit_cli

    options = sys.argv[1:] if argv is None else list(argv)
    if "--help" in options or "-h" in options:
        print(
            "scenarios-dashboard [OPTIONS]: serves the dashboard; the options are "
            f"those of `streamlit run`, applied to {APP}.\n"
        )
    # Streamlit reads sys.argv besides its arguments (to name the command it runs).
    sys.argv = streamlit_argv(options)
    try:
        streamlit_cli.main(args=sys.argv[1:], prog_name="streamlit")
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else int(done.code is not None)
    return 0
