# Two commands set everything up: `make run` and `make test`. Python 3.11 is the only prerequisite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.PHONY: run test install install-dev messages lint

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

messages: install
	$(MANAGE) compilemessages --ignore=.venv --verbosity 0

run: install messages
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	$(MANAGE) ensure_admin
	$(MANAGE) runserver 127.0.0.1:8000

# SQLite by default; PostgreSQL when DATABASE_URL names one, e.g.
#   make test DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres
test: install-dev messages
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(MANAGE) makemigrations --check --dry-run
