# Two commands set everything up: `make run` and `make test`. Python 3.11 is the only prerequisite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.PHONY: run test install install-dev messages lint system-packages screenshots bench loadtest

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

# The browser tests save a screenshot of every public page; the README shows these.
screenshots: install-dev messages
	SCREENSHOT_DIR=docs/screenshots $(BIN)/pytest tests/browser

# Speed and memory as ratios measured in one run: SIZE=S|M|L.
SIZE ?= S
# On the production settings, against PostgreSQL and Redis (override DATABASE_URL and REDIS_URL for others).
BENCH_ENV = DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=bench-only HTTPS=false \
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/7} STATIC_ROOT=$(CURDIR)/.bench-static
bench: install-dev messages
	$(BENCH_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(BENCH_ENV) $(BIN)/python -m benchmarks bench --size $(SIZE) --json bench-$(SIZE).json

# docker-compose's topology as local processes: nginx in front of two gunicorn replicas on the production settings,
# PostgreSQL at 127.0.0.1:5432 (a fresh database), Redis at 127.0.0.1:6379 (database 11), the M dataset; wrk
# measures five runs of 15 s (docs/benchmarks.md). Needs nginx and wrk: `make system-packages`.
loadtest: install messages
	$(BIN)/python loadtest/run.py --json loadtest-M.json

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(MANAGE) makemigrations --check --dry-run

# Debian packages the suite needs and a fresh machine may lack: gettext (compilemessages),
# the PostgreSQL client (pg_isready), Chromium (browser tests), LibreOffice Calc (the downloads open in it)
# poppler-utils (pdftotext and pdfinfo read back the pages the browser tests print), nginx and wrk (make loadtest).
# Needs root, as on CI.
system-packages:
	@missing=""; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	command -v pg_isready >/dev/null || missing="$$missing postgresql-client"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v soffice >/dev/null || missing="$$missing libreoffice-calc-nogui"; \
	command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	command -v wrk >/dev/null || missing="$$missing wrk"; \
	if [ -n "$$missing" ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
