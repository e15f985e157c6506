# make run: set up and serve the app with a demo organisation; make test: set up and run the tests.
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app survey

.PHONY: run test lint bench browser-deps

$(BIN)/python:
	python3 -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

run: $(VENV)/.runtime
	$(FLASK) init-db
	$(FLASK) seed-demo
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# Browser tests drive Debian's Chromium; install it when it is missing and we may.
browser-deps:
	@{ test -x /usr/bin/chromium && dpkg -s libharfbuzz-subset0 >/dev/null 2>&1; } || \
		{ test "$$(id -u)" = 0 && apt-get update -qq && \
		apt-get install -y -qq chromium libharfbuzz-subset0 >/dev/null; } || \
		echo "Chromium or HarfBuzz-Subset is missing and cannot be installed here: tests will fail."

test: $(VENV)/.dev browser-deps
	$(BIN)/pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

# Each prints its figures; bench/README.md keeps the latest ones. About 25 minutes in all.
bench: $(VENV)/.dev
	$(BIN)/python -m bench.bench_analysis
	$(BIN)/python bench/bench_rep_journey.py
	$(BIN)/python bench/bench_dashboard.py
	$(BIN)/python bench/bench_release.py
	$(BIN)/python bench/bench_auditor.py
	$(BIN)/python bench/load_submissions.py
