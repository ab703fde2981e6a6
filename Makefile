# Jisheng — two commands on a fresh machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.local

.PHONY: run test install install-dev system-deps system-deps-test system-deps-bench fonts lint typecheck importlint pytest bench lock \
	messages serve clean

## Debian packages (one list, scripts/system-deps, shared with .ci/run): installed when missing and run as root,
## otherwise make stops at once and prints the apt-get command.
system-deps:
	@PYTHON=$(PYTHON) scripts/system-deps run
system-deps-test:
	@PYTHON=$(PYTHON) scripts/system-deps test
system-deps-bench:
	@PYTHON=$(PYTHON) scripts/system-deps bench

## The pinned open fonts official documents are printed with (docs/adr/0044): fetched once, verified every time.
fonts: $(VENV)/.installed
	@$(BIN)/jisheng fonts fetch

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q uv==0.13.8

$(VENV)/.installed: $(BIN)/python requirements/base.lock pyproject.toml
	$(UV) pip install -q --python $(BIN)/python -r requirements/base.lock
	$(UV) pip install -q --python $(BIN)/python --no-deps -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements/dev.lock
	$(UV) pip install -q --python $(BIN)/python -r requirements/dev.lock
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make run: set up, load reference and demo data, serve at http://127.0.0.1:8000 with a task worker.
run: system-deps install fonts
	$(BIN)/jisheng migrate --no-input
	$(BIN)/jisheng bootstrap
	$(BIN)/jisheng demo --if-empty
	@echo "Serving http://$(HOST):$(PORT)/  (public portal: http://$(HOST):$(PORT)/portal/)  Ctrl-C stops."
	@$(BIN)/jisheng db_worker --interval 1 --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/jisheng runserver --noreload $(HOST):$(PORT)

## make test: linters, type checks, layer contracts and the test suite (SQLite; PostgreSQL with DATABASE_URL).
test: system-deps-test install-dev fonts lint typecheck importlint pytest

lint:
	$(BIN)/ruff check .

typecheck:
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/mypy jisheng config

importlint:
	$(BIN)/lint-imports

pytest:
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/pytest $(PYTEST_ARGS)

## make bench: benchmark scripts (bench/); results in bench/results/. `bench web` also needs wrk and nginx-light.
bench: system-deps-bench install-dev
	DJANGO_SETTINGS_MODULE=config.settings.local $(BIN)/python -m bench $(BENCH)

## make lock: re-pin requirements/*.lock from pyproject.toml.
lock: $(BIN)/python
	$(UV) pip compile -q pyproject.toml -o requirements/base.lock
	$(UV) pip compile -q pyproject.toml --extra dev -o requirements/dev.lock

## make messages: refresh the .po files and compile them (needs GNU gettext).
messages: install-dev
	cd jisheng && ../$(BIN)/jisheng makemessages -l en -l zh_Hant --no-obsolete -i "*/tests/*"
	$(BIN)/python scripts/fill_translations.py
	cd jisheng && ../$(BIN)/jisheng compilemessages

clean:
	rm -rf $(VENV) var vendor
