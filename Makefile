# The two commands of the README: `make demo` and `make test`. Both install what they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
CONSTRAINTS := constraints.txt
DEPS_HASH := $(shell cat pyproject.toml $(CONSTRAINTS) 2>/dev/null | sha1sum | cut -c1-12)
BASE_STAMP := $(VENV)/.base-$(DEPS_HASH)
DEV_STAMP := $(VENV)/.dev-$(DEPS_HASH)
NODE_STAMP := node_modules/.stamp

.PHONY: demo test check lint typecheck contracts pytest bench serve clean lock static

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(BASE_STAMP): $(BIN)/python pyproject.toml $(CONSTRAINTS)
	$(PIP) install -q -c $(CONSTRAINTS) -e .
	@touch $@

$(DEV_STAMP): $(BIN)/python pyproject.toml $(CONSTRAINTS)
	$(PIP) install -q -c $(CONSTRAINTS) -e ".[dev]"
	@touch $@ $(BASE_STAMP)

# Front-end libraries (HTMX, charts) come from the npm registry, pinned by package-lock.json,
# and are copied into the package's static folder by scripts/vendor-static.py.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	@touch $@

static: $(NODE_STAMP) $(BIN)/python
	$(BIN)/python scripts/vendor_static.py

demo: $(BASE_STAMP) static
	$(BIN)/shopkeeper demo --serve

serve: $(BASE_STAMP) static
	$(BIN)/shopkeeper serve

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

contracts: $(DEV_STAMP)
	$(BIN)/lint-imports

pytest: $(DEV_STAMP) static
	set -a; . <(bash scripts/ensure-services.sh); set +a; \
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

check: lint typecheck contracts

test: check pytest

bench: $(DEV_STAMP) static
	$(BIN)/python benchmarks/ingest.py

# Refresh the committed constraints (the lock) from a fresh resolution of pyproject.toml.
lock:
	rm -rf /tmp/shopkeeper-lock && $(PYTHON) -m venv /tmp/shopkeeper-lock
	/tmp/shopkeeper-lock/bin/pip install -q --upgrade pip
	/tmp/shopkeeper-lock/bin/pip install -q -e ".[dev]"
	/tmp/shopkeeper-lock/bin/pip freeze --exclude-editable | grep -v '^-e' > $(CONSTRAINTS)

clean:
	rm -rf $(VENV) node_modules shopkeeper.db shopkeeper_models
