# Two commands for a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8501
ADDRESS ?= localhost
BIN := $(VENV)/bin

.PHONY: run dev test test-fast install install-dev lint typecheck lock bench bench-concurrency bench-postgres bench-network messages clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed: set PYTHON=python3.11 (or newer).")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The app's dependencies at the versions pinned in requirements.lock (pip constraints).
$(VENV)/.installed: $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/python -m pip install --quiet -c requirements.lock -e .
	@touch $@

# pyiati ships the official IATI 2.03 schema files the tests validate against; its pinned
# dependencies no longer build, so it is installed on its own with --no-deps (see pyproject.toml).
$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --no-deps 'pyiati==0.4.1'
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

# axe-core (tests/browser/audit.py) from the npm registry at the version package-lock.json pins,
# when npm is installed; without it the accessibility audit is skipped locally (CI requires it).
node_modules/axe-core/axe.min.js: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund && touch $@; \
	else echo "npm is not installed: the accessibility audit (axe-core) will be skipped"; fi

install-dev: $(VENV)/.installed-dev node_modules/axe-core/axe.min.js

## make run: install, migrate, load demo data into an empty default database, start the app
run: install
	$(BIN)/tracker init-db
	@if [ -z "$$DATABASE_URL" ]; then $(BIN)/tracker seed-demo --if-empty; fi
	$(BIN)/streamlit run streamlit_app.py --server.port $(PORT) --server.address $(ADDRESS) \
		--browser.gatherUsageStats false

## make dev: as `make run`, but the app reruns when a source file is saved (.streamlit/config.toml turns the watcher off for servers)
dev: install
	$(BIN)/tracker init-db
	@if [ -z "$$DATABASE_URL" ]; then $(BIN)/tracker seed-demo --if-empty; fi
	$(BIN)/streamlit run streamlit_app.py --server.port $(PORT) --server.address $(ADDRESS) \
		--browser.gatherUsageStats false --server.fileWatcherType auto --server.runOnSave true

## make test: lint, format check, type check and the whole test suite (PostgreSQL too when TRACKER_TEST_POSTGRES_URL is set),
## in parallel: one pytest-xdist worker per core (WORKERS=1 for one), each with its own PostgreSQL
## database and its own app and port for the browser tests (tests/conftest.py keeps a module's tests that
## share a module-scoped fixture on one worker)
WORKERS ?= auto
PYTEST_PARALLEL := -n $(WORKERS) --dist loadgroup
test: lint typecheck
	$(BIN)/python -m pytest $(PYTEST_PARALLEL)

## make test-fast: the loop while working: the suite in parallel without the browser tests, lint or mypy
test-fast: install-dev
	$(BIN)/python -m pytest $(PYTEST_PARALLEL) --ignore=tests/browser

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## make typecheck: mypy over src/, pages/ and streamlit_app.py (configured in pyproject.toml)
typecheck: install-dev
	$(BIN)/python -m mypy

## make lock: re-pin the app's dependencies (a clean install of pyproject.toml's floors, frozen)
lock: $(BIN)/python
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet .
	{ head -n 2 requirements.lock; .lock-venv/bin/python -m pip freeze --exclude kp-campaign-tracker; } > requirements.lock.new
	mv requirements.lock.new requirements.lock
	rm -rf .lock-venv

## make bench: speed benchmarks (SQLite pages at 1k/10k/100k, 100k-row import), written to docs/performance.md,
## then the server CPU per click against a one-chart app (Chromium; printed)
bench: install-dev
	$(BIN)/python -m benchmarks.run
	$(BIN)/python -m benchmarks.clicks

## make bench-concurrency: 20 members switching the Overview's Period at once, against 20 sessions of the one-chart app
bench-concurrency: install-dev
	$(BIN)/python -m benchmarks.concurrency

## make bench-postgres: 1M activities on PostgreSQL (starts the local server; see docs/performance.md)
bench-postgres: install-dev
	bash scripts/start-test-postgres.sh
	TRACKER_BENCH_POSTGRES_URL=$${TRACKER_BENCH_POSTGRES_URL:-postgresql+psycopg://tracker_test:tracker_test@127.0.0.1:5432/tracker_bench} \
		$(BIN)/python -m benchmarks.scale_postgres

## make bench-network: headless Chromium at 400 kbit/s and 400 ms through docs/deploy/nginx.conf
## (needs nginx, libnginx-mod-http-brotli-filter, chromium); table printed and written to docs/performance.md
bench-network: install-dev
	$(BIN)/python -m benchmarks.network

## make messages: extract every marked string (babel.cfg), update each language's .po, compile the .mo files
LOCALE := src/tracker/locale
messages: install-dev
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ -k ngettext:1,2 --no-default-keywords \
		--sort-by-file --project=kp-campaign-tracker --omit-header -o $(LOCALE)/tracker.pot .
	$(BIN)/pybabel update -i $(LOCALE)/tracker.pot -d $(LOCALE) -D tracker --ignore-obsolete --no-fuzzy-matching
	$(BIN)/pybabel compile -d $(LOCALE) -D tracker --statistics

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache .mypy_cache test-artifacts .lock-venv
