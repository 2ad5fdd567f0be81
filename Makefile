# The two commands of the quick start: `make demo` and `make test`.
# Each does all its own set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ARGS ?=
CHROMIUM := /usr/bin/chromium
WEB := src/embudo/web
LOCALES := $(WEB)/locales
LANGUAGES := es it
CATALOGUES := $(foreach lang,$(LANGUAGES),$(LOCALES)/$(lang)/LC_MESSAGES/messages.mo)
VENDOR := $(WEB)/static/vendor
HTMX_VERSION := 2.0.11
ECHARTS_VERSION := 5.6.0
API_VENDOR := src/embudo/api/static/vendor
SWAGGER_UI_VERSION := 5.35.0
REDOC_VERSION := 2.5.4
PORT ?= 8000

.PHONY: demo test lint typecheck layers pytest bench bench-reports clean locales vendor screenshots

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP) $(CATALOGUES)
	$(BIN)/embudo demo --db sqlite:///demo.db --port $(PORT) $(ARGS)

test: lint typecheck layers pytest

lint: $(STAMP)
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/ruff check src tests bench scripts

typecheck: $(STAMP)
	$(BIN)/mypy

layers: $(STAMP)
	$(BIN)/lint-imports

# One worker per core; a file's tests stay together so module fixtures are built once.
pytest: $(STAMP) $(CHROMIUM) $(CATALOGUES)
	$(BIN)/pytest -n auto --dist loadfile

# The browser tests drive Debian's Chromium through Playwright (no browser download).
$(CHROMIUM):
	apt-get update && apt-get install -y chromium

# Compiled catalogues are committed too; a changed .po is compiled again before tests.
$(LOCALES)/%/LC_MESSAGES/messages.mo: $(LOCALES)/%/LC_MESSAGES/messages.po | $(STAMP)
	$(BIN)/pybabel compile -d $(LOCALES) -l $* -D messages

# After changing a user-facing string: extract, merge into es and it, translate, compile.
locales: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --sort-output \
		--project embudo --copyright-holder "embudo contributors" -o $(LOCALES)/messages.pot src/embudo/web
	$(BIN)/pybabel update -i $(LOCALES)/messages.pot -d $(LOCALES) -D messages --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d $(LOCALES) -D messages

# Fetch the pinned JS libraries (the dashboard's, the API docs') from the npm registry again
# (never needed to test or run).
vendor:
	tmp=$$(mktemp -d) && cd $$tmp && \
	npm pack --silent htmx.org@$(HTMX_VERSION) echarts@$(ECHARTS_VERSION) && \
	tar xzf htmx.org-$(HTMX_VERSION).tgz && cp package/dist/htmx.min.js $(CURDIR)/$(VENDOR)/ && \
	cp package/LICENSE $(CURDIR)/$(VENDOR)/htmx.LICENSE && rm -rf package && \
	tar xzf echarts-$(ECHARTS_VERSION).tgz && cp package/dist/echarts.min.js $(CURDIR)/$(VENDOR)/ && \
	cp package/LICENSE $(CURDIR)/$(VENDOR)/echarts.LICENSE && cp package/NOTICE $(CURDIR)/$(VENDOR)/echarts.NOTICE && \
	rm -rf package && npm pack --silent swagger-ui-dist@$(SWAGGER_UI_VERSION) redoc@$(REDOC_VERSION) && \
	tar xzf swagger-ui-dist-$(SWAGGER_UI_VERSION).tgz && \
	cp package/swagger-ui-bundle.js package/swagger-ui.css package/favicon-32x32.png $(CURDIR)/$(API_VENDOR)/ && \
	cp package/LICENSE $(CURDIR)/$(API_VENDOR)/swagger-ui.LICENSE && cp package/NOTICE $(CURDIR)/$(API_VENDOR)/swagger-ui.NOTICE && \
	rm -rf package && tar xzf redoc-$(REDOC_VERSION).tgz && \
	cp package/bundles/redoc.standalone.js $(CURDIR)/$(API_VENDOR)/ && \
	cp package/LICENSE $(CURDIR)/$(API_VENDOR)/redoc.LICENSE && \
	rm -rf $$tmp

screenshots: $(STAMP) $(CHROMIUM) $(CATALOGUES)
	$(BIN)/python scripts/screenshots.py

bench: $(STAMP)
	$(BIN)/python bench/ingest.py

# The report benchmark (docs/benchmarks.md): build both stores, measure, drop the PostgreSQL
# schema. SIZES=--contacts 10000 --transitions 50000 --deals 2000 for a quick run.
SIZES ?=
bench-reports: $(STAMP)
	$(BIN)/python bench/report_data.py --backend sqlite $(SIZES)
	$(BIN)/python bench/report_data.py --backend postgres $(SIZES)
	$(BIN)/python bench/reports.py; status=$$?; \
	$(BIN)/python bench/report_data.py --backend postgres --drop; exit $$status

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
