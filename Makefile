# Two entry points: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app app
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
DB     := instance/marketplace.db

.PHONY: services run test test-fast test-slow bench venv translations compile-translations extract-translations demo-db postgres-up browser office clean

$(BIN)/activate: requirements.txt requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $(BIN)/activate

venv: $(BIN)/activate

compile-translations: venv
	$(BIN)/pybabel -q compile -d translations

extract-translations: venv
	$(BIN)/pybabel -q extract --ignore-dirs=".venv migrations tests benchmarks instance" -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 --no-location --sort-output -o translations/messages.pot .
	$(BIN)/pybabel -q update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-pot-creation-date --width 100

$(DB): | venv compile-translations
	$(FLASK) db upgrade
	$(FLASK) load-reference
	$(FLASK) demo-data

demo-db: $(DB)

run: venv compile-translations $(DB)
	@$(BIN)/python -m demo.logins
	$(FLASK) run --host 127.0.0.1 --port 5000

postgres-up:
	@scripts/postgres-up.sh

browser:
	@scripts/browser-up.sh

# LibreOffice Calc and the documents' fonts (the spreadsheet and PDF tests use them).
office:
	@scripts/office-up.sh

# Redis (the shared cache) and nginx (the two-server test); under CI a missing Redis fails.
services:
	@scripts/nginx-up.sh
	@scripts/redis-up.sh || [ "$$CI" != "true" ]

# One pytest run: two workers, and a worker that runs out of tests takes some of the other's
# (the long tests do not all end up on one); a test that hangs fails after 15 minutes
# instead of holding CI; the 15 slowest tests are listed at the end, so the suite's time
# has names.
PYTEST := $(BIN)/python -m pytest -q -n 2 --dist worksteal -p no:cacheprovider --timeout=900 --durations=15

test: venv compile-translations browser office services
	$(PYTEST) tests
	@if scripts/postgres-up.sh; then \
		echo "== PostgreSQL pass =="; \
		TEST_DATABASE_URL=$(PG_URL) $(PYTEST) tests; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL is not available: the PostgreSQL pass is required under CI" >&2; exit 1; \
	else \
		echo "PostgreSQL is not available: SKIPPED the PostgreSQL pass"; \
	fi

# The same suite in two halves, on SQLite (set TEST_DATABASE_URL for PostgreSQL): the quick
# tests while working, and the slow ones (demo data, migrations, benchmarks, LibreOffice,
# the browser's layout run) before pushing. `make test` runs both, on both databases.
test-fast: venv compile-translations services
	$(PYTEST) -m "not slow" tests

test-slow: venv compile-translations browser office services
	$(PYTEST) -m slow tests

bench: venv compile-translations
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) instance
