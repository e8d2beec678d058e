# layofflab — `make help` lists every target. CI calls only Makefile targets (.ci/run → make test).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Supported Pythons (requirements.lock covers all of them). PYTHON=python3.12 (or a path) picks one;
# by default `make setup` keeps .venv's interpreter, or takes the first of these found.
PYTHONS := 3.11 3.12 3.13
PYTHON ?=
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: help setup lock lock-upgrade data manifest report test test-fast test-pythons lab lint typecheck bench clean

help: ## List every target with a one-line description
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

setup: ## Create .venv (PYTHON=python3.12 to choose) and install exactly requirements.lock, the package and its kernel
	@tools/setup-venv $(VENV) $(PYTHON)

lock: ## Re-resolve requirements.lock after a pyproject.toml change, keeping other pins; print what changed
	@test -x $(BIN)/uv || STALE_LOCK_OK=1 tools/setup-venv $(VENV) $(PYTHON)
	$(PY) tools/lock.py compile

lock-upgrade: ## Refresh requirements.lock: every package to the newest version pyproject.toml allows; print what changed
	@test -x $(BIN)/uv || STALE_LOCK_OK=1 tools/setup-venv $(VENV) $(PYTHON)
	$(PY) tools/lock.py compile --upgrade

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

test-pythons: ## The fast tier on every supported Python found (each in .venv-3.X; .venv if it has that version)
	@tools/test-pythons $(PYTHONS)

lab: setup ## Start JupyterLab on notebooks/ with the layofflab kernel
	$(BIN)/jupyter lab --notebook-dir=notebooks

lint: setup ## ruff check (numpydoc docstring rules included), ruff format check, then mypy
	$(BIN)/ruff check lib tests bench tools
	$(BIN)/ruff format --check lib tests bench tools
	$(BIN)/mypy

typecheck: setup ## mypy alone (strict; files and flags in pyproject.toml [tool.mypy])
	$(BIN)/mypy

bench: setup ## Run the benchmarks in bench/ (ratios against baselines measured in the same process)
	@for script in bench/*_bench.py; do echo "== $$script"; $(PY) $$script; done

clean: ## Remove generated files (data/processed, reports, caches); keeps .venv
	rm -rf data/processed/* reports/* .pytest_cache .ruff_cache .hypothesis .mypy_cache
	find . -name __pycache__ -type d -prune -not -path './.venv*' -exec rm -rf {} +
	touch data/processed/.gitkeep reports/.gitkeep
