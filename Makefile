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
# The Jupyter kernel tools/setup-venv installs into .venv (layofflab.config.KERNEL_NAME).
KERNEL := layofflab
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: help setup git-filter lock lock-upgrade data manifest report test test-fast test-pythons lab lint typecheck bench clean

help: ## List every target with a one-line description
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

setup: ## Create .venv (PYTHON=python3.12 to choose) and install exactly requirements.lock, the package and its kernel
	@tools/setup-venv $(VENV) $(PYTHON)
	@$(MAKE) -s --no-print-directory git-filter

lock: ## Re-resolve requirements.lock after a pyproject.toml change, keeping other pins; print what changed
	@test -x $(BIN)/uv || STALE_LOCK_OK=1 tools/setup-venv $(VENV) $(PYTHON)
	$(PY) tools/lock.py compile

lock-upgrade: ## Refresh requirements.lock: every package to the newest version pyproject.toml allows; print what changed
	@test -x $(BIN)/uv || STALE_LOCK_OK=1 tools/setup-venv $(VENV) $(PYTHON)
	$(PY) tools/lock.py compile --upgrade

# nbstripout's git filter strips outputs from notebooks as they are staged, except the
# keep_output cells nbval checks (counts and cell ids kept, as tests/test_notebooks.py expects).
# Skipped outside a git checkout, and in a linked worktree (its git config is the main checkout's).
NBSTRIPOUT := "$(abspath $(PY))" -m nbstripout --keep-count --keep-id
git-filter: ## Install nbstripout's git filter in this checkout (setup does it)
	@if ! git rev-parse --git-dir >/dev/null 2>&1; then echo "git-filter: not a git checkout, skipped"; \
	elif [ "$$(git rev-parse --git-dir)" != "$$(git rev-parse --git-common-dir)" ]; then \
	  echo "git-filter: linked worktree (shared git config), skipped"; \
	elif [ "$$(git config --get filter.nbstripout.clean)" != '$(NBSTRIPOUT)' ]; then \
	  $(PY) -m nbstripout --install && git config filter.nbstripout.clean '$(NBSTRIPOUT)' && \
	  echo "git-filter: nbstripout installed (.git/config, .git/info/attributes)"; fi

data: setup ## Verify data/raw against its MANIFEST and build data/processed (only what changed)
	$(BIN)/layofflab data

manifest: setup ## Rewrite data/raw/MANIFEST after a deliberate change to a raw file
	$(BIN)/layofflab manifest

# `layofflab report` builds the data stage itself, then the runs of notebooks/runs.toml, reusing
# every run whose notebook, parameters, inputs and library are unchanged. Before it, make skips
# even starting Python when no file below is newer than the last build that succeeded entirely
# (importing the package alone takes ~2 s). REPORT_ARGS passes options and always runs the
# builder, e.g. make report REPORT_ARGS="--only 01_layoffs_overview -j 1" (or "--force").
# DATA=external runs the report on the files `layofflab fetch` downloaded into data/external
# (LAYOFFLAB_DATA=external for the builder and its kernels): the data stage also builds, into
# data/processed/external, the warn-public universe panel (the capex study runs on it) and
# every table fetched files exist for (WARN register, tracker exports, SEC company facts),
# which every notebook then reads instead of the shipped one; the report goes to
# reports/external/ (its index says, per run, which tables were fetched and which shipped).
# DATA=default (the default) is the shipped data/raw.
DATA ?= default
ifeq ($(filter $(DATA),default external),)
$(error DATA=$(DATA): expected default or external)
endif
REPORT_ARGS ?=
REPORT_DIR := $(if $(filter external,$(DATA)),reports/external,reports)
REPORT_STAMP := $(REPORT_DIR)/runs/.complete
REPORT_INPUTS = $(shell find notebooks lib data/raw $(if $(filter external,$(DATA)),data/external) -type f ! -path '*/__pycache__/*' ! -name '*.pyc' 2>/dev/null) pyproject.toml requirements.lock
report: export LAYOFFLAB_DATA = $(DATA)
$(REPORT_STAMP): export LAYOFFLAB_DATA = $(DATA)
report: setup ## Build data/processed, then every run of notebooks/runs.toml (unchanged runs reused) and reports/index.html; DATA=external: on the fetched data/external, into reports/external/
	@if [ -n "$(REPORT_ARGS)" ]; then $(BIN)/layofflab report $(REPORT_ARGS); \
	elif $(MAKE) -s -q $(REPORT_STAMP); then echo "report: nothing changed since the last complete build ($(REPORT_DIR)/index.html)"; \
	else $(MAKE) -s --no-print-directory $(REPORT_STAMP); fi

$(REPORT_STAMP): $(REPORT_INPUTS)
	$(BIN)/layofflab report
	@touch $@

test: setup ## Run the whole suite: library tests, doctests, realdata and slow tiers, nbval on every notebook
	$(BIN)/pytest
	$(BIN)/pytest --nbval-lax --nbval-sanitize-with tests/nbval_sanitize.cfg notebooks

test-fast: setup ## Library tests without the slow tier (quick feedback while developing)
	$(BIN)/pytest -m "not slow"

test-pythons: ## The fast tier on every supported Python found (each in .venv-3.X; .venv if it has that version)
	@tools/test-pythons $(PYTHONS)

# JupyterLab at the project root (notebooks/, data/ and reports/ all visible); LAB_ARGS passes
# options, e.g. make lab LAB_ARGS="--no-browser --port 8899". As root, --allow-root is added.
LAB_ARGS ?=
lab: setup ## Start JupyterLab at the project root with the layofflab kernel (LAB_ARGS="..." passes options)
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" \
	  --MappingKernelManager.default_kernel_name=$(KERNEL) \
	  $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

lint: setup ## ruff check (numpydoc docstring rules included), ruff format check, then mypy
	$(BIN)/ruff check lib tests bench tools
	$(BIN)/ruff format --check lib tests bench tools
	$(BIN)/mypy

typecheck: setup ## mypy alone (strict; files and flags in pyproject.toml [tool.mypy])
	$(BIN)/mypy

bench: setup ## Run the benchmarks in bench/ (ratios against baselines measured in the same process)
	@for script in bench/*_bench.py; do echo "== $$script"; $(PY) $$script; done

clean: ## Remove generated files (data/processed, reports, caches, temporary files of killed builds); keeps .venv
	find data/processed reports -mindepth 1 -maxdepth 1 ! -name .gitkeep -exec rm -rf {} +
	find notebooks -maxdepth 1 -name '.*.tmp.ipynb' -delete
	rm -rf .pytest_cache .ruff_cache .hypothesis .mypy_cache
	find . -name __pycache__ -type d -prune -not -path './.venv*' -exec rm -rf {} +
	touch data/processed/.gitkeep reports/.gitkeep
