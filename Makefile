# The two commands of the quick start: `make demo` and `make test`.
# Each does all its own set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ARGS ?=

.PHONY: demo test lint typecheck layers pytest bench bench-reports clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/embudo demo --db sqlite:///demo.db $(ARGS)

test: lint typecheck layers pytest

lint: $(STAMP)
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/ruff check src tests bench scripts

typecheck: $(STAMP)
	$(BIN)/mypy

layers: $(STAMP)
	$(BIN)/lint-imports

pytest: $(STAMP)
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/ingest.py

# The report benchmark (docs/benchmarks.md): build both stores, measure, drop the PostgreSQL
# schema. SIZES=--contacts 10000 --transitions 50000 --deals 2000 for a quick run.
SIZES ?=
bench-reports: $(STAMP)
	$(BIN)/python bench/report_data.py --backend sqlite $(SIZES)
	$(BIN)/python bench/report_data.py --backend postgres $(SIZES)
	$(BIN)/python bench/reports.py; status=$$?; \
	$(BIN)/python bench/report_data.py --backend postgres --drop; exit $$status

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
