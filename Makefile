# xeploai — every command a developer or CI needs. `make demo` and `make test` are the two that matter.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Django 6 needs Python >= 3.12 (docs/decisions/0001-python-3.12.md): take the first one found.
PYTHON ?= $(shell for p in python3.13 python3.12 /root/.pyenv/versions/3.13*/bin/python3 /root/.pyenv/versions/3.12*/bin/python3 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_WORKERS ?= 2

.PHONY: help venv demo serve test test-e2e check lint format typecheck migrations-check layers messages bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Cần Python >= 3.12 (Django 6) — không tìm thấy / Python >= 3.12 not found"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)  ## create the virtualenv and install the package with its dev tools

demo: $(STAMP)  ## migrate a SQLite database, load the demo bloc, print the logins, serve on :8000
	$(BIN)/xeploai migrate --noinput -v 0
	$(BIN)/xeploai seed-demo
	$(BIN)/xeploai runserver 127.0.0.1:8000

test: $(STAMP)  ## the whole suite except the browser tests (set DATABASE_URL for PostgreSQL)
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) -m "not e2e" $(TESTS)

test-e2e: $(STAMP)  ## end-to-end tests in Debian's Chromium (screenshots in test-artifacts/)
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) -m e2e

lint: $(STAMP)  ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)  ## apply ruff's formatting and safe fixes
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: $(STAMP)  ## mypy --strict with django-stubs, the tests included
	$(BIN)/mypy xeploai

migrations-check: $(STAMP)  ## Django system checks and no missing migration
	$(BIN)/xeploai check
	$(BIN)/xeploai makemigrations --check --dry-run

layers: $(STAMP)  ## imports go down the layers only (docs/decisions/0006-layer-order.md)
	$(BIN)/pytest -q -p no:xdist xeploai/tests/test_layers.py

messages: $(STAMP)  ## refresh and compile the English catalogue (source strings are Vietnamese)
	cd xeploai && ../$(BIN)/xeploai makemessages -l en --no-obsolete --no-location -i 'tests/*' -i testing.py
	cd xeploai && ../$(BIN)/xeploai compilemessages

check: lint typecheck migrations-check layers test  ## every gate: lint, types, checks, migrations, layers, tests

bench: $(STAMP)  ## the benchmarks (results appended to docs/benchmarks.md)
	$(BIN)/python -m pip install -q -e '.[bench]'
	$(BIN)/python bench/run.py

clean:  ## remove the virtualenv, caches and the local database
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache test-artifacts
