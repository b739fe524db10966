"""The own-model page's "What you can type" panel.

The text is :data:`scenarios.formula.syntax.SYNTAX_HELP`, generated from the
parser's whitelist and shared with ``python -m scenarios derive --help``; this
section only draws it.
"""

from __future__ import annotations

import streamlit as st

from scenarios.formula.syntax import SYNTAX_HELP_TITLE, syntax_help_markdown


def syntax_help_section() -> None:
    """The formula syntax, in an expander that starts closed."""
    with st.expander(SYNTAX_HELP_TITLE, icon=":material/help:"):
        st.markdown(syntax_help_markdown())
