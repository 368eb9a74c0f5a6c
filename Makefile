# Two commands for a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8501
ADDRESS ?= localhost
BIN := $(VENV)/bin

.PHONY: run test install install-dev lint bench bench-postgres bench-network clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed: set PYTHON=python3.11 (or newer).")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

## make run: install, migrate, load demo data into an empty default database, start the app
run: install
	$(BIN)/tracker init-db
	@if [ -z "$$DATABASE_URL" ]; then $(BIN)/tracker seed-demo --if-empty; fi
	$(BIN)/streamlit run streamlit_app.py --server.port $(PORT) --server.address $(ADDRESS) \
		--browser.gatherUsageStats false

## make test: lint and the whole test suite (PostgreSQL too when TRACKER_TEST_POSTGRES_URL is set)
test: install-dev
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check src tests

## make bench: speed benchmarks (SQLite pages at 1k/10k/100k, 100k-row import), written to docs/performance.md
bench: install-dev
	$(BIN)/python -m benchmarks.run

## make bench-postgres: 1M activities on PostgreSQL (starts the local server; see docs/performance.md)
bench-postgres: install-dev
	bash scripts/start-test-postgres.sh
	TRACKER_BENCH_POSTGRES_URL=$${TRACKER_BENCH_POSTGRES_URL:-postgresql+psycopg://tracker_test:tracker_test@127.0.0.1:5432/tracker_bench} \
		$(BIN)/python -m benchmarks.scale_postgres

## make bench-network: headless Chromium at 400 kbit/s and 400 ms through docs/deploy/nginx.conf
## (needs nginx, libnginx-mod-http-brotli-filter, chromium); table printed and written to docs/performance.md
bench-network: install-dev
	$(BIN)/python -m benchmarks.network

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
