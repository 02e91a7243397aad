# `make run`: set up and serve on SQLite with seed data and the demo course (imported once: editors' changes survive restarts).
# `make test`: set up and run lint, migration check and the whole test suite with coverage.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint install clean ci bench bench-final bench-servers bench-populate chromium

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

run: export DEBUG ?= 1
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py seed
	$(BIN)/python manage.py import_course --if-absent fixtures/courses/spanish-for-english-speakers.yaml
	$(BIN)/python manage.py ensure_local_admin --url http://127.0.0.1:$(PORT)/admin/
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(STAMP) lint chromium
	DJANGO_SETTINGS_MODULE=config.settings_test $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

# The authoring console's browser test drives Debian's Chromium by its path (Playwright downloads nothing):
# install the package where it is missing and apt is there; otherwise that test fails saying what to do.
CHROMIUM_PATH ?= /usr/bin/chromium
export CHROMIUM_PATH
SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo >/dev/null && [ "$$(id -u)" != 0 ] && echo sudo)
chromium:
	@if [ ! -x "$(CHROMIUM_PATH)" ]; then \
	  if command -v apt-get >/dev/null; then \
	    $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; \
	  else \
	    echo "No Chromium at $(CHROMIUM_PATH) and no apt-get: install Chromium and set CHROMIUM_PATH (the browser test fails without it)."; \
	  fi; \
	fi

# Benchmarks on PostgreSQL (bench/README.md): fill lingo_bench, then load-test it against the floor.
bench-populate: $(STAMP)
	$(BIN)/python bench/populate.py

bench: $(STAMP)
	$(BIN)/python bench/run.py

# The run bench/README.md reports: every phase, 5 rounds, the volume comparisons; on a quiet machine (~20 minutes).
bench-final: $(STAMP)
	$(BIN)/python bench/run.py --rounds 5

# The WSGI servers side by side (gunicorn sync, gunicorn gthread, Granian), every phase, 5 rounds (~40 minutes).
bench-servers: $(STAMP)
	$(BIN)/python bench/run.py --rounds 5 --servers gunicorn gunicorn-gthread granian --skip-volume

clean:
	rm -rf $(VENV) .pytest_cache .coverage htmlcov staticfiles
