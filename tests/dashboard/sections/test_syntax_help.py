"""The "What you can type" panel: the shared help text, on the own-model page."""

from streamlit.testing.v1 import AppTest

from scenarios.formula.syntax import SYNTAX_HELP_TITLE, syntax_help_markdown
from tests.dashboard.helpers import open_page


def _panel() -> None:
    from dashboard.sections.syntax_help import syntax_help_section

    syntax_help_section()


def test_the_panel_shows_the_shared_help_in_an_expander():
    at = AppTest.from_function(_panel).run()
    assert not at.exception
    (expander,) = at.expander
    assert expander.label == SYNTAX_HELP_TITLE
    assert [m.value for m in expander.markdown] == [syntax_help_markdown()]


def test_the_own_model_page_has_the_panel():
    at = open_page("own-model")
    assert not at.exception
    assert SYNTAX_HELP_TITLE in [e.label for e in at.expander]
