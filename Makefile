# SkillHub: `make demo` runs the app with demo data, `make test` runs the tests.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
# pytest-xdist: one worker per core, at most 4 (each browser test runs a Chromium); `make test XDIST=` runs serially.
# --dist load hands out tests in pytest-django's order, so each worker still runs its transactional tests (which
# empty the tables, seeded rows included) after its other database tests; loadfile would mix them.
XDIST ?= -n auto --maxprocesses=4 --dist load

.PHONY: demo test test-fast test-serial lint check migrate seed serve worker beat clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	touch $@

demo: $(BIN)/.installed
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate --no-input
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py seed_demo
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py runserver $(HOST)

test: $(BIN)/.installed
	$(BIN)/pytest $(XDIST)

test-fast: $(BIN)/.installed
	$(BIN)/pytest $(XDIST) -m "not browser and not celery_worker"

test-serial: $(BIN)/.installed
	$(BIN)/pytest

lint: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check .

check: $(BIN)/.installed
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports

worker: $(BIN)/.installed
	$(BIN)/celery -A skillhub worker --loglevel=INFO

beat: $(BIN)/.installed
	$(BIN)/celery -A skillhub beat --loglevel=INFO

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .test-media
