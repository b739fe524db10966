"""A database that cannot be reached, in AppTest: one sentence, the page goes on.

The browser test with a real server stopped mid-session is in test_replicas.py;
this one needs no server at all: port 9 on localhost refuses at once.
"""

import pytest

from tests.dashboard.helpers import open_page, open_tab, switch_to

UNREACHABLE = "postgresql+psycopg://nobody@127.0.0.1:9/cases"
SENTENCE = (
    "Saved cases are unavailable: the database at 127.0.0.1:9/cases cannot be reached."
)


@pytest.fixture
def unreachable(monkeypatch):
    monkeypatch.delenv("SCENARIOS_DB", raising=False)
    monkeypatch.setenv("SCENARIOS_DATABASE_URL", UNREACHABLE)


def _errors(at) -> list[str]:
    # Markdown escapes come back as written; compare the text a user reads.
    return [str(e.value).replace("\\", "") for e in at.error]


def test_scenario_page_says_so_once_and_still_solves(unreachable):
    at = open_page("headphone_pricing")
    assert [e.value for e in at.exception] == []
    # The default tab never asks the database; the saved-cases tab says so once.
    assert _errors(at) == []
    open_tab(at, "Saved cases")
    assert [e.value for e in at.exception] == []
    assert _errors(at) == [SENTENCE]
    # p* = (1300 / 10 + 20) / 2 = 75, drawn as usual.
    assert at.metric[0].value == "$75.00"
    at.slider(key="unit_cost").set_value(30.0).run()
    assert at.metric[0].value == "$80.00"
    assert _errors(at) == [SENTENCE]
    assert len(at.get("vega_lite_chart")) >= 2
    open_tab(at, "Sensitivity")
    assert [e.value for e in at.exception] == []
    assert at.metric[0].value == "$80.00" and at.dataframe


def test_a_save_meanwhile_is_refused_with_a_message(unreachable):
    at = open_page("headphone_pricing", {"view": "Saved cases"})
    at.text_input(key="whatif_case_name").input("Kept?")
    at.button(key="FormSubmitter:whatif_save_form-Save as case").click().run()
    assert [e.value for e in at.exception] == []
    errors = _errors(at)
    assert any(e.startswith("Nothing was saved, because the database") for e in errors)
    assert not any("Saved case" in str(s.value) for s in at.success)


def test_cases_page_says_so_in_one_sentence(unreachable):
    at = switch_to(open_page("headphone_pricing"), "cases")
    assert [e.value for e in at.exception] == []
    assert _errors(at) == [SENTENCE]
