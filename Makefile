# make run: set up and serve the app with a demo organisation; make test: set up and run the tests.
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
# The address in the links that seed-demo prints and the app makes: the port that run serves.
SURVEY_PUBLIC_URL ?= http://127.0.0.1:$(PORT)
FLASK := $(BIN)/flask --app survey
VEGA_BUNDLE := survey/static/vendor/vega-bundle.js
CATALOGUES := $(wildcard survey/translations/*/LC_MESSAGES/messages.po)

.PHONY: run test test-fast check lint typecheck doctest bench browser-deps messages

$(BIN)/python:
	python3 -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

# The charts' vega bundle, from the installed vl-convert (the app only reads it), and the compiled
# message catalogues; made again when the requirements or a translation change.
$(VEGA_BUNDLE): $(VENV)/.runtime $(CATALOGUES)
	$(FLASK) build-assets
	touch $@

# After changing a text of the app: extract every text into the template catalogue and merge the
# new ones into each language's catalogue, for the translators (README, "Languages").
messages: $(VENV)/.dev
	$(BIN)/pybabel --quiet extract -F babel.cfg -k _l --add-location=file --sort-by-file \
		--project "Mindset Survey" -o survey/translations/messages.pot .
	$(BIN)/pybabel --quiet update -i survey/translations/messages.pot -d survey/translations \
		--no-fuzzy-matching --ignore-obsolete

# Serves the app with the scheduler beside it (waves' mailings and reminders, releases at
# closing), which stops with it; without Redis, jobs run in threads of these two processes.
run: $(VENV)/.runtime $(VEGA_BUNDLE)
	$(FLASK) init-db
	SURVEY_PUBLIC_URL='$(SURVEY_PUBLIC_URL)' $(FLASK) seed-demo
	SURVEY_PUBLIC_URL='$(SURVEY_PUBLIC_URL)' $(FLASK) jobs-scheduler & scheduler=$$!; \
		trap 'kill $$scheduler 2>/dev/null' EXIT INT TERM; \
		SURVEY_PUBLIC_URL='$(SURVEY_PUBLIC_URL)' $(FLASK) run --host 127.0.0.1 --port $(PORT)

# Browser tests drive Debian's Chromium, the R export's test runs R's Rscript; install them
# when they are missing and we may.
browser-deps:
	@{ test -x /usr/bin/chromium && dpkg -s libharfbuzz-subset0 >/dev/null 2>&1; } || \
		{ test "$$(id -u)" = 0 && apt-get update -qq && \
		apt-get install -y -qq chromium libharfbuzz-subset0 >/dev/null; } || \
		echo "Chromium or HarfBuzz-Subset is missing and cannot be installed here: tests will fail."
	@command -v Rscript >/dev/null || \
		{ test "$$(id -u)" = 0 && apt-get update -qq && apt-get install -y -qq --no-install-recommends r-base-core >/dev/null; } || \
		echo "R is missing and cannot be installed here: the test of the R export's read.R will skip."

test: $(VENV)/.dev browser-deps $(VEGA_BUNDLE)
	$(BIN)/pytest

# The quick loop: every test but the slow ones (browser, fuzzing, load and concurrency).
test-fast: $(VENV)/.dev $(VEGA_BUNDLE)
	$(BIN)/pytest -m "not slow and not browser"

# What CI checks before the tests: lint, types and the examples in the docstrings.
check: lint typecheck doctest

lint: $(VENV)/.dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

typecheck: $(VENV)/.dev
	$(BIN)/mypy analysis questionnaires

doctest: $(VENV)/.dev
	$(BIN)/pytest --doctest-modules analysis questionnaires survey --ignore=survey/migrations

# Each prints its figures; bench/README.md keeps the latest ones. About 25 minutes in all.
bench: $(VENV)/.dev
	$(BIN)/python -m bench.bench_analysis
	$(BIN)/python bench/bench_rep_journey.py
	$(BIN)/python bench/bench_dashboard.py
	$(BIN)/python bench/bench_release.py
	$(BIN)/python bench/bench_auditor.py
	$(BIN)/python bench/load_submissions.py
	$(BIN)/python bench/bench_change_family.py
	$(BIN)/python -m bench.bench_recovery
