"""The CLI turns the package's own refusals into one line, and nothing else."""

from __future__ import annotations

import pytest

from scenarios.cli import core, main
from scenarios.errors import InputError


def test_a_package_error_is_one_line_and_exit_2(monkeypatch, capsys):
    def refuse(args):
        raise InputError("The target must be a number.")

    monkeypatch.setattr(core, "run_solve", refuse)
    assert main(["solve", "headphone_pricing"]) == 2
    assert capsys.readouterr().err == "error: The target must be a number.\n"


@pytest.mark.parametrize("bug", [KeyError("unit_cost"), ValueError("bad shape")])
def test_any_other_error_is_a_bug_and_keeps_its_traceback(monkeypatch, bug):
    def broken(args):
        raise bug

    monkeypatch.setattr(core, "run_solve", broken)
    with pytest.raises(type(bug)):
        main(["solve", "headphone_pricing"])


def test_an_unknown_scenario_is_still_one_line(capsys):
    assert main(["solve", "no_such_scenario"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert "headphone_pricing" in err  # the known ids are listed
