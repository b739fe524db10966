"""Hostile formulas: each refused with one sentence, running no code, promptly."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

import scenarios
from scenarios.cli import main
from tests.scenarios.formula.hostile_formulas import HOSTILE, HOSTILE_KEYS, MARKER

ROOT = Path(__file__).resolve().parents[3]
ROWS = [dict(zip(HOSTILE_KEYS, row, strict=True)) for row in HOSTILE]


def _with_marker(row, marker):
    def fill(text):
        return text.replace(MARKER, str(marker))

    return fill(row["formula"]), fill(row["variable"]), tuple(map(fill, row["domain"]))


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_hostile_formula_is_refused_with_one_sentence(row, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    marker = tmp_path / "marker"
    formula, variable, domain = _with_marker(row, marker)
    with pytest.raises(scenarios.FormulaError) as info:
        scenarios.from_formula(formula, variable=variable, domain=domain)
    message = str(info.value)
    assert message.endswith(".") and "\n" not in message
    assert len(message) < 300
    assert "Traceback" not in message
    assert not marker.exists()
    assert list(tmp_path.iterdir()) == []


def test_the_engine_keeps_working_after_the_corpus():
    for row in ROWS:
        with pytest.raises(scenarios.FormulaError):
            scenarios.from_formula(
                row["formula"], variable=row["variable"], domain=row["domain"]
            )
    sc = scenarios.from_formula("(x - 2)^2", domain=(0, 5), goal="minimize")
    assert scenarios.solve(sc).x == pytest.approx(2.0, rel=1e-12)


def test_the_corpus_does_not_hang_a_fresh_process(tmp_path):
    """A safety timeout only: the whole corpus in a new interpreter, cold start."""
    marker = tmp_path / "marker"
    script = (
        "import json, sys, scenarios\n"
        "from tests.scenarios.formula.hostile_formulas import HOSTILE, MARKER\n"
        "out = []\n"
        "for _id, f, v, d in HOSTILE:\n"
        "    fill = lambda t: t.replace(MARKER, sys.argv[1])\n"
        "    try:\n"
        "        scenarios.from_formula(fill(f), variable=fill(v),\n"
        "                               domain=tuple(map(fill, d)))\n"
        "        out.append([_id, 'accepted'])\n"
        "    except scenarios.FormulaError as exc:\n"
        "        out.append([_id, str(exc)])\n"
        "print(json.dumps(out))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(marker)],
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    results = json.loads(done.stdout)
    assert [r[0] for r in results] == [r["id"] for r in ROWS]
    assert all(r[1] != "accepted" for r in results)
    assert not marker.exists()


def test_cli_refuses_hostile_text_with_exit_2_and_one_line(capsys, tmp_path):
    marker = tmp_path / "marker"
    code = main(
        ["solve", "--formula", f"__import__('os').system('touch {marker}')",
         "--domain", "0,1"]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and err.startswith("error: ")
    assert not marker.exists()
