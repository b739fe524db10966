# `make run` and `make test` each build .venv from the requirements files first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench bench-quick clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/streamlit run dashboard/app.py

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

# Full runs: they write the committed figures in benchmarks/results/.
bench: $(STAMP)
	$(BIN)/python benchmarks/solver.py
	$(BIN)/python benchmarks/global.py
	$(BIN)/python benchmarks/sweep.py
	$(BIN)/python benchmarks/app.py
	$(BIN)/python benchmarks/formula.py
	$(BIN)/python benchmarks/load.py
	$(BIN)/python benchmarks/uncertainty.py

# Seconds each, to check every script still runs; the JSON goes to a temporary
# folder, never over benchmarks/results/. tests/test_benchmarks.py does the same.
bench-quick: $(STAMP)
	$(BIN)/python benchmarks/solver.py --quick
	$(BIN)/python benchmarks/global.py --quick
	$(BIN)/python benchmarks/sweep.py --quick
	$(BIN)/python benchmarks/app.py --quick
	$(BIN)/python benchmarks/formula.py --quick
	$(BIN)/python benchmarks/load.py --quick
	$(BIN)/python benchmarks/uncertainty.py --quick

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis build dist *.egg-info
