# Fangkong: `make demo` builds and serves a demo county, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# PostgreSQL for the second test pass; CI sets FANGKONG_REQUIRE_POSTGRES=1 so a missing server fails.
FANGKONG_TEST_POSTGRES ?=
PG_DEFAULT := postgres://postgres@127.0.0.1:5432/postgres
PYTEST_ARGS ?=

.PHONY: demo serve test test-sqlite test-postgres bench lint messages chromium fonts graphviz install clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Re-installs only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed messages

# Translations are compiled by the build (GNU gettext's msgfmt; installed with apt when missing).
messages: $(VENV)/.installed
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext >/dev/null)
	@$(BIN)/fangkong compilemessages -v0 --ignore .venv

# Debian's Chromium for the browser tests (never a browser download), and CJK fonts to render Chinese.
chromium:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null)

# Debian's CJK fonts, which the brief's charts and the place codes draw Chinese in (boxes without them).
fonts:
	@dpkg -s fonts-noto-cjk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq fonts-noto-cjk >/dev/null)

# Debian's Graphviz (`dot`), which draws transmission chains and clusters as SVG on the server.
graphviz:
	@command -v dot >/dev/null || (apt-get update -qq && apt-get install -y -qq graphviz >/dev/null)

demo: install fonts graphviz
	$(BIN)/fangkong migrate --noinput -v0
	$(BIN)/fangkong demo-data
	@echo "Serving on http://127.0.0.1:8000  (Ctrl-C to stop); the periodic jobs run beside it (fangkong worker)"
	@$(BIN)/fangkong worker -v0 & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/fangkong runserver 127.0.0.1:8000

serve: install graphviz
	$(BIN)/fangkong migrate --noinput -v0
	$(BIN)/fangkong runserver 127.0.0.1:8000

# The SQLite and PostgreSQL passes run side by side (one core each); each pass's output is shown whole when
# it ends, and either failing fails the run.
test: install chromium graphviz
	@echo "== tests on SQLite and on PostgreSQL, side by side (each pass prints when it ends)"
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

test-sqlite:
	@echo "== tests on SQLite"
	DATABASE_URL= $(BIN)/pytest $(PYTEST_ARGS)

test-postgres:
	@url="$(FANGKONG_TEST_POSTGRES)"; \
	if [ -z "$$url" ] && $(BIN)/python bench/pg_up.py "$(PG_DEFAULT)"; then url="$(PG_DEFAULT)"; fi; \
	if [ -z "$$url" ]; then \
	  if [ -n "$$FANGKONG_REQUIRE_POSTGRES" ]; then echo "PostgreSQL required but not reachable" >&2; exit 1; fi; \
	  echo "== PostgreSQL not reachable on 127.0.0.1:5432: skipping the PostgreSQL pass"; exit 0; \
	fi; \
	echo "== tests on PostgreSQL"; \
	DATABASE_URL="$$url" $(BIN)/pytest $(PYTEST_ARGS)

# Benchmarks on SQLite, then on PostgreSQL when a server answers (BENCH_ARGS, e.g. --rows 100000).
bench: install
	@echo "== benchmarks on SQLite"
	DATABASE_URL= $(BIN)/python -m bench $(BENCH_ARGS)
	@url="$(FANGKONG_TEST_POSTGRES)"; \
	if [ -z "$$url" ] && $(BIN)/python bench/pg_up.py "$(PG_DEFAULT)"; then url="$(PG_DEFAULT)"; fi; \
	if [ -n "$$url" ]; then echo "== benchmarks on PostgreSQL"; DATABASE_URL="$$url" $(BIN)/python -m bench $(BENCH_ARGS); fi

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests bench

clean:
	rm -rf $(VENV) var build *.egg-info
