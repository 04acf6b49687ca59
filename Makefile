# The two commands: `make run` and `make test`. Both work from a clean clone.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test install install-dev migrate screenshots bench

# Serving needs only what the app imports; the tests, browser and bench tools come with `make test`.
$(VENV)/.installed: pyproject.toml constraints.txt
	scripts/system-deps run
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/alembic upgrade head

run: migrate
	$(BIN)/python -m webapp

test: install-dev
	scripts/system-deps test
	scripts/test-services
	$(BIN)/pytest -n 4 --dist loadfile  # a file's tests share their servers: one worker each

# The README's screenshots, taken by the browser test of the layouts.
screenshots: install-dev
	scripts/system-deps test
	SCREENSHOTS=docs/screenshots $(BIN)/pytest -q tests/browser/test_look.py -k "fit_the_screen or beside_the_board"

bench: install-dev  # the load benchmark (bench/README.md); ARGS="1 2 --quick" picks scenarios
	$(BIN)/python -m bench $(ARGS)
