# Two commands: `make run` (install + build the warehouse from the bundled samples) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install run test lint samples dev clean bench fonts office browser postgres screenshot

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/budgetwh build --raw-dir raw/samples --warehouse warehouse/budget.duckdb

# Rendering PDFs (samples, the identity-violation tests) embeds a CJK TrueType font from Debian's
# fonts-wqy-zenhei; PyPI has no freely licensed one reportlab can embed.
FONT := /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
SUDO := $(if $(filter 0,$(shell id -u)),,sudo -n)
fonts:
	@test -f $(FONT) || $(SUDO) apt-get install -y -q fonts-wqy-zenhei >/dev/null \
		|| ($(SUDO) apt-get update -q >/dev/null && $(SUDO) apt-get install -y -q fonts-wqy-zenhei >/dev/null) \
		|| echo "warning: $(FONT) missing and fonts-wqy-zenhei could not be installed"

# tests/test_unseen_layout.py lays documents out with LibreOffice (python-docx → soffice → PDF).
office:
	@command -v soffice >/dev/null || $(SUDO) apt-get install -y -q --no-install-recommends libreoffice-writer-nogui >/dev/null \
		|| ($(SUDO) apt-get update -q >/dev/null && $(SUDO) apt-get install -y -q --no-install-recommends libreoffice-writer-nogui >/dev/null) \
		|| echo "warning: soffice missing and libreoffice-writer-nogui could not be installed"

# tests/test_report.py opens the HTML report in Debian's headless Chromium.
browser:
	@command -v chromium >/dev/null || $(SUDO) apt-get install -y -q chromium >/dev/null \
		|| ($(SUDO) apt-get update -q >/dev/null && $(SUDO) apt-get install -y -q chromium >/dev/null) \
		|| echo "warning: chromium missing and could not be installed"

# tests/test_scale_out.py starts a throwaway PostgreSQL server (initdb + pg_ctl) from Debian's packages.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || $(SUDO) apt-get install -y -q --no-install-recommends postgresql >/dev/null \
		|| ($(SUDO) apt-get update -q >/dev/null && $(SUDO) apt-get install -y -q --no-install-recommends postgresql >/dev/null) \
		|| echo "warning: PostgreSQL missing and postgresql could not be installed"

# Three pytest workers on two cores (many tests wait on a subprocess, a sensor tick or a server: a third worker
# fills those gaps; four were slower), each module on one worker (its module-scoped builds are made once), the longest modules
# first (LONG_MODULES in tests/conftest.py); the session builds (tests/conftest.py) are made by the first
# worker that needs them and shared. The 15 slowest tests are listed.
test: install fonts office browser postgres lint
	$(BIN)/pytest -q -ra -n 3 --dist loadscope --no-loadscope-reorder --durations=15

lint: install
	$(BIN)/ruff check dagster_project expectations tests tools benchmarks

# The UI at http://localhost:3000; run history, sensor cursors and the event log stay in DAGSTER_HOME between
# sessions in .dagster_home/ (git-ignored; its dagster.yaml is a copy of ./dagster.yaml, refreshed on each start;
# `make dev DAGSTER_HOME=/elsewhere` to keep it elsewhere).
DAGSTER_HOME := $(CURDIR)/.dagster_home
dev: install
	mkdir -p "$(DAGSTER_HOME)" && cp dagster.yaml "$(DAGSTER_HOME)/dagster.yaml"
	DAGSTER_HOME="$(DAGSTER_HOME)" PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/dagster dev

samples: install fonts
	$(BIN)/python -m tools.samplegen

# Benchmarks (benchmarks/, results in benchmarks/results/, never in git); the synthetic corpus and the
# scratch warehouses go to $(BENCH_DIR). N=200 takes a long time on 2 cores: BENCH_SIZES=5,50 for less.
BENCH_DIR   ?= /tmp/budgetwh-bench
BENCH_SIZES ?= 5,50,200
comma := ,

bench: install fonts
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	$(BIN)/python benchmarks/extraction_accuracy.py
	$(BIN)/python benchmarks/extraction_speed.py --corpus $(BENCH_DIR)/corpus --synthetic 5
	$(BIN)/python benchmarks/end_to_end.py --corpus $(BENCH_DIR)/corpus --work $(BENCH_DIR)/e2e --sizes $(BENCH_SIZES)
	$(BIN)/python benchmarks/query_latency.py --corpus $(BENCH_DIR)/corpus --work $(BENCH_DIR)/query \
	  --documents $(lastword $(subst $(comma), ,$(BENCH_SIZES)))
	$(BIN)/python benchmarks/dask_scaling.py

# docs/asset-graph.png for the README: dagster dev + headless Debian Chromium (apt-get install chromium).
screenshot: install
	$(BIN)/python -m pip install --quiet -e ".[dev,docs]"
	$(BIN)/python -m tools.screenshot --out docs/asset-graph.png

clean:
	rm -rf warehouse dbt/target dbt/logs .dagster_home
