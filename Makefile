# layofflab — `make help` lists every target. CI calls only Makefile targets (.ci/run → make test).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
KERNEL := layofflab
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: help setup data manifest report test test-fast lab lint bench clean

help: ## List every target with a one-line description
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# The venv is rebuilt when missing or older than pyproject.toml; otherwise nothing is reinstalled.
$(STAMP): pyproject.toml Makefile
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: $(PYTHON) not found; install Python 3.11 or run 'make PYTHON=/path/to/python3.11'"; exit 2; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dask]"
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (layofflab)" >/dev/null
	@touch $(STAMP)
	@echo "setup: $(VENV) ready with kernel '$(KERNEL)'"

setup: $(STAMP) ## Create .venv (if missing or older than pyproject.toml), install the package, register the Jupyter kernel

data: setup ## Verify data/raw against its MANIFEST and build data/processed (only what changed)
	$(BIN)/layofflab data

manifest: setup ## Rewrite data/raw/MANIFEST after a deliberate change to a raw file
	$(BIN)/layofflab manifest

report: data ## Execute every notebook with papermill and write reports/*.html and reports/index.html
	$(BIN)/layofflab report

test: setup ## Run the whole suite: library tests, doctests, realdata and slow tiers, nbval on every notebook
	$(BIN)/pytest
	$(BIN)/pytest --nbval-lax --nbval-sanitize-with tests/nbval_sanitize.cfg notebooks

test-fast: setup ## Library tests without the slow tier (quick feedback while developing)
	$(BIN)/pytest -m "not slow"

lab: setup ## Start JupyterLab on notebooks/ with the layofflab kernel
	$(BIN)/jupyter lab --notebook-dir=notebooks

lint: setup ## ruff check and format check
	$(BIN)/ruff check lib tests bench
	$(BIN)/ruff format --check lib tests bench

bench: setup ## Run the benchmarks in bench/ (ratios against baselines measured in the same process)
	@for script in bench/*_bench.py; do echo "== $$script"; $(PY) $$script; done

clean: ## Remove generated files (data/processed, reports, caches); keeps .venv
	rm -rf data/processed/* reports/* .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -type d -prune -not -path './.venv/*' -exec rm -rf {} +
	touch data/processed/.gitkeep reports/.gitkeep
