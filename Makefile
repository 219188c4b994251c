# Two commands: `make run` (install + build the warehouse from the bundled samples) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install run test lint samples dev clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/budgetwh build --raw-dir raw/samples --warehouse warehouse/budget.duckdb

test: install
	$(BIN)/ruff check dagster_project expectations tests tools
	$(BIN)/pytest -q -ra

dev: install
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/dagster dev

samples: install
	$(BIN)/python -m tools.samplegen

clean:
	rm -rf warehouse dbt/target dbt/logs .dagster_home
